"""What is derived from dates and links rather than stored."""

from __future__ import annotations

import datetime as dt

import pytest

from spcomms.cases.models import Person
from spcomms.communications.models import PublicState
from spcomms.reference.models import PerpetratorType
from tests import factories

pytestmark = pytest.mark.django_db
SENT = dt.datetime(2016, 3, 1, 23, 30, tzinfo=dt.UTC)  # deadline: 30 April 2016, 23:30 UTC


def test_the_reference_reads_type_code_number_and_year(reference: None) -> None:
    assert factories.communication(country="CHN", number=5).reference == "UA CHN 5/2016"
    assert factories.communication(sent_at=None).reference == ""


def test_a_reply_on_the_deadline_day_is_in_time_and_the_day_after_is_late(
    reference: None,
) -> None:
    sent = factories.communication(sent_at=SENT)
    assert not factories.reply(to=sent, received_on=dt.date(2016, 4, 30)).is_late
    assert factories.reply(to=sent, received_on=dt.date(2016, 5, 1)).is_late


def test_lateness_is_judged_in_utc_whatever_the_deadline_zone(reference: None) -> None:
    sent = factories.communication(sent_at=SENT)
    sent.reply_due_at = dt.datetime(2016, 5, 1, 1, 0, tzinfo=dt.timezone(dt.timedelta(hours=3)))
    sent.save()
    sent.refresh_from_db()
    # 01:00 at UTC+3 on 1 May is 22:00 UTC on 30 April.
    assert factories.reply(to=sent, received_on=dt.date(2016, 5, 1)).is_late


def test_a_communication_becomes_public_exactly_at_its_deadline(reference: None) -> None:
    sent = factories.communication(sent_at=SENT)
    assert sent.reply_due_at is not None
    assert (
        sent.public_state(sent.reply_due_at - dt.timedelta(seconds=1)) == PublicState.CONFIDENTIAL
    )
    assert sent.public_state(sent.reply_due_at) == PublicState.PUBLISHED
    assert factories.communication(sent_at=None).public_state() == PublicState.DRAFT


def test_mentions_are_counted_from_sent_communications(reference: None) -> None:
    defender = factories.person()
    for year in (2014, 2015, 2016):
        factories.communication(sent_at=dt.datetime(year, 6, 1, tzinfo=dt.UTC), persons=(defender,))
    factories.communication(sent_at=None, persons=(defender,))
    other = factories.person(name="Another Defender")
    counted = Person.objects.with_mention_count()
    assert counted.get(pk=defender.pk).mention_count == 3  # type: ignore[attr-defined]  # annotation
    assert counted.get(pk=other.pk).mention_count == 0  # type: ignore[attr-defined]  # annotation


def test_business_involvement_follows_the_perpetrator_types(reference: None) -> None:
    defender = factories.person()
    case = factories.communication(persons=(defender,)).named.get()
    case.perpetrators.add(PerpetratorType.objects.get(code="police"))
    assert not case.business_involved
    case.perpetrators.add(PerpetratorType.objects.get(code="business_indirect"))
    assert case.business_involved
