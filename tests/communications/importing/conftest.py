"""Fixtures for the communications import: a good JSON file, the same in CSV, and row counts."""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.db import models

from spcomms.audit.models import AuditEvent
from spcomms.cases.models import ConsentRecord, Person
from spcomms.communications.models import (
    Addressee,
    Communication,
    CommunicationMandate,
    CommunicationPerson,
    CommunicationTransition,
    NonStateActor,
    ReferenceCounter,
    Reply,
)

WriteFile = Callable[..., Path]
Document = dict[str, Any]

LI_WEN = "Li Wen"
ZHANG_HUA = "Zhang Hua"
GREEN_EARTH = "Green Earth Collective"

# Three letters: an urgent appeal naming two defenders (one without consent), a
# follow-up naming one of them again, and a letter to a business copied to its
# home State, naming an organisation.
GOOD: Document = {
    "communications": [
        {
            "reference": "UA CHN 5/2016",
            "sent_on": "2016-03-01",
            "subject": "Detention of two women human rights defenders",
            "language": "en",
            "mandates": {"lead": "sr-hrd", "joined": ["wgad", "sr-torture"]},
            "addressees": [{"state": "CHN"}],
            "facts": f"{LI_WEN} was arrested on 2 February 2016. {ZHANG_HUA} visited {LI_WEN}.",
            "concerns": f"We are concerned for the safety of {LI_WEN} and {ZHANG_HUA}.",
            "questions": f"Please explain the legal basis for the detention of {LI_WEN}.",
            "norms": "Articles 9 and 19 of the ICCPR.",
            "persons": [
                {
                    "key": "ngo-1",
                    "name": LI_WEN,
                    "kind": "individual",
                    "gender": "female",
                    "country": "CHN",
                    "issue_areas": ["womens_rights", "legal_profession"],
                    "violations": ["arbitrary_detention", "torture"],
                    "perpetrators": ["police"],
                    "consent": {
                        "given_by": "victim",
                        "transmit_to_state": True,
                        "public_naming": "full",
                        "written": True,
                        "recorded_on": "2016-02-20",
                    },
                },
                {
                    "key": "ngo-2",
                    "name": ZHANG_HUA,
                    "gender": "female",
                    "country": "CHN",
                    "violations": ["surveillance"],
                    "perpetrators": ["security_services"],
                },
            ],
            "replies": [
                {
                    "received_on": "2016-04-20",
                    "language": "zh",
                    "class": "rejected_without_substantiation",
                    "confidential": False,
                    "persons": ["ngo-1"],
                }
            ],
        },
        {
            "reference": "AL CHN 9/2016",
            "sent_on": "2016-07-10T09:30:00Z",
            "reply_due_on": "2016-09-10",
            "subject": "Continued detention and reprisals",
            "mandates": {"lead": "sr-hrd"},
            "addressees": [{"state": "CHN"}],
            "facts": f"{LI_WEN} remains in detention after speaking to the United Nations.",
            "follow_up_of": "UA CHN 5/2016",
            "concerns_reprisal": True,
            "persons": [
                {
                    "key": "ngo-1",
                    "name": LI_WEN,
                    "violations": ["arbitrary_detention", "reprisal_un"],
                    "perpetrators": ["police", "judiciary"],
                }
            ],
            "replies": [],
        },
        {
            "reference": "AL OTH 2/2017",
            "sent_on": "2017-05-02",
            "subject": "Threats against an environmental organisation near a mine",
            "language": "fr",
            "mandates": {"lead": "wg-business", "joined": ["sr-environment"]},
            "addressees": [
                {"non_state_actor": "Acme Mining plc", "kind": "business", "home_state": "GBR"},
                {"state": "GBR", "copy": True},
            ],
            "facts": f"Members of {GREEN_EARTH} received death threats.",
            "persons": [
                {
                    "key": "ngo-77",
                    "name": GREEN_EARTH,
                    "kind": "organisation",
                    "country": "PER",
                    "issue_areas": ["land_environment"],
                    "violations": ["death_threats"],
                    "perpetrators": ["business_direct"],
                    "consent": {
                        "given_by": "organisation",
                        "transmit_to_state": True,
                        "public_naming": "withheld",
                    },
                }
            ],
            "replies": [
                {"received_on": "2017-06-15", "language": "en", "class": "", "persons": []}
            ],
        },
    ]
}

CSV_HEADER = (
    "reference,sent_on,reply_due_on,subject,language,lead_mandate,joined_mandates,states,"
    "copied_states,non_state_actor,non_state_kind,non_state_home_state,follow_up_of,"
    "concerns_reprisal,facts,concerns,questions,norms,person_key,person_name,person_kind,"
    "person_gender,person_country,issue_areas,violations,perpetrators,consent_given_by,"
    "consent_transmit_to_state,consent_public_naming,consent_written,consent_recorded_on"
)
_UA = (
    "UA CHN 5/2016,2016-03-01,,Detention of two women human rights defenders,en,sr-hrd,"
    "wgad;sr-torture,CHN,,,,,,no,"
    f'"{LI_WEN} was arrested on 2 February 2016. {ZHANG_HUA} visited {LI_WEN}.",'
    f'"We are concerned for the safety of {LI_WEN} and {ZHANG_HUA}.",'
    f'"Please explain the legal basis for the detention of {LI_WEN}.",'
    '"Articles 9 and 19 of the ICCPR."'
)
_AL = (
    "AL CHN 9/2016,2016-07-10T09:30:00Z,2016-09-10,Continued detention and reprisals,,sr-hrd,,"
    "CHN,,,,,UA CHN 5/2016,yes,"
    f'"{LI_WEN} remains in detention after speaking to the United Nations.",,,'
)
_OTH = (
    "AL OTH 2/2017,2017-05-02,,Threats against an environmental organisation near a mine,fr,"
    "wg-business,sr-environment,,GBR,Acme Mining plc,business,GBR,,,"
    f'"Members of {GREEN_EARTH} received death threats.",,,'
)
GOOD_CSV = "\n".join(
    [
        CSV_HEADER,
        f"{_UA},ngo-1,{LI_WEN},individual,female,CHN,womens_rights;legal_profession,"
        "arbitrary_detention;torture,police,victim,true,full,true,2016-02-20",
        f"{_UA},ngo-2,{ZHANG_HUA},,female,CHN,,surveillance,security_services,,,,,",
        f"{_AL},ngo-1,{LI_WEN},,,,,arbitrary_detention;reprisal_un,police;judiciary,,,,,",
        f"{_OTH},ngo-77,{GREEN_EARTH},organisation,,PER,land_environment,death_threats,"
        "business_direct,organisation,true,withheld,,",
    ]
)
GOOD_REPLIES_CSV = "\n".join(
    [
        "reference,received_on,language,class,confidential,person_keys",
        "UA CHN 5/2016,2016-04-20,zh,rejected_without_substantiation,false,ngo-1",
        "AL OTH 2/2017,2017-06-15,en,,,",
    ]
)


def good() -> Document:
    """A fresh copy of the good document, for a test to change."""
    return copy.deepcopy(GOOD)


@pytest.fixture
def write_file(tmp_path: Path) -> WriteFile:
    """Write a file in tmp_path: a dict or list as JSON, text encoded as asked, bytes as is."""

    def write(
        content: str | bytes | Document | list[Any],
        name: str = "communications.json",
        encoding: str = "utf-8",
    ) -> Path:
        path = tmp_path / name
        if isinstance(content, dict | list):
            content = json.dumps(content, indent=2, ensure_ascii=False)
        path.write_bytes(content if isinstance(content, bytes) else content.encode(encoding))
        return path

    return write


COUNTED: tuple[type[models.Model], ...] = (
    Communication,
    CommunicationMandate,
    Addressee,
    NonStateActor,
    Person,
    ConsentRecord,
    CommunicationPerson,
    CommunicationPerson.violations.through,
    CommunicationPerson.perpetrators.through,
    Person.issue_areas.through,
    Reply,
    Reply.persons_addressed.through,
    CommunicationTransition,
    ReferenceCounter,
    AuditEvent,
)


def row_counts() -> dict[str, int]:
    """How many rows each table the import writes to holds."""
    return {model._meta.label: model._default_manager.count() for model in COUNTED}
