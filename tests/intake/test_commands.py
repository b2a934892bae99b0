"""``spcomms intake purge`` and ``spcomms intake rewrap`` as an operator runs them."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import pytest
from django.core.management import call_command
from django.utils import timezone

from spcomms.accounts.models import User
from spcomms.audit.models import AuditEvent
from spcomms.cli import resolve
from spcomms.intake import services
from spcomms.intake.attachments import attachment_check
from spcomms.intake.models import Submission, SubmissionStatus
from spcomms.intake.services import FileToStore, submission_create
from tests.intake.conftest import answers, victim

pytestmark = pytest.mark.django_db


def test_the_two_words_name_the_commands() -> None:
    assert resolve(["intake", "purge", "--dry-run"]) == ["intake_purge", "--dry-run"]
    assert resolve(["intake", "rewrap"]) == ["intake_rewrap"]


def _closed_long_ago(officer: User, days: int) -> Submission:
    when = timezone.now() - dt.timedelta(days=days)
    submission = submission_create(
        answers=answers(),
        victims=[victim()],
        files=[FileToStore(name="n.txt", checked=attachment_check(b"notes"))],
        now=when,
    ).submission
    services.submission_set_status(
        actor=officer, submission=submission, to_status=SubmissionStatus.CLOSED, now=when
    )
    return submission


def test_purge_counts_first_then_deletes_after_the_retention_period(
    reference: None, secretariat_officer: User, intake_dir: Path
) -> None:
    old = _closed_long_ago(secretariat_officer, 400)
    recent = _closed_long_ago(secretariat_officer, 100)
    out = io.StringIO()
    call_command("intake_purge", "--dry-run", stdout=out)
    assert "1 submissions and 2 files would be deleted." in out.getvalue()
    assert Submission.objects.count() == 2
    out = io.StringIO()
    call_command("intake_purge", stdout=out)
    assert "1 submissions and 2 files deleted." in out.getvalue()
    assert list(Submission.objects.values_list("pk", flat=True)) == [recent.pk]
    assert len(list(intake_dir.iterdir())) == 2
    assert AuditEvent.objects.filter(action="submission_purged", object_id=str(old.pk)).exists()
    call_command("intake_purge", "--days", "30", stdout=io.StringIO())
    assert not Submission.objects.exists()
    assert list(intake_dir.iterdir()) == []


def test_rewrap_reports_nothing_to_do_when_keys_are_current(reference: None) -> None:
    submission_create(answers=answers(), victims=[victim()])
    out = io.StringIO()
    call_command("intake_rewrap", stdout=out)
    assert "0 data keys re-wrapped." in out.getvalue()
