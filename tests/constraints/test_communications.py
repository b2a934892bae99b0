"""Integrity rules of communications, addressees, named persons and replies."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from spcomms.communications.models import (
    Addressee,
    Communication,
    CommunicationMandate,
    CommunicationPerson,
    CommunicationStatus,
    NonStateActor,
    NonStateKind,
    Reply,
)
from spcomms.reference.models import Country, Mandate
from tests import factories
from tests.constraints.conftest import Refusal

pytestmark = pytest.mark.django_db
MARCH = dt.datetime(2016, 3, 1, 9, 0, tzinfo=dt.UTC)


def test_a_duplicate_reference_is_refused(reference: None, refused_twice: Refusal) -> None:
    first = factories.communication(country="CHN", number=5)
    duplicate = factories.communication(country="CHN", sent_at=None)
    duplicate.status = CommunicationStatus.SENT
    duplicate.sent_at = first.sent_at
    duplicate.reply_due_at = first.reply_due_at
    duplicate.ref_code, duplicate.ref_number, duplicate.ref_year = "CHN", 5, 2016
    refused_twice(duplicate, "reference")


def test_the_same_number_is_free_for_another_addressee_or_year(reference: None) -> None:
    factories.communication(country="CHN", number=5)
    other_state = factories.communication(country="IND", number=5)
    next_year = factories.communication(
        country="CHN", number=5, sent_at=dt.datetime(2017, 1, 10, tzinfo=dt.UTC)
    )
    assert {other_state.reference, next_year.reference} == {"UA IND 5/2016", "UA CHN 5/2017"}


def test_the_number_is_shared_by_all_types_for_one_addressee(
    reference: None, refused_twice: Refusal
) -> None:
    factories.communication(country="CHN", number=5)
    letter = factories.communication(country="CHN", number=6)
    letter.type, letter.ref_number = "AL", 5
    refused_twice(letter)


def test_an_invalid_type_is_refused(reference: None, refused_twice: Refusal) -> None:
    sent = factories.communication()
    sent.type = "XX"
    refused_twice(sent, "type")


def test_a_deadline_before_the_sent_date_is_refused(
    reference: None, refused_twice: Refusal
) -> None:
    sent = factories.communication()
    sent.reply_due_at = MARCH - dt.timedelta(hours=1)
    refused_twice(sent, "reply_due_at")


def test_a_sent_communication_needs_its_date_deadline_and_reference(
    reference: None, refused_twice: Refusal
) -> None:
    draft = factories.communication(sent_at=None)
    draft.status = CommunicationStatus.SENT
    refused_twice(draft, "communication_sent_has_date_deadline_reference")


def test_a_draft_cannot_carry_a_sent_date(reference: None, refused_twice: Refusal) -> None:
    draft = factories.communication(sent_at=None)
    draft.sent_at = MARCH
    refused_twice(draft, "communication_sent_has_date_deadline_reference")


def test_a_partial_reference_is_refused(reference: None, refused_twice: Refusal) -> None:
    draft = factories.communication(sent_at=None)
    draft.ref_code = "CHN"
    refused_twice(draft, "communication_reference_whole")


@pytest.mark.parametrize("code", ["chn", "CH", "CHNA"])
def test_a_reference_code_must_be_three_capitals(
    reference: None, refused_twice: Refusal, code: str
) -> None:
    sent = factories.communication()
    sent.ref_code = code
    refused_twice(sent, "ref_code" if len(code) > 3 else "communication_reference_code_format")


def test_the_reference_year_must_be_the_year_sent(reference: None) -> None:
    sent = factories.communication()
    sent.ref_year = 2015
    with pytest.raises(ValidationError) as error:
        sent.full_clean()
    assert "ref_year" in error.value.message_dict


def test_a_withheld_communication_needs_a_reason(reference: None) -> None:
    sent = factories.communication()
    sent.withheld = True
    with pytest.raises(ValidationError) as error:
        sent.full_clean()
    assert "withheld_reason" in error.value.message_dict
    sent.withheld_reason = "Risk to the family named in the reply."
    sent.full_clean()


def test_a_communication_cannot_follow_up_on_itself(
    reference: None, refused_twice: Refusal
) -> None:
    sent = factories.communication()
    sent.follow_up_of = sent
    refused_twice(sent, "communication_not_follow_up_of_itself")


def test_a_communication_has_at_most_one_lead_mandate(
    reference: None, refused_twice: Refusal
) -> None:
    sent = factories.communication()
    refused_twice(
        CommunicationMandate(
            communication=sent, mandate=Mandate.objects.get(code="wgad"), is_lead=True
        )
    )


def test_a_mandate_joins_a_communication_once(reference: None, refused_twice: Refusal) -> None:
    sent = factories.communication()
    refused_twice(
        CommunicationMandate(communication=sent, mandate=Mandate.objects.get(code="sr-hrd"))
    )


def test_an_addressee_is_either_a_state_or_a_non_state_actor(
    reference: None, refused_twice: Refusal
) -> None:
    sent = factories.communication()
    company = NonStateActor.objects.create(name="Example Mining Ltd", kind=NonStateKind.BUSINESS)
    refused_twice(
        Addressee(
            communication=sent, country=Country.objects.get(iso3="PER"), non_state_actor=company
        )
    )
    refused_twice(Addressee(communication=sent))


def test_a_state_is_addressed_once_per_communication(
    reference: None, refused_twice: Refusal
) -> None:
    sent = factories.communication(country="COL")
    refused_twice(
        Addressee(communication=sent, country=Country.objects.get(iso3="COL"), is_copy=True)
    )


def test_a_person_is_named_once_per_communication(reference: None, refused_twice: Refusal) -> None:
    defender = factories.person()
    sent = factories.communication(persons=(defender,))
    refused_twice(CommunicationPerson(communication=sent, person=defender))


def test_a_named_person_cannot_be_deleted_while_named(reference: None) -> None:
    defender = factories.person()
    factories.communication(persons=(defender,))
    with pytest.raises(IntegrityError), transaction.atomic():
        defender.delete()


def test_a_reply_dated_before_its_communication_is_refused_by_validation(
    reference: None,
) -> None:
    sent = factories.communication()
    early = Reply(communication=sent, received_on=dt.date(2016, 2, 28), language="en")
    with pytest.raises(ValidationError) as error:
        early.full_clean()
    assert "received_on" in error.value.message_dict


def test_a_reply_to_a_draft_is_refused_by_validation(reference: None) -> None:
    draft = factories.communication(sent_at=None)
    with pytest.raises(ValidationError):
        Reply(communication=draft, received_on=dt.date(2016, 3, 2), language="en").full_clean()


def test_a_non_state_actor_name_is_unique_per_kind(reference: None, refused_twice: Refusal) -> None:
    NonStateActor.objects.create(name="Example Mining Ltd", kind=NonStateKind.BUSINESS)
    refused_twice(NonStateActor(name="Example Mining Ltd", kind=NonStateKind.BUSINESS))
    refused_twice(NonStateActor(name="Example Bank", kind="bank"))


def test_only_published_communications_are_in_the_public_record(reference: None) -> None:
    published = factories.communication(sent_at=MARCH)
    confidential = factories.communication(sent_at=dt.datetime(2016, 4, 20, tzinfo=dt.UTC))
    factories.communication(sent_at=None)
    withheld = factories.communication(sent_at=MARCH)
    withheld.withheld, withheld.withheld_reason = True, "Safety of the family."
    withheld.save()
    on_may_15 = dt.datetime(2016, 5, 15, tzinfo=dt.UTC)
    assert list(Communication.objects.published(on_may_15)) == [published]
    assert confidential.public_state(on_may_15) == "confidential"
    assert withheld.public_state(on_may_15) == "withheld"
