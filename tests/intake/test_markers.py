"""The attacker holds a copy of the database or of the media folder, but no key.

A source submits through the real form with unique marker strings in every
answer, name, message, file name and file; then the raw database (the SQLite
file's bytes, or a ``pg_dump`` of the PostgreSQL database) and every file under
the media folder are searched: no marker may be found. Nor may the log.
"""

from __future__ import annotations

import io
import os
import sqlite3
import subprocess
import uuid
from pathlib import Path

import pytest
from django.db import connection
from django.test import Client
from PIL import Image

from spcomms.intake.models import Submission
from tests.intake import walk
from tests.intake.conftest import jpeg_with_exif, pdf_with_metadata

# The data must be committed for pg_dump, which reads through its own connection.
pytestmark = pytest.mark.django_db(transaction=True)


def _database_bytes(tmp_path: Path) -> bytes:
    if connection.vendor == "sqlite":
        name = str(connection.settings_dict["NAME"])
        if name and Path(name).is_file():
            connection.close()
            files = [Path(name), Path(name + "-wal"), Path(name + "-journal")]
            return b"".join(path.read_bytes() for path in files if path.exists())
        # An in-memory test database: copy its pages, as they are, into a file.
        copy = tmp_path / "copy.sqlite3"
        target = sqlite3.connect(copy)
        connection.ensure_connection()
        connection.connection.backup(target)  # type: ignore[union-attr]  # sqlite3 connection
        target.close()
        return copy.read_bytes()
    assert connection.vendor == "postgresql"
    settings = connection.settings_dict
    environ = dict(os.environ)
    if settings.get("PASSWORD"):
        environ["PGPASSWORD"] = str(settings["PASSWORD"])
    dumped = subprocess.run(
        [
            "pg_dump",
            "--no-owner",
            "-h",
            str(settings.get("HOST") or "127.0.0.1"),
            "-p",
            str(settings.get("PORT") or 5432),
            "-U",
            str(settings.get("USER") or "postgres"),
            str(settings["NAME"]),
        ],
        capture_output=True,
        check=True,
        env=environ,
    )
    return dumped.stdout


def _media_bytes(root: Path) -> list[tuple[Path, bytes]]:
    return [(path, path.read_bytes()) for path in root.rglob("*") if path.is_file()]


def test_no_marker_reaches_the_database_the_media_folder_or_the_log(
    reference: None,
    tmp_path: Path,
    intake_dir: Path,
    caplog: pytest.LogCaptureFixture,
) -> None:
    marker = f"MK{uuid.uuid4().hex[:10]}"
    png = io.BytesIO()
    Image.new("RGB", (8, 8)).save(png, "PNG")
    receipt = walk.submit(
        Client(),
        marker=marker,
        victims=(f"Victim {marker} One", f"Victim {marker} Two"),
        files={
            "file0": walk.upload(f"{marker}-photo.jpg", jpeg_with_exif(marker)),
            "file1": walk.upload(f"{marker}.pdf", pdf_with_metadata(marker)),
            "file2": walk.upload(f"{marker}.txt", f"Notes by {marker}".encode()),
        },
    )
    assert receipt.status_code == 200
    code = walk.code_of(receipt)
    client = Client()
    opened = client.post("/submit/status/", {"code": code})
    assert opened.status_code == 302
    sent = client.post(
        "/submit/status/open/",
        {
            "kind": "reprisal",
            "body": f"Reprisal {marker} yesterday",
            "file": walk.upload(f"{marker}-b.png", png.getvalue()),
        },
    )
    assert sent.status_code == 302
    # The markers did arrive, readable through the application.
    submission = Submission.objects.get()
    assert marker in submission.facts
    assert marker in submission.sender_name
    assert submission.attachments.count() == 4

    database = _database_bytes(tmp_path)
    # The search does see the submission: its clear look-up key is there.
    assert submission.receipt_lookup.encode() in database
    for needle in (marker, code, code.replace("-", "")):
        assert needle.encode() not in database, f"{needle} found in the database"
        assert needle.encode("utf-16-le") not in database
    stored = _media_bytes(intake_dir.parent)
    assert len(stored) == 8  # an original and a cleaned copy of each of the four files
    for path, data in stored:
        assert marker.encode() not in data, f"marker found in {path}"
        assert marker not in path.name
    assert marker not in caplog.text
    assert code not in caplog.text
