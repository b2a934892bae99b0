"""Staff actions on a submission's page: messages, requests, status, decisions, files.

Each action goes through its service (audited, without content); bad input answers
400 with the message next to the field and what was typed kept; a step the workflow
refuses answers 409; nothing is written when an action fails.
"""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Permission
from django.test import Client

from spcomms.accounts.models import User
from spcomms.audit.models import AuditEvent
from spcomms.cases.models import CaseFile, ConsentRecord
from spcomms.intake.models import MessageKind, Submission, SubmissionStatus
from tests.intake.triage import client_for, detail_url, submit

pytestmark = pytest.mark.django_db


def _field_error(html: str, field: str) -> str:
    """The error paragraph tied to a field, or an empty string."""
    start = html.find(f'id="id_{field}_error"')
    if start < 0:
        return ""
    return html[start : html.find("</p>", start)]


def _audit_text(submission: Submission) -> str:
    return " ".join(
        f"{event.action} {event.detail}"
        for event in AuditEvent.objects.filter(object_id=str(submission.pk))
    )


def test_message_the_source_and_it_shows_on_both_sides(secretariat_officer: User) -> None:
    receipt = submit()
    submission = receipt.submission
    client = client_for(secretariat_officer)
    sent = client.post(detail_url(submission, "message"), {"body": "Zqxmsg please call us"})
    assert sent.status_code == 302
    message = submission.messages.get()
    assert not message.from_source
    assert message.author == secretariat_officer
    assert message.body == "Zqxmsg please call us"
    assert "Zqxmsg please call us" in client.get(detail_url(submission)).content.decode()
    source = Client()
    source.post("/submit/status/", {"code": receipt.code})
    assert "Zqxmsg please call us" in source.get("/submit/status/open/").content.decode()
    event = AuditEvent.objects.get(action="submission_message")
    assert event.detail == {"message": message.pk}
    assert "Zqxmsg" not in _audit_text(submission)


@pytest.mark.parametrize(
    ("body", "expected"), [("", "Write something here."), ("   \n ", "Write your message.")]
)
def test_an_empty_message_is_refused_next_to_its_field(
    secretariat_officer: User, body: str, expected: str
) -> None:
    submission = submit().submission
    refused = client_for(secretariat_officer).post(
        detail_url(submission, "message"), {"body": body}
    )
    assert refused.status_code == 400
    assert expected in _field_error(refused.content.decode(), "body")
    assert not submission.messages.exists()
    assert not AuditEvent.objects.filter(action="submission_message").exists()


def test_a_too_long_reason_is_refused_and_what_was_typed_is_kept(
    secretariat_officer: User,
) -> None:
    submission = submit().submission
    refused = client_for(secretariat_officer).post(
        detail_url(submission, "no-action"),
        {"internal_reason": "x" * 20_001, "reason_for_source": "Zqxkept for the source"},
    )
    assert refused.status_code == 400
    html = refused.content.decode()
    assert "under 20,000 characters" in _field_error(html, "internal_reason")
    assert "Zqxkept for the source" in html
    submission.refresh_from_db()
    assert submission.status == SubmissionStatus.RECEIVED
    assert submission.no_action_reason == ""


def test_request_more_information_changes_the_status_and_then_is_refused(
    secretariat_officer: User,
) -> None:
    submission = submit().submission
    client = client_for(secretariat_officer)
    asked = client.post(detail_url(submission, "info-request"), {"body": "Which prison?"})
    assert asked.status_code == 302
    submission.refresh_from_db()
    assert submission.status == SubmissionStatus.INFO_REQUESTED
    assert submission.messages.get().kind == MessageKind.INFO_REQUEST
    assert AuditEvent.objects.filter(action="submission_info_request").count() == 1
    # Asked already: the workflow refuses a second request with a 409 and writes nothing.
    again = client.post(detail_url(submission, "info-request"), {"body": "And when?"})
    assert again.status_code == 409
    assert "And when?" in again.content.decode()
    assert submission.messages.count() == 1


def test_set_status_under_review_and_a_status_not_offered_is_refused(
    secretariat_officer: User,
) -> None:
    submission = submit().submission
    client = client_for(secretariat_officer)
    page = client.get(detail_url(submission)).content.decode()
    assert 'value="under_review"' in page
    assert 'value="no_action"' not in page  # a decision, not a status to pick
    changed = client.post(detail_url(submission, "status"), {"to_status": "under_review"})
    assert changed.status_code == 302
    submission.refresh_from_db()
    assert submission.status == SubmissionStatus.UNDER_REVIEW
    event = AuditEvent.objects.get(action="submission_status")
    assert event.detail == {"before": "received", "after": "under_review"}
    for bad in ("acted_on", "received", "nonsense", ""):
        refused = client.post(detail_url(submission, "status"), {"to_status": bad})
        assert refused.status_code == 400
        assert 'data-testid="status-error"' in refused.content.decode()
    submission.refresh_from_db()
    assert submission.status == SubmissionStatus.UNDER_REVIEW


def test_no_action_keeps_the_internal_reason_and_shows_the_source_only_its_reason(
    secretariat_officer: User,
) -> None:
    receipt = submit()
    submission = receipt.submission
    client = client_for(secretariat_officer)
    missing = client.post(
        detail_url(submission, "no-action"),
        {"internal_reason": "  ", "reason_for_source": "Zqxtyped"},
    )
    assert missing.status_code == 400
    assert "Say why no action is taken." in _field_error(
        missing.content.decode(), "internal_reason"
    )
    assert "Zqxtyped" in missing.content.decode()
    decided = client.post(
        detail_url(submission, "no-action"),
        {"internal_reason": "Zqxinternal outside mandate", "reason_for_source": "Zqxforsource"},
    )
    assert decided.status_code == 302
    submission.refresh_from_db()
    assert submission.status == SubmissionStatus.NO_ACTION
    page = client.get(detail_url(submission)).content.decode()
    assert "Zqxinternal outside mandate" in page
    assert 'data-testid="open-case-file"' not in page
    source = Client()
    source.post("/submit/status/", {"code": receipt.code})
    status_page = source.get("/submit/status/open/").content.decode()
    assert "Zqxforsource" in status_page
    assert "Zqxinternal" not in status_page
    assert AuditEvent.objects.get(action="submission_no_action").detail == {
        "reason_for_source": True
    }
    assert "Zqx" not in _audit_text(submission)
    # Decided already: a case file is refused with a 409, nothing written.
    late = client.post(detail_url(submission, "case-file"), {"country": "COL"})
    assert late.status_code == 409
    assert 'data-testid="case_file-error"' in late.content.decode()
    assert not CaseFile.objects.exists()


def test_open_a_case_file_carries_the_people_and_their_consent_and_links_drafting(
    secretariat_officer: User,
) -> None:
    submission = submit(victims=2).submission
    client = client_for(secretariat_officer)
    unknown = client.post(
        detail_url(submission, "case-file"), {"country": "XXX", "summary": "Zqxsummary"}
    )
    assert unknown.status_code == 400
    assert _field_error(unknown.content.decode(), "country")
    assert "Zqxsummary" in unknown.content.decode()
    assert not CaseFile.objects.exists()
    opened = client.post(
        detail_url(submission, "case-file"), {"country": "COL", "summary": "Zqxsummary"}
    )
    assert opened.status_code == 302
    case_file = CaseFile.objects.get(submission=submission)
    assert case_file.summary == "Zqxsummary"
    assert case_file.persons.count() == 2
    assert ConsentRecord.objects.filter(person__in=case_file.persons.all()).count() == 2
    page = client.get(detail_url(submission)).content.decode()
    assert 'data-testid="case-file"' in page
    assert f"/staff/communications/case-files/?case_files={case_file.pk}" in page
    assert 'data-testid="open-case-file"' not in page
    event = AuditEvent.objects.get(action="submission_case_file")
    assert event.detail == {"case_file": case_file.pk}
    again = client.post(detail_url(submission, "case-file"), {"country": "COL"})
    assert again.status_code == 409
    assert CaseFile.objects.count() == 1


def test_files_cleaned_for_staff_original_only_with_the_right(secretariat_officer: User) -> None:
    receipt = submit(marker="Zqxfile", with_file=True)
    submission = receipt.submission
    attachment = submission.attachments.get()
    client = client_for(secretariat_officer)
    cleaned_url = detail_url(submission, f"files/{attachment.public_id}")
    original_url = f"{cleaned_url}original/"
    cleaned = client.get(cleaned_url)
    assert cleaned.status_code == 200
    assert cleaned["Content-Type"] == "image/jpeg"
    assert "attachment" in cleaned["Content-Disposition"]
    assert b"Zqxfile" not in cleaned.content  # EXIF and comment removed
    assert client.get(original_url).status_code == 404
    assert AuditEvent.objects.filter(action="attachment_read_cleaned").count() == 1
    assert not AuditEvent.objects.filter(action="attachment_read_original").exists()

    secretariat_officer.user_permissions.add(
        Permission.objects.get(codename="view_original_attachment")
    )
    allowed = client_for(User.objects.get(pk=secretariat_officer.pk))
    assert 'data-testid="file-original"' in allowed.get(detail_url(submission)).content.decode()
    original = allowed.get(original_url)
    assert original.status_code == 200
    assert b"Zqxfile" in original.content  # the evidence, metadata and all
    assert AuditEvent.objects.filter(action="attachment_read_original").count() == 1

    # A file of another submission is not reachable through this one.
    other = submit(marker="Zqxother").submission
    assert client.get(detail_url(other, f"files/{attachment.public_id}")).status_code == 404


def test_every_post_needs_the_csrf_token(secretariat_officer: User) -> None:
    submission = submit().submission
    client = client_for(secretariat_officer, enforce_csrf_checks=True)
    for action, data in (
        ("message", {"body": "hello"}),
        ("info-request", {"body": "more?"}),
        ("status", {"to_status": "under_review"}),
        ("no-action", {"internal_reason": "no"}),
        ("case-file", {"country": "COL"}),
        ("assign", {"to_me": "1"}),
    ):
        assert client.post(detail_url(submission, action), data).status_code == 403
    page = client.get(detail_url(submission)).content.decode()
    assert page.count('name="csrfmiddlewaretoken"') >= 6
    submission.refresh_from_db()
    assert submission.status == SubmissionStatus.RECEIVED
    assert not submission.messages.exists()


def test_get_on_an_action_is_refused(secretariat_officer: User) -> None:
    submission = submit().submission
    client = client_for(secretariat_officer)
    assert client.get(detail_url(submission, "message")).status_code == 405
    assert client.post(detail_url(submission)).status_code == 405


def test_a_script_typed_by_a_source_is_shown_as_text(secretariat_officer: User) -> None:
    submission = submit(marker="<script>alert(1)</script>").submission
    page = client_for(secretariat_officer).get(detail_url(submission)).content.decode()
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
