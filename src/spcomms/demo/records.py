"""The planned dataset: plain records of what the writer will turn into rows.

Persons, communications and the rest refer to each other by their position in
the plan's lists; the writer maps positions to database keys.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass, field

LAST_SENT = dt.date(2016, 11, 30)  # the record ends with November 2016, as seed 000's does


@dataclass(frozen=True)
class CountryInfo:
    iso3: str
    region: str


@dataclass
class PlannedConsent:
    given_by: str
    written: bool
    transmit_to_state: bool
    public_naming: str
    recorded_at: dt.datetime
    revoked_at: dt.datetime | None = None


@dataclass
class PlannedPerson:
    index: int
    key: uuid.UUID
    kind: str
    gender: str
    country: str
    name: str
    affiliation: str
    issue_areas: list[str]
    first_named: dt.datetime
    prominence: float = 1.0
    consents: list[PlannedConsent] = field(default_factory=list)
    mentions: int = 0  # in sent communications


@dataclass
class PlannedMention:
    person: int
    violations: list[str]
    perpetrators: list[str]


@dataclass
class PlannedReply:
    received_on: dt.date
    language: str
    reply_class: str
    confidential: bool
    addresses_persons: bool


@dataclass
class PlannedCommunication:
    index: int
    region: str  # calibration bucket: a reporting region or "business"
    state: str | None  # ISO3 of the State addressed, or None for a business
    business: int | None  # index into Plan.businesses
    copies: list[str]
    sent_at: dt.datetime
    type: str = "AL"
    draft_law: bool = False
    concerns_reprisal: bool = False
    language: str = "en"
    ref_code: str = ""
    ref_number: int = 0
    follow_up_of: int | None = None
    main_violation: str = ""
    mentions: list[PlannedMention] = field(default_factory=list)
    mandates: list[tuple[str, bool]] = field(default_factory=list)
    replies: list[PlannedReply] = field(default_factory=list)
    subject: str = ""
    facts: str = ""
    norms: str = ""
    concerns: str = ""
    questions: str = ""

    @property
    def year(self) -> int:
        return self.sent_at.year

    @property
    def reply_due_at(self) -> dt.datetime:
        if self.draft_law:
            return self.sent_at + dt.timedelta(hours=48)
        return self.sent_at + dt.timedelta(days=60)


@dataclass(frozen=True)
class PlannedBusiness:
    name: str
    home: str


@dataclass
class Plan:
    seed: int
    scale: float
    persons: list[PlannedPerson]
    communications: list[PlannedCommunication]
    businesses: list[PlannedBusiness]


@dataclass
class PlannedAssessment:
    communication: int
    mention: int  # position in the communication's mentions
    development: str = "not_known"
    source: str = "desk"
    information_level: str = "limited"
    impact_attention: str = ""
    impact_communication: str = ""
    negative_impact: bool = False
    comment: str = ""
    assessed_on: dt.date = LAST_SENT
    latent: float = 0.0


@dataclass
class PlannedReprisal:
    country: str
    person: int | None
    occurred_on: dt.date
    reported_on: dt.date
    cooperation: str
    communication: int | None  # the earlier letter it followed
    action_communication: int | None  # the letter sent about it
    acts: list[str]
    perpetrators: list[str]
    raised_with_senior_official: bool
    sg_report_year: int | None
    status: str


@dataclass
class PlannedVisit:
    mandate: str
    country: str
    requested_on: dt.date
    status: str
    events: list[tuple[str, dt.date]]
    accepted_on: dt.date | None = None
    start_date: dt.date | None = None
    end_date: dt.date | None = None
    recommendations: list[tuple[str, str, dt.date | None]] = field(default_factory=list)


@dataclass
class PlannedVictim:
    kind: str
    name: str
    age: int | None
    gender: str
    consent_given_by: str
    consent_transmit: bool
    consent_public: str
    consent_written: bool
    person: int | None


@dataclass
class PlannedDraft:
    type: str
    language: str
    subject: str
    facts: str
    mentions: list[PlannedMention]
    created_at: dt.datetime


@dataclass
class PlannedCaseFile:
    country: str
    status: str
    opened_at: dt.datetime
    persons: list[PlannedMention]
    submission: int | None = None
    communication: int | None = None  # a sent letter that took the case up
    draft: PlannedDraft | None = None


@dataclass
class PlannedSubmission:
    public_id: uuid.UUID
    receipt_lookup: str
    status: str
    language: str
    sender_kind: str
    sender_name: str
    sender_contact: str
    is_urgent: bool
    act_before: dt.date | None
    country: str
    incident_from: dt.date
    incident_to: dt.date
    received_at: dt.datetime
    not_to_transmit: list[str]
    mandates_wished: list[str]
    joint_action_wished: bool | None
    press_release_wanted: bool
    victims: list[PlannedVictim]
    messages: list[tuple[str, str, dt.datetime]]  # kind, body, sent at (all from the source)
    transitions: list[tuple[str, str, dt.datetime]]


@dataclass
class ExtraPlan:
    assessments: list[PlannedAssessment]
    reprisals: list[PlannedReprisal]
    visits: list[PlannedVisit]
    standing_invitations: list[tuple[str, dt.date, dt.date | None]]
    submissions: list[PlannedSubmission]
    case_files: list[PlannedCaseFile]
