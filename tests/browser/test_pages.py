"""The pages in a real browser: sign-in, workspaces, language switch, and what a page loads."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from spcomms.accounts.models import Role, User
from spcomms.demo.models import SyntheticDataset
from tests.browser.conftest import Traffic, give_code, sign_in
from tests.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PERSONAS = {
    "secretariat_officer": Role.SECRETARIAT,
    "administrator": Role.ADMINISTRATOR,
    "mandate_holder": Role.MANDATE_HOLDER,
    "researcher": Role.RESEARCHER,
    "source_organisation": Role.SOURCE,
}


def test_the_home_page_shows_the_synthetic_label_only_when_the_data_are_synthetic(
    page: Page, reference: None
) -> None:
    page.goto("/")
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Communications about human rights defenders"
    )
    expect(page.get_by_test_id("published-count")).to_have_text("0")
    expect(page.get_by_test_id("synthetic-label")).to_have_count(0)

    SyntheticDataset.objects.create(seed=42)
    page.reload()

    expect(page.get_by_test_id("synthetic-label")).to_be_visible()
    expect(page.get_by_test_id("synthetic-label")).to_contain_text("Synthetic data.")


# A source organisation sets up its app first, then lands on its list of submissions
# (tests/browser/test_source_accounts.py).
@pytest.mark.parametrize("persona", [name for name in PERSONAS if name != "source_organisation"])
def test_each_role_signs_in_through_the_form_and_sees_its_workspace(
    page: Page, persona: str, request: pytest.FixtureRequest
) -> None:
    user: User = request.getfixturevalue(persona)

    sign_in(page, user.username, PASSWORD)

    expect(page).to_have_url(re.compile(r"/accounts/home/$"))
    expect(page.get_by_test_id("role")).to_have_text(f"Your role: {PERSONAS[persona].label}.")
    expect(page.get_by_test_id("admin-link")).to_have_count(1 if user.is_staff else 0)

    page.get_by_role("button", name="Sign out").click()

    expect(page).to_have_url(re.compile(r"/$"))
    expect(page.get_by_role("link", name="Staff sign-in")).to_be_visible()


def test_a_wrong_password_shows_the_error_by_the_form_and_keeps_the_username(
    page: Page, researcher: User
) -> None:
    sign_in(page, researcher.username, "not the password")

    error = page.get_by_test_id("sign-in-error")
    expect(error).to_be_visible()
    expect(error).to_contain_text("Please enter a correct username and password")
    expect(page.get_by_label("Username")).to_have_value(researcher.username)
    expect(page.get_by_label("Password")).to_have_value("")
    expect(page.get_by_label("Username")).to_have_accessible_description(
        re.compile("Please enter a correct username and password")
    )
    expect(page.get_by_label("Password")).to_have_attribute("aria-invalid", "true")


def test_the_language_switch_turns_the_page_into_french_and_spanish(page: Page) -> None:
    page.goto("/accounts/login/")

    page.get_by_label("Language").select_option("fr")
    page.get_by_role("button", name="Change").click()

    expect(page.locator("html")).to_have_attribute("lang", "fr")
    expect(page.get_by_role("heading", level=1)).to_have_text("Connexion du personnel")
    expect(page).to_have_url(re.compile(r"/accounts/login/$"))

    page.get_by_label("Langue").select_option("es")
    page.get_by_role("button", name="Changer").click()

    expect(page.locator("html")).to_have_attribute("lang", "es")
    expect(page.get_by_role("heading", level=1)).to_have_text("Acceso del personal")


def test_the_skip_link_is_the_first_stop_for_the_keyboard(page: Page) -> None:
    page.goto("/")
    skip = page.get_by_role("link", name="Skip to content")
    expect(skip).not_to_be_in_viewport()  # the stylesheet hides it until it has focus

    page.keyboard.press("Tab")
    expect(skip).to_be_focused()
    expect(skip).to_be_in_viewport()
    page.keyboard.press("Enter")

    expect(page.locator("main")).to_be_focused()


def test_pages_load_nothing_from_another_host_and_break_no_policy(
    page: Page, live_server: LiveServer, traffic: Traffic, administrator: User
) -> None:
    page.goto("/")
    page.goto("/no/such/page/")
    sign_in(page, administrator.username, PASSWORD)
    expect(page.get_by_test_id("role")).to_be_visible()
    page.get_by_test_id("admin-link").click()
    expect(page.get_by_role("heading", name="Site administration")).to_be_visible()
    page.goto("/admin/accounts/user/")
    page.goto(f"/admin/accounts/user/{administrator.pk}/change/")
    expect(page.get_by_label("Username")).to_have_value(administrator.username)

    assert traffic.requests, "the pages made no request at all"
    assert any(url.endswith(".css") for url in traffic.requests)
    assert any(url.endswith(".js") for url in traffic.requests)
    assert traffic.foreign_requests(live_server.url) == []
    assert traffic.failed_assets == []
    assert traffic.csp_errors() == []
    assert traffic.page_errors == []


def test_the_admin_scripts_run_under_the_content_security_policy(
    page: Page, traffic: Traffic, administrator: User
) -> None:
    page.goto("/admin/login/")
    page.get_by_label("Username").fill(administrator.username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    give_code(page, administrator.username)  # the admin site's form has the second step too

    expect(page.get_by_role("heading", name="Site administration")).to_be_visible()
    # theme.js, an external file, marks the page as soon as it runs.
    expect(page.locator("html")).to_have_attribute("data-theme", "auto")
    assert traffic.console_errors == []
