"""Playwright driving Debian's chromium against pytest-django's live server.

The browser is never downloaded (no ``playwright install``): the tests use
``/usr/bin/chromium`` from Debian, which ``make system-deps`` installs.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import (
    Browser,
    ConsoleMessage,
    Dialog,
    Page,
    Request,
    Response,
    sync_playwright,
)
from pytest_django import Settings
from pytest_django.live_server_helper import LiveServer

from spcomms.accounts.models import User
from tests.accounts.totp import enrol, next_code
from tests.web.conftest import source_organisation

__all__ = ["source_organisation"]  # the persona fixture, shared with the web tests

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="package")
def browser() -> Iterator[Browser]:
    """One chromium for the browser tests, closed when they are done.

    Playwright's sync API keeps an event loop running in the main thread while
    it is open. Django would then refuse the tests' own ORM calls (the data they
    set up and flush) as if they came from async code. No coroutine runs while a
    test touches the database, so the check is lifted for exactly as long as
    the loop runs: the browser tests only, never the rest of the suite.
    """
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing: install Debian's chromium with `make system-deps`.")
    with pytest.MonkeyPatch.context() as patch, sync_playwright() as playwright:
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        launched = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        yield launched
        launched.close()


@dataclass
class Traffic:
    """Every request a page made, every asset that failed, every console error it logged,
    and every dialog (``alert``, ``confirm``, ``prompt``) a script opened."""

    requests: list[str] = field(default_factory=list)
    failed_assets: list[str] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)

    def foreign_requests(self, origin: str) -> list[str]:
        return [
            url
            for url in self.requests
            if urlsplit(url).scheme != "data" and not url.startswith(origin + "/")
        ]

    def csp_errors(self) -> list[str]:
        return [text for text in self.console_errors if "Content Security Policy" in text]

    def script_errors(self) -> list[str]:
        """Console errors other than the one chromium logs for every 4xx answer: a page
        refused with 400 or 403 on purpose is no error of a script."""
        return [
            text
            for text in self.console_errors
            if not text.startswith("Failed to load resource: the server responded with a status")
        ]


@pytest.fixture
def intake_dir(settings: Settings, tmp_path: Path) -> Path:
    """The folder where the intake keeps submissions' files, one per test."""
    settings.SPCOMMS_INTAKE_DIR = tmp_path / "intake"
    return tmp_path / "intake"


@pytest.fixture
def traffic() -> Traffic:
    return Traffic()


def watched_page(browser: Browser, base_url: str, traffic: Traffic) -> Page:
    """A page in a context of its own (its own cookies), whose traffic ``traffic`` records.

    A dialog is recorded and dismissed: no page of ours opens one, so any dialog
    is a script that should not have run.
    """
    context = browser.new_context(base_url=base_url, locale="en-GB")
    context.set_default_timeout(10_000)
    opened = context.new_page()

    def on_request(request: Request) -> None:
        traffic.requests.append(request.url)

    def on_console(message: ConsoleMessage) -> None:
        if message.type == "error":
            traffic.console_errors.append(message.text)

    def on_response(response: Response) -> None:
        if response.status >= 400 and response.request.resource_type != "document":
            traffic.failed_assets.append(f"{response.status} {response.url}")

    def on_dialog(dialog: Dialog) -> None:
        traffic.dialogs.append(f"{dialog.type}: {dialog.message}")
        dialog.dismiss()

    opened.on("request", on_request)
    opened.on("response", on_response)
    opened.on("console", on_console)
    opened.on("pageerror", lambda error: traffic.page_errors.append(str(error)))
    opened.on("dialog", on_dialog)
    return opened


@pytest.fixture
def page(browser: Browser, live_server: LiveServer, traffic: Traffic) -> Iterator[Page]:
    opened = watched_page(browser, live_server.url, traffic)
    yield opened
    opened.context.close()


@pytest.fixture
def staff_page(browser: Browser, live_server: LiveServer, traffic: Traffic) -> Iterator[Page]:
    """A second browser, for a member of staff while ``page`` is the source's."""
    opened = watched_page(browser, live_server.url, traffic)
    yield opened
    opened.context.close()


# Signing in ------------------------------------------------------------------
#
# In the browser, staff personas hold an authenticator app, as they must in
# production: signing in takes the password, then a code that the tests compute
# from the enrolled key, as the app would.


@pytest.fixture
def secretariat_officer(secretariat_officer: User) -> User:
    enrol(secretariat_officer)
    return secretariat_officer


@pytest.fixture
def administrator(administrator: User) -> User:
    enrol(administrator)
    return administrator


SECOND_STEP_PATH = "/accounts/login/code/"


def sign_in(page: Page, username: str, password: str) -> None:
    """Sign in through the form; give the code from the app when the page asks for one."""
    page.goto("/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    with page.expect_navigation():
        page.get_by_role("button", name="Sign in").click()
    if urlsplit(page.url).path == SECOND_STEP_PATH:
        give_code(page, username)


def give_code(page: Page, username: str) -> None:
    """On the second step, type the code the account's app shows now."""
    code = page.get_by_label("Code", exact=True)
    code.wait_for()
    code.fill(next_code(User.objects.get(username=username)))
    with page.expect_navigation():
        page.get_by_role("button", name="Continue").click()
