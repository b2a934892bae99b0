"""What a backup or a restore refuses, after the operator's slip or the attacker's edit: each
refusal says what is wrong, exits with status 2 and writes nothing."""

from __future__ import annotations

import hashlib
import io
import json
import shutil
import tarfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, transaction
from django.test import override_settings
from pytest_django import DjangoDbBlocker, Settings

from spcomms.backup.keyfiles import key_files, manifest_mac
from spcomms.cases.models import Person
from spcomms.intake.attachments import attachment_check
from spcomms.intake.services import FileToStore, submission_create
from spcomms.reference.services import reference_load
from tests import factories
from tests.backup.records import flush, records
from tests.console import run_console
from tests.intake.conftest import answers, victim

pytestmark = pytest.mark.django_db


@dataclass(frozen=True)
class Backup:
    archive: Path
    keys: Path
    folder: Path


@pytest.fixture(scope="module")
def small(
    django_db_setup: None,
    django_db_blocker: DjangoDbBlocker,
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[Backup]:
    """A small instance (a person, a submission with a stored file) and its backup, built
    once for the module inside a transaction rolled back at the end."""
    folder = tmp_path_factory.mktemp("small")
    media = folder / "media"
    with (
        override_settings(MEDIA_ROOT=media, SPCOMMS_INTAKE_DIR=media / "intake"),
        django_db_blocker.unblock(),
        transaction.atomic(),
    ):
        reference_load()
        factories.person(name="Marker Person")
        submission_create(
            answers=answers(),
            victims=[victim()],
            files=[FileToStore(name="notes.txt", checked=attachment_check(b"Marker notes"))],
        )
        (folder / "backups").mkdir()
        archive = folder / "backups" / "small.tar"
        call_command(
            "backup",
            "--out",
            str(archive),
            "--keys-out",
            str(folder / "keys"),
            stdout=io.StringIO(),
        )
        yield Backup(archive, folder / "keys", folder)
        transaction.set_rollback(True)


@pytest.fixture
def backup(small: Backup, tmp_path: Path) -> Backup:
    """The small instance's backup, copied into the test's own folder (tests may damage it)."""
    (tmp_path / "backups").mkdir()
    archive = tmp_path / "backups" / "small.tar"
    shutil.copyfile(small.archive, archive)
    (tmp_path / "media").mkdir()
    return Backup(archive, small.keys, tmp_path)


def _empty_target(settings: Settings, folder: Path) -> Path:
    """Empty the database and point the media folder at a new place; return that place."""
    flush()
    settings.MEDIA_ROOT = folder / "target-media"
    settings.SPCOMMS_INTAKE_DIR = folder / "target-media" / "intake"
    return folder / "target-media"


def _database() -> dict[str, list[tuple[Any, ...]]]:
    with connection.cursor() as cursor:
        return records(cursor, connection.vendor)


def _refused(*args: str) -> str:
    with pytest.raises(CommandError) as refusal:
        call_command(*args, stdout=io.StringIO())
    assert refusal.value.returncode == 2
    return str(refusal.value)


def _rewritten(archive: Path, out: Path, change: Callable[[dict[str, bytes]], None]) -> Path:
    with tarfile.open(archive) as tar:
        contents = {
            member.name: tar.extractfile(member).read()  # type: ignore[union-attr]  # regular files only
            for member in tar.getmembers()
        }
    change(contents)
    with tarfile.open(out, "w") as tar:
        for name, data in contents.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    return out


def _intake_member(contents: dict[str, bytes]) -> str:
    return next(name for name in contents if name.startswith("intake/"))


def test_an_archive_with_a_byte_changed_is_refused_and_nothing_is_written(
    backup: Backup, settings: Settings
) -> None:
    with tarfile.open(backup.archive) as tar:
        member = tar.getmember("database.jsonl.gz")
    data = bytearray(backup.archive.read_bytes())
    data[member.offset_data + member.size // 2] ^= 0x01
    backup.archive.write_bytes(bytes(data))
    media = _empty_target(settings, backup.folder)
    before = _database()

    message = _refused("restore", str(backup.archive))

    assert "does not match its checksum" in message
    assert _database() == before
    assert not media.exists()


def test_a_sealed_file_swapped_with_the_manifest_rewritten_to_match_is_refused(
    backup: Backup, settings: Settings
) -> None:
    """The attacker who can write to the backup store replaces a stored file and fixes
    its checksum in the manifest: the manifest's authentication code gives it away."""

    def swap(contents: dict[str, bytes]) -> None:
        name = _intake_member(contents)
        contents[name] = b"spcf1" + b"\x00" * 40
        manifest = json.loads(contents["manifest.json"])
        manifest["members"][name] = {
            "size": len(contents[name]),
            "sha256": hashlib.sha256(contents[name]).hexdigest(),
        }
        contents["manifest.json"] = json.dumps(manifest, indent=1, sort_keys=True).encode()

    forged = _rewritten(backup.archive, backup.folder / "forged.tar", swap)
    media = _empty_target(settings, backup.folder)
    before = _database()

    assert "authentication code" in _refused("restore", str(forged))
    assert _database() == before
    assert not media.exists()


def test_a_truncated_archive_is_refused_and_nothing_is_written(
    backup: Backup, settings: Settings
) -> None:
    data = backup.archive.read_bytes()
    backup.archive.write_bytes(data[: len(data) * 6 // 10])
    media = _empty_target(settings, backup.folder)
    before = _database()

    message = _refused("restore", str(backup.archive))

    assert "truncated" in message
    assert _database() == before
    assert not media.exists()


def test_a_restore_without_the_keys_the_data_need_is_refused_and_names_them(
    backup: Backup, settings: Settings
) -> None:
    with tarfile.open(backup.archive) as tar:
        manifest = json.loads(tar.extractfile("manifest.json").read())  # type: ignore[union-attr]  # a member of ours
    media = _empty_target(settings, backup.folder)
    settings.SPCOMMS_KEY_DIR = backup.folder / "another-instance-keys"
    settings.SPCOMMS_MASTER_KEY = None
    before = _database()

    message = _refused("restore", str(backup.archive))

    assert "needs the master keys" in message
    assert manifest["key_ids"]
    for kid in manifest["key_ids"]:
        assert kid in message
    assert _database() == before
    assert not media.exists()
    assert not (backup.folder / "another-instance-keys").exists()


def test_a_database_that_holds_records_is_refused_without_replace(backup: Backup) -> None:
    before = _database()

    assert "already holds records" in _refused("restore", str(backup.archive))
    assert _database() == before


def test_replace_puts_the_backup_in_place_of_what_the_database_holds_and_ends_every_session(
    backup: Backup, settings: Settings
) -> None:
    """After a restore a session could name an account that is now someone else's: none
    survives."""
    before = _database()
    factories.person(name="Marker Person Added Later")
    assert Person.objects.count() == 2
    session = SessionStore()
    session["marker"] = 1
    session.create()
    settings.MEDIA_ROOT = backup.folder / "target-media"
    settings.SPCOMMS_INTAKE_DIR = backup.folder / "target-media" / "intake"

    call_command("restore", str(backup.archive), "--replace", stdout=io.StringIO())

    assert _database() == before
    assert not Session.objects.exists()


def test_a_backup_of_another_format_version_is_refused(backup: Backup, settings: Settings) -> None:
    def later_version(contents: dict[str, bytes]) -> None:
        manifest = json.loads(contents["manifest.json"])
        manifest["format_version"] = 2
        contents["manifest.json"] = json.dumps(manifest).encode()

    later = _rewritten(backup.archive, backup.folder / "later.tar", later_version)
    media = _empty_target(settings, backup.folder)
    before = _database()

    message = _refused("restore", str(later))

    assert "format version 2" in message
    assert "reads version 1" in message
    assert _database() == before
    assert not media.exists()


def test_a_backup_made_at_another_migration_state_is_refused(
    backup: Backup, settings: Settings
) -> None:
    """A genuine backup from another spcomms version (its manifest signed with the right
    key) lists other migrations: it is refused before any row is written."""
    master = key_files(backup.keys, None)[0].key

    def other_version(contents: dict[str, bytes]) -> None:
        manifest = json.loads(contents["manifest.json"])
        manifest["migrations"] = manifest["migrations"][:-1]
        contents["manifest.json"] = json.dumps(manifest).encode()
        mac = json.loads(contents["manifest.mac"])
        mac["hmac_sha256"] = manifest_mac(master, contents["manifest.json"])
        contents["manifest.mac"] = json.dumps(mac).encode()

    older = _rewritten(backup.archive, backup.folder / "older.tar", other_version)
    media = _empty_target(settings, backup.folder)
    before = _database()

    message = _refused("restore", str(older))

    assert "lacks 0 of its migrations and has 1 it did not" in message
    assert _database() == before
    assert not media.exists()


def test_an_archive_naming_a_file_outside_the_media_folder_is_refused(
    backup: Backup, settings: Settings
) -> None:
    def escape(contents: dict[str, bytes]) -> None:
        contents["media/../../escaped.txt"] = b"written outside"

    hostile = _rewritten(backup.archive, backup.folder / "hostile.tar", escape)
    media = _empty_target(settings, backup.folder)

    assert "unexpected entry" in _refused("restore", str(hostile))
    assert not (backup.folder / "escaped.txt").exists()
    assert not media.exists()


def test_a_stored_file_of_the_same_name_with_other_contents_is_not_overwritten(
    backup: Backup, settings: Settings
) -> None:
    with tarfile.open(backup.archive) as tar:
        name = next(n for n in tar.getnames() if n.startswith("intake/"))
    media = _empty_target(settings, backup.folder)
    existing = media / name
    existing.parent.mkdir(parents=True)
    existing.write_bytes(b"another file")
    before = _database()

    assert "already exists with other contents" in _refused("restore", str(backup.archive))
    assert existing.read_bytes() == b"another file"
    assert _database() == before


def test_a_file_that_is_not_a_backup_is_refused(backup: Backup) -> None:
    other = backup.folder / "notes.tar"
    other.write_bytes(b"not a tar file at all" * 100)

    assert "not an spcomms backup" in _refused("restore", str(other))
    assert "is not a file" in _refused("restore", str(backup.folder))


@pytest.mark.parametrize(
    ("where", "expected"),
    [
        ("existing", "never overwrites"),
        ("keys-beside", "must not be the folder of the backup"),
        ("inside-media", "lies inside"),
        ("missing-folder", "does not exist"),
        ("keys-over-other-keys", "already holds another key"),
        ("keys-into-key-folder", "is the key folder itself"),
    ],
)
def test_a_backup_refuses_to_overwrite_to_keep_keys_beside_it_or_to_write_into_the_media(
    backup: Backup, where: str, expected: str
) -> None:
    folder = backup.folder
    media = Path(settings.MEDIA_ROOT)
    other_keys = folder / "other-keys"
    other_keys.mkdir()
    (other_keys / "master.key").write_bytes(b"another instance's key\n")
    arguments = {
        "existing": ["--out", str(backup.archive)],
        "keys-beside": ["--out", str(folder / "b.tar"), "--keys-out", str(folder)],
        "inside-media": ["--out", str(media / "b.tar")],
        "missing-folder": ["--out", str(folder / "nowhere" / "b.tar")],
        "keys-over-other-keys": ["--out", str(folder / "b.tar"), "--keys-out", str(other_keys)],
        "keys-into-key-folder": [
            "--out", str(folder / "b.tar"), "--keys-out", str(settings.SPCOMMS_KEY_DIR),
        ],
    }[where]  # fmt: skip
    kept = backup.archive.read_bytes()

    assert expected in _refused("backup", *arguments)
    assert backup.archive.read_bytes() == kept
    assert not (folder / "b.tar").exists()
    assert not (media / "b.tar").exists()
    assert (other_keys / "master.key").read_bytes() == b"another instance's key\n"


def test_the_console_refuses_a_damaged_backup_with_status_2_and_no_traceback(
    backup: Backup,
) -> None:
    with tarfile.open(backup.archive) as tar:
        member = tar.getmember("database.jsonl.gz")
    data = bytearray(backup.archive.read_bytes())
    data[member.offset_data + 10] ^= 0x01
    damaged = backup.folder / "damaged.tar"
    damaged.write_bytes(bytes(data))
    folder = backup.folder / "console"
    folder.mkdir()

    refused = run_console(folder, "restore", str(damaged), SPCOMMS_KEY_DIR=str(backup.keys))
    unmigrated = run_console(
        folder, "restore", str(backup.archive), SPCOMMS_KEY_DIR=str(backup.keys)
    )

    assert refused.returncode == 2
    assert "Nothing was written" in refused.stderr
    assert "Traceback" not in refused.stderr
    assert unmigrated.returncode == 2
    assert "run `spcomms migrate` first" in unmigrated.stderr
    assert "Traceback" not in unmigrated.stderr
