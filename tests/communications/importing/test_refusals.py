"""A bad file is refused whole, each problem told by line or path and field; nothing is written."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from spcomms.communications.importing.services import (
    CommunicationImportError,
    communications_import,
)
from spcomms.reference.models import Country
from tests.communications.importing.conftest import (
    GOOD_CSV,
    GOOD_REPLIES_CSV,
    LI_WEN,
    Document,
    WriteFile,
    good,
    row_counts,
)

pytestmark = pytest.mark.django_db

Change = Callable[[Document], None]


def _changed(*changes: Change) -> Document:
    document = good()
    for change in changes:
        change(document)
    return document


def _set(path: str, value: object) -> Change:
    """Set the value at a dotted path such as ``communications.0.persons.1.name``."""

    def change(document: Document) -> None:
        *parents, last = path.split(".")
        target: object = document
        for part in parents:
            target = target[int(part)] if isinstance(target, list) else target[part]  # type: ignore[index]
        if isinstance(target, list):
            target[int(last)] = value
        else:
            assert isinstance(target, dict)
            target[last] = value

    return change


@dataclass(frozen=True)
class Bad:
    content: str | bytes | Document
    expected: str
    name: str = "communications.json"
    replies: str | None = None


def _csv(old: str, new: str) -> str:
    assert old in GOOD_CSV
    return GOOD_CSV.replace(old, new)


def _line(number: int, old: str, new: str) -> str:
    """The good CSV with one change on one physical line."""
    lines = GOOD_CSV.splitlines()
    assert old in lines[number - 1]
    lines[number - 1] = lines[number - 1].replace(old, new, 1)
    return "\n".join(lines)


BAD_FILES = {
    "unknown column": Bad(
        GOOD_CSV.replace("person_gender", "person_gendre", 1),
        "line 1, column person_gendre: unknown column. Did you mean person_gender?",
        "c.csv",
    ),
    "missing required column": Bad(
        "reference,sent_on,lead_mandate,states\nUA KEN 1/2016,2016-01-05,sr-hrd,KEN\n",
        "line 1: the required column subject is missing.",
        "c.csv",
    ),
    "no addressee column": Bad(
        "reference,sent_on,subject,lead_mandate\nUA KEN 1/2016,2016-01-05,Arrest,sr-hrd\n",
        "line 1: the file needs a states column, a non_state_actor column, or both",
        "c.csv",
    ),
    "unknown JSON key": Bad(
        _changed(_set("communications.0.persons.0.sex", "female")),
        "communications[0].persons[0].sex: unknown key for a named person. The known ones are "
        "key, name, kind, gender, country, affiliation, issue_areas, violations, perpetrators, "
        "consent.",
    ),
    "unknown State": Bad(
        _changed(_set("communications.0.addressees.0.state", "CHX")),
        "communications[0].addressees[0].state: unknown State code 'CHX': use an ISO 3166-1 "
        "alpha-3 code, such as KEN.",
    ),
    "unknown mandate": Bad(
        _changed(_set("communications.0.mandates.lead", "sr-hdr")),
        "communications[0].mandates.lead: unknown mandate code 'sr-hdr'. Did you mean sr-hrd?",
    ),
    "unknown vocabulary code": Bad(
        _csv("arbitrary_detention;torture", "arbitrary_detention;tortured;beating"),
        "line 2, column violations: unknown violation code 'tortured'. Did you mean torture? "
        "unknown violation code 'beating'. Known codes: administrative_harassment,",
        "c.csv",
    ),
    "unknown reply class": Bad(
        _changed(_set("communications.0.replies.0.class", "no_reply")),
        "communications[0].replies[0].class: unknown reply class code 'no_reply'. Known codes: "
        "immaterial, rejected_with_investigation, rejected_without_substantiation, "
        "responsive_incomplete, steps_taken, translation_awaited.",
    ),
    "malformed reference": Bad(
        _changed(_set("communications.0.reference", "UA-CHN-5-2016")),
        "communications[0].reference: 'UA-CHN-5-2016' is not a reference: write the type (UA, "
        "AL or OL), the addressee code",
    ),
    "same reference twice": Bad(
        _changed(_set("communications.1.reference", "AL CHN 5/2016")),
        "communications[1].reference: AL CHN 5/2016 is already in the file at "
        "communications[0] (UA CHN 5/2016): a running number is given once per addressee code "
        "and year, whatever the type.",
    ),
    "code not of the addressee": Bad(
        _changed(_set("communications.0.reference", "UA RUS 5/2016")),
        "communications[0].reference: the addressee code is RUS but should be CHN: the code is "
        "the ISO 3166-1 alpha-3 code of the first State addressed (not copied), or OTH when only "
        "non-State actors are addressed.",
    ),
    "a State code for a letter to a business": Bad(
        _changed(_set("communications.2.reference", "AL GBR 2/2017")),
        "communications[2].reference: the addressee code is GBR but should be OTH",
    ),
    "year of sending not the year of the reference": Bad(
        _changed(_set("communications.0.sent_on", "2015-12-30")),
        "communications[0].sent_on: the communication was sent in 2015, but its reference is of "
        "2016: the year of a reference is the year of sending (UTC).",
    ),
    "reply before sending": Bad(
        _changed(_set("communications.0.replies.0.received_on", "2016-02-27")),
        "communications[0].replies[0].received_on: the reply is dated 2016-02-27, before the "
        "communication was sent (2016-03-01).",
    ),
    "deadline before sending": Bad(
        _changed(_set("communications.0.reply_due_on", "2016-02-01")),
        "communications[0].reply_due_on: the reply deadline 2016-02-01T00:00:00+00:00 is not "
        "after the sending (2016-03-01T00:00:00+00:00).",
    ),
    "impossible date": Bad(
        _csv("2016-03-01,,Detention", "2016-02-30,,Detention"),
        "line 2, column sent_on: '2016-02-30' is not a date that exists.",
        "c.csv",
    ),
    "date in another format": Bad(
        _changed(_set("communications.0.sent_on", "01/03/2016")),
        "communications[0].sent_on: '01/03/2016' is not a date: write 2016-03-01, or "
        "2016-03-01T09:30:00Z with a time.",
    ),
    "sent in the future": Bad(
        _changed(
            _set("communications.0.sent_on", "2099-03-01"),
            _set("communications.0.reference", "UA CHN 5/2099"),
        ),
        "communications[0].sent_on: 2099-03-01 is in the future: an imported communication has "
        "been sent.",
    ),
    "one key, two names": Bad(
        _changed(_set("communications.1.persons.0.name", "Li Wenqing")),
        "communications[1].persons[0].name: person key ngo-1 has another name at "
        "communications[0].persons[0]: one key is one person, with one name, in the whole file.",
    ),
    "one key, two genders": Bad(
        _line(4, f"ngo-1,{LI_WEN},,,", f"ngo-1,{LI_WEN},,male,"),
        "line 4, column person_gender: person key ngo-1 is given another gender at line 2: a "
        "person's attributes are the same wherever they are named in one file.",
        "c.csv",
    ),
    "public naming without transmission": Bad(
        _changed(_set("communications.0.persons.0.consent.transmit_to_state", False)),
        "communications[0].persons[0].consent.public_naming: naming in public (full) needs "
        "consent to transmit the name to the State: set transmit_to_state to true, or "
        "public_naming to withheld.",
    ),
    "not UTF-8 (CSV)": Bad(
        GOOD_CSV.replace("Zhang Hua", "Zhang Hu\u00e0").encode("latin-1"),
        "line 2: the file is not UTF-8 (byte 0xE0 cannot be read). Re-save it as UTF-8",
        "c.csv",
    ),
    "not UTF-8 (JSON)": Bad(
        json.dumps(good(), indent=1, ensure_ascii=False)
        .replace("Zhang Hua", "Zhang Hu\u00e0")
        .encode("latin-1"),
        "line 20: the file is not UTF-8 (byte 0xE0 cannot be read).",
    ),
    "malformed JSON": Bad(
        '{"communications": [\n  {"reference": "UA CHN 5/2016",\n  "sent_on": "2016-03-01"\n'
        '  "subject": "x"}\n]}\n',
        "line 4: the file is not valid JSON: Expecting ',' delimiter at column 3.",
    ),
    "empty file": Bad("", "the file is empty: there is no header and no data."),
    "blank file": Bad(
        "\ufeff  \n\n", "the file is empty: there is no header and no data.", "c.csv"
    ),
    "header only": Bad(
        GOOD_CSV.splitlines()[0] + "\n",
        "line 1: the file has a header but no data rows below it.",
        "c.csv",
    ),
    "no communications": Bad({"communications": []}, "the file holds no communications."),
    "follow-up of nothing": Bad(
        _changed(_set("communications.1.follow_up_of", "UA CHN 4/2016")),
        "communications[1].follow_up_of: there is no communication UA CHN 4/2016, neither in "
        "the file nor in the database.",
    ),
    "follow-up of a later letter": Bad(
        _changed(_set("communications.0.follow_up_of", "AL CHN 9/2016")),
        "communications[0].follow_up_of: AL CHN 9/2016 was sent after this communication "
        "(2016-07-10): a follow-up comes after the communication it follows up on.",
    ),
    "rows of one reference disagree": Bad(
        _line(3, "wgad;sr-torture", "wgad"),
        "line 3, column joined_mandates: this differs from line 2, the first row of UA CHN "
        "5/2016: the communication columns must be the same on every row of one reference.",
        "c.csv",
    ),
    "a name in the subject": Bad(
        _changed(_set("communications.0.subject", f"Detention of {LI_WEN}")),
        "communications[0].subject: this names person key ngo-1; the subject is public and not "
        "encrypted, so it must name no one",
    ),
    "a placeholder already in the text": Bad(
        _changed(_set("communications.0.facts", "[[person:0123456789abcdef0123456789abcdef]]")),
        "communications[0].facts: the text already holds a person placeholder",
    ),
    "a reply to a person not named": Bad(
        _changed(_set("communications.0.replies.0.persons", ["ngo-77"])),
        "communications[0].replies[0].persons: person key ngo-77 is not named in this "
        "communication",
    ),
    "a reply to a letter not in the file": Bad(
        GOOD_CSV,
        "replies.csv, line 4, column reference: AL CHN 7/2016 is not in c.csv: a reply belongs "
        "to a communication of the same import.",
        "c.csv",
        GOOD_REPLIES_CSV + "\nAL CHN 7/2016,2016-05-01,en,,,\n",
    ),
    "a reply language that is no language": Bad(
        _changed(_set("communications.0.replies.0.language", "chinese")),
        "communications[0].replies[0].language: 'chinese' is not an ISO 639-1 language code",
    ),
    "a person twice in one letter": Bad(
        _changed(
            _set("communications.0.persons.1.key", "ngo-1"),
            _set("communications.0.persons.1.name", LI_WEN),
        ),
        "communications[0].persons[1].key: person key ngo-1 is named twice in this "
        "communication (also at communications[0].persons[0]).",
    ),
    "an addressee that is both": Bad(
        _changed(_set("communications.0.addressees.0.non_state_actor", "Acme")),
        "communications[0].addressees[0].non_state_actor: an addressee is a State or a "
        "non-State actor, not both: split it in two.",
    ),
    "only copies": Bad(
        _changed(_set("communications.0.addressees.0.copy", True)),
        "communications[0].addressees: the communication is addressed to no one",
    ),
    "a flag that is no flag": Bad(
        _changed(_set("communications.1.concerns_reprisal", "maybe")),
        "communications[1].concerns_reprisal: 'maybe' is not a yes or no: write true or false.",
    ),
    "semicolon-separated CSV": Bad(
        "reference;sent_on;subject\nUA KEN 1/2016;2016-01-01;x\n",
        "line 1: the columns are separated by semicolons.",
        "c.csv",
    ),
    "a spreadsheet": Bad(b"PK\x03\x04rest of a zip archive", "this is a spreadsheet", "c.xlsx"),
    "replies with a JSON file": Bad(good(), "--replies is for CSV files", replies="x"),
}


@pytest.mark.parametrize("bad", BAD_FILES.values(), ids=BAD_FILES.keys())
def test_a_bad_file_is_refused_with_its_problem_and_nothing_is_written(
    reference: None, write_file: WriteFile, bad: Bad
) -> None:
    path = write_file(bad.content, bad.name)
    replies = write_file(bad.replies, "replies.csv") if bad.replies is not None else None
    before = row_counts()

    with pytest.raises(CommunicationImportError) as refused:
        communications_import(path=path, replies=replies)

    problems = [str(problem) for problem in refused.value.problems]
    assert any(problem.startswith(bad.expected) for problem in problems), problems
    assert row_counts() == before


def test_every_problem_of_a_file_is_reported_not_only_the_first(
    reference: None, write_file: WriteFile
) -> None:
    document = good()
    document["communications"][0]["mandates"]["lead"] = "nobody"
    document["communications"][1]["addressees"][0]["state"] = "XXX"
    document["communications"][2]["persons"][0]["consent"]["given_by"] = "neighbour"

    with pytest.raises(CommunicationImportError) as refused:
        communications_import(path=write_file(document))

    paths = [str(problem).split(":")[0] for problem in refused.value.problems]
    assert paths == [
        "communications[0].mandates.lead",
        "communications[1].addressees[0].state",
        "communications[2].persons[0].consent.given_by",
    ]


def test_problems_of_a_csv_file_come_in_line_order(reference: None, write_file: WriteFile) -> None:
    content = GOOD_CSV.replace(",PER,", ",PRX,").replace(",police,", ",polizei,")

    with pytest.raises(CommunicationImportError) as refused:
        communications_import(path=write_file(content, "c.csv"))

    lines = [problem.line for problem in refused.value.problems]
    assert lines == [2, 5]


def test_messages_name_persons_by_key_never_by_name(reference: None, write_file: WriteFile) -> None:
    document = good()
    document["communications"][1]["persons"][0]["name"] = "Li Wenqing"
    document["communications"][0]["subject"] = f"About {LI_WEN}"

    with pytest.raises(CommunicationImportError) as refused:
        communications_import(path=write_file(document))

    text = "\n".join(str(problem) for problem in refused.value.problems)
    assert "ngo-1" in text
    assert LI_WEN not in text
    assert "Wenqing" not in text


def test_a_missing_file_is_refused(reference: None, tmp_path: Path) -> None:
    with pytest.raises(CommunicationImportError, match="there is no file at"):
        communications_import(path=tmp_path / "nowhere.json")


def test_without_reference_data_the_import_says_what_to_run(
    db: None, write_file: WriteFile
) -> None:
    assert not Country.objects.exists()

    with pytest.raises(CommunicationImportError, match="Run `spcomms reference load` first"):
        communications_import(path=write_file(good()))
