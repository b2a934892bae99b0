"""Configuration fails closed: production refuses to start without a strong secret."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

from spcomms.core.env import ConfigurationError, env_bool, env_choice, env_int
from spcomms.core.secrets import is_weak_secret_key, read_or_create_secret

STRONG = secrets.token_urlsafe(50)


def run_spcomms(tmp_path: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    environ = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith("SPCOMMS_") and key != "DATABASE_URL"
    }
    environ.update({"SPCOMMS_VAR_DIR": str(tmp_path / "var"), **env})
    return subprocess.run(
        [sys.executable, "-m", "spcomms.cli", *args],
        env=environ,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_production_refuses_to_start_without_a_secret_key(tmp_path: Path) -> None:
    result = run_spcomms(tmp_path, "check", SPCOMMS_ENV="production")
    assert result.returncode == 2
    assert "SPCOMMS_SECRET_KEY is required in production" in result.stderr
    assert "Traceback" not in result.stderr


def test_production_refuses_a_weak_secret_key(tmp_path: Path) -> None:
    result = run_spcomms(tmp_path, "check", SPCOMMS_ENV="production", SPCOMMS_SECRET_KEY="changeme")
    assert result.returncode == 2
    assert "too weak" in result.stderr


def test_production_refuses_debug(tmp_path: Path) -> None:
    result = run_spcomms(
        tmp_path, "check", SPCOMMS_ENV="production", SPCOMMS_SECRET_KEY=STRONG, SPCOMMS_DEBUG="1"
    )
    assert result.returncode == 2
    assert "SPCOMMS_DEBUG cannot be on" in result.stderr


def test_the_deployment_check_is_clean_under_production_settings(tmp_path: Path) -> None:
    result = run_spcomms(
        tmp_path,
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        SPCOMMS_ENV="production",
        SPCOMMS_SECRET_KEY=STRONG,
        SPCOMMS_ALLOWED_HOSTS="spcomms.example.org",
        DATABASE_URL="postgres://postgres@127.0.0.1:5432/spcomms",
    )
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"SPCOMMS_TLS": "0"}, "spcomms.E002"),
        ({}, "spcomms.W001"),  # SQLite in production
    ],
)
def test_the_deployment_check_flags_unsafe_combinations(
    tmp_path: Path, env: dict[str, str], message: str
) -> None:
    result = run_spcomms(
        tmp_path,
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        SPCOMMS_ENV="production",
        SPCOMMS_SECRET_KEY=STRONG,
        SPCOMMS_ALLOWED_HOSTS="spcomms.example.org",
        **env,
    )
    assert result.returncode != 0
    assert message in result.stderr


def test_keys_inside_the_media_folder_are_an_error(tmp_path: Path) -> None:
    result = run_spcomms(
        tmp_path,
        "check",
        SPCOMMS_MEDIA_DIR=str(tmp_path / "media"),
        SPCOMMS_KEY_DIR=str(tmp_path / "media" / "keys"),
    )
    assert result.returncode != 0
    assert "spcomms.E001" in result.stderr


def test_a_malformed_boolean_names_the_variable(tmp_path: Path) -> None:
    result = run_spcomms(tmp_path, "check", SPCOMMS_DEBUG="maybe")
    assert result.returncode == 2
    assert "SPCOMMS_DEBUG must be one of" in result.stderr


def test_local_runs_generate_a_private_secret_key_once(tmp_path: Path) -> None:
    path = tmp_path / "keys" / "secret_key"
    first = read_or_create_secret(path)
    assert oct(path.stat().st_mode & 0o777) == "0o600"
    assert read_or_create_secret(path) == first
    assert not is_weak_secret_key(first)


@pytest.mark.parametrize(
    ("value", "weak"),
    [("changeme", True), ("a" * 60, True), ("django-insecure-" + STRONG, True), (STRONG, False)],
)
def test_weak_secret_keys_are_recognised(value: str, weak: bool) -> None:
    assert is_weak_secret_key(value) is weak


def test_strict_parsers_reject_what_they_do_not_understand() -> None:
    assert env_bool("X", False, {"X": "yes"}) is True
    assert env_int("X", 3, environ={}) == 3
    with pytest.raises(ConfigurationError, match="whole number"):
        env_int("X", 3, environ={"X": "three"})
    with pytest.raises(ConfigurationError, match="at least 300"):
        env_int("X", 3, minimum=300, environ={"X": "5"})
    with pytest.raises(ConfigurationError, match="one of local, demo, production"):
        env_choice("X", "local", ("local", "demo", "production"), {"X": "prod"})
