"""Session expiry (idle and absolute), and signing out everywhere."""

from __future__ import annotations

import time

import pytest
from django.conf import settings as django_settings
from django.test import Client
from django.urls import reverse
from pytest_django import Settings

from spcomms.accounts.models import User
from spcomms.accounts.signin import LAST_SEEN, SIGNED_IN_AT
from spcomms.audit.models import AuditEvent
from tests.accounts.conftest import password_step
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db

HOME = reverse("accounts:home")
LOGIN = reverse("accounts:login")


@pytest.fixture(autouse=True)
def limits(settings: Settings) -> None:
    """Sessions end after 10 minutes unused or 1 hour in all, in these tests."""
    settings.SPCOMMS_SESSION_IDLE_SECONDS = 600
    settings.SESSION_COOKIE_AGE = 3600


def set_clocks(client: Client, *, signed_in_ago: float, last_seen_ago: float) -> None:
    """Move the session's clocks back, as if that much time had passed."""
    session = client.session
    now = time.time()
    session[SIGNED_IN_AT] = now - signed_in_ago
    session[LAST_SEEN] = now - last_seen_ago
    session.save()


def test_a_session_unused_for_longer_than_the_idle_timeout_is_signed_out(
    client: Client, secretariat_officer: User
) -> None:
    password_step(client, secretariat_officer)
    set_clocks(client, signed_in_ago=700, last_seen_ago=601)

    response = client.get(HOME, follow=True)

    assert response.redirect_chain[0] == (f"{LOGIN}?next={HOME}", 302)
    assert "You were signed out after 10 minutes without activity." in response.content.decode()
    assert client.get(HOME).status_code == 302, "the session is gone, not only this request"
    event = AuditEvent.objects.get(action="session.expired")
    assert event.detail == {"reason": "idle"}


def test_a_session_used_within_the_idle_timeout_stays_and_its_clock_moves_on(
    client: Client, secretariat_officer: User
) -> None:
    password_step(client, secretariat_officer)
    set_clocks(client, signed_in_ago=700, last_seen_ago=590)

    assert client.get(HOME).status_code == 200

    assert time.time() - client.session[LAST_SEEN] < 5


def test_a_session_older_than_its_lifetime_ends_however_busy(
    client: Client, secretariat_officer: User
) -> None:
    password_step(client, secretariat_officer)
    set_clocks(client, signed_in_ago=3601, last_seen_ago=1)

    response = client.get(HOME, follow=True)

    assert response.redirect_chain[0][0].startswith(LOGIN)
    assert "a session lasts at most 1 hours" in response.content.decode()
    assert AuditEvent.objects.get(action="session.expired").detail == {"reason": "lifetime"}


@pytest.mark.parametrize("persona", ["researcher", "mandate_holder", "source_organisation"])
def test_every_role_s_session_expires_alike(
    client: Client, persona: str, request: pytest.FixtureRequest
) -> None:
    password_step(client, request.getfixturevalue(persona))
    set_clocks(client, signed_in_ago=700, last_seen_ago=601)

    assert client.get(HOME).headers["Location"].startswith(LOGIN)


def test_a_new_password_signs_out_every_other_session_and_keeps_this_one(
    client: Client, researcher: User
) -> None:
    other = Client()
    password_step(other, researcher)
    password_step(client, researcher)

    response = client.post(
        reverse("accounts:password_change"),
        {
            "old_password": PASSWORD,
            "new_password1": "a brand new passphrase 77",
            "new_password2": "a brand new passphrase 77",
        },
        follow=True,
    )

    assert response.status_code == 200
    assert "Every other session of your account is signed out." in response.content.decode()
    assert client.get(HOME).status_code == 200
    assert other.get(HOME).headers["Location"].startswith(LOGIN)
    assert AuditEvent.objects.filter(action="password.changed", actor=researcher).exists()


def test_a_wrong_old_password_changes_nothing_and_says_so(client: Client, researcher: User) -> None:
    password_step(client, researcher)

    response = client.post(
        reverse("accounts:password_change"),
        {"old_password": "wrong", "new_password1": "x" * 14, "new_password2": "x" * 14},
    )

    assert response.status_code == 400
    assert "Your old password was entered incorrectly." in response.content.decode()
    researcher.refresh_from_db()
    assert researcher.check_password(PASSWORD)


def test_an_administrator_setting_a_password_signs_the_account_out_everywhere(
    client: Client, administrator: User, researcher: User
) -> None:
    password_step(client, researcher)
    admin = Client()
    admin.force_login(administrator)

    admin.post(
        reverse("admin:auth_user_password_change", args=[researcher.pk]),
        {"password1": "set by the admin 2026", "password2": "set by the admin 2026"},
    )

    researcher.refresh_from_db()
    assert researcher.check_password("set by the admin 2026")
    assert client.get(HOME).headers["Location"].startswith(LOGIN)


def test_sign_out_everywhere_else_keeps_only_this_session(client: Client, researcher: User) -> None:
    other = Client()
    password_step(other, researcher)
    password_step(client, researcher)

    response = client.post(reverse("accounts:sessions_end"), follow=True)

    assert "Every other session of your account is signed out." in response.content.decode()
    assert client.get(HOME).status_code == 200
    assert other.get(HOME).headers["Location"].startswith(LOGIN)


def test_the_session_cookie_settings_are_kept() -> None:
    assert django_settings.SESSION_COOKIE_HTTPONLY is True
    assert django_settings.SESSION_COOKIE_SAMESITE == "Lax"
    assert django_settings.SESSION_EXPIRE_AT_BROWSER_CLOSE is True
