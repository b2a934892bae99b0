"""What checking a file gives: typed records of its communications, persons and
replies, with the database keys of every code and where each record stands in
the file; and the parsers an import builds once from the reference data.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field

from django.utils.translation import gettext

from spcomms.cases.models import ConsentGiver, Gender, PersonKind, PublicNaming
from spcomms.communications.importing import schema
from spcomms.communications.importing.problems import Location, Problem
from spcomms.communications.models import (
    Communication,
    NonStateActor,
    NonStateKind,
)
from spcomms.intake.models import Language

Reference = tuple[str, int, int]
"""A communication's identity: addressee code, year, running number (the type may change)."""

MIN_YEAR, MAX_YEAR = 1980, 2100
MIN_NAME_LENGTH = 2


@dataclass(frozen=True)
class Lookups:
    """Reference codes and their primary keys, and the date the import runs."""

    countries: Mapping[str, int]
    mandates: Mapping[str, int]
    violations: Mapping[str, int]
    perpetrators: Mapping[str, int]
    issue_areas: Mapping[str, int]
    reply_classes: Mapping[str, int]
    today: dt.date
    country_codes: Mapping[int, str] = field(default_factory=dict)
    """ISO3 code by primary key."""

    def __post_init__(self) -> None:
        if not self.country_codes:
            codes = {pk: code for code, pk in self.countries.items()}
            object.__setattr__(self, "country_codes", codes)


@dataclass(frozen=True)
class Parsers:
    """Every parser an import needs, built once: building them translates their labels."""

    lookups: Lookups
    subject: schema.Parser[str]
    text: schema.Parser[str]
    language: schema.Parser[str]
    mandate: schema.Parser[int]
    mandates: schema.Parser[frozenset[int]]
    country: schema.Parser[int]
    actor_name: schema.Parser[str]
    actor_kind: schema.Parser[str]
    person_kind: schema.Parser[str]
    gender: schema.Parser[str]
    issue_areas: schema.Parser[frozenset[int]]
    violations: schema.Parser[frozenset[int]]
    perpetrators: schema.Parser[frozenset[int]]
    consent_giver: schema.Parser[str]
    public_naming: schema.Parser[str]
    reply_class: schema.Parser[int]

    @classmethod
    def build(cls, lookups: Lookups) -> Parsers:
        return cls(
            lookups=lookups,
            subject=schema.text(_subject_limit()),
            text=schema.text(),
            language=schema.choice(gettext("language"), tuple(Language.values)),
            mandate=schema.code(gettext("mandate"), lookups.mandates),
            mandates=schema.codes(gettext("mandate"), lookups.mandates),
            country=schema.country(lookups.countries),
            actor_name=schema.text(_actor_name_limit()),
            actor_kind=schema.choice(
                gettext("kind of non-State actor"), tuple(NonStateKind.values)
            ),
            person_kind=schema.choice(gettext("kind of person"), tuple(PersonKind.values)),
            gender=schema.choice(gettext("gender"), tuple(Gender.values)),
            issue_areas=schema.codes(gettext("issue area"), lookups.issue_areas),
            violations=schema.codes(gettext("violation"), lookups.violations),
            perpetrators=schema.codes(gettext("perpetrator"), lookups.perpetrators),
            consent_giver=schema.choice(gettext("giver of consent"), tuple(ConsentGiver.values)),
            public_naming=schema.choice(gettext("public naming"), tuple(PublicNaming.values)),
            reply_class=schema.code(gettext("reply class"), lookups.reply_classes),
        )


@dataclass(frozen=True, slots=True)
class Consent:
    given_by: str
    transmit_to_state: bool
    public_naming: str
    written: bool
    recorded_on: dt.date | None


@dataclass(slots=True)
class PersonData:
    """A person as the whole file describes them, gathered from every place they are named."""

    key: str
    name: str
    at: Location
    kind: str = PersonKind.INDIVIDUAL
    gender: str = Gender.NOT_STATED
    country_id: int | None = None
    affiliation: str = ""
    issue_area_ids: frozenset[int] = frozenset()
    consent: Consent | None = None
    given_at: dict[str, Location] = field(default_factory=dict)
    """Where each attribute was first given, to point to it when another place differs."""


@dataclass(frozen=True, slots=True)
class Mention:
    person_key: str
    violation_ids: frozenset[int]
    perpetrator_ids: frozenset[int]
    at: Location


@dataclass(frozen=True, slots=True)
class ReplyData:
    received_on: dt.date
    language: str
    class_id: int | None
    confidential: bool
    person_keys: frozenset[str]
    at: Location


@dataclass(frozen=True, slots=True)
class AddresseeData:
    country_id: int | None
    actor: tuple[str, str] | None
    """A non-State actor by name and kind."""
    is_copy: bool


@dataclass(slots=True)
class CommunicationData:
    type: str
    code: str
    number: int
    year: int
    sent_at: dt.datetime
    reply_due_at: dt.datetime
    subject: str
    language: str
    facts: str
    concerns: str
    questions: str
    norms: str
    follow_up_of: tuple[str, str, int, int] | None
    concerns_reprisal: bool
    lead_mandate_id: int
    joined_mandate_ids: tuple[int, ...]
    addressees: tuple[AddresseeData, ...]
    mentions: list[Mention]
    replies: list[ReplyData] | None
    at: Location

    @property
    def reference(self) -> str:
        return schema.reference_text(self.type, self.code, self.number, self.year)

    @property
    def identity(self) -> Reference:
        return (self.code, self.year, self.number)


@dataclass
class Checked:
    communications: list[CommunicationData] = field(default_factory=list)
    persons: dict[str, PersonData] = field(default_factory=dict)
    actors: dict[tuple[str, str], int | None] = field(default_factory=dict)
    """Non-State actors by name and kind, with the home State the file gives (or None)."""
    follow_ups_elsewhere: dict[tuple[str, str, int, int], list[CommunicationData]] = field(
        default_factory=dict
    )
    """Follow-ups of references that are not in the file, to look for in the database."""
    problems: list[Problem] = field(default_factory=list)


def _subject_limit() -> int:
    limit = Communication._meta.get_field("subject").max_length
    return limit or 300


def _actor_name_limit() -> int:
    return NonStateActor._meta.get_field("name").max_length or 300
