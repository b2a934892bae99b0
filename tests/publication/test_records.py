"""The public records carry only what the public may see, built from published communications."""

from __future__ import annotations

import datetime as dt

import pytest

from spcomms.cases.models import PublicNaming
from spcomms.communications.letters import placeholder
from spcomms.publication.records import public_communication, public_communications
from tests import factories

pytestmark = pytest.mark.django_db


def test_a_record_shows_each_person_as_their_consent_allows(reference: None) -> None:
    shown = factories.person(name="Ana Lopez", public_naming=PublicNaming.FULL)
    hidden = factories.person(name="Omar Haddad", public_naming=None)
    sent = factories.communication(persons=(shown, hidden))
    sent.facts = f"{placeholder(shown)} and {placeholder(hidden)} were detained."
    sent.save()
    [record] = public_communications()
    assert record.reference == sent.reference
    assert record.text("facts") == (
        "Ana Lopez and a human rights defender (name withheld) were detained."
    )
    assert "Omar" not in record.searchable_text()
    assert record.persons == ("Ana Lopez", "a human rights defender (name withheld)")
    assert record.mandates[0].is_lead


def test_a_confidential_reply_shows_only_that_it_exists(reference: None) -> None:
    sent = factories.communication()
    reply = factories.reply(to=sent, received_on=dt.date(2016, 3, 20))
    reply.confidential = True
    reply.save()
    factories.reply(to=sent, received_on=dt.date(2016, 9, 1))
    record = public_communication(slug=f"ua-col-{sent.ref_number}-2016")
    assert record is not None
    hidden, late = record.replies
    assert hidden.confidential
    assert hidden.received_on is None
    assert hidden.class_label == ""
    assert "not made public" in hidden.notice
    assert late.late is True
    assert late.class_group == "steps_taken"


def test_communications_not_yet_due_or_withheld_have_no_record(reference: None) -> None:
    soon = factories.communication(sent_at=dt.datetime.now(dt.UTC) - dt.timedelta(days=1))
    withheld = factories.communication()
    withheld.withheld = True
    withheld.save()
    assert public_communications() == []
    assert public_communication(slug=f"ua-col-{soon.ref_number}-{soon.ref_year}") is None
    assert public_communication(slug="not-a-slug") is None
