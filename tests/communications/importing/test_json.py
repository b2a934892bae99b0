"""A good JSON file is stored as it says: references, deadlines, persons, consent, replies, text."""

from __future__ import annotations

import datetime as dt

import pytest

from spcomms.accounts.models import User
from spcomms.audit.models import AuditEvent
from spcomms.cases.models import Person, PublicNaming
from spcomms.communications.importing.reading import FileFormat
from spcomms.communications.importing.services import communications_import
from spcomms.communications.models import (
    Communication,
    CommunicationStatus,
    NonStateKind,
    ReferenceCounter,
)
from tests.communications.importing.conftest import (
    GREEN_EARTH,
    LI_WEN,
    ZHANG_HUA,
    WriteFile,
    good,
)

pytestmark = pytest.mark.django_db

UTC = dt.UTC


def _by_reference(reference: str) -> Communication:
    kind, code, number_year = reference.split()
    number, year = number_year.split("/")
    return Communication.objects.get(
        type=kind, ref_code=code, ref_number=int(number), ref_year=int(year)
    )


@pytest.fixture
def imported(reference: None, write_file: WriteFile, secretariat_officer: User) -> None:
    report = communications_import(path=write_file(good()), actor=secretariat_officer)
    assert report.file_format == FileFormat.JSON
    assert (report.communications.created, report.persons.created) == (3, 3)


def test_the_reference_is_split_into_its_parts_and_the_letter_is_sent(imported: None) -> None:
    letter = _by_reference("UA CHN 5/2016")

    assert (letter.type, letter.ref_code, letter.ref_number, letter.ref_year) == (
        "UA",
        "CHN",
        5,
        2016,
    )
    assert letter.status == CommunicationStatus.SENT
    assert letter.reference == "UA CHN 5/2016"
    assert letter.transitions.get().to_status == CommunicationStatus.SENT


def test_a_date_of_sending_is_midnight_utc_and_the_deadline_sixty_days_later(
    imported: None,
) -> None:
    letter = _by_reference("UA CHN 5/2016")

    assert letter.sent_at == dt.datetime(2016, 3, 1, tzinfo=UTC)
    assert letter.reply_due_at == dt.datetime(2016, 4, 30, tzinfo=UTC)


def test_a_time_of_sending_and_a_deadline_given_are_kept(imported: None) -> None:
    letter = _by_reference("AL CHN 9/2016")

    assert letter.sent_at == dt.datetime(2016, 7, 10, 9, 30, tzinfo=UTC)
    assert letter.reply_due_at == dt.datetime(2016, 9, 10, tzinfo=UTC)
    assert letter.follow_up_of == _by_reference("UA CHN 5/2016")
    assert letter.concerns_reprisal is True


def test_mandates_are_stored_with_their_lead(imported: None) -> None:
    letter = _by_reference("UA CHN 5/2016")

    links = {(link.mandate.code, link.is_lead) for link in letter.mandate_links.all()}
    assert links == {("sr-hrd", True), ("wgad", False), ("sr-torture", False)}


def test_a_business_addressee_is_stored_with_its_home_state_copied(imported: None) -> None:
    letter = _by_reference("AL OTH 2/2017")

    addressed, copied = letter.addressees.order_by("pk")
    assert addressed.non_state_actor is not None
    assert (addressed.non_state_actor.name, addressed.non_state_actor.kind) == (
        "Acme Mining plc",
        NonStateKind.BUSINESS,
    )
    assert addressed.non_state_actor.home_country is not None
    assert addressed.non_state_actor.home_country.iso3 == "GBR"
    assert addressed.is_copy is False
    assert copied.country is not None
    assert (copied.country.iso3, copied.is_copy) == ("GBR", True)
    assert letter.language == "fr"


def test_a_person_named_twice_is_one_person_linked_to_both_letters(imported: None) -> None:
    li = Person.objects.get(external_key="ngo-1")

    assert li.name == LI_WEN
    assert {m.communication.reference for m in li.mentions.all()} == {
        "UA CHN 5/2016",
        "AL CHN 9/2016",
    }
    counted = Person.objects.with_mention_count().get(pk=li.pk)
    assert counted.mention_count == 2  # type: ignore[attr-defined]  # an annotation
    assert (li.gender, li.kind) == ("female", "individual")
    assert li.country is not None
    assert li.country.iso3 == "CHN"
    assert {area.code for area in li.issue_areas.all()} == {"womens_rights", "legal_profession"}


def test_violations_and_perpetrators_belong_to_each_case(imported: None) -> None:
    first = _by_reference("UA CHN 5/2016").named.get(person__external_key="ngo-1")
    second = _by_reference("AL CHN 9/2016").named.get(person__external_key="ngo-1")

    assert {v.code for v in first.violations.all()} == {"arbitrary_detention", "torture"}
    assert {v.code for v in second.violations.all()} == {"arbitrary_detention", "reprisal_un"}
    assert {p.code for p in second.perpetrators.all()} == {"police", "judiciary"}
    business = _by_reference("AL OTH 2/2017").named.get()
    assert business.business_involved is True


def test_consent_is_recorded_when_given_and_absent_when_not(
    imported: None, secretariat_officer: User
) -> None:
    li = Person.objects.get(external_key="ngo-1")
    zhang = Person.objects.get(external_key="ngo-2")
    collective = Person.objects.get(external_key="ngo-77")

    consent = li.current_consent()
    assert consent is not None
    assert (consent.given_by, consent.transmit_to_state, consent.public_naming) == (
        "victim",
        True,
        PublicNaming.FULL,
    )
    assert consent.written is True
    assert consent.recorded_at == dt.datetime(2016, 2, 20, tzinfo=UTC)
    assert consent.recorded_by == secretariat_officer
    assert zhang.current_consent() is None
    withheld = collective.current_consent()
    assert withheld is not None
    assert withheld.public_naming == PublicNaming.WITHHELD
    assert withheld.written is False


def test_replies_keep_their_class_and_the_persons_they_address(imported: None) -> None:
    reply = _by_reference("UA CHN 5/2016").replies.get()

    assert reply.received_on == dt.date(2016, 4, 20)
    assert reply.language == "zh"
    assert reply.reply_class is not None
    assert reply.reply_class.code == "rejected_without_substantiation"
    assert [m.person.external_key for m in reply.persons_addressed.all()] == ["ngo-1"]
    assert reply.is_late is False
    unclassified = _by_reference("AL OTH 2/2017").replies.get()
    assert unclassified.reply_class is None
    assert not unclassified.persons_addressed.exists()
    assert not _by_reference("AL CHN 9/2016").replies.exists()


def test_names_in_the_text_are_replaced_by_placeholders(imported: None) -> None:
    letter = _by_reference("UA CHN 5/2016")
    li = Person.objects.get(external_key="ngo-1").key.hex
    zhang = Person.objects.get(external_key="ngo-2").key.hex

    assert letter.facts == (
        f"[[person:{li}]] was arrested on 2 February 2016. [[person:{zhang}]] visited "
        f"[[person:{li}]]."
    )
    assert letter.concerns == (
        f"We are concerned for the safety of [[person:{li}]] and [[person:{zhang}]]."
    )
    assert letter.questions == (
        f"Please explain the legal basis for the detention of [[person:{li}]]."
    )
    assert LI_WEN not in letter.facts + letter.concerns + letter.questions
    assert ZHANG_HUA not in letter.facts + letter.concerns
    assert letter.norms == "Articles 9 and 19 of the ICCPR."
    collective = Person.objects.get(external_key="ngo-77").key.hex
    assert GREEN_EARTH not in _by_reference("AL OTH 2/2017").facts
    assert f"[[person:{collective}]]" in _by_reference("AL OTH 2/2017").facts


def test_the_reference_counters_are_raised_to_the_highest_number(imported: None) -> None:
    counters = {(c.ref_code, c.ref_year): c.last_number for c in ReferenceCounter.objects.all()}
    assert counters == {("CHN", 2016): 9, ("OTH", 2017): 2}


def test_a_counter_already_higher_is_left_alone(reference: None, write_file: WriteFile) -> None:
    ReferenceCounter.objects.create(ref_code="CHN", ref_year=2016, last_number=40)

    communications_import(path=write_file(good()))

    assert ReferenceCounter.objects.get(ref_code="CHN", ref_year=2016).last_number == 40


def test_one_audit_row_holds_the_counts_and_no_text(
    imported: None, secretariat_officer: User
) -> None:
    event = AuditEvent.objects.get(action="communications.import")

    assert event.actor == secretariat_officer
    assert event.detail["communications_created"] == 3
    assert event.detail["persons_created"] == 3
    assert event.detail["consents_added"] == 2
    assert event.detail["replies_created"] == 2
    assert LI_WEN not in str(event.detail)


def test_a_bare_list_of_communications_is_read_too(reference: None, write_file: WriteFile) -> None:
    report = communications_import(path=write_file(good()["communications"]))

    assert report.communications.created == 3


def test_a_byte_order_mark_is_accepted(reference: None, write_file: WriteFile) -> None:
    import json

    path = write_file(b"\xef\xbb\xbf" + json.dumps(good()).encode("utf-8"))

    assert communications_import(path=path).communications.created == 3


def test_a_longer_name_wins_over_a_name_inside_it(reference: None, write_file: WriteFile) -> None:
    document = good()
    letter = document["communications"][0]
    letter["facts"] = "Li Wen and Li Wenjun were arrested; Li Wen's lawyer too."
    letter["persons"][1]["name"] = "Li Wenjun"
    letter["concerns"] = letter["questions"] = ""

    communications_import(path=write_file(document))

    stored = _by_reference("UA CHN 5/2016")
    li = Person.objects.get(external_key="ngo-1").key.hex
    jun = Person.objects.get(external_key="ngo-2").key.hex
    assert stored.facts == (
        f"[[person:{li}]] and [[person:{jun}]] were arrested; [[person:{li}]]'s lawyer too."
    )
