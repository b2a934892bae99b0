"""Staff triage in a real browser, in English: sign in with the code from the app, open the
inbox, open a submission a source sent, message the source (after a refused empty
message), and decide to open a case file, then go on to draft from it."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from spcomms.accounts.models import User
from spcomms.audit.models import AuditEvent
from spcomms.cases.models import CaseFile
from spcomms.intake.models import SubmissionMessage, SubmissionStatus
from tests.browser.conftest import Traffic, sign_in
from tests.conftest import PASSWORD
from tests.intake.triage import submit

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_staff_triage_from_the_inbox_to_a_case_file(
    page: Page,
    traffic: Traffic,
    live_server: object,
    secretariat_officer: User,
    intake_dir: Path,
) -> None:
    older = submit(marker="Calm", received_days_ago=3).submission
    submission = submit(
        marker="Browser", urgent=True, victims=2, with_file=True, mandates=("sr-hrd",)
    ).submission
    short = submission.public_id.hex[:8]

    sign_in(page, secretariat_officer.username, PASSWORD)
    page.goto("/accounts/home/")
    page.get_by_test_id("triage-link").click()
    expect(page.get_by_role("heading", name="Submissions to triage")).to_be_visible()
    rows = page.get_by_test_id("inbox-row")
    expect(rows).to_have_count(2)
    # Urgent first, although newer; no name or answer in the list.
    expect(rows.first).to_have_attribute("data-submission", short)
    expect(rows.nth(1)).to_have_attribute("data-submission", older.public_id.hex[:8])
    expect(page.get_by_test_id("inbox")).not_to_contain_text("Browser")

    rows.first.get_by_test_id("assign-to-me").click()
    expect(page.get_by_test_id("inbox-row").first.get_by_test_id("assignee")).to_have_text(
        secretariat_officer.username
    )
    page.get_by_label("Assigned", exact=True).select_option("me")
    page.get_by_role("button", name="Filter").click()
    expect(page.get_by_test_id("inbox-row")).to_have_count(1)

    page.get_by_test_id("open-submission").click()
    expect(page.get_by_test_id("submission-title")).to_have_text(f"Submission {short}")
    expect(page.get_by_test_id("answer-facts")).to_have_text("Browser facts: arrested at dawn.")
    expect(page.get_by_test_id("ntt-places")).to_be_visible()
    expect(page.get_by_test_id("file-ntt")).to_be_visible()
    expect(page.get_by_test_id("victim")).to_have_count(2)
    assert AuditEvent.objects.filter(action="submission_read").count() == 1

    # An empty message is refused next to its field; then a real one goes.
    page.get_by_test_id("send-message").click()
    expect(page.locator("#id_body_error")).to_have_text("Write something here.")
    page.get_by_label("Message to the source").fill("Could you tell us where she is held now?")
    page.get_by_test_id("send-message").click()
    expect(page.get_by_role("status")).to_contain_text("Your message was sent to the source.")
    expect(page.get_by_test_id("thread")).to_contain_text("where she is held now")
    assert SubmissionMessage.objects.get(submission=submission).from_source is False

    page.get_by_label("New status").select_option("under_review")
    page.get_by_test_id("set-status").click()
    expect(page.get_by_test_id("status")).to_have_text("Under review")

    page.get_by_label("Country of the case file").select_option("COL")
    page.get_by_label("Summary (optional)").fill("Detention of two defenders")
    page.get_by_test_id("open-case-file").click()
    case_file = CaseFile.objects.get(submission=submission)
    expect(page.get_by_role("status")).to_contain_text(f"Case file {case_file.pk} is open.")
    expect(page.get_by_test_id("case-file")).to_be_visible()
    expect(page.get_by_test_id("open-case-file")).to_have_count(0)
    submission.refresh_from_db()
    assert submission.status == SubmissionStatus.UNDER_REVIEW
    assert case_file.persons.count() == 2

    page.get_by_test_id("draft-from-case-file").click()
    expect(page).to_have_url(
        re.compile(rf"/staff/communications/case-files/\?case_files={case_file.pk}$")
    )
    expect(page.locator(f"#case-file-{case_file.pk}")).to_be_checked()

    origin = page.url.split("/staff/")[0]
    assert traffic.foreign_requests(origin) == []
    assert traffic.csp_errors() == []
    assert traffic.page_errors == []
    assert traffic.failed_assets == []
