"""Importing again, by reference: the same file changes nothing; a changed row updates it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest

from spcomms.audit.models import AuditEvent
from spcomms.cases.models import ConsentRecord, Person, PublicNaming
from spcomms.communications.importing.services import (
    CommunicationImportError,
    ImportReport,
    communications_import,
)
from spcomms.communications.models import Communication, CommunicationPerson, Reply
from spcomms.followup.models import Assessment
from spcomms.publication.index import publication_sync
from spcomms.publication.models import PublishedDocument
from tests import factories
from tests.communications.importing.conftest import (
    LI_WEN,
    Document,
    WriteFile,
    good,
    row_counts,
)

pytestmark = pytest.mark.django_db


Run = Callable[[Document], ImportReport]


@pytest.fixture
def run(reference: None, write_file: WriteFile) -> Run:
    """Import a document; the first call imports the good file before the test changes it."""

    def run_import(document: Document) -> ImportReport:
        return communications_import(path=write_file(document))

    run_import(good())
    return run_import


def _letter(number: int) -> Communication:
    return Communication.objects.get(ref_code="CHN", ref_year=2016, ref_number=number)


def test_importing_the_same_file_again_changes_nothing(run: Run) -> None:
    before = row_counts()
    stored = {c.pk: (c.facts, c.subject, c.reply_due_at) for c in Communication.objects.all()}
    replies = set(Reply.objects.values_list("pk", flat=True))

    report = run(good())

    assert (report.communications.created, report.communications.updated) == (0, 0)
    assert report.communications.unchanged == 3
    assert (report.persons.created, report.persons.updated, report.persons.unchanged) == (0, 0, 3)
    assert report.consents_added == 0
    assert row_counts() == {**before, "audit.AuditEvent": before["audit.AuditEvent"] + 1}
    assert {
        c.pk: (c.facts, c.subject, c.reply_due_at) for c in Communication.objects.all()
    } == stored
    assert set(Reply.objects.values_list("pk", flat=True)) == replies
    assert AuditEvent.objects.latest("pk").detail["communications_unchanged"] == 3


def test_a_changed_field_updates_only_that_communication(run: Run) -> None:
    document = good()
    document["communications"][0]["subject"] = "Detention of two defenders (corrected)"
    document["communications"][0]["reply_due_on"] = "2016-05-15"

    report = run(document)

    assert (report.communications.updated, report.communications.unchanged) == (1, 2)
    letter = _letter(5)
    assert letter.subject == "Detention of two defenders (corrected)"
    assert letter.reply_due_at == dt.datetime(2016, 5, 15, tzinfo=dt.UTC)
    assert Communication.objects.count() == 3


def test_a_changed_type_keeps_the_communication_and_its_number(run: Run) -> None:
    document = good()
    document["communications"][0]["reference"] = "AL CHN 5/2016"
    document["communications"][1]["follow_up_of"] = "AL CHN 5/2016"
    pk = _letter(5).pk

    report = run(document)

    assert report.communications.updated == 1
    assert (_letter(5).pk, _letter(5).type) == (pk, "AL")


def test_changed_violations_replace_the_case_s_links(run: Run) -> None:
    document = good()
    document["communications"][0]["persons"][0]["violations"] = ["judicial_harassment"]
    mention = _letter(5).named.get(person__external_key="ngo-1")

    report = run(document)

    assert report.communications.updated == 1
    kept = CommunicationPerson.objects.get(pk=mention.pk)
    assert [v.code for v in kept.violations.all()] == ["judicial_harassment"]
    assert {p.code for p in kept.perpetrators.all()} == {"police"}


def test_a_person_left_out_of_a_letter_is_no_longer_named_in_it(run: Run) -> None:
    document = good()
    letter = document["communications"][0]
    letter["persons"] = letter["persons"][:1]
    letter["facts"] = letter["concerns"] = f"{LI_WEN} was arrested."

    report = run(document)

    assert report.communications.updated == 1
    assert [m.person.external_key for m in _letter(5).named.all()] == ["ngo-1"]
    assert Person.objects.filter(external_key="ngo-2").exists()  # the person stays


def test_a_new_name_updates_the_person_and_leaves_the_text_s_placeholder(run: Run) -> None:
    document = good()
    for letter in document["communications"][:2]:
        for field in ("facts", "concerns", "questions"):
            if field in letter:
                letter[field] = letter[field].replace(LI_WEN, "Li Wenqing")
        for person in letter["persons"]:
            if person["key"] == "ngo-1":
                person["name"] = "Li Wenqing"
    facts = _letter(5).facts

    report = run(document)

    assert (report.persons.updated, report.communications.updated) == (1, 0)
    assert Person.objects.get(external_key="ngo-1").name == "Li Wenqing"
    assert _letter(5).facts == facts


def test_a_different_consent_is_added_and_the_same_one_is_not(run: Run) -> None:
    document = good()
    document["communications"][0]["persons"][0]["consent"] = {
        "given_by": "victim",
        "transmit_to_state": True,
        "public_naming": "initials",
        "recorded_on": "2017-01-05",
    }

    report = run(document)
    again = run(document)

    li = Person.objects.get(external_key="ngo-1")
    assert (report.consents_added, again.consents_added) == (1, 0)
    assert li.consents.count() == 2
    current = li.current_consent()
    assert current is not None
    assert current.public_naming == PublicNaming.INITIALS


def test_a_consent_without_a_date_is_recorded_at_the_import(run: Run) -> None:
    document = good()
    del document["communications"][0]["persons"][0]["consent"]["recorded_on"]
    document["communications"][0]["persons"][0]["consent"]["public_naming"] = "withheld"

    run(document)

    current = Person.objects.get(external_key="ngo-1").current_consent()
    assert current is not None
    assert current.public_naming == PublicNaming.WITHHELD
    assert abs(dt.datetime.now(dt.UTC) - current.recorded_at) < dt.timedelta(minutes=5)


def test_a_consent_older_than_the_current_one_is_refused(run: Run) -> None:
    document = good()
    document["communications"][0]["persons"][0]["consent"]["public_naming"] = "initials"
    document["communications"][0]["persons"][0]["consent"]["recorded_on"] = "2016-01-01"
    before = row_counts()

    with pytest.raises(CommunicationImportError) as refused:
        run(document)

    assert str(refused.value.problems[0]) == (
        "communications[0].persons[0].consent.recorded_on: person key ngo-1: this consent "
        "differs from the current one, recorded on 2016-02-20, but is not dated after it, so it "
        "would not take effect. Give the date the new consent was given, or leave recorded_on "
        "empty."
    )
    assert row_counts() == before
    assert ConsentRecord.objects.filter(public_naming=PublicNaming.INITIALS).count() == 0


def test_a_reclassified_reply_is_updated_in_place(run: Run) -> None:
    document = good()
    document["communications"][0]["replies"][0]["class"] = "steps_taken"
    reply = _letter(5).replies.get()

    report = run(document)

    assert report.communications.updated == 1
    updated = Reply.objects.get(pk=reply.pk)
    assert updated.reply_class is not None
    assert updated.reply_class.code == "steps_taken"


def test_replies_follow_the_file_added_and_removed(run: Run) -> None:
    document = good()
    document["communications"][0]["replies"].append(
        {"received_on": "2016-06-01", "language": "en", "persons": ["ngo-1", "ngo-2"]}
    )
    document["communications"][2]["replies"] = []

    report = run(document)

    assert report.communications.updated == 2
    later = _letter(5).replies.get(received_on=dt.date(2016, 6, 1))
    assert later.is_late is True
    assert {m.person.external_key for m in later.persons_addressed.all()} == {"ngo-1", "ngo-2"}
    assert not Communication.objects.get(ref_code="OTH").replies.exists()


def test_a_letter_without_replies_in_the_file_keeps_its_stored_replies(run: Run) -> None:
    document = good()
    del document["communications"][0]["replies"]

    report = run(document)

    assert report.communications.unchanged == 3
    assert _letter(5).replies.count() == 1


def test_a_stored_reply_with_a_document_is_not_removed(run: Run) -> None:
    Reply.objects.filter(communication=_letter(5)).update(document="replies/2016/reply.pdf")
    document = good()
    document["communications"][0]["replies"] = []
    before = row_counts()

    with pytest.raises(CommunicationImportError, match="has a document or a source's comments"):
        run(document)

    assert row_counts() == before


def test_a_case_with_follow_up_assessments_is_not_removed(run: Run) -> None:
    Assessment.objects.create(
        case=_letter(5).named.get(person__external_key="ngo-2"),
        period_months=12,
        development="same",
        source="desk",
        information_level="limited",
        assessed_on=dt.date(2017, 3, 1),
    )
    document = good()
    document["communications"][0]["persons"] = document["communications"][0]["persons"][:1]
    before = row_counts()

    with pytest.raises(CommunicationImportError, match="follow-up assessments"):
        run(document)

    assert row_counts() == before


def test_a_later_file_links_to_persons_and_letters_of_an_earlier_import(run: Run) -> None:
    later: Document = {
        "communications": [
            {
                "reference": "UA CHN 2/2018",
                "sent_on": "2018-02-01",
                "subject": "New charges against a defender",
                "mandates": {"lead": "sr-hrd"},
                "addressees": [{"state": "CHN"}],
                "facts": f"{LI_WEN} was charged again.",
                "follow_up_of": "AL CHN 9/2016",
                "persons": [{"key": "ngo-1", "name": LI_WEN, "violations": ["conviction"]}],
            }
        ]
    }

    report = run(later)

    assert (report.communications.created, report.persons.unchanged) == (1, 1)
    li = Person.objects.get(external_key="ngo-1")
    assert li.gender == "female"  # not given in this file: left as stored
    assert li.issue_areas.count() == 2
    assert li.mentions.count() == 3
    new = Communication.objects.get(ref_year=2018)
    assert new.follow_up_of == _letter(9)
    assert new.facts == f"[[person:{li.key.hex}]] was charged again."


def test_a_letter_sent_through_spcomms_with_the_same_reference_is_updated(
    reference: None, write_file: WriteFile
) -> None:
    sent = factories.communication(
        country="CHN", number=5, sent_at=dt.datetime(2016, 3, 1, tzinfo=dt.UTC)
    )

    report = communications_import(path=write_file(good()))

    assert (report.communications.created, report.communications.updated) == (2, 1)
    assert _letter(5).pk == sent.pk
    assert _letter(5).named.count() == 2


def _indexed() -> set[str]:
    return set(PublishedDocument.objects.values_list("reference", flat=True))


def test_an_unchanged_import_keeps_the_public_index(run: Run) -> None:
    publication_sync()
    assert _indexed() == {"UA CHN 5/2016", "AL CHN 9/2016", "AL OTH 2/2017"}

    run(good())

    assert _indexed() == {"UA CHN 5/2016", "AL CHN 9/2016", "AL OTH 2/2017"}


def test_a_new_consent_drops_the_index_rows_of_every_letter_naming_the_person(
    run: Run,
) -> None:
    publication_sync()
    document = good()
    document["communications"][0]["persons"][0]["consent"] = {
        "given_by": "victim",
        "transmit_to_state": True,
        "public_naming": "withheld",
        "recorded_on": "2018-01-05",
    }

    run(document)

    assert _indexed() == {"AL OTH 2/2017"}
    publication_sync()
    assert LI_WEN not in PublishedDocument.objects.get(reference="UA CHN 5/2016").body


def test_a_changed_letter_drops_its_own_index_row(run: Run) -> None:
    publication_sync()
    document = good()
    document["communications"][2]["subject"] = "Threats against an organisation near a mine"

    run(document)

    assert _indexed() == {"UA CHN 5/2016", "AL CHN 9/2016"}
