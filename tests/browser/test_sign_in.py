"""Two-factor sign-in in a real browser: setting up the app, then signing in in two steps."""

from __future__ import annotations

import re

import pyotp
import pytest
from playwright.sync_api import Page, expect
from pytest_django import Settings
from pytest_django.live_server_helper import LiveServer

from spcomms.accounts.models import Role, TOTPDevice, User
from tests.accounts.totp import next_code, wrong_code
from tests.browser.conftest import Traffic, sign_in
from tests.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def newcomer(reference: None) -> User:
    """A secretariat officer who has not yet set up an authenticator app."""
    return User.objects.create_user(
        username="nadia.newcomer", password=PASSWORD, role=Role.SECRETARIAT, is_staff=True
    )


def sign_out(page: Page) -> None:
    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("link", name="Staff sign-in")).to_be_visible()


def password_step(page: Page, username: str) -> None:
    page.goto("/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def test_a_new_staff_member_sets_up_the_app_then_signs_in_with_a_code(
    page: Page,
    live_server: LiveServer,
    traffic: Traffic,
    newcomer: User,
    settings: Settings,
) -> None:
    settings.SPCOMMS_REQUIRE_2FA = True

    password_step(page, newcomer.username)

    # Held at the set-up page: the key as text and as a QR code drawn by the server.
    expect(page).to_have_url(re.compile(r"/accounts/security/app/\?next="))
    expect(page.get_by_test_id("setup-required")).to_be_visible()
    qr = page.get_by_test_id("qr-code")
    expect(qr).to_be_visible()
    assert qr.evaluate("image => image.naturalWidth") > 100, "the QR code image renders"
    key = page.get_by_test_id("setup-key").inner_text().replace(" ", "")
    page.goto("/accounts/home/")
    expect(page).to_have_url(re.compile(r"/accounts/security/app/"))  # still held there

    page.get_by_label("Code from the app").fill(pyotp.TOTP(key).now())
    page.get_by_role("button", name="Confirm").click()

    codes = page.get_by_test_id("recovery-codes").locator("li")
    expect(codes).to_have_count(10)
    recovery = codes.nth(0).inner_text()
    page.get_by_test_id("continue").click()
    expect(page.get_by_test_id("role")).to_have_text("Your role: Secretariat officer.")
    assert TOTPDevice.objects.get(user=newcomer).confirmed
    sign_out(page)

    # Next time: the password, then a code; a wrong code is refused by the field.
    password_step(page, newcomer.username)
    expect(page).to_have_url(re.compile(r"/accounts/login/code/"))
    code = page.get_by_label("Code", exact=True)
    code.fill(wrong_code(newcomer))
    page.get_by_role("button", name="Continue").click()
    expect(page.locator("#id_code_error")).to_contain_text("That code is not right")
    expect(page.get_by_label("Code", exact=True)).to_have_attribute("aria-invalid", "true")
    page.goto("/accounts/home/")
    expect(page).to_have_url(re.compile(r"/accounts/login/code/"))

    page.get_by_label("Code", exact=True).fill(next_code(newcomer))
    page.get_by_role("button", name="Continue").click()
    expect(page).to_have_url(re.compile(r"/accounts/home/$"))
    sign_out(page)

    # A lost phone: a recovery code signs in once.
    password_step(page, newcomer.username)
    page.get_by_label("Code", exact=True).fill(recovery)
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("status")).to_contain_text("You signed in with a recovery code")
    expect(page.get_by_test_id("role")).to_be_visible()

    assert traffic.foreign_requests(live_server.url) == []
    assert traffic.csp_errors() == []
    assert traffic.page_errors == []


def test_an_enrolled_administrator_signs_in_in_two_steps_and_reaches_the_admin_site(
    page: Page, administrator: User
) -> None:
    sign_in(page, administrator.username, PASSWORD)

    expect(page.get_by_test_id("role")).to_have_text("Your role: Administrator.")
    page.get_by_test_id("admin-link").click()
    expect(page.get_by_role("heading", name="Site administration")).to_be_visible()


def test_a_password_guesser_sees_that_sign_in_is_paused_and_for_how_long(
    page: Page, researcher: User, settings: Settings
) -> None:
    settings.SPCOMMS_SIGNIN_ACCOUNT_FAILURES = 2
    for _ in range(2):
        page.goto("/accounts/login/")
        page.get_by_label("Username").fill(researcher.username)
        page.get_by_label("Password").fill("not the password")
        page.get_by_role("button", name="Sign in").click()
        expect(page.get_by_test_id("sign-in-error")).to_contain_text("Please enter a correct")

    password_step(page, researcher.username)

    error = page.get_by_test_id("sign-in-error")
    expect(error).to_contain_text("sign-in is paused for 15 minutes")
    expect(page.get_by_label("Username")).to_have_value(researcher.username)
    expect(page.get_by_label("Password")).to_have_attribute("aria-invalid", "true")
