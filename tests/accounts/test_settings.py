"""The staff sign-in settings: strict parsers and the deployment check."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from pytest_django import Settings

from spcomms.accounts.checks import two_factor_required_in_production
from spcomms.core.env import ConfigurationError, env_http_header


def test_a_header_name_becomes_its_request_meta_key() -> None:
    assert env_http_header("H", {"H": "X-Real-IP"}) == "HTTP_X_REAL_IP"
    assert env_http_header("H", {"H": " "}) is None
    assert env_http_header("H", {}) is None


def test_a_malformed_header_name_stops_the_process() -> None:
    with pytest.raises(ConfigurationError, match="H must be a header name"):
        env_http_header("H", {"H": "X Real IP"})


def test_production_without_required_two_factor_is_warned_about(settings: Settings) -> None:
    settings.PRODUCTION = True
    settings.SPCOMMS_REQUIRE_2FA = False

    (warning,) = two_factor_required_in_production()

    assert warning.id == "spcomms.accounts.W001"
    settings.SPCOMMS_REQUIRE_2FA = True
    assert two_factor_required_in_production() == []


def read_setting(tmp_path: Path, name: str, **env: str) -> str:
    environ = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith("SPCOMMS_") and key != "DATABASE_URL"
    }
    environ.update({"SPCOMMS_VAR_DIR": str(tmp_path), "DJANGO_SETTINGS_MODULE": "spcomms.settings"})
    environ.update(env)
    result = subprocess.run(
        [sys.executable, "-c", f"from django.conf import settings; print(settings.{name})"],
        env=environ,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


@pytest.mark.parametrize(
    ("environment", "required"), [("production", "True"), ("demo", "False"), ("local", "False")]
)
def test_two_factor_is_required_by_default_only_in_production(
    tmp_path: Path, environment: str, required: str
) -> None:
    env = {"SPCOMMS_ENV": environment}
    if environment == "production":
        env["SPCOMMS_SECRET_KEY"] = secrets.token_urlsafe(50)

    assert read_setting(tmp_path, "SPCOMMS_REQUIRE_2FA", **env) == required


def test_a_malformed_sign_in_setting_stops_the_process(tmp_path: Path) -> None:
    environ = {k: v for k, v in os.environ.items() if not k.startswith("SPCOMMS_")}
    environ.update(
        {
            "SPCOMMS_VAR_DIR": str(tmp_path),
            "DJANGO_SETTINGS_MODULE": "spcomms.settings",
            "SPCOMMS_SESSION_IDLE_SECONDS": "10",
        }
    )
    result = subprocess.run(
        [sys.executable, "-c", "from django.conf import settings; settings.DEBUG"],
        env=environ,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode != 0
    assert "SPCOMMS_SESSION_IDLE_SECONDS must be at least 60; got 10." in result.stderr


def test_sessions_end_after_30_minutes_unused_or_8_hours_by_default(tmp_path: Path) -> None:
    assert read_setting(tmp_path, "SPCOMMS_SESSION_IDLE_SECONDS") == str(30 * 60)
    assert read_setting(tmp_path, "SESSION_COOKIE_AGE") == str(8 * 3600)
