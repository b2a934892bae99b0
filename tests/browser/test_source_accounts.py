"""An NGO's account in a real browser: open it, set up the app, sign in, submit, find the
submission in the list, open it without the code, and fail to open another NGO's."""

from __future__ import annotations

import re
from pathlib import Path

import pyotp
import pytest
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from spcomms.accounts.models import Role, SourceOrganisation, User
from spcomms.intake.models import Submission, SubmissionMessage
from tests.browser.conftest import Traffic, sign_in
from tests.browser.intake_walk import submit_through_the_form
from tests.conftest import PASSWORD
from tests.web import builders

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

STRONG = "amber lanterns cross the old bridge"


def test_an_ngo_opens_an_account_submits_and_follows_only_its_own_submissions(
    page: Page,
    live_server: LiveServer,
    traffic: Traffic,
    reference: None,
    intake_dir: Path,
) -> None:
    other = User.objects.create_user(username="ngo-other", password=PASSWORD, role=Role.SOURCE)
    theirs = builders.submission(source_account=other)

    # Opening the account, from the intake's first page; a weak password is refused first.
    page.goto("/submit/")
    with page.expect_navigation():
        page.get_by_test_id("account-new").click()
    page.get_by_label("Your organisation's name").fill("Browser Defenders Network")
    page.get_by_label("Username").fill("bdn-desk")
    page.get_by_label("Password", exact=True).fill("short")
    page.get_by_label("Password confirmation").fill("short")
    with page.expect_navigation():
        page.get_by_test_id("open-account").click()
    expect(page.locator("#id_password2_error")).to_contain_text("too short")
    expect(page.get_by_label("Your organisation's name")).to_have_value("Browser Defenders Network")
    page.get_by_label("Password", exact=True).fill(STRONG)
    page.get_by_label("Password confirmation").fill(STRONG)
    with page.expect_navigation():
        page.get_by_test_id("open-account").click()

    # The authenticator app comes before anything else.
    expect(page).to_have_url(re.compile(r"/accounts/security/app/\?next=%2Fsubmit%2Faccount%2F"))
    expect(page.get_by_test_id("setup-required")).to_be_visible()
    key = page.get_by_test_id("setup-key").inner_text().replace(" ", "")
    page.goto("/submit/account/")
    expect(page).to_have_url(re.compile(r"/accounts/security/app/"))  # held there
    page.get_by_label("Code from the app").fill(pyotp.TOTP(key).now())
    with page.expect_navigation():
        page.get_by_role("button", name="Confirm").click()
    expect(page.get_by_test_id("recovery-codes").locator("li")).to_have_count(10)
    with page.expect_navigation():
        page.get_by_test_id("continue").click()
    expect(page.get_by_test_id("no-submissions")).to_be_visible()
    account = User.objects.get(username="bdn-desk")
    assert SourceOrganisation.objects.get(user=account).name == "Browser Defenders Network"

    # Signing out and in again: the password, then a code.
    with page.expect_navigation():
        page.get_by_role("button", name="Sign out").click()
    sign_in(page, "bdn-desk", STRONG)
    expect(page).to_have_url(re.compile(r"/submit/account/$"))
    expect(page.get_by_test_id("organisation")).to_contain_text("Browser Defenders Network")

    # Submitting while signed in: the receipt says it is linked, and still shows the code.
    with page.expect_navigation():
        page.get_by_test_id("new-submission").click()
    code = submit_through_the_form(
        page, "en", names=("Ana Browser", "Luis Browser"), facts="Arrested at the march."
    )
    assert code
    expect(page.get_by_test_id("linked-to-account")).to_be_visible()
    mine = Submission.objects.get(source_account=account)

    # The list, then the status page without the code, and a message to the staff.
    page.goto("/submit/account/")
    row = page.locator(f'[data-testid="submission-row"][data-reference="{mine.public_id.hex[:8]}"]')
    expect(row).to_have_count(1)
    expect(row.get_by_test_id("row-status")).to_have_text("Received")
    expect(page.get_by_test_id("submission-row")).to_have_count(1)
    with page.expect_navigation():
        row.get_by_test_id("open-submission").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your submission")
    expect(page.get_by_test_id("reference")).to_have_text(mine.public_id.hex[:8])
    page.get_by_label("More information").check()
    page.get_by_label("Your message").fill("She was moved to another prison.")
    with page.expect_navigation():
        page.get_by_test_id("send-message").click()
    expect(page.get_by_test_id("sent")).to_be_visible()
    assert SubmissionMessage.objects.get(submission=mine).body == (
        "She was moved to another prison."
    )

    # Another NGO's submission answers as a missing one would.
    refused = page.goto(f"/submit/account/submissions/{theirs.public_id}/")
    assert refused is not None
    assert refused.status == 404
    expect(page.get_by_text(builders.SECRET_NAME)).to_have_count(0)

    assert traffic.foreign_requests(live_server.url) == []
    assert traffic.csp_errors() == []
    assert traffic.page_errors == []
