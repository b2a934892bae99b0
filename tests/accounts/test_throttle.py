"""Sign-in throttling: a guesser of passwords or codes is paused, per account and per client."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.test import Client, RequestFactory
from django.urls import reverse
from pytest_django import Settings

from spcomms.accounts.models import User
from spcomms.accounts.throttle import client_address
from spcomms.audit.models import AuditEvent
from spcomms.throttle.models import ThrottleCount, ThrottleKey
from tests.accounts.conftest import password_step
from tests.accounts.totp import enrol, next_code, wrong_code
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db

LOGIN = reverse("accounts:login")
HOME = reverse("accounts:home")
SECOND_STEP = reverse("accounts:second_step")
WRONG_PASSWORD = "not the password"
PAUSED = "Too many failed attempts for this account: sign-in is paused for 15 minutes."


def guess(client: Client, username: str, password: str = WRONG_PASSWORD) -> int:
    return client.post(LOGIN, {"username": username, "password": password}).status_code


def test_a_password_guesser_is_paused_after_five_failures_even_with_the_right_password(
    client: Client, researcher: User
) -> None:
    assert [guess(client, researcher.username) for _ in range(5)] == [200] * 5

    response = client.post(LOGIN, {"username": researcher.username, "password": PASSWORD})

    assert response.status_code == 429
    html = response.content.decode()
    assert PAUSED in html
    assert 'data-testid="sign-in-error"' in html
    assert f'value="{researcher.username}"' in html, "the form keeps the username"
    assert client.get(HOME).status_code == 302
    assert (
        AuditEvent.objects.filter(action="signin.failed", object_id=str(researcher.pk)).count() == 5
    )
    assert AuditEvent.objects.get(action="signin.throttled").detail == {"scope": "account"}


def test_the_pause_holds_from_another_connection_for_the_same_account(
    researcher: User,
) -> None:
    first = Client(REMOTE_ADDR="192.0.2.1")
    for _ in range(5):
        guess(first, researcher.username)

    second = Client(REMOTE_ADDR="192.0.2.2")

    assert (
        second.post(LOGIN, {"username": researcher.username, "password": PASSWORD}).status_code
        == 429
    )


def test_a_client_trying_many_accounts_is_paused_but_others_are_not(
    researcher: User, mandate_holder: User, settings: Settings
) -> None:
    settings.SPCOMMS_SIGNIN_CLIENT_FAILURES = 3
    guesser = Client(REMOTE_ADDR="192.0.2.7")
    for name in ("someone", "someone.else", "nobody"):
        guess(guesser, name)

    paused = guesser.post(LOGIN, {"username": researcher.username, "password": PASSWORD})
    other = Client(REMOTE_ADDR="192.0.2.8")

    assert paused.status_code == 429
    assert "Too many failed attempts from this connection" in paused.content.decode()
    assert AuditEvent.objects.get(action="signin.throttled").detail == {"scope": "client"}
    assert (
        other.post(LOGIN, {"username": researcher.username, "password": PASSWORD}).status_code
        == 302
    )


def test_a_success_clears_the_account_count_but_not_the_client_count(
    client: Client, researcher: User, settings: Settings
) -> None:
    settings.SPCOMMS_SIGNIN_CLIENT_FAILURES = 6
    for _ in range(4):
        guess(client, researcher.username)
    password_step(client, researcher)
    client.post(reverse("accounts:logout"))

    for _ in range(2):
        assert guess(client, researcher.username) == 200, "the account's count started again"
    assert guess(client, researcher.username) == 429, "the client's count did not"


def test_a_code_guesser_is_paused_after_five_wrong_codes_even_with_the_right_code(
    client: Client, secretariat_officer: User
) -> None:
    enrol(secretariat_officer)
    password_step(client, secretariat_officer)
    wrong = wrong_code(secretariat_officer)
    assert [client.post(SECOND_STEP, {"code": wrong}).status_code for _ in range(5)] == [400] * 5

    response = client.post(SECOND_STEP, {"code": next_code(secretariat_officer)})

    assert response.status_code == 429
    assert PAUSED in response.content.decode()
    assert client.get(HOME).headers["Location"].startswith(SECOND_STEP)
    assert AuditEvent.objects.filter(action="signin.code_failed").count() == 5


def test_signing_in_again_with_the_password_does_not_reset_the_code_count(
    client: Client, secretariat_officer: User
) -> None:
    enrol(secretariat_officer)
    wrong = wrong_code(secretariat_officer)
    password_step(client, secretariat_officer)
    for _ in range(4):
        client.post(SECOND_STEP, {"code": wrong})
    client.post(reverse("accounts:logout"))

    password_step(client, secretariat_officer)
    client.post(SECOND_STEP, {"code": wrong})

    assert client.post(SECOND_STEP, {"code": next_code(secretariat_officer)}).status_code == 429


def test_the_admin_sign_in_form_is_paused_too(client: Client, administrator: User) -> None:
    for _ in range(5):
        client.post(reverse("admin:login"), {"username": administrator.username, "password": "x"})

    client.post(reverse("admin:login"), {"username": administrator.username, "password": PASSWORD})

    assert client.get("/admin/").status_code == 302
    assert guess(client, administrator.username, PASSWORD) == 429


def test_no_address_is_kept_in_the_counters_the_cache_the_audit_log_or_the_database(
    researcher: User,
) -> None:
    address = "198.51.100.23"
    guesser = Client(REMOTE_ADDR=address)
    for _ in range(6):
        guess(guesser, researcher.username)

    rows = list(ThrottleCount.objects.values()) + list(ThrottleKey.objects.values())
    assert len(rows) == 3, "one key, one count for the account and one for the client"
    for row in rows:
        for value in row.values():
            assert address not in str(value)
            assert researcher.username not in str(value)
    assert address not in repr(cache._cache)  # type: ignore[attr-defined]  # LocMemCache in tests
    for event in AuditEvent.objects.all():
        assert address not in str(event.detail)


def test_the_client_address_comes_from_the_proxy_header_when_one_is_configured(
    rf: RequestFactory, settings: Settings
) -> None:
    request = rf.get("/", REMOTE_ADDR="127.0.0.1", HTTP_X_REAL_IP="203.0.113.9")

    assert client_address(request) == "127.0.0.1"
    settings.SPCOMMS_CLIENT_ADDRESS_HEADER = "HTTP_X_REAL_IP"
    assert client_address(request) == "203.0.113.9"
