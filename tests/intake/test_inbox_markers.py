"""What staff type on the triage pages, and what a source comments on a reply, never
reaches the database in clear: the raw SQLite file (or a ``pg_dump``) is searched for
the marker strings after each was sent through the real pages."""

from __future__ import annotations

import datetime as dt
import uuid
from pathlib import Path

import pytest
from django.test import Client

from spcomms.accounts.models import User
from spcomms.audit.models import AuditEvent
from spcomms.cases.models import CaseFile
from spcomms.communications.models import ReplyComment
from spcomms.intake.models import Submission
from tests import factories
from tests.intake.test_markers import _database_bytes
from tests.intake.triage import client_for, detail_url, submit

pytestmark = pytest.mark.django_db(transaction=True)


def test_staff_messages_reasons_summaries_and_reply_comments_are_sealed(
    secretariat_officer: User, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    marker = f"MK{uuid.uuid4().hex[:10]}"
    typed = {
        "message": f"Staff message {marker}-a",
        "info": f"Info request {marker}-b",
        "summary": f"Case summary {marker}-c",
        "internal": f"Internal reason {marker}-d",
        "for_source": f"Reason for source {marker}-e",
        "comment": f"Source comment {marker}-f",
    }
    staff = client_for(secretariat_officer)

    # One submission: message, request more, open a case file; its communication is
    # published with a reply, on which the source comments.
    receipt = submit(marker="Plain")
    first = receipt.submission
    assert staff.post(detail_url(first, "message"), {"body": typed["message"]}).status_code == 302
    assert staff.post(detail_url(first, "info-request"), {"body": typed["info"]}).status_code == 302
    assert (
        staff.post(
            detail_url(first, "case-file"), {"country": "COL", "summary": typed["summary"]}
        ).status_code
        == 302
    )
    communication = factories.communication(sent_at=dt.datetime(2016, 3, 1, tzinfo=dt.UTC))
    communication.case_files.add(CaseFile.objects.get(submission=first))
    reply = factories.reply(to=communication, received_on=dt.date(2016, 4, 1))
    source = Client()
    assert source.post("/submit/status/", {"code": receipt.code}).status_code == 302
    commented = source.post(f"/submit/replies/{reply.pk}/", {"body": typed["comment"]})
    assert commented.status_code == 302

    # Another: no action, with both reasons.
    second = submit(marker="Other").submission
    assert (
        staff.post(
            detail_url(second, "no-action"),
            {"internal_reason": typed["internal"], "reason_for_source": typed["for_source"]},
        ).status_code
        == 302
    )

    # Everything arrived and reads back through the application.
    assert {m.body for m in Submission.objects.get(pk=first.pk).messages.all()} == {
        typed["message"],
        typed["info"],
    }
    assert CaseFile.objects.get().summary == typed["summary"]
    assert ReplyComment.objects.get().body == typed["comment"]
    decided = Submission.objects.get(pk=second.pk)
    assert decided.no_action_reason == typed["internal"]
    assert decided.reason_for_source == typed["for_source"]
    assert AuditEvent.objects.filter(action="reply_comment").count() == 1

    database = _database_bytes(tmp_path)
    assert first.receipt_lookup.encode() in database  # the search does see the rows
    for needle in (marker, *typed.values()):
        assert needle.encode() not in database, f"{needle} found in the database"
        assert needle.encode("utf-16-le") not in database
    assert marker not in caplog.text
