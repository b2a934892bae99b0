"""The demonstration stays usable: its printed sign-ins work, and it says what 2FA asks."""

from __future__ import annotations

import re
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from pytest_django import Settings

SIGN_IN = re.compile(r"^\s+(.+?)\s+user (demo-\S+)\s+password (\S+)$", re.MULTILINE)

pytestmark = pytest.mark.django_db


def run_demo(settings: Settings, tmp_path: Path) -> tuple[str, dict[str, str]]:
    settings.VAR_DIR = tmp_path
    out = StringIO()
    call_command("demo", "--no-serve", "--scale", "0.02", stdout=out)
    output = out.getvalue()
    return output, {user: password for _, user, password in SIGN_IN.findall(output)}


def test_the_demonstration_says_two_factor_is_optional_and_its_sign_ins_work(
    settings: Settings, tmp_path: Path
) -> None:
    settings.SPCOMMS_REQUIRE_2FA = False

    output, logins = run_demo(settings, tmp_path)

    assert "Two-factor authentication is optional in the demonstration" in output
    for username, password in logins.items():
        client = Client()
        response = client.post(
            reverse("accounts:login"), {"username": username, "password": password}
        )
        assert response.headers["Location"] == reverse("accounts:home"), username
        assert client.get(reverse("accounts:home")).status_code == 200


def test_with_two_factor_required_the_demonstration_says_staff_set_it_up_at_first_sign_in(
    settings: Settings, tmp_path: Path
) -> None:
    settings.SPCOMMS_REQUIRE_2FA = True

    output, logins = run_demo(settings, tmp_path)

    assert "Two-factor authentication is required (SPCOMMS_REQUIRE_2FA=1)" in output
    client = Client()
    client.post(
        reverse("accounts:login"),
        {"username": "demo-secretariat", "password": logins["demo-secretariat"]},
    )
    page = client.get(reverse("accounts:home"), follow=True)
    assert 'data-testid="setup-key"' in page.content.decode()
