"""How well and how fast persons are matched across communications.

1. The labelled set of name pairs (``tests/cases/name_pairs.csv``: same and different
   persons, Latin spelling variants and names in Arabic, Persian, Hebrew, Cyrillic,
   Greek, Chinese and other scripts beside their transliterations). All its names are
   matched against each other at once, as ``spcomms persons duplicates`` does, and each
   labelled pair counts as proposed when the matcher returns it at the threshold.
   Prints precision and recall, overall and per script, and at neighbouring thresholds.
2. 12,000 names matched against each other (every pair considered, with blocking and
   ``rapidfuzz.process.cdist`` on two cores): the names come from Faker in eight
   locales (Latin, Arabic, Cyrillic and Chinese scripts), seeded, and one in ten is
   given a variant spelling of another. Prints the seconds, the pairs proposed, how
   many of the planted variants were found, and the peak memory of the process.

3. The same 12,000 names stored as persons (names encrypted) in a fresh SQLite database,
   and in the PostgreSQL database ``spcomms_bench_persons`` when a server answers: the time
   ``spcomms persons duplicates`` and the duplicates page take to read, decrypt and match
   them all, and to propose the persons who may be one given person (a person's file).
"""

from __future__ import annotations

import csv
import os
import random
import time
from collections import defaultdict
from pathlib import Path

from benchmarks.harness import (
    REPOSITORY,
    main_or_measure,
    peak_megabytes,
    run_on_both_databases,
)

PAIRS = REPOSITORY / "tests" / "cases" / "name_pairs.csv"
NAMES = 12_000
VARIANT_SHARE = 0.1
SEED = 0
LOCALES = ("en_US", "es_ES", "fr_FR", "tr_TR", "pt_BR", "ar_AA", "ru_RU", "zh_CN")
COUNTRIES = ("BHR", "CHN", "COL", "EGY", "MEX", "RUS", "TUR", "BRA", "FRA", "ESP")


def _pair_set(path: Path) -> tuple[list[object], list[tuple[int, int, bool, str]]]:
    from spcomms.cases.matching import Record

    records: list[object] = []
    labelled = []
    with path.open(encoding="utf-8") as handle:
        for number, row in enumerate(csv.DictReader(handle)):
            first, second = 2 * number, 2 * number + 1
            records.append(Record(first, row["name_a"], row["country_a"], row["organisation_a"]))
            records.append(Record(second, row["name_b"], row["country_b"], row["organisation_b"]))
            labelled.append((first, second, row["same"] == "1", row["script"]))
    return records, labelled


def _rates(found: set[tuple[int, int]], labelled: list[tuple[int, int, bool, str]]) -> str:
    true_pos = sum(1 for a, b, same, _s in labelled if same and (a, b) in found)
    false_pos = sum(1 for a, b, same, _s in labelled if not same and (a, b) in found)
    same_total = sum(1 for *_ab, same, _s in labelled if same)
    precision = true_pos / (true_pos + false_pos) if true_pos + false_pos else float("nan")
    recall = true_pos / same_total if same_total else float("nan")
    return (
        f"precision {precision:.3f} ({true_pos} of {true_pos + false_pos} proposed), "
        f"recall {recall:.3f} ({true_pos} of {same_total} same-person pairs)"
    )


def measure_pair_set() -> None:
    from spcomms.cases import matching

    records, labelled = _pair_set(PAIRS)
    same = sum(1 for *_ab, flag, _s in labelled if flag)
    print(f"  pair set: {len(labelled)} pairs ({same} same person, {len(labelled) - same} not)")
    lowest = matching.THRESHOLD - 6
    matches = matching.duplicates(records, threshold=lowest)  # type: ignore[arg-type]
    for threshold in (lowest, matching.THRESHOLD - 3, matching.THRESHOLD, matching.THRESHOLD + 3,
                      matching.THRESHOLD + 6):  # fmt: skip
        found = {(m.first, m.second) for m in matches if m.score.total >= threshold}
        mark = "  <- the threshold in use" if threshold == matching.THRESHOLD else ""
        print(f"  at {threshold:.0f}: {_rates(found, labelled)}{mark}")
    found = {(m.first, m.second) for m in matches if m.score.total >= matching.THRESHOLD}
    by_script: dict[str, list[tuple[int, int, bool, str]]] = defaultdict(list)
    for entry in labelled:
        by_script[entry[3] if entry[3] == "latin" else "other scripts"].append(entry)
        if entry[3] in {"arabic", "cyrillic", "chinese"}:
            by_script[entry[3]].append(entry)
    for script in ("latin", "other scripts", "arabic", "cyrillic", "chinese"):
        print(f"    {script}: {_rates(found, by_script[script])}")


def _names() -> tuple[list[object], set[tuple[int, int]]]:
    from faker import Faker

    from spcomms.cases.matching import Record

    rng = random.Random(SEED)  # noqa: S311  # synthetic benchmark names, not a secret
    fakers = [Faker(locale) for locale in LOCALES]
    for number, faker in enumerate(fakers):
        faker.seed_instance(SEED + number)
    records: list[Record] = []
    planted: set[tuple[int, int]] = set()
    originals = int(NAMES * (1 - VARIANT_SHARE))
    for pk in range(originals):
        faker = fakers[pk % len(fakers)]
        name = f"{faker.first_name()} {faker.last_name()}"
        records.append(Record(pk, name, rng.choice(COUNTRIES), ""))
    for pk in range(originals, NAMES):
        source = records[rng.randrange(originals)]
        records.append(Record(pk, _variant(source.name, rng), source.country, ""))
        planted.add((source.id, pk))
    return list(records), planted


def _variant(name: str, rng: random.Random) -> str:
    """Another spelling: the words in the other order, or one letter doubled, dropped
    or swapped for a neighbour, or the name in Latin letters."""
    from anyascii import anyascii

    words = name.split()
    choice = rng.randrange(4)
    if choice == 0 and len(words) > 1:
        return " ".join(reversed(words))
    if choice == 1 and not name.isascii():
        return anyascii(name)
    word = rng.randrange(len(words))
    letters = list(words[word])
    if len(letters) > 3:
        at = rng.randrange(1, len(letters) - 1)
        if choice == 2:
            letters.insert(at, letters[at])
        else:
            letters[at], letters[at + 1] = letters[at + 1], letters[at]
    words[word] = "".join(letters)
    return " ".join(words)


def measure_speed() -> None:
    from spcomms.cases import matching

    records, planted = _names()
    started, cpu = time.perf_counter(), time.process_time()
    matches = matching.duplicates(records, workers=2)  # type: ignore[arg-type]
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    found = {(m.first, m.second) for m in matches}
    recovered = sum(1 for pair in planted if pair in found)
    print(
        f"  {len(records):,} names against each other: {seconds:.2f} s on 2 workers "
        f"({cpu:.2f} s of processor time; load average {os.getloadavg()[0]:.1f}), "
        f"{len(matches):,} pairs proposed, {recovered:,} of {len(planted):,} planted variants "
        f"found; peak memory {peak_megabytes():.0f} MB"
    )


def measure_stored() -> None:
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from spcomms.cases.models import Person, PersonKind
    from spcomms.cases.proposals import proposals, proposals_for
    from spcomms.reference.models import Country
    from spcomms.reference.services import reference_load

    call_command("migrate", verbosity=0)
    reference_load()
    countries = {country.iso3: country for country in Country.objects.filter(iso3__in=COUNTRIES)}
    records, _planted = _names()
    Person.objects.bulk_create(
        [
            Person(kind=PersonKind.INDIVIDUAL, name=record.name, country=countries[record.country])  # type: ignore[attr-defined]
            for record in records
        ],
        batch_size=2000,
    )
    started, cpu = time.perf_counter(), time.process_time()
    found = proposals()
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    one = Person.objects.order_by("-pk").first()
    assert one is not None  # noqa: S101  # created just above
    started, single_cpu = time.perf_counter(), time.process_time()
    proposals_for(one)
    single, single_cpu = time.perf_counter() - started, time.process_time() - single_cpu
    print(
        f"  {connection.display_name}: {len(records):,} stored persons read, decrypted and "
        f"matched in {seconds:.2f} s ({cpu:.2f} s of processor time; {len(found):,} pairs); "
        f"one person's candidates in {single:.2f} s ({single_cpu:.2f} s of processor time); "
        f"load average {os.getloadavg()[0]:.1f}; peak memory {peak_megabytes():.0f} MB",
        flush=True,
    )


def main() -> None:
    measure_pair_set()
    measure_speed()
    run_on_both_databases(
        module="benchmarks.bench_persons",
        database="spcomms_bench_persons",
        scale=1.0,
        prefix="spcomms-bench-persons-",
    )


if __name__ == "__main__":
    main_or_measure(main, measure_stored)
