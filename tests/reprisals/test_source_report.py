"""A source reports a reprisal from its status page: it is registered as alleged, with
the submission's State, and its submission comes first in the staff's inbox, marked
urgent, whatever the submission's own status or urgency."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from spcomms.accounts.models import User
from spcomms.audit.models import AuditEvent
from spcomms.intake.models import MessageKind, SubmissionStatus
from spcomms.intake.services import submissions_purge
from spcomms.reprisals.models import Cooperation, ReprisalAllegation, ReprisalStatus
from tests.intake.triage import INBOX, client_for, submit

pytestmark = pytest.mark.django_db


def _source(code: str) -> Client:
    client = Client()
    assert client.post("/submit/status/", {"code": code}).status_code == 302
    return client


def _report(code: str, body: str = "Qzreprisal they searched my office after Geneva") -> None:
    sent = _source(code).post("/submit/status/open/", {"kind": MessageKind.REPRISAL, "body": body})
    assert sent.status_code == 302, sent.content.decode()[:2000]


def test_a_reprisal_reported_by_a_source_is_registered_as_alleged(reference: None) -> None:
    receipt = submit(country="BHR")
    _report(receipt.code)
    allegation = ReprisalAllegation.objects.get()
    assert allegation.status == ReprisalStatus.ALLEGED
    assert allegation.cooperation == Cooperation.SUBMISSION
    assert allegation.submission == receipt.submission
    assert allegation.country is not None
    assert allegation.country.iso3 == "BHR"
    assert allegation.description == "Qzreprisal they searched my office after Geneva"
    assert allegation.source_message is not None
    assert allegation.source_message.kind == MessageKind.REPRISAL
    assert [e.kind for e in allegation.events.all()] == ["reported_by_source"]
    # The audit names the action, never the words.
    event = AuditEvent.objects.get(action="reprisal_reported_by_source")
    assert "Qzreprisal" not in str(event.detail)


def test_an_ordinary_message_registers_nothing(reference: None) -> None:
    receipt = submit()
    sent = _source(receipt.code).post(
        "/submit/status/open/", {"kind": MessageKind.MESSAGE, "body": "The hearing moved."}
    )
    assert sent.status_code == 302
    assert not ReprisalAllegation.objects.exists()


def test_an_empty_reprisal_report_is_refused_and_registers_nothing(reference: None) -> None:
    receipt = submit()
    refused = _source(receipt.code).post(
        "/submit/status/open/", {"kind": MessageKind.REPRISAL, "body": ""}
    )
    assert refused.status_code == 400
    assert not ReprisalAllegation.objects.exists()


def test_the_reported_submission_comes_first_in_the_inbox_marked_urgent(
    secretariat_officer: User,
) -> None:
    urgent = submit(marker="Urgentone", urgent=True, received_days_ago=5).submission
    reported = submit(marker="Calmone", received_days_ago=1)
    _report(reported.code)
    page = client_for(secretariat_officer).get(INBOX)
    assert page.status_code == 200
    rows = [
        row.split('"')[0]
        for row in page.content.decode().split('data-testid="inbox-row" data-submission="')[1:]
    ]
    assert rows == [reported.submission.public_id.hex[:8], urgent.public_id.hex[:8]]
    first_row = page.content.decode().split('data-testid="inbox-row"')[1]
    assert 'data-testid="reprisal-reported"' in first_row
    assert 'data-testid="urgent"' in first_row
    assert "Qzreprisal" not in page.content.decode()


def test_a_report_on_a_decided_submission_still_reaches_the_inbox(
    secretariat_officer: User,
) -> None:
    receipt = submit()
    submission = receipt.submission
    submission.status = SubmissionStatus.ACTED_ON
    submission.save(update_fields=["status"])
    page = client_for(secretariat_officer).get(INBOX).content.decode()
    assert submission.public_id.hex[:8] not in page
    _report(receipt.code)
    page = client_for(secretariat_officer).get(INBOX).content.decode()
    assert f'data-submission="{submission.public_id.hex[:8]}"' in page


def test_once_staff_take_it_up_it_is_no_longer_marked(secretariat_officer: User) -> None:
    receipt = submit()
    _report(receipt.code)
    ReprisalAllegation.objects.update(status=ReprisalStatus.UNDER_REVIEW)
    page = client_for(secretariat_officer).get(INBOX).content.decode()
    assert 'data-testid="reprisal-reported"' not in page


def test_the_submissions_page_links_to_the_allegation(secretariat_officer: User) -> None:
    receipt = submit()
    _report(receipt.code)
    allegation = ReprisalAllegation.objects.get()
    page = (
        client_for(secretariat_officer)
        .get(f"{INBOX}{receipt.submission.public_id}/")
        .content.decode()
    )
    section = page.split('data-testid="submission-reprisals"')[1].split("</section>")[0]
    assert f'href="/staff/reprisals/{allegation.pk}/"' in section
    assert "Reported by the source" in section


def test_the_allegation_outlives_the_submissions_retention(reference: None) -> None:
    receipt = submit()
    _report(receipt.code)
    submission = receipt.submission
    submission.refresh_from_db()
    submission.status = SubmissionStatus.CLOSED
    submission.save(update_fields=["status"])
    submission.transitions.update(at=timezone.now() - dt.timedelta(days=400))
    purged, _files = submissions_purge(retention=dt.timedelta(days=365))
    assert purged == 1
    allegation = ReprisalAllegation.objects.get()
    assert allegation.submission is None
    assert allegation.source_message is None
    assert allegation.description.startswith("Qzreprisal")
