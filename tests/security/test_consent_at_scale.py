"""Redaction and consent at scale (issue 7): an attacker reads everything spcomms makes
public, looking for a defender whose name was withheld, or for whoever reported them.

One seeded world of ``SPCOMMS_CONSENT_PERSONS`` persons (10,000 unless told otherwise;
``SPCOMMS_CONSENT_SEED`` picks another world) is built through bulk inserts and the
services (sources' submissions, case files, merges and their undoing), with every
combination of the consent fields, histories of consent with revoked records, persons
named in published, confidential, withheld, draft and abandoned communications, staff
texts that name people outright (in the letter and in its subject), reprisal
allegations and sources with accounts. Then every public output is collected: every page
reached from the home page, every communication, State, mandate and report page, the
reports' PDFs (their text read back with pypdf), the CSV and JSON downloads, every page of
the API, the public reprisals page and its API, the reprisals export, the research
dataset, ``spcomms report`` and the researchers' statistics pages. Each name is a
unique marker (Latin, accented, Cyrillic, Greek, Arabic, Hebrew, Armenian, Georgian, Han
and Hangul scripts, some with HTML-special characters), found in raw, HTML-unescaped,
percent-decoded and JSON-unescaped text, case- and accent-folded.

A smaller hypothesis property builds many tiny worlds and shrinks a failure to the
fewest persons, consents and merges that show it.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import html
import io
import itertools
import json
import os
import random
import re
import unicodedata
import urllib.parse
import uuid
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from unittest import mock

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.db import transaction
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pypdf import PdfReader

from spcomms.accounts.models import Role, SourceOrganisation, User
from spcomms.cases.models import (
    ConsentGiver,
    ConsentRecord,
    Person,
    PersonKind,
    PublicNaming,
)
from spcomms.cases.services import PersonError, person_merge, person_merge_undo
from spcomms.communications.documents import letter_pdf
from spcomms.communications.letters import initials, placeholder
from spcomms.communications.models import (
    DEFAULT_REPLY_DAYS,
    Addressee,
    Communication,
    CommunicationMandate,
    CommunicationPerson,
    CommunicationStatus,
    CommunicationType,
    Reply,
)
from spcomms.intake.models import SenderKind
from spcomms.intake.services import (
    SubmissionAnswers,
    VictimAnswers,
    decision_open_case_file,
    submission_create,
)
from spcomms.publication import mirror, report_views
from spcomms.publication.records import reference_slug
from spcomms.reference.models import Country, Mandate, ReplyClass, ViolationType
from spcomms.reference.services import reference_load
from spcomms.reprisals.models import Cooperation, ReprisalAllegation, ReprisalStatus
from tests import factories

PERSONS = int(os.environ.get("SPCOMMS_CONSENT_PERSONS", "10000"))
SEED = int(os.environ.get("SPCOMMS_CONSENT_SEED", "20261126"))
DIGITS = max(5, len(str(PERSONS)))
EXPORT_YEAR = 2016
# The API's list pages carry every published communication; one in DETAIL_EVERY is also
# read through its own address (the same record, built by the same function).
DETAIL_EVERY = 10

# Each word of a name is PREFIX + the person's number + SUFFIX. The prefixes never
# occur in ordinary text, so finding one followed by digits is finding a name.
SCRIPTS: dict[str, tuple[tuple[str, str], tuple[str, str]]] = {
    "latin": (("Qzv", "k"), ("Wyx", "j")),
    "accented": (("Ñéžq", "ç"), ("Øåþw", "ü")),
    "cyrillic": (("Жщю", "ы"), ("Фъэ", "ь")),
    "greek": (("Ψξζ", "ω"), ("Θφχ", "λ")),
    "arabic": (("ظغض", "ث"), ("خذص", "ق")),
    "hebrew": (("צץק", "ש"), ("טגב", "ד")),
    "armenian": (("Ֆքժ", "ղ"), ("Ճծխ", "շ")),
    "georgian": (("ჟღყ", "ძ"), ("ჭწხ", "ჰ")),
    "han": (("龘靐", "齉"), ("爩鬱", "灪")),
    "hangul": (("뷁똠", "퀭"), ("읆홾", "쮸")),
}
SOURCE_PREFIXES = {"sender": "Snmq", "contact": "sctq", "organisation": "Sorq"}
NAMING_ORDER = {PublicNaming.WITHHELD: 0, PublicNaming.INITIALS: 1, PublicNaming.FULL: 2}
# When a page holds a character no font can draw (Han, Hangul here), WeasyPrint's fonts
# no longer map back to text for pypdf, except for these scripts; the HTML each PDF is
# made from is checked in full as well.
PDF_READABLE = {"latin", "accented", "arabic", "hebrew"}
COUNTRIES = ("COL", "MEX", "PHL", "EGY", "CHN", "RUS", "IND", "BRA", "TUR", "IRN", "GTM", "HND")
UTC = dt.UTC

pytestmark = pytest.mark.django_db


def fold(text: str) -> str:
    """Case- and accent-folded, as the redaction guard compares."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return _COMBINING.sub("", decomposed)


_COMBINING = re.compile(r"[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]")
_JSON_ESCAPE = re.compile(r"\\u([0-9a-fA-F]{4})")
_PERSON_PREFIXES = {
    fold(prefix): script for script, words in SCRIPTS.items() for prefix, _ in words
}
_MARKER = re.compile(
    "("
    + "|".join(
        re.escape(prefix)
        for prefix in sorted(
            [*_PERSON_PREFIXES, *(fold(p) for p in SOURCE_PREFIXES.values())],
            key=len,
            reverse=True,
        )
    )
    + rf")(\d{{{DIGITS}}})"
)
_MARKER_RTL = re.compile(
    rf"(\d{{{DIGITS}}})(?:"
    + "|".join(
        re.escape(fold(prefix)) for script in ("arabic", "hebrew") for prefix, _ in SCRIPTS[script]
    )
    + ")"
)
_SQUEEZE = re.compile(r"[\s\x00-\x1f\u200b-\u200f\u2066-\u2069]+")
_SOURCE_PREFIXES = {fold(prefix): kind for kind, prefix in SOURCE_PREFIXES.items()}


def person_name(number: int, script: str, *, special: bool) -> str:
    """A unique, unmistakable name; ``special`` wraps it in characters HTML escapes."""
    (first, first_end), (last, last_end) = SCRIPTS[script]
    given = f"{first}{number:0{DIGITS}d}{first_end}"
    family = f"{last}{number:0{DIGITS}d}{last_end}"
    if special:
        return f'O\'{given} <b>& "{family}"</b>'
    return f"{given} {family}"


def source_token(kind: str, number: int) -> str:
    return f"{SOURCE_PREFIXES[kind]}{number:0{DIGITS}d}"


def views_of(text: str) -> str:
    """The text as a reader could decode it: raw, HTML-unescaped, percent-decoded and with
    JSON's \\u escapes read, all folded; an escaped or encoded name is still a name."""
    views = [text]
    if "&" in text:
        views.append(html.unescape(text))
    if "%" in text:
        views.append(urllib.parse.unquote(text))
    if "\\u" in text:
        views.append(_JSON_ESCAPE.sub(lambda m: chr(int(m.group(1), 16)), text))
    return fold("\n".join(views))


@dataclass
class Found:
    persons: set[int] = field(default_factory=set)
    sources: set[str] = field(default_factory=set)


def markers_in(text: str) -> Found:
    """The persons (by number) and source tokens whose markers appear in ``text``."""
    found = Found()
    folded = views_of(text)
    # PDF text may break a word with spaces or NULs, and gives right-to-left names in
    # visual order (the digits before the letters); both are read here too.
    squeezed = _SQUEEZE.sub("", folded)
    for view in (folded, squeezed):
        for prefix, digits in _MARKER.findall(view):
            kind = _SOURCE_PREFIXES.get(prefix)
            if kind is None:
                found.persons.add(int(digits))
            else:
                found.sources.add(f"{kind}:{int(digits)}")
    found.persons.update(int(digits) for digits in _MARKER_RTL.findall(squeezed))
    return found


# The world ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Consent:
    given_by: str
    written: bool
    transmit: bool
    naming: str


def consent_combinations() -> list[Consent | None]:
    """Every valid combination of the consent fields, and no consent at all."""
    combos: list[Consent | None] = [None]
    for giver, written, naming in itertools.product(
        ConsentGiver.values, (False, True), PublicNaming.values
    ):
        for transmit in (False, True) if naming == PublicNaming.WITHHELD else (True,):
            combos.append(Consent(giver, written, transmit, naming))
    return combos


@dataclass
class World:
    persons: int = 0
    naming: dict[int, str] = field(default_factory=dict)  # as the oracle computes it
    script: dict[int, str] = field(default_factory=dict)
    published_named: set[int] = field(default_factory=set)
    exported_persons: set[int] = field(default_factory=set)
    combos_seen: set[Consent | None] = field(default_factory=set)
    published_slugs: list[str] = field(default_factory=list)
    states: set[str] = field(default_factory=set)
    source_tokens: set[str] = field(default_factory=set)
    receipt_codes: list[str] = field(default_factory=list)
    merges: int = 0
    merges_undone: int = 0
    guard_trips_planted: int = 0
    subjects_naming: int = 0


@dataclass
class Outputs:
    """Every public output, as (label, text), grouped by who may be named in it."""

    public: list[tuple[str, str]] = field(default_factory=list)
    communication_pages: list[tuple[str, str]] = field(default_factory=list)
    report_pdfs: list[tuple[str, str]] = field(default_factory=list)
    report_pdf_html: list[tuple[str, str]] = field(default_factory=list)  # given to WeasyPrint
    reprisals_export: list[tuple[str, str]] = field(default_factory=list)
    nameless: list[tuple[str, str]] = field(default_factory=list)  # counts and datasets

    def everything(self) -> Iterator[tuple[str, str]]:
        yield from self.public
        yield from self.communication_pages
        yield from self.report_pdfs
        yield from self.report_pdf_html
        yield from self.reprisals_export
        yield from self.nameless


def _at(rng: random.Random, start: dt.date, end: dt.date) -> dt.datetime:
    days = (end - start).days
    day = start + dt.timedelta(days=rng.randrange(days + 1))
    return dt.datetime(day.year, day.month, day.day, rng.randrange(8, 18), tzinfo=UTC)


class _Merges:
    """Union-find over the merges that stand, for the oracle's strictest consent."""

    def __init__(self) -> None:
        self.parent: dict[int, int] = {}

    def find(self, number: int) -> int:
        while self.parent.get(number, number) != number:
            number = self.parent[number]
        return number

    def union(self, first: int, second: int) -> None:
        self.parent[self.find(first)] = self.find(second)


def build_world(rng: random.Random, actor: User) -> World:
    """The seeded world, one script read top to bottom; ``World`` keeps what the oracle
    needs: each person's public naming after merges, and who is named where."""
    world = World()
    combos = consent_combinations()
    countries = {c.iso3: c for c in Country.objects.filter(iso3__in=COUNTRIES)}
    mandates = list(Mandate.objects.order_by("code")[:8])
    reply_classes = list(ReplyClass.objects.all())
    violations = list(ViolationType.objects.all()[:6])
    scripts = list(SCRIPTS)
    own_naming: dict[int, str] = {}
    number_of: dict[int, int] = {}  # person pk -> number
    special_every = 13

    def plan_consent(number: int) -> list[tuple[Consent, dt.datetime, dt.datetime | None]]:
        main = combos[number] if number < len(combos) else rng.choice(combos)
        world.combos_seen.add(main)
        records: list[tuple[Consent, dt.datetime, dt.datetime | None]] = []
        if main is not None:
            records.append((main, dt.datetime(2014, 6, 1, tzinfo=UTC), None))
        if rng.random() < 0.25:  # an older record that no longer counts
            older = rng.choice(combos[1:])
            assert older is not None
            records.append((older, dt.datetime(2013, 3, 1, tzinfo=UTC), None))
        if rng.random() < 0.12:  # a newer record, revoked
            newer = rng.choice(combos[1:])
            assert newer is not None
            records.append(
                (
                    newer,
                    dt.datetime(2014, 9, 1, tzinfo=UTC),
                    dt.datetime(2014, 10, 1, tzinfo=UTC),
                )
            )
        standing = [r for r in records if r[2] is None]
        current = max(standing, key=lambda r: r[1], default=None)
        own_naming[number] = current[0].naming if current else PublicNaming.WITHHELD
        return records

    # Sources: submissions through the intake service, case files through triage.
    sources = max(6, PERSONS // 400)
    victims_total = 0
    case_files = []
    for source in range(sources):
        account = None
        if source % 3 == 0:
            account = User.objects.create(
                username=f"source-account-{source}", role=Role.SOURCE, is_active=True
            )
            SourceOrganisation.objects.create(
                user=account, name=f"{source_token('organisation', source)} Defenders Trust"
            )
            world.source_tokens.add(f"organisation:{source}")
        victims = []
        for _victim in range(rng.randint(1, 3)):
            number = victims_total
            victims_total += 1
            given = combos[number] if number < len(combos) else rng.choice(combos)
            world.combos_seen.add(given)
            own_naming[number] = given.naming if given else PublicNaming.WITHHELD
            world.script[number] = rng.choice(scripts)
            victims.append(
                VictimAnswers(
                    name=person_name(number, world.script[number], special=number % 7 == 3),
                    kind=PersonKind.INDIVIDUAL,
                    consent_given_by=given.given_by if given else "",
                    consent_transmit=given.transmit if given else False,
                    consent_public=given.naming if given else PublicNaming.WITHHELD,
                    consent_written=given.written if given else False,
                )
            )
        receipt = submission_create(
            answers=SubmissionAnswers(
                sender_kind=rng.choice(
                    [SenderKind.SELF, SenderKind.ORGANISATION, SenderKind.THROUGH_ORGANISATION]
                ),
                sender_name=f"{source_token('sender', source)} Rapporteur-Friend",
                sender_contact=f"{source_token('contact', source)}@example.org",
                country=countries[rng.choice(COUNTRIES)],
                facts="Detained after speaking to the experts.",
            ),
            victims=victims,
            source_account=account,
        )
        world.source_tokens.update({f"sender:{source}", f"contact:{source}"})
        world.receipt_codes.append(receipt.code)
        case_files.append(decision_open_case_file(actor=actor, submission=receipt.submission))
    for case_file in case_files:
        for person in case_file.persons.all():
            number_of[person.pk] = int(_MARKER.findall(fold(person.name))[0][1])

    # The other persons, in bulk, each with a planned history of consent.
    people = []
    histories = {}
    for number in range(victims_total, PERSONS):
        histories[number] = plan_consent(number)
        world.script[number] = rng.choice(scripts)
        people.append(
            Person(
                kind=rng.choices(PersonKind.values, weights=(70, 15, 10, 5))[0],
                name=person_name(number, world.script[number], special=number % special_every == 5),
                country=countries[rng.choice(COUNTRIES)],
            )
        )
    created = Person.objects.bulk_create(people, batch_size=1000)
    records = []
    for number, person in zip(range(victims_total, PERSONS), created, strict=True):
        number_of[person.pk] = number
        for consent, recorded, revoked in histories[number]:
            records.append(
                ConsentRecord(
                    person=person,
                    given_by=consent.given_by,
                    written=consent.written,
                    transmit_to_state=consent.transmit,
                    public_naming=consent.naming,
                    recorded_at=recorded,
                    revoked_at=revoked,
                )
            )
    ConsentRecord.objects.bulk_create(records, batch_size=1000)
    world.persons = Person.objects.count()
    by_number = {number: pk for pk, number in number_of.items()}
    keys = dict(Person.objects.values_list("pk", "key"))
    name_cache: dict[int, str] = {}

    def raw_name(number: int) -> str:
        if number not in name_cache:
            name_cache[number] = str(Person.objects.get(pk=by_number[number]).name)
        return name_cache[number]

    # Communications in every public state, each naming a few persons.
    count = max(40, PERSONS // 20)
    states: list[str] = []
    for position in range(count):
        roll = rng.random()
        states.append(
            "published"
            if roll < 0.74
            else "confidential"
            if roll < 0.82
            else "withheld"
            if roll < 0.89
            else "draft"
            if roll < 0.95
            else "abandoned"
        )
        if position < 5:
            states[-1] = ("published", "confidential", "withheld", "draft", "abandoned")[position]
    named: dict[int, list[int]] = defaultdict(list)  # communication position -> numbers
    for number in range(PERSONS):
        mentions = rng.choices((0, 1, 2, 3), weights=(20, 60, 15, 5))[0]
        for position in rng.sample(range(count), mentions):
            named[position].append(number)
    numbers_by_code_year: dict[tuple[str, int], itertools.count[int]] = defaultdict(
        lambda: itertools.count(1)
    )
    now = dt.datetime.now(tz=UTC)
    plans = []
    for position in range(count):
        state = states[position]
        iso3 = rng.choice(COUNTRIES)
        kind = rng.choice(CommunicationType.values)
        sent_at: dt.datetime | None
        if state in {"draft", "abandoned"}:
            sent_at = None
        elif state == "confidential":
            sent_at = now - dt.timedelta(days=rng.randrange(1, 50))
        else:
            sent_at = _at(rng, dt.date(2015, 6, 1), dt.date(2016, 5, 31))
        numbers = named[position]
        facts = " ".join(
            f"{placeholder_for(keys[by_number[n]])} was detained on arrival." for n in numbers
        )
        concerns = (
            f"Grave concern for {placeholder_for(keys[by_number[numbers[0]]])}." if numbers else ""
        )
        subject = "Situation of human rights defenders"
        if numbers and rng.random() < 0.05:  # staff wrote a name outright in the letter
            facts += f" Witnesses saw {raw_name(rng.choice(numbers))} taken away."
            world.guard_trips_planted += 1
        if numbers and rng.random() < 0.03:  # ... or in the subject, meant to name no one
            subject = f"Situation of {raw_name(rng.choice(numbers))}"
            world.subjects_naming += 1
        status = (
            CommunicationStatus.DRAFT
            if state == "draft"
            else CommunicationStatus.ABANDONED
            if state == "abandoned"
            else CommunicationStatus.SENT
        )
        number = next(numbers_by_code_year[(iso3, sent_at.year)]) if sent_at else None
        plans.append(
            Communication(
                type=kind,
                subject=subject,
                status=status,
                sent_at=sent_at,
                reply_due_at=sent_at + dt.timedelta(days=DEFAULT_REPLY_DAYS) if sent_at else None,
                ref_code=iso3 if sent_at else None,
                ref_number=number,
                ref_year=sent_at.year if sent_at else None,
                facts=facts,
                concerns=concerns,
                questions="Please explain the legal basis of the measures taken.",
                norms="Declaration on Human Rights Defenders, article 12.",
                withheld=state == "withheld",
                withheld_reason="Risk to the persons named." if state == "withheld" else "",
            )
        )
    communications = Communication.objects.bulk_create(plans, batch_size=500)
    links = []
    mandate_links = []
    addressees = []
    replies = []
    for position, communication in enumerate(communications):
        lead, *others = rng.sample(mandates, rng.randint(1, 3))
        mandate_links.append(
            CommunicationMandate(communication=communication, mandate=lead, is_lead=True)
        )
        mandate_links.extend(
            CommunicationMandate(communication=communication, mandate=m) for m in others
        )
        iso3 = communication.ref_code or rng.choice(COUNTRIES)
        addressees.append(Addressee(communication=communication, country=countries[iso3]))
        links.extend(
            CommunicationPerson(communication=communication, person_id=by_number[n])
            for n in named[position]
        )
        if states[position] == "published":
            world.published_named.update(named[position])
            world.states.add(iso3)
            if communication.sent_at is not None and rng.random() < 0.4:
                replies.append(
                    Reply(
                        communication=communication,
                        received_on=(communication.sent_at + dt.timedelta(days=40)).date(),
                        language="en",
                        reply_class=rng.choice(reply_classes),
                        confidential=rng.random() < 0.2,
                    )
                )
    CommunicationMandate.objects.bulk_create(mandate_links, batch_size=1000)
    Addressee.objects.bulk_create(addressees, batch_size=1000)
    created_links = CommunicationPerson.objects.bulk_create(links, batch_size=1000)
    Reply.objects.bulk_create(replies, batch_size=1000)
    through = CommunicationPerson.violations.through
    through.objects.bulk_create(
        [
            through(communicationperson_id=link.pk, violationtype_id=rng.choice(violations).pk)
            for link in created_links
            if rng.random() < 0.5
        ],
        batch_size=1000,
    )
    published = [c for c, s in zip(communications, states, strict=True) if s == "published"]
    world.published_slugs = [
        f"{c.type}-{c.ref_code}-{c.ref_number}-{c.ref_year}".lower() for c in published
    ]
    for case_file, communication in zip(
        case_files, rng.sample(published, len(case_files)), strict=True
    ):
        communication.case_files.add(case_file)

    # Merges through the service, a few undone at once; the oracle follows them.
    standing = _Merges()
    tried = 0
    while world.merges < max(10, PERSONS // 50) and tried < PERSONS:
        tried += 1
        survivor_n, absorbed_n = rng.sample(range(PERSONS), 2)
        try:
            merge = person_merge(
                actor=actor,
                survivor=Person(pk=by_number[survivor_n]),
                absorbed=Person(pk=by_number[absorbed_n]),
            )
        except PersonError:
            continue
        if world.merges_undone == 0 or rng.random() < 0.15:
            person_merge_undo(actor=actor, merge=merge)
            world.merges_undone += 1
            continue
        world.merges += 1
        standing.union(absorbed_n, survivor_n)
    strictest: dict[int, str] = {}
    for number in range(PERSONS):
        root = standing.find(number)
        mine = own_naming[number]
        if root not in strictest or NAMING_ORDER[mine] < NAMING_ORDER[strictest[root]]:
            strictest[root] = mine
    world.naming = {number: strictest[standing.find(number)] for number in range(PERSONS)}

    # Reprisal allegations, some from sources' submissions, summaries that name people.
    submissions = [case_file.submission for case_file in case_files]
    allegations = []
    for position in range(max(20, PERSONS // 40)):
        number = rng.randrange(PERSONS) if rng.random() < 0.7 else None
        submission = rng.choice(submissions) if rng.random() < 0.25 else None
        summary = "Threatened after cooperating with the experts."
        if number is not None and rng.random() < 0.5:
            summary = f"{raw_name(number)} was threatened after cooperating with the experts."
        if submission is not None and rng.random() < 0.5:
            summary += f" Reported by {submission.sender_name}."
        reported = _at(rng, dt.date(2015, 1, 1), dt.date(2016, 12, 31)).date()
        status = rng.choice(ReprisalStatus.values)
        marked = EXPORT_YEAR if rng.random() < 0.15 else None
        allegations.append(
            ReprisalAllegation(
                person_id=by_number[number] if number is not None else None,
                subject_kind=rng.choice(PersonKind.values),
                country=countries[rng.choice(COUNTRIES)],
                reported_on=reported,
                cooperation=rng.choice(Cooperation.values),
                submission=submission,
                communication=rng.choice(published) if position % 2 else None,
                action_communication=rng.choice(communications) if position % 3 == 0 else None,
                summary=summary,
                description=f"Internal: {summary}",
                government_response=(
                    f"The Government denies that {raw_name(number)} was targeted."
                    if number is not None and position % 5 == 0
                    else ""
                ),
                status=status,
                sg_report_year=marked,
            )
        )
        exported = (
            reported.year == EXPORT_YEAR and status != ReprisalStatus.ALLEGED
        ) or marked == EXPORT_YEAR
        if exported and number is not None:
            world.exported_persons.add(number)
    ReprisalAllegation.objects.bulk_create(allegations, batch_size=500)
    return world


def placeholder_for(key: uuid.UUID) -> str:
    """``letters.placeholder`` from the key alone, for persons inserted in bulk."""
    return f"[[person:{key.hex}]]"


# Collecting every public output ---------------------------------------------------------

PUBLIC_PREFIXES = (
    "/communications/",
    "/states/",
    "/mandates/",
    "/reports/",
    "/reprisals/",
    "/statistics/",
    "/api/v1/",
)
_HREF = re.compile(r'href="([^"#]+)')
_COMMUNICATION_PAGE = re.compile(r"^/communications/[a-z]{2}-[a-z]{3}-[0-9]+-[0-9]{4}/$")


def _text(response: object) -> str:
    content = (
        b"".join(response.streaming_content)
        if getattr(response, "streaming", False)
        else response.content
    )  # type: ignore[attr-defined]
    return content.decode("utf-8")


def _pdf_text(content: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


@contextlib.contextmanager
def _capturing_pdf_html(outputs: Outputs) -> Iterator[None]:
    """Keep the HTML each report PDF is made from: pypdf cannot read back every script."""
    original = report_views.letter_pdf

    def kept(*, html: str) -> bytes:
        outputs.report_pdf_html.append(("HTML of a report PDF", html))
        return original(html=html)

    with mock.patch.object(report_views, "letter_pdf", kept):
        yield


def crawl(client: Client, outputs: Outputs, world: World) -> set[str]:
    """Every public page reached by following links from the home page and the index
    pages; a search page is followed by its page numbers only (not every facet)."""
    seen: set[str] = set()
    queue = ["/", "/communications/", "/reports/hrc/", "/reprisals/", "/statistics/"]
    queue += ["/communications/download.csv", "/communications/download.json"]
    queue += [f"/communications/{slug}/" for slug in world.published_slugs]
    queue += [f"/states/{iso3}/" for iso3 in sorted(world.states)]
    while queue:
        address = queue.pop()
        if address in seen:
            continue
        seen.add(address)
        response = client.get(address)
        assert response.status_code == 200, address
        if address.endswith(".pdf"):
            outputs.report_pdfs.append((address, _pdf_text(response.content)))
            continue
        text = _text(response)
        if _COMMUNICATION_PAGE.match(address):
            outputs.communication_pages.append((address, text))
        else:
            outputs.public.append((address, text))
        if not response.get("Content-Type", "").startswith("text/html"):
            continue
        for link in _HREF.findall(text):
            link = html.unescape(link)
            path, _sep, query = link.partition("?")
            if not path.startswith(PUBLIC_PREFIXES) and path != "/":
                continue
            if query:
                params = urllib.parse.parse_qs(query)
                if path != "/communications/" or set(params) - {"page", "q", "sort"}:
                    continue
                if params.get("q") or params.get("sort", ["newest"]) != ["newest"]:
                    continue
                link = f"{path}?page={params.get('page', ['1'])[0]}"
            if link not in seen:
                queue.append(link)
    return seen


def collect_api(client: Client, outputs: Outputs, world: World) -> None:
    address: str | None = "/api/v1/communications?limit=100&page=1"
    items = 0
    while address:
        response = client.get(address)
        assert response.status_code == 200, address
        text = _text(response)
        outputs.public.append((address, text))
        page = json.loads(text)
        items += len(page["items"])
        address = page["next"]
    assert items == len(world.published_slugs)
    for slug in world.published_slugs[::DETAIL_EVERY]:
        address = f"/api/v1/communications/{slug}"
        response = client.get(address)
        assert response.status_code == 200, address
        outputs.public.append((address, _text(response)))
    for address in [
        "/api/v1/facets",
        "/api/v1/reprisals",
        "/api/v1/openapi.json",
        *(f"/api/v1/states/{iso3}" for iso3 in sorted(world.states)),
    ]:
        response = client.get(address)
        assert response.status_code == 200, address
        outputs.public.append((address, _text(response)))


def collect_commands(outputs: Outputs, work: Path) -> None:
    export_csv = work / "reprisals.csv"
    export_html = work / "reprisals.html"
    call_command(
        "reprisals_export",
        "--year",
        str(EXPORT_YEAR),
        "--out",
        str(export_csv),
        stdout=io.StringIO(),
    )
    call_command(
        "reprisals_export",
        "--year",
        str(EXPORT_YEAR),
        "--out",
        str(export_html),
        "--format",
        "html",
        stdout=io.StringIO(),
    )
    outputs.reprisals_export.append(("spcomms reprisals export (csv)", export_csv.read_text()))
    outputs.reprisals_export.append(("spcomms reprisals export (html)", export_html.read_text()))
    dataset = work / "cases.csv"
    call_command(
        "dataset_cases",
        "--out",
        str(dataset),
        "--from",
        "2015-01-01",
        "--to",
        "2016-12-31",
        stdout=io.StringIO(),
        stderr=io.StringIO(),
    )
    for written in sorted(work.glob("cases*.csv")):
        outputs.nameless.append((f"spcomms dataset cases ({written.name})", written.read_text()))
    report = work / "report.html"
    call_command(
        "report",
        "--out",
        str(report),
        "--from",
        "2015-01-01",
        "--to",
        "2016-12-31",
        stdout=io.StringIO(),
        stderr=io.StringIO(),
    )
    outputs.nameless.append(("spcomms report (html)", report.read_text()))


def collect_research(outputs: Outputs) -> None:
    researcher = User.objects.create(username="consent-researcher", role=Role.RESEARCHER)
    client = Client()
    client.force_login(researcher)
    period = "?from=2015-01-01&to=2016-12-31"
    page = client.get("/staff/communications/statistics/" + period)
    assert page.status_code == 200
    text = _text(page)
    outputs.nameless.append(("research statistics page", text))
    for link in sorted(
        set(re.findall(r'href="(/staff/communications/statistics/[^"]+\.csv[^"]*)"', text))
    ):
        response = client.get(html.unescape(link))
        assert response.status_code == 200, link
        outputs.nameless.append((link, _text(response)))


def collect_searches(client: Client, world: World) -> dict[int, int]:
    """How many communications a public search for one word of a person's name finds, for
    a sample of persons named in published communications, hidden or not."""
    sample = sorted(world.published_named)[:: max(1, len(world.published_named) // 120)]
    found = {}
    for number in sample:
        (prefix, suffix), _family = SCRIPTS[world.script[number]]
        word = f"{prefix}{number:0{DIGITS}d}{suffix}"
        response = client.get("/api/v1/communications", {"q": word})
        assert response.status_code == 200
        found[number] = response.json()["count"]
    return found


@dataclass
class Collected:
    world: World
    outputs: Outputs
    visited: set[str]
    searches: dict[int, int]


@pytest.fixture(scope="module")
def collected(
    django_db_setup: None, django_db_blocker: object, tmp_path_factory: pytest.TempPathFactory
) -> Collected:
    """The world built once for this module, every output collected, then rolled back."""
    work = tmp_path_factory.mktemp("consent")
    with django_db_blocker.unblock(), transaction.atomic():  # type: ignore[attr-defined]
        cache.clear()
        mirror._current = None
        reference_load()
        actor = User.objects.create(
            username="consent-officer", role=Role.SECRETARIAT, is_staff=True
        )
        world = build_world(random.Random(SEED), actor)  # noqa: S311  # a seeded test world
        outputs = Outputs()
        client = Client()
        with _capturing_pdf_html(outputs):
            visited = crawl(client, outputs, world)
        collect_api(client, outputs, world)
        collect_commands(outputs, work)
        collect_research(outputs)
        searches = collect_searches(client, world)
        transaction.set_rollback(True)
    mirror._current = None
    cache.clear()
    return Collected(world, outputs, visited, searches)


def _leaks(texts: list[tuple[str, str]], allowed: set[int], naming: dict[int, str]) -> list[str]:
    leaks = []
    for label, text in texts:
        found = markers_in(text).persons - allowed
        leaks.extend(f"person {n} ({naming[n]}) in {label}" for n in sorted(found)[:3])
    return leaks


# The tests ------------------------------------------------------------------------------


def test_the_world_holds_the_persons_and_every_combination_of_consent(collected: Collected) -> None:
    world = collected.world
    assert world.persons == PERSONS
    assert world.combos_seen == set(consent_combinations())
    assert world.merges > 0
    assert world.merges_undone > 0
    assert world.guard_trips_planted > 0
    assert world.subjects_naming > 0
    assert {PublicNaming.FULL, PublicNaming.INITIALS, PublicNaming.WITHHELD} <= set(
        world.naming.values()
    )


def test_the_crawl_reached_every_published_communication_and_report(collected: Collected) -> None:
    visited = collected.visited
    assert all(f"/communications/{slug}/" in visited for slug in collected.world.published_slugs)
    assert collected.outputs.report_pdfs, "no report PDF was reached"
    assert any(address.startswith("/mandates/") for address in visited)
    assert any(address.startswith("/reports/hrc/2016/") for address in visited)


def test_an_attacker_finds_no_withheld_name_on_any_public_page_pdf_download_or_api_answer(
    collected: Collected,
) -> None:
    world, outputs = collected.world, collected.outputs
    allowed = {n for n in world.published_named if world.naming[n] == PublicNaming.FULL}
    texts = [
        *outputs.public,
        *outputs.communication_pages,
        *outputs.report_pdfs,
        *outputs.report_pdf_html,
    ]
    assert _leaks(texts, allowed, world.naming) == []


def test_every_name_consented_to_in_full_is_published_so_the_check_can_fail(
    collected: Collected,
) -> None:
    world, outputs = collected.world, collected.outputs
    allowed = {n for n in world.published_named if world.naming[n] == PublicNaming.FULL}
    found: set[int] = set()
    for _label, text in outputs.communication_pages:
        found |= markers_in(text).persons
    assert allowed, "the world published no full name"
    assert found == allowed
    in_pdfs: set[int] = set()
    for _label, text in outputs.report_pdfs:
        in_pdfs |= markers_in(text).persons
    readable = {n for n in allowed if world.script[n] in PDF_READABLE}
    assert in_pdfs & readable == readable
    in_pdf_html: set[int] = set()
    for _label, text in outputs.report_pdf_html:
        in_pdf_html |= markers_in(text).persons
    assert in_pdf_html == allowed


def test_a_public_search_for_a_hidden_name_finds_nothing_and_for_a_published_one_finds_it(
    collected: Collected,
) -> None:
    world, searches = collected.world, collected.searches
    hidden = {n: count for n, count in searches.items() if world.naming[n] != PublicNaming.FULL}
    shown = {n: count for n, count in searches.items() if world.naming[n] == PublicNaming.FULL}
    assert hidden
    assert shown
    assert {n: count for n, count in hidden.items() if count} == {}
    assert {n: count for n, count in shown.items() if count == 0} == {}


def test_the_reprisals_export_names_only_persons_who_consented_to_public_naming(
    collected: Collected,
) -> None:
    world = collected.world
    allowed = {n for n in world.exported_persons if world.naming[n] == PublicNaming.FULL}
    assert _leaks(collected.outputs.reprisals_export, allowed, world.naming) == []
    named = set().union(*(markers_in(t).persons for _l, t in collected.outputs.reprisals_export))
    assert named, "the export named no one, though some consented"


def test_no_name_at_all_in_the_dataset_the_report_or_the_statistics(collected: Collected) -> None:
    assert _leaks(collected.outputs.nameless, set(), collected.world.naming) == []


def test_no_source_identity_or_receipt_code_appears_in_any_output(collected: Collected) -> None:
    world = collected.world
    receipts = [fold(code) for code in world.receipt_codes]
    receipts += [fold(code.replace("-", "")) for code in world.receipt_codes]
    receipt_pattern = re.compile("|".join(re.escape(code) for code in receipts))
    leaks = []
    for label, text in collected.outputs.everything():
        found = markers_in(text).sources
        leaks.extend(f"{token} in {label}" for token in sorted(found)[:3])
        if receipt_pattern.search(views_of(text)):
            leaks.append(f"a receipt code in {label}")
    assert leaks == []
    assert world.source_tokens >= {"sender:0", "contact:0", "organisation:0"}


# The small property ---------------------------------------------------------------------

namings = st.sampled_from([None, *PublicNaming.values])


@st.composite
def small_worlds(draw: st.DrawFn) -> SmallWorld:
    consents = draw(st.lists(namings, min_size=1, max_size=5))
    size = len(consents)
    chosen_scripts = draw(st.lists(st.sampled_from(list(SCRIPTS)), min_size=size, max_size=size))
    special = draw(st.lists(st.booleans(), min_size=size, max_size=size))
    pairs = st.tuples(st.integers(0, size - 1), st.integers(0, size - 1))
    merges = draw(st.lists(pairs, max_size=3))
    in_subject = draw(st.none() | st.integers(0, (size + 1) // 2 - 1))
    return SmallWorld(consents, chosen_scripts, special, merges, in_subject)


@dataclass(frozen=True)
class SmallWorld:
    consents: list[str | None]  # each person's public naming; None: no consent recorded
    scripts: list[str]
    special: list[bool]
    merges: list[tuple[int, int]]  # (kept, merged) attempts; refused ones are skipped
    in_subject: int | None  # the named person whose name staff typed into the subject


@settings(
    max_examples=int(os.environ.get("SPCOMMS_CONSENT_EXAMPLES", "60")),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(small_worlds())
def test_a_communication_page_and_api_answer_show_each_person_only_as_consented(
    reference: None, small: SmallWorld
) -> None:
    consents, chosen_scripts, special, merges = (
        small.consents,
        small.scripts,
        small.special,
        small.merges,
    )
    actor = User.objects.get_or_create(username="property-officer", role=Role.SECRETARIAT)[0]
    with transaction.atomic():
        mirror._current = None
        cache.clear()
        persons = []
        for number, (naming, script, odd) in enumerate(
            zip(consents, chosen_scripts, special, strict=True)
        ):
            person = Person.objects.create(
                kind=PersonKind.INDIVIDUAL,
                name=person_name(number, script, special=odd),
                country=Country.objects.get(iso3="COL"),
            )
            if naming is not None:
                ConsentRecord.objects.create(
                    person=person,
                    given_by=ConsentGiver.VICTIM,
                    transmit_to_state=True,
                    public_naming=naming,
                    recorded_at=dt.datetime(2015, 1, 1, tzinfo=UTC),
                )
            persons.append(person)
        named = persons[: (len(persons) + 1) // 2]  # the others may be merged into them
        sent = dt.datetime(2016, 3, 1, 9, tzinfo=UTC)
        communication = Communication.objects.create(
            type=CommunicationType.URGENT_APPEAL,
            subject="Situation of human rights defenders"
            if small.in_subject is None
            else f"Situation of {persons[small.in_subject].name}",
            status=CommunicationStatus.SENT,
            sent_at=sent,
            reply_due_at=sent + dt.timedelta(days=DEFAULT_REPLY_DAYS),
            ref_code="COL",
            ref_number=1,
            ref_year=2016,
            facts=" and ".join(placeholder(person) for person in named) + " were arrested.",
        )
        CommunicationMandate.objects.create(
            communication=communication, mandate=Mandate.objects.get(code="sr-hrd"), is_lead=True
        )
        Addressee.objects.create(
            communication=communication, country=Country.objects.get(iso3="COL")
        )
        for person in named:
            CommunicationPerson.objects.create(communication=communication, person=person)
        standing = _Merges()
        for survivor, absorbed in merges:
            try:
                person_merge(actor=actor, survivor=persons[survivor], absorbed=persons[absorbed])
            except PersonError:
                continue
            standing.union(absorbed, survivor)
        own = {n: naming or PublicNaming.WITHHELD for n, naming in enumerate(consents)}
        group_naming: dict[int, str] = {}
        for number, naming in own.items():
            root = standing.find(number)
            if root not in group_naming or NAMING_ORDER[naming] < NAMING_ORDER[group_naming[root]]:
                group_naming[root] = naming
        expected = {
            number
            for number in range(len(named))
            if group_naming[standing.find(number)] == PublicNaming.FULL
        }
        client = Client()
        page = client.get("/communications/ua-col-1-2016/")
        answer = client.get("/api/v1/communications/ua-col-1-2016")
        assert page.status_code == answer.status_code == 200
        assert markers_in(page.content.decode()).persons == expected
        assert markers_in(answer.content.decode()).persons == expected
        transaction.set_rollback(True)
    mirror._current = None


def test_a_withheld_name_typed_into_the_subject_is_replaced_by_the_notice(
    reference: None, client: Client
) -> None:
    hidden = factories.person(
        name=person_name(1, "cyrillic", special=True), public_naming=PublicNaming.INITIALS
    )
    communication = factories.communication(persons=(hidden,))
    communication.subject = f"Situation of {hidden.name}"
    communication.save()
    slug = reference_slug(communication)
    page = client.get(f"/communications/{slug}/").content.decode()
    answer = client.get(f"/api/v1/communications/{slug}").json()
    assert markers_in(page).persons == set()
    assert "This text is withheld while it is reviewed." in page
    assert answer["subject"] == "This text is withheld while it is reviewed."
    assert answer["persons"] == [initials(str(hidden.name))]


def test_a_pdf_with_letters_no_font_can_draw_logs_none_of_them(
    caplog: pytest.LogCaptureFixture,
) -> None:
    undrawable = "\U000f0041"  # private use: no font draws it
    name = person_name(2, "han", special=False) + undrawable
    assert letter_pdf(html=f"<p>{name}</p>").startswith(b"%PDF")
    logged = " ".join(record.getMessage() for record in caplog.records)
    assert undrawable not in logged
    assert not markers_in(logged).persons
