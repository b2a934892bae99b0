"""How fast ``spcomms import communications`` is, and how much memory it takes.

Generates a JSON file of 45,000 communications naming 120,000 persons (135,000
mentions, with consent, replies, follow-ups and letters to businesses), then
imports it into a fresh temporary SQLite database, and into the PostgreSQL
database ``spcomms_bench_import`` when a server answers (created before and
dropped after). Each database gets the file twice: the first import creates
everything, the second finds everything unchanged. Prints communications per
second and the peak memory of the process. ``SPCOMMS_BENCH_IMPORT_FORMAT=csv``
measures the CSV layout instead (with its replies file).

Each measurement runs in a child process of its own, with its own settings and
database, so that its peak memory is its own.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from benchmarks.harness import CHILD_FLAG, REPOSITORY, peak_megabytes, run_on_both_databases

GENERATE_FLAG = "--generate"
DATA_VARIABLE = "BENCH_IMPORT_DATA"
FORMAT_VARIABLE = "BENCH_IMPORT_FORMAT"
BENCH_DATABASE = "spcomms_bench_import"
SEED = 0
COMMUNICATIONS = 45_000
PERSONS = 120_000
MENTIONS = 135_000
BUSINESSES = 200
STATES = (
    "AFG", "ARE", "ARG", "AZE", "BGD", "BHR", "BLR", "BRA", "CHN", "COL", "CUB", "EGY", "ETH",
    "GTM", "HND", "HUN", "IDN", "IND", "IRN", "IRQ", "ISR", "KAZ", "KEN", "KHM", "LAO", "MAR",
    "MEX", "MMR", "MYS", "NGA", "NIC", "PAK", "PER", "PHL", "PRK", "QAT", "RUS", "SAU", "SDN",
    "SGP", "SYR", "THA", "TJK", "TKM", "TUN", "TUR", "UGA", "UKR", "USA", "UZB", "VEN", "VNM",
    "YEM", "ZWE",
)  # fmt: skip
HOME_STATES = ("CAN", "GBR", "USA", "CHN", "AUS", "FRA", "DEU", "NLD", "CHE", "JPN")
JOINED_MANDATES = (
    "wgad", "wgeid", "sr-freedex", "sr-foaa", "sr-torture", "sr-health", "sr-indigenous",
    "sr-vaw", "sr-environment", "wg-business", "wg-women", "ie-sogi",
)  # fmt: skip
VIOLATIONS = (
    "arbitrary_detention", "torture", "judicial_harassment", "conviction", "killing",
    "enforced_disappearance", "death_threats", "physical_attack", "administrative_harassment",
    "disciplinary_measures", "defamation", "surveillance", "travel_ban", "raid",
    "association_restrictions", "reprisal_un",
)  # fmt: skip
PERPETRATORS = (
    "police", "military", "security_services", "judiciary", "administration", "non_state_actor",
    "business_direct", "business_indirect", "unknown",
)  # fmt: skip
ISSUE_AREAS = (
    "ethnic_minorities", "religious_minorities", "lgbti", "womens_rights", "indigenous_peoples",
    "migrants", "land_environment", "labour_rights", "freedom_of_expression", "democracy",
    "anti_corruption", "impunity", "legal_profession", "health",
)  # fmt: skip
REPLY_CLASSES = (
    "immaterial", "rejected_without_substantiation", "rejected_with_investigation",
    "responsive_incomplete", "steps_taken", "translation_awaited",
)  # fmt: skip
SYLLABLES = (
    "ka", "lo", "mi", "ra", "se", "du", "na", "ti", "vo", "ze", "ba", "ri", "ho", "lu", "me",
    "sa", "to", "ni", "ve", "ya", "go", "fe", "di", "ru", "la", "mo", "ke", "si", "po", "an",
)  # fmt: skip
CSV_HEADER = (
    "reference", "sent_on", "subject", "language", "lead_mandate", "joined_mandates", "states",
    "copied_states", "non_state_actor", "non_state_kind", "non_state_home_state",
    "follow_up_of", "concerns_reprisal", "facts", "concerns", "questions", "norms",
    "person_key", "person_name", "person_kind", "person_gender", "person_country",
    "issue_areas", "violations", "perpetrators", "consent_given_by",
    "consent_transmit_to_state", "consent_public_naming", "consent_written",
    "consent_recorded_on",
)  # fmt: skip
REPLY_HEADER = ("reference", "received_on", "language", "class", "confidential", "person_keys")


def _word(rng: random.Random, parts: int) -> str:
    return "".join(rng.choice(SYLLABLES) for _ in range(parts)).capitalize()


def _addressees(code: str, business: tuple[str, str]) -> list[dict[str, Any]]:
    if code != "OTH":
        return [{"state": code}]
    name, home = business
    return [
        {"non_state_actor": name, "kind": "business", "home_state": home},
        {"state": home, "copy": True},
    ]


def generate(rng: random.Random) -> dict[str, Any]:
    """A plausible organisation's records: every person has a distinct name and key."""
    names: set[str] = set()
    persons: list[dict[str, Any]] = []
    while len(persons) < PERSONS:
        name = f"{_word(rng, 2)} {_word(rng, 3)}"
        if name in names:
            continue
        names.add(name)
        person: dict[str, Any] = {
            "key": f"ORG-{len(persons) + 1:06d}",
            "name": name,
            "kind": "individual" if rng.random() < 0.85 else "organisation",
            "gender": rng.choice(["female", "male", "male", "trans", "not_stated"]),
            "country": rng.choice(STATES),
            "issue_areas": rng.sample(ISSUE_AREAS, rng.randint(0, 2)),
        }
        if rng.random() < 0.7:
            naming = rng.choice(["full", "initials", "withheld"])
            person["consent"] = {
                "given_by": rng.choice(["victim", "family", "lawyer"]),
                "transmit_to_state": True,
                "public_naming": naming,
                "written": rng.random() < 0.5,
                "recorded_on": "2009-06-01",
            }
        persons.append(person)
    order = list(range(PERSONS))
    rng.shuffle(order)
    slots = [rng.randint(1, 5) for _ in range(COMMUNICATIONS)]
    while sum(slots) != MENTIONS:  # mean 3 named persons a letter
        index = rng.randrange(COMMUNICATIONS)
        if sum(slots) > MENTIONS and slots[index] > 1:
            slots[index] -= 1
        elif sum(slots) < MENTIONS and slots[index] < 5:
            slots[index] += 1
    numbers: dict[tuple[str, int], int] = {}
    communications: list[dict[str, Any]] = []
    cursor = 0
    businesses = [
        (f"{_word(rng, 3)} {rng.choice(['Mining', 'Energy', 'Agro'])} plc", rng.choice(HOME_STATES))
        for _ in range(BUSINESSES)
    ]
    for index in range(COMMUNICATIONS):
        year = 2010 + index * 11 // COMMUNICATIONS
        day = dt.date(year, 1, 1) + dt.timedelta(days=(index * 7919) % 360)
        business = rng.random() < 0.03
        code = "OTH" if business else rng.choice(STATES)
        number = numbers.get((code, year), 0) + 1
        numbers[(code, year)] = number
        named: list[dict[str, Any]] = []
        seen: set[int] = set()
        for _ in range(slots[index]):
            chosen = order[cursor] if cursor < PERSONS else rng.randrange(PERSONS)
            cursor += 1
            if chosen in seen:
                continue
            seen.add(chosen)
            mention = {**persons[chosen]}
            mention["violations"] = rng.sample(VIOLATIONS, rng.randint(1, 3))
            mention["perpetrators"] = rng.sample(PERPETRATORS, rng.randint(1, 2))
            named.append(mention)
        first = named[0]["name"]
        others = " and ".join(p["name"] for p in named[1:]) or "colleagues"
        letter: dict[str, Any] = {
            "reference": f"{rng.choice(['UA', 'AL', 'AL', 'OL'])} {code} {number}/{year}",
            "sent_on": day.isoformat(),
            "subject": "Alleged arbitrary detention and harassment of human rights defenders",
            "language": rng.choice(["en", "en", "en", "fr", "es"]),
            "mandates": {
                "lead": "sr-hrd",
                "joined": rng.sample(JOINED_MANDATES, rng.randint(0, 3)),
            },
            "addressees": _addressees(code, rng.choice(businesses)),
            "facts": (
                f"According to the information received, {first} was arrested at home on "
                f"{day.isoformat()} by officers who did not show a warrant. {first} had "
                f"documented land disputes with {others}. Since the arrest, {first} has not "
                "been allowed to see a lawyer or family members, and the place of detention "
                "has not been disclosed."
            ),
            "concerns": (
                f"We express grave concern at the detention of {first}, which appears to be "
                "related to peaceful human rights work."
            ),
            "questions": f"Please provide the legal basis for the arrest of {first}.",
            "norms": "Articles 9, 14, 19 and 22 of the International Covenant on Civil and "
            "Political Rights.",
            "concerns_reprisal": rng.random() < 0.04,
            "persons": named,
        }
        if index > 100 and rng.random() < 0.05:
            earlier = communications[rng.randrange(index - 100, index)]
            if earlier["sent_on"] <= letter["sent_on"]:
                letter["follow_up_of"] = earlier["reference"]
        if rng.random() < 0.55:
            letter["replies"] = [
                {
                    "received_on": (day + dt.timedelta(days=rng.randint(20, 120))).isoformat(),
                    "language": rng.choice(["en", "fr", "es", "ru", "ar", "zh"]),
                    "class": rng.choice(REPLY_CLASSES),
                    "persons": [p["key"] for p in named if rng.random() < 0.6],
                }
            ]
        else:
            letter["replies"] = []
        communications.append(letter)
    return {"communications": communications}


def write_json(document: dict[str, Any], path: Path) -> None:
    path.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")


def _flag(value: object) -> str:
    return "" if value is None else str(value).lower()


def _csv_rows(letter: dict[str, Any]) -> list[list[str]]:
    addressees = letter["addressees"]
    actor: dict[str, str] = next((a for a in addressees if "non_state_actor" in a), {})
    shared = [
        letter["reference"],
        letter["sent_on"],
        letter["subject"],
        letter["language"],
        letter["mandates"]["lead"],
        ";".join(letter["mandates"]["joined"]),
        ";".join(a["state"] for a in addressees if "state" in a and not a.get("copy")),
        ";".join(a["state"] for a in addressees if a.get("copy")),
        actor.get("non_state_actor", ""),
        actor.get("kind", ""),
        actor.get("home_state", ""),
        letter.get("follow_up_of", ""),
        _flag(letter["concerns_reprisal"]),
        letter["facts"],
        letter["concerns"],
        letter["questions"],
        letter["norms"],
    ]
    rows = []
    for person in letter["persons"]:
        consent = person.get("consent", {})
        rows.append(
            [
                *shared,
                person["key"],
                person["name"],
                person["kind"],
                person["gender"],
                person["country"],
                ";".join(person["issue_areas"]),
                ";".join(person["violations"]),
                ";".join(person["perpetrators"]),
                consent.get("given_by", ""),
                _flag(consent.get("transmit_to_state")),
                consent.get("public_naming", ""),
                _flag(consent.get("written")),
                consent.get("recorded_on", ""),
            ]
        )
    return rows


def write_csv(document: dict[str, Any], path: Path, replies: Path) -> None:
    """The same records in the CSV layout: one row per named person, replies apart."""
    with (
        path.open("w", encoding="utf-8", newline="") as handle,
        replies.open("w", encoding="utf-8", newline="") as reply_handle,
    ):
        rows, reply_rows = csv.writer(handle), csv.writer(reply_handle)
        rows.writerow(CSV_HEADER)
        reply_rows.writerow(REPLY_HEADER)
        for letter in document["communications"]:
            rows.writerows(_csv_rows(letter))
            reply_rows.writerows(
                [
                    letter["reference"],
                    reply["received_on"],
                    reply["language"],
                    reply["class"],
                    "false",
                    ";".join(reply["persons"]),
                ]
                for reply in letter["replies"]
            )


def file_format() -> str:
    return os.environ.get(FORMAT_VARIABLE) or os.environ.get("SPCOMMS_BENCH_IMPORT_FORMAT", "json")


def _files(folder: Path) -> tuple[Path, Path | None]:
    if file_format() == "csv":
        return folder / "communications.csv", folder / "replies.csv"
    return folder / "communications.json", None


@contextmanager
def _environment(**values: str) -> Iterator[None]:
    """Set variables for the child processes, and put the old values back."""
    old = {name: os.environ.get(name) for name in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for name, value in old.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def main() -> None:
    with (
        tempfile.TemporaryDirectory(prefix="spcomms-bench-import-data-") as data,
        # The harness hands the children no SPCOMMS_ variable; these two are the
        # benchmark's own.
        _environment(**{DATA_VARIABLE: data, FORMAT_VARIABLE: file_format()}),
    ):
        # Generated in a process of its own, so that its memory is not counted as the import's.
        subprocess.run(  # noqa: S603  # our own interpreter running this module
            [sys.executable, "-m", "benchmarks.bench_import", GENERATE_FLAG],
            cwd=REPOSITORY,
            check=True,
        )
        run_on_both_databases(
            module="benchmarks.bench_import",
            database=BENCH_DATABASE,
            scale=1,
            prefix="spcomms-bench-import-",
        )


def write_files() -> None:
    folder = Path(os.environ[DATA_VARIABLE])
    document = generate(random.Random(SEED))  # noqa: S311  # reproducible synthetic data, not secrets
    path, replies = _files(folder)
    if replies is not None:
        write_csv(document, path, replies)
    else:
        write_json(document, path)


def measure() -> None:
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from spcomms.communications.importing.services import communications_import
    from spcomms.reference.services import reference_load

    call_command("migrate", verbosity=0)
    reference_load()
    path, replies = _files(Path(os.environ[DATA_VARIABLE]))
    size = path.stat().st_size + (replies.stat().st_size if replies else 0)
    baseline = peak_megabytes()
    load = ", ".join(f"{value:.1f}" for value in os.getloadavg())
    print(
        f"  communications import ({file_format().upper()}, {size / 1e6:.0f} MB) into a fresh "
        f"{connection.display_name} database (load average {load}: other work on the "
        "machine slows the import down)",
        flush=True,
    )
    for label in ("first import", "again (unchanged)"):
        started = time.perf_counter()
        report = communications_import(path=path, replies=replies)
        seconds = time.perf_counter() - started
        counts = report.communications
        total = counts.created + counts.updated + counts.unchanged
        persons = report.persons.created + report.persons.updated + report.persons.unchanged
        print(
            f"    {label:<18} {total:,} communications ({counts.created:,} created, "
            f"{counts.unchanged:,} unchanged), {persons:,} persons, {report.named:,} named, "
            f"{report.replies or 0:,} replies in {seconds:.1f} s: "
            f"{total / seconds:,.0f} communications/s",
            flush=True,
        )
    print(
        f"    peak memory (max RSS): {peak_megabytes():.0f} MB "
        f"(after migrate and reference data: {baseline:.0f} MB)",
        flush=True,
    )


if __name__ == "__main__":
    if CHILD_FLAG in sys.argv[1:]:
        measure()
    elif GENERATE_FLAG in sys.argv[1:]:
        write_files()
    else:
        main()
