"""A backup restored gives back every record of every table, byte for byte where it is
sealed, every stored file, and keys that still open what was sealed: into the emptied
database itself, and through the console into a fresh SQLite file and a fresh PostgreSQL
database (so across engines on either run)."""

from __future__ import annotations

import gzip
import io
import json
import os
import stat
import tarfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import psycopg
import pytest
from django.apps import apps
from django.conf import settings
from django.contrib.sessions.models import Session
from django.core.management import call_command
from django.db import connection
from pytest_django import Settings

from spcomms.accounts.models import TOTPDevice
from spcomms.audit.models import AuditEvent
from spcomms.audit.services import audit_record
from spcomms.backup.keyfiles import key_files
from spcomms.cases.models import Person
from spcomms.communications.models import Reply
from spcomms.core.crypto import Keyring
from spcomms.core.pgcheck import answers
from spcomms.intake.models import Submission
from spcomms.intake.services import source_attachment_read
from tests.backup.conftest import REPLY_DOCUMENT, Instance
from tests.backup.records import (
    flush,
    is_record_table,
    model_tables,
    records,
    sqlite_records,
    stored_files,
)
from tests.console import run_console

pytestmark = pytest.mark.django_db


def _records() -> dict[str, list[tuple[Any, ...]]]:
    with connection.cursor() as cursor:
        return records(cursor, connection.vendor)


def _differing(
    before: dict[str, list[tuple[Any, ...]]], after: dict[str, list[tuple[Any, ...]]]
) -> list[str]:
    return sorted(
        table for table in before.keys() | after.keys() if before.get(table) != after.get(table)
    )


def _search(word: str) -> list[int]:
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(
                "SELECT rowid FROM publication_fts WHERE publication_fts MATCH %s ORDER BY rowid",
                [word],
            )
        else:
            cursor.execute(
                "SELECT id FROM publication_publisheddocument "
                "WHERE search_vector @@ plainto_tsquery('simple', %s) ORDER BY id",
                [word],
            )
        return [row[0] for row in cursor.fetchall()]


def _backup(folder: Path) -> tuple[Path, Path]:
    archive, keys = folder / "instance.tar", folder / "keys"
    call_command("backup", "--out", str(archive), "--keys-out", str(keys), stdout=io.StringIO())
    return archive, keys


def test_every_table_of_the_database_but_the_sessions_is_in_a_backup(
    instance: Instance, tmp_path: Path
) -> None:
    archive, _keys = _backup(tmp_path)
    with tarfile.open(archive) as tar:
        manifest = json.loads(tar.extractfile("manifest.json").read())  # type: ignore[union-attr]  # a member of ours
    backed_up = {apps.get_model(label)._meta.db_table for label in manifest["database"]["tables"]}
    tables = {name for name in connection.introspection.table_names() if is_record_table(name)}
    assert backed_up == tables == {table for table, _model in model_tables()}
    assert "django_session" not in backed_up


def test_a_restore_into_the_emptied_database_gives_back_every_record_file_and_clear_value(
    instance: Instance, tmp_path: Path, settings: Settings
) -> None:
    before = _records()
    files_before = stored_files(instance.media)
    assert any(name.startswith("intake/") for name in files_before)
    assert any(name.startswith("replies/") for name in files_before)
    person = Person.objects.order_by("pk").first()
    assert person is not None
    clear = (person.pk, person.name)
    secret = TOTPDevice.objects.get(user_id=instance.administrator).secret
    facts = Submission.objects.get(pk=instance.submission).facts
    with connection.cursor() as cursor:
        cursor.execute("SELECT search_text FROM publication_publisheddocument ORDER BY id LIMIT 1")
        word = cursor.fetchone()[0].split()[0]
    found_before = _search(word)
    assert found_before
    archive, _keys = _backup(tmp_path)

    flush()
    assert not Person.objects.exists()
    settings.MEDIA_ROOT = tmp_path / "restored-media"
    settings.SPCOMMS_INTAKE_DIR = tmp_path / "restored-media" / "intake"
    call_command("restore", str(archive), stdout=io.StringIO())

    assert _differing(before, _records()) == []
    assert stored_files(tmp_path / "restored-media") == files_before
    assert stat.S_IMODE((tmp_path / "restored-media" / "intake").stat().st_mode) == 0o700
    # The keys open what was sealed with them: the master key (names, the authenticator
    # app's secret) and the submission's data key (its answers and its file).
    assert (person.pk, Person.objects.get(pk=person.pk).name) == clear
    assert TOTPDevice.objects.get(user_id=instance.administrator).secret == secret
    submission = Submission.objects.get(pk=instance.submission)
    assert submission.facts == facts
    attachment = submission.attachments.get()
    assert source_attachment_read(submission=submission, attachment=attachment) == (
        instance.attachment_bytes
    )
    assert Reply.objects.get(pk=instance.reply).document.read() == REPLY_DOCUMENT
    assert _search(word) == found_before
    # New rows take new numbers: the sequences follow the restored rows.
    newest = AuditEvent.objects.order_by("-pk").values_list("pk", flat=True).first()
    assert audit_record(actor=None, action="test.after_restore", obj=person).pk > (newest or 0)


def test_a_backup_holds_no_key_and_no_clear_text_and_the_keys_go_apart_with_mode_0600(
    instance: Instance, tmp_path: Path
) -> None:
    archive, keys = _backup(tmp_path)
    raw = archive.read_bytes()
    with tarfile.open(archive) as tar:
        handle = tar.extractfile("database.jsonl.gz")
        assert handle is not None
        dump = gzip.decompress(handle.read())
        manifest = json.loads(tar.extractfile("manifest.json").read())  # type: ignore[union-attr]  # a member of ours
    held = key_files(Path(settings.SPCOMMS_KEY_DIR), settings.SPCOMMS_MASTER_KEY)
    for item in held:
        assert item.key not in raw
        assert item.text().strip() not in raw
        assert item.text().strip() not in dump
    secret = TOTPDevice.objects.get(user_id=instance.administrator).secret
    for clear in (
        secret,
        "Marker facts",
        "Marker Organisation Name",
        "Marker comment",
        "Marker Victim One",
    ):
        assert clear.encode() not in dump
    assert b"enc1$" in dump
    session_key = Session.objects.get().session_key
    assert session_key.encode() not in raw
    assert "sessions.session" not in manifest["database"]["tables"]
    assert sorted(path.name for path in keys.iterdir()) == sorted(item.name for item in held)
    assert stat.S_IMODE(keys.stat().st_mode) == 0o700
    for path in keys.iterdir():
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(archive.stat().st_mode) == 0o600
    assert set(manifest["key_ids"]) <= {item.key_id for item in held}
    assert manifest["database"]["tables"]["cases.person"] == Person.objects.count()


# Through the console, into fresh databases -------------------------------------------------


def _console_restore(folder: Path, archive: Path, keys: Path, *, database_url: str) -> None:
    """``spcomms migrate`` then ``spcomms restore`` in a fresh instance in ``folder``."""
    media = str(folder / "media")
    migrated = run_console(
        folder, "migrate", "--no-input",
        SPCOMMS_KEY_DIR=str(keys), SPCOMMS_MEDIA_DIR=media, DATABASE_URL=database_url,
    )  # fmt: skip
    assert migrated.returncode == 0, migrated.stderr
    restored = run_console(
        folder, "restore", str(archive),
        SPCOMMS_KEY_DIR=str(keys), SPCOMMS_MEDIA_DIR=media, DATABASE_URL=database_url,
    )  # fmt: skip
    assert restored.returncode == 0, restored.stderr
    assert "Restart every spcomms server process" in restored.stdout


def _backs_up_to_the_same_files(
    folder: Path, archive: Path, keys: Path, *, database_url: str
) -> None:
    """The restored instance backs up, through the console too, to the very same dump and
    files (same SHA-256), whatever engine each ran on."""
    again = folder / "again.tar"
    made = run_console(
        folder, "backup", "--out", str(again),
        SPCOMMS_KEY_DIR=str(keys), SPCOMMS_MEDIA_DIR=str(folder / "media"),
        DATABASE_URL=database_url,
    )  # fmt: skip
    assert made.returncode == 0, made.stderr
    with tarfile.open(archive) as first, tarfile.open(again) as second:
        one = json.loads(first.extractfile("manifest.json").read())  # type: ignore[union-attr]  # a member of ours
        two = json.loads(second.extractfile("manifest.json").read())  # type: ignore[union-attr]  # a member of ours
    assert one["members"] == two["members"]
    assert one["database"]["tables"] == two["database"]["tables"]


def _opens(keys: Path, ciphertext: str, context: str) -> str:
    master = key_files(keys, None)
    return Keyring(master[0].key, tuple(item.key for item in master[1:])).open(
        ciphertext, context=context
    )


def test_a_backup_restores_through_the_console_into_a_fresh_sqlite_file(
    instance: Instance, tmp_path: Path
) -> None:
    archive, keys = _backup(tmp_path)
    folder = tmp_path / "fresh"
    folder.mkdir()
    media = folder / "media"
    sqlite_url = f"sqlite:///{folder / 'spcomms.sqlite3'}"
    _console_restore(folder, archive, keys, database_url=sqlite_url)

    assert _differing(_records(), sqlite_records(folder / "spcomms.sqlite3")) == []
    assert stored_files(media) == stored_files(instance.media)
    person = Person.objects.order_by("pk").first()
    assert person is not None
    restored = sqlite_records(folder / "spcomms.sqlite3")["cases_person"]
    name_column = [field.attname for field in Person._meta.concrete_fields].index("name")
    assert _opens(keys, restored[0][name_column], "cases_person.name") == person.name

    _backs_up_to_the_same_files(folder, archive, keys, database_url=sqlite_url)


def _postgres_url() -> str:
    if connection.vendor == "postgresql":
        database = settings.DATABASES["default"]
        return "postgres://{}@{}:{}/postgres".format(
            database["USER"] or "postgres",
            database["HOST"] or "127.0.0.1",
            database["PORT"] or 5432,
        )
    return os.environ.get("PG_URL", "postgres://postgres@127.0.0.1:5432/postgres")


@pytest.fixture
def fresh_postgres() -> Iterator[str]:
    """A database of its own on the PostgreSQL server, dropped afterwards."""
    base = _postgres_url()
    if not answers(base):
        pytest.skip(
            f"PostgreSQL does not answer at {base}: the restore into PostgreSQL is not tried"
        )
    name = f"spcomms_backup_rt_{os.getpid()}"
    server = base.rsplit("/", 1)[0]
    with psycopg.connect(f"{server}/postgres", autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield f"{server}/{name}"
    finally:
        with psycopg.connect(f"{server}/postgres", autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_a_backup_restores_through_the_console_into_a_fresh_postgresql_database(
    instance: Instance, tmp_path: Path, fresh_postgres: str
) -> None:
    archive, keys = _backup(tmp_path)
    folder = tmp_path / "fresh"
    folder.mkdir()
    media = folder / "media"
    _console_restore(folder, archive, keys, database_url=fresh_postgres)
    _backs_up_to_the_same_files(folder, archive, keys, database_url=fresh_postgres)

    with psycopg.connect(fresh_postgres) as restored:
        assert _differing(_records(), records(restored.cursor(), "postgresql")) == []
        row = restored.execute("SELECT name FROM cases_person ORDER BY id LIMIT 1").fetchone()
    assert stored_files(media) == stored_files(instance.media)
    person = Person.objects.order_by("pk").first()
    assert row is not None
    assert person is not None
    assert _opens(keys, row[0], "cases_person.name") == person.name
