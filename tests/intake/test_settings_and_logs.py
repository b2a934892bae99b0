"""Configuration that protects sources: where files go, and what the logs may hold."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.test import Client
from pytest_django import Settings

from spcomms.intake.checks import intake_files_outside_served_folders
from tests.intake import walk

LOGGERS = ("", "django", "django.request", "django.server", "django.security", "spcomms")


class _Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__(level=logging.DEBUG)
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(self.format(record) + repr(getattr(record, "args", "")))


@pytest.fixture
def every_log_line() -> Iterator[_Collect]:
    collect = _Collect()
    for name in LOGGERS:
        logging.getLogger(name).addHandler(collect)
    yield collect
    for name in LOGGERS:
        logging.getLogger(name).removeHandler(collect)


def test_the_intake_folder_may_not_be_served_or_hold_the_keys(
    settings: Settings, tmp_path: Path
) -> None:
    settings.STATIC_ROOT = tmp_path / "static"
    settings.SPCOMMS_INTAKE_DIR = tmp_path / "static" / "intake"
    assert [e.id for e in intake_files_outside_served_folders()] == ["spcomms.E101"]
    settings.SPCOMMS_INTAKE_DIR = tmp_path / "media" / "intake"
    settings.SPCOMMS_KEY_DIR = tmp_path / "media" / "intake" / "keys"
    assert [e.id for e in intake_files_outside_served_folders()] == ["spcomms.E102"]
    settings.SPCOMMS_KEY_DIR = tmp_path / "keys"
    assert intake_files_outside_served_folders() == []


def test_the_development_servers_request_log_is_off_and_requests_log_only_errors() -> None:
    loggers = django_settings.LOGGING["loggers"]
    assert loggers["django.server"]["handlers"] == []
    assert loggers["django.request"]["level"] == "ERROR"


@pytest.mark.django_db
def test_no_log_line_carries_a_sources_address_or_answers(
    reference: None, every_log_line: _Collect
) -> None:
    client = Client(REMOTE_ADDR="192.0.2.250")
    code = walk.code_of(walk.submit(client, marker="LogZq"))
    client.post("/submit/status/", {"code": "wrong"})
    client.post("/submit/status/", {"code": code})
    client.get("/submit/status/open/")
    client.post("/submit/form/", {"draft": "broken"})
    text = "\n".join(every_log_line.lines)
    assert "192.0.2.250" not in text
    assert "LogZq" not in text
    assert code not in text
