"""The CSV layout (one row per named person, replies in a second file) stores what JSON stores."""

from __future__ import annotations

import datetime as dt

import pytest

from spcomms.cases.models import Person
from spcomms.communications.importing.reading import FileFormat
from spcomms.communications.importing.services import communications_import
from spcomms.communications.models import Communication, Reply
from tests.communications.importing.conftest import (
    GOOD_CSV,
    GOOD_REPLIES_CSV,
    LI_WEN,
    WriteFile,
    good,
    row_counts,
)

pytestmark = pytest.mark.django_db


def test_a_csv_file_with_its_replies_stores_the_letters_persons_and_replies(
    reference: None, write_file: WriteFile
) -> None:
    report = communications_import(
        path=write_file(GOOD_CSV, "communications.csv"),
        replies=write_file(GOOD_REPLIES_CSV, "replies.csv"),
    )

    assert report.file_format == FileFormat.CSV
    assert (report.communications.created, report.persons.created) == (3, 3)
    assert (report.named, report.consents_added, report.replies) == (4, 2, 2)
    letter = Communication.objects.get(ref_code="CHN", ref_number=5)
    li = Person.objects.get(external_key="ngo-1")
    assert letter.facts.startswith(f"[[person:{li.key.hex}]] was arrested")
    assert LI_WEN not in letter.facts
    assert {link.mandate.code for link in letter.mandate_links.all()} == {
        "sr-hrd",
        "wgad",
        "sr-torture",
    }
    assert li.mentions.count() == 2
    reply = letter.replies.get()
    assert reply.reply_class is not None
    assert reply.reply_class.code == "rejected_without_substantiation"
    assert [m.person for m in reply.persons_addressed.all()] == [li]
    follow_up = Communication.objects.get(ref_code="CHN", ref_number=9)
    assert follow_up.follow_up_of == letter
    assert follow_up.sent_at == dt.datetime(2016, 7, 10, 9, 30, tzinfo=dt.UTC)
    business = Communication.objects.get(ref_code="OTH")
    assert [
        (a.non_state_actor_id is not None, a.is_copy) for a in business.addressees.order_by("pk")
    ] == [(True, False), (False, True)]


def test_the_csv_layout_says_exactly_what_the_json_file_says(
    reference: None, write_file: WriteFile
) -> None:
    communications_import(path=write_file(good()))
    before = row_counts()

    report = communications_import(
        path=write_file(GOOD_CSV, "communications.csv"),
        replies=write_file(GOOD_REPLIES_CSV, "replies.csv"),
    )

    assert (report.communications.unchanged, report.communications.updated) == (3, 0)
    assert (report.persons.unchanged, report.persons.updated) == (3, 0)
    assert report.consents_added == 0
    assert row_counts() == {**before, "audit.AuditEvent": before["audit.AuditEvent"] + 1}


def test_without_a_replies_file_stored_replies_are_left_alone(
    reference: None, write_file: WriteFile
) -> None:
    communications_import(path=write_file(good()))

    report = communications_import(path=write_file(GOOD_CSV, "communications.csv"))

    assert report.replies is None
    assert report.communications.unchanged == 3
    assert Reply.objects.count() == 2


def test_a_replies_file_without_a_letter_s_replies_removes_them(
    reference: None, write_file: WriteFile
) -> None:
    communications_import(path=write_file(good()))
    only_first = "\n".join(GOOD_REPLIES_CSV.splitlines()[:2])

    report = communications_import(
        path=write_file(GOOD_CSV, "communications.csv"),
        replies=write_file(only_first, "replies.csv"),
    )

    assert report.communications.updated == 1
    assert not Communication.objects.get(ref_code="OTH").replies.exists()
    assert Communication.objects.get(ref_code="CHN", ref_number=5).replies.count() == 1


def test_a_letter_that_names_no_one_is_one_row_without_person_columns(
    reference: None, write_file: WriteFile
) -> None:
    path = write_file(
        "reference,sent_on,subject,lead_mandate,states,norms\n"
        'OL KEN 3/2019,2019-05-06,Draft law on public benefit organisations,sr-foaa,KEN,"ICCPR, '
        'article 22"\n',
        "letters.csv",
    )

    report = communications_import(path=path)

    assert report.communications.created == 1
    letter = Communication.objects.get()
    assert (letter.type, letter.norms, letter.named.count()) == ("OL", "ICCPR, article 22", 0)


def test_a_spreadsheet_export_with_a_byte_order_mark_and_capitalised_columns_is_read(
    reference: None, write_file: WriteFile
) -> None:
    lines = GOOD_CSV.splitlines()
    content = "\r\n".join([lines[0].upper(), *lines[1:]]) + "\r\n"

    report = communications_import(
        path=write_file(b"\xef\xbb\xbf" + content.encode("utf-8"), "Export.csv")
    )

    assert report.communications.created == 3


def test_lists_in_a_cell_may_have_spaces_and_a_trailing_semicolon(
    reference: None, write_file: WriteFile
) -> None:
    path = write_file(
        "reference,sent_on,subject,lead_mandate,joined_mandates,states,person_key,person_name,"
        "violations\n"
        "UA COL 1/2018,2018-01-10,Threats,sr-hrd, wgad ; sr-freedex ;,COL,k1,Ana Pérez,"
        "death_threats;\n",
        "c.csv",
    )

    communications_import(path=path)

    letter = Communication.objects.get()
    assert {link.mandate.code for link in letter.mandate_links.all()} == {
        "sr-hrd",
        "wgad",
        "sr-freedex",
    }
    assert [v.code for v in letter.named.get().violations.all()] == ["death_threats"]
