"""Making a backup and restoring one (docs/backup.md, ADR 11).

A backup is one tar file (``spcomms.backup.archive``) holding the database as JSON
lines (``spcomms.backup.dump``) and the media and intake files exactly as stored. It
holds no key: ``--keys-out`` copies the key files to a folder of their own, to be
kept elsewhere. A restore checks the whole archive, the key folder and the target
database before it writes anything, then loads the rows in one transaction and puts
the files in place only once that transaction has committed.
"""

from __future__ import annotations

import datetime as dt
import gzip
import hashlib
import json
import os
import secrets
import shutil
import tarfile
import tempfile
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import DatabaseError, connection, transaction
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone
from django.utils.translation import gettext as _

from spcomms.backup import archive
from spcomms.backup.archive import ArchiveError, ArchiveWriter
from spcomms.backup.dump import DumpError, dump, empty_tables, holds_records, load, model_by_label
from spcomms.backup.keyfiles import (
    KeyFile,
    KeyFileError,
    key_files,
    manifest_mac,
    manifest_mac_matches,
)
from spcomms.core.env import ConfigurationError
from spcomms.core.secrets import write_private
from spcomms.encryption import keyring

STAGING_PREFIX = ".spcomms-restore-"


class BackupRefused(Exception):
    """A backup or restore that cannot go ahead; the message says why and what to do."""


@dataclass(frozen=True)
class BackupReport:
    path: Path
    rows: int
    tables: int
    files: int
    size: int
    key_ids: list[str]
    keys_written: list[str]


@dataclass(frozen=True)
class RestoreReport:
    rows: int
    tables: int
    files: int
    created_at: str
    spcomms_version: str


def spcomms_version() -> str:
    try:
        return version("spcomms")
    except PackageNotFoundError:
        return "unknown"


def _inside(path: Path, folder: Path) -> bool:
    path, folder = path.resolve(), folder.resolve()
    return path == folder or folder in path.parents


def _roots() -> dict[str, Path]:
    """Where each kind of file member lives on this instance."""
    return {
        archive.MEDIA_PREFIX: Path(settings.MEDIA_ROOT),
        archive.INTAKE_PREFIX: Path(settings.SPCOMMS_INTAKE_DIR),
    }


def _stored_files() -> list[tuple[str, Path]]:
    """Every regular file of the media folder and of the intake folder, as member names.

    The intake folder is walked on its own even when it lies inside the media folder.
    Symbolic links are not followed: stored files are never links.
    """
    intake = Path(settings.SPCOMMS_INTAKE_DIR).resolve()
    found: list[tuple[str, Path]] = []
    for prefix, root in _roots().items():
        root = root.resolve()
        if not root.is_dir():
            continue
        for directory, subfolders, names in os.walk(root):
            here = Path(directory)
            subfolders[:] = sorted(
                name
                for name in subfolders
                if not name.startswith(STAGING_PREFIX)
                and not (prefix == archive.MEDIA_PREFIX and (here / name) == intake)
            )
            for name in sorted(names):
                path = here / name
                if path.is_symlink() or not path.is_file():
                    continue
                found.append((prefix + path.relative_to(root).as_posix(), path))
    return found


def _applied_migrations() -> list[list[str]]:
    recorder = MigrationRecorder(connection)
    if not recorder.has_table():
        return []
    return sorted([app, name] for app, name in recorder.applied_migrations())


@contextmanager
def _snapshot() -> Iterator[None]:
    """One consistent view of the database for the whole dump, without blocking writers.

    Inside a transaction that is already open (a test), that transaction's view is used.
    """
    if connection.in_atomic_block:
        yield
        return
    if connection.vendor == "postgresql":
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            yield
        return
    if connection.vendor == "sqlite":
        # A deferred transaction reads one snapshot of the WAL and takes no write lock
        # (``atomic`` would begin IMMEDIATE and hold writers back for the whole dump).
        connection.ensure_connection()
        with connection.cursor() as cursor:
            cursor.execute("BEGIN DEFERRED")
        try:
            yield
        finally:
            with connection.cursor() as cursor:
                cursor.execute("ROLLBACK")
        return
    with transaction.atomic():
        yield


def _archive_path(out: Path, now: dt.datetime) -> Path:
    if out.is_dir():
        return out / f"spcomms-backup-{now:%Y%m%dT%H%M%SZ}.tar"
    if not out.parent.is_dir():
        raise BackupRefused(
            _("The folder %(folder)s does not exist; create it or choose another --out.")
            % {"folder": out.parent}
        )
    return out


def _check_places(target: Path, keys_out: Path | None) -> None:
    """Refuse places where a backup or its keys would end up in the wrong company."""
    if target.exists():
        raise BackupRefused(
            _("%(path)s already exists; a backup never overwrites a file. Choose another name.")
            % {"path": target}
        )
    key_dir = Path(settings.SPCOMMS_KEY_DIR)
    for folder in (*_roots().values(), key_dir):
        if _inside(target, folder):
            raise BackupRefused(
                _(
                    "%(path)s lies inside %(folder)s, which backups copy or which holds the "
                    "keys; write backups to a folder of their own."
                )
                % {"path": target, "folder": folder}
            )
    if keys_out is None:
        return
    if keys_out.resolve() == target.parent.resolve():
        raise BackupRefused(
            _(
                "--keys-out must not be the folder of the backup: whoever holds both can open "
                "everything. Write the keys to another place, kept elsewhere."
            )
        )
    if keys_out.resolve() == key_dir.resolve():
        raise BackupRefused(_("--keys-out is the key folder itself; choose another folder."))
    for folder in _roots().values():
        if _inside(keys_out, folder):
            raise BackupRefused(
                _("--keys-out lies inside %(folder)s, which backups copy; choose another folder.")
                % {"folder": folder}
            )


def _keys_to_write(keys_out: Path) -> list[KeyFile]:
    try:
        ring = keyring()
        found = key_files(Path(settings.SPCOMMS_KEY_DIR), settings.SPCOMMS_MASTER_KEY)
    except (ConfigurationError, KeyFileError) as error:
        raise BackupRefused(
            _("The key folder cannot be read: %(error)s") % {"error": error}
        ) from None
    if not any(item.key_id == ring.current_id for item in found):
        raise BackupRefused(_("The current master key was not found in the key folder."))
    for item in found:
        existing = keys_out / item.name
        if existing.exists() and existing.read_bytes() != item.text():
            raise BackupRefused(
                _("%(path)s already holds another key; choose an empty folder for --keys-out.")
                % {"path": existing}
            )
    return found


def _write_keys(keys_out: Path, found: list[KeyFile]) -> list[str]:
    keys_out.mkdir(parents=True, exist_ok=True)
    os.chmod(keys_out, 0o700)
    written = []
    for item in found:
        write_private(keys_out / item.name, item.text())
        written.append(item.name)
    return written


def _temporary(folder: Path, suffix: str) -> Path:
    fd, name = tempfile.mkstemp(dir=folder, prefix=".spcomms-backup-", suffix=suffix)
    os.close(fd)
    return Path(name)


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(archive.READ_BYTES):
            digest.update(chunk)
    return digest.hexdigest()


def backup_create(
    *, out: Path, keys_out: Path | None = None, now: dt.datetime | None = None
) -> BackupReport:
    """Write a backup of the database and of the stored files to a new file under ``out``.

    The file appears whole or not at all (written aside, then linked into place), never
    over another. With ``keys_out``, the key files are copied there, mode 0600.
    """
    now = (now or timezone.now()).astimezone(dt.UTC)
    target = _archive_path(out, now)
    _check_places(target, keys_out)
    keys = _keys_to_write(keys_out) if keys_out is not None else None
    try:
        ring = keyring()
    except ConfigurationError as error:
        raise BackupRefused(
            _("The key folder cannot be read: %(error)s") % {"error": error}
        ) from None
    if not _applied_migrations():
        raise BackupRefused(_("This database has no tables yet: there is nothing to back up."))
    dump_path = _temporary(target.parent, ".dump")
    archive_path = _temporary(target.parent, ".tar")
    try:
        with _snapshot():
            migrations = _applied_migrations()
            with (
                dump_path.open("wb") as raw,
                gzip.GzipFile(filename="", fileobj=raw, mode="wb", mtime=0) as out_gz,
            ):
                report = dump(connection, out_gz)
        files = _stored_files()
        with archive_path.open("wb") as handle:
            writer = ArchiveWriter(handle)
            writer.add_file(archive.DUMP_NAME, dump_path)
            for name, path in files:
                writer.add_file(name, path)
            manifest = {
                "format": archive.FORMAT,
                "format_version": archive.FORMAT_VERSION,
                "spcomms_version": spcomms_version(),
                "created_at": now.isoformat(),
                "database": {"engine": connection.vendor, "tables": report.counts},
                "migrations": migrations,
                "key_ids": sorted(report.key_ids),
                "members": writer.members,
            }
            manifest_bytes = json.dumps(manifest, indent=1, sort_keys=True).encode()
            mac = {
                "key_id": ring.current_id,
                "hmac_sha256": manifest_mac(ring.current, manifest_bytes),
            }
            writer.add_bytes(archive.MANIFEST_NAME, manifest_bytes)
            writer.add_bytes(archive.MAC_NAME, json.dumps(mac).encode())
            writer.close()
            handle.flush()
            os.fsync(handle.fileno())
        try:
            os.link(archive_path, target)
        except FileExistsError:
            raise BackupRefused(
                _("%(path)s appeared while the backup was written; it was left as it is.")
                % {"path": target}
            ) from None
        size = target.stat().st_size
    finally:
        dump_path.unlink(missing_ok=True)
        archive_path.unlink(missing_ok=True)
    keys_written = _write_keys(keys_out, keys) if keys_out is not None and keys is not None else []
    return BackupReport(
        path=target,
        rows=sum(report.counts.values()),
        tables=len(report.counts),
        files=len(files),
        size=size,
        key_ids=sorted(report.key_ids),
        keys_written=keys_written,
    )


# Restoring ----------------------------------------------------------------------------


def _dump_lines(tar: tarfile.TarFile, member: tarfile.TarInfo) -> Iterator[bytes]:
    handle = tar.extractfile(member)
    if handle is None:
        raise ArchiveError(_("The database dump is not a file."))
    try:
        with gzip.GzipFile(fileobj=handle, mode="rb") as lines:
            yield from lines
    except (OSError, EOFError, zlib.error, tarfile.TarError):
        raise ArchiveError(_("The database dump is damaged or truncated.")) from None


def _check_dump(tar: tarfile.TarFile, member: tarfile.TarInfo, counts: dict[str, Any]) -> None:
    """Every table of the dump exists here with the same columns, with the rows counted."""
    seen: dict[str, int] = {}
    current: str | None = None
    try:
        for line in _dump_lines(tar, member):
            if line.startswith(b"{"):
                header = json.loads(line)
                current = str(header.get("model"))
                model = model_by_label(current)
                columns = set(header.get("columns", []))
                if model is None or columns != {f.attname for f in model._meta.concrete_fields}:
                    raise ArchiveError(
                        _("The table %(table)s of the backup does not fit this version's tables.")
                        % {"table": current}
                    )
                seen[current] = 0
            elif current is None:
                raise ArchiveError(_("The database dump is damaged."))
            else:
                seen[current] += 1
    except ValueError:
        raise ArchiveError(_("The database dump is damaged.")) from None
    if seen != counts:
        raise ArchiveError(_("The database dump does not hold the rows its manifest counts."))


def _verify(path: Path) -> tuple[tarfile.TarFile, dict[str, tarfile.TarInfo], dict[str, Any]]:
    """Open the archive and check all of it, and the keys it needs; write nothing."""
    if not path.is_file():
        raise ArchiveError(_("%(path)s is not a file.") % {"path": path})
    tar = archive.open_archive(path)
    try:
        found, manifest = _verify_open(tar)
    except BaseException:
        tar.close()
        raise
    return tar, found, manifest


def _verify_open(tar: tarfile.TarFile) -> tuple[dict[str, tarfile.TarInfo], dict[str, Any]]:
    found = archive.members(tar)
    verified = archive.read_manifest(tar, found)
    manifest = verified.manifest
    key_dir = Path(settings.SPCOMMS_KEY_DIR)
    try:
        available = {
            item.key_id: item.key for item in key_files(key_dir, settings.SPCOMMS_MASTER_KEY)
        }
    except KeyFileError as error:
        raise BackupRefused(
            _("The key folder cannot be read: %(error)s") % {"error": error}
        ) from None
    needed = {str(kid) for kid in manifest.get("key_ids", [])} | {verified.mac["key_id"]}
    missing = sorted(needed - set(available))
    if missing:
        raise BackupRefused(
            _(
                "This backup needs the master keys %(missing)s, which the key folder %(folder)s "
                "does not hold (it holds: %(held)s). Copy master.key and the retired-*.key files "
                "from the key backup made with this backup into that folder (mode 0600), or set "
                "SPCOMMS_KEY_DIR to where they are, and restore again."
            )
            % {
                "missing": ", ".join(missing),
                "folder": key_dir,
                "held": ", ".join(sorted(available)) or "-",
            }
        )
    if not manifest_mac_matches(
        available[verified.mac["key_id"]],
        verified.manifest_bytes,
        str(verified.mac.get("hmac_sha256", "")),
    ):
        raise ArchiveError(
            _("The manifest does not match its authentication code: it was altered.")
        )
    listed = manifest.get("members")
    if not isinstance(listed, dict) or archive.DUMP_NAME not in listed:
        raise ArchiveError(_("The manifest lists no database dump."))
    for name in listed:
        if (
            not name.startswith((archive.MEDIA_PREFIX, archive.INTAKE_PREFIX))
            and name != archive.DUMP_NAME
        ):
            raise ArchiveError(_("The manifest lists an unexpected file."))
    archive.check_members(tar, found, listed)
    _check_dump(tar, found[archive.DUMP_NAME], manifest.get("database", {}).get("tables"))
    return found, manifest


def _check_database(manifest: dict[str, Any], *, replace: bool) -> None:
    applied = _applied_migrations()
    if not applied:
        raise BackupRefused(
            _("This database has no tables yet: run `spcomms migrate` first, then restore again.")
        )
    wanted = sorted([str(app), str(name)] for app, name in manifest.get("migrations", []))
    if applied != wanted:
        lacking = len({tuple(item) for item in wanted} - {tuple(item) for item in applied})
        extra = len({tuple(item) for item in applied} - {tuple(item) for item in wanted})
        raise BackupRefused(
            _(
                "The backup was made by spcomms %(version)s at another state of the database "
                "tables: this database lacks %(lacking)d of its migrations and has %(extra)d it "
                "did not. Restore it into a database migrated by that version of spcomms, then "
                "upgrade."
            )
            % {"version": manifest.get("spcomms_version"), "lacking": lacking, "extra": extra}
        )
    if not replace:
        holding = holds_records(connection)
        if holding:
            raise BackupRefused(
                _(
                    "This database already holds records (%(tables)s). Restore into an empty "
                    "database, or add --replace to delete everything in it and put the backup "
                    "in its place."
                )
                % {"tables": ", ".join(holding[:5]) + (", ..." if len(holding) > 5 else "")}
            )


def _target(name: str) -> Path:
    for prefix, root in _roots().items():
        if name.startswith(prefix):
            path = root / name[len(prefix) :]
            if not _inside(path, root):
                raise ArchiveError(_("The archive names a file outside its folder."))
            return path
    raise ArchiveError(_("The manifest lists an unexpected file."))


def _check_files(
    tar: tarfile.TarFile,
    found: dict[str, tarfile.TarInfo],
    listed: dict[str, Any],
    *,
    replace: bool,
) -> None:
    if replace:
        return
    for name, entry in listed.items():
        if name == archive.DUMP_NAME:
            continue
        path = _target(name)
        if path.exists() and (not path.is_file() or _sha256(path) != entry["sha256"]):
            raise BackupRefused(
                _(
                    "%(path)s already exists with other contents. Restore into empty media and "
                    "intake folders, or add --replace."
                )
                % {"path": path}
            )


def _stage(
    tar: tarfile.TarFile, found: dict[str, tarfile.TarInfo], listed: dict[str, Any]
) -> list[tuple[Path, Path]]:
    """Write every file into a staging folder beside its place; return (staged, final) pairs."""
    token = secrets.token_hex(8)
    moves: list[tuple[Path, Path]] = []
    for name, entry in listed.items():
        if name == archive.DUMP_NAME:
            continue
        final = _target(name)
        root = next(root for prefix, root in _roots().items() if name.startswith(prefix))
        root.mkdir(parents=True, exist_ok=True)
        if name.startswith(archive.INTAKE_PREFIX):
            os.chmod(root, 0o700)
        staging = root / f"{STAGING_PREFIX}{token}"
        staged = staging / name.split("/", 1)[1]
        staged.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        digest = hashlib.sha256()
        with staged.open("xb") as handle:
            for chunk in archive.member_chunks(tar, found[name]):
                digest.update(chunk)
                handle.write(chunk)
        os.chmod(staged, 0o600)
        if digest.hexdigest() != entry["sha256"]:
            raise ArchiveError(_("%(name)s changed while it was being restored.") % {"name": name})
        moves.append((staged, final))
    return moves


def _unstage() -> None:
    for root in _roots().values():
        if root.is_dir():
            for staging in root.glob(STAGING_PREFIX + "*"):
                shutil.rmtree(staging, ignore_errors=True)


def backup_restore(*, path: Path, replace: bool = False) -> RestoreReport:
    """Put a backup in place of this instance's (empty) database and stored files.

    Everything is checked first: the archive's checksums and authentication, the keys,
    the database's migrations and emptiness, the files already in place. Then the rows
    are loaded in one transaction, and the files moved into place once it committed.
    """
    tar, found, manifest = _verify(path)
    with tar:
        listed: dict[str, Any] = manifest["members"]
        _check_database(manifest, replace=replace)
        _check_files(tar, found, listed, replace=replace)
        try:
            moves = _stage(tar, found, listed)
            with transaction.atomic():
                empty_tables(connection)
                counts = load(connection, _dump_lines(tar, found[archive.DUMP_NAME]))
                if counts != manifest["database"]["tables"]:
                    raise DumpError(_("the rows loaded differ from the rows counted"))
        except (DumpError, DatabaseError) as error:
            _unstage()
            raise BackupRefused(
                _("The database refused the backup's rows (%(error)s); nothing was changed.")
                % {"error": type(error).__name__ if isinstance(error, DatabaseError) else error}
            ) from None
        except BaseException:
            _unstage()
            raise
        for staged, final in moves:
            final.parent.mkdir(parents=True, exist_ok=True)
            os.replace(staged, final)
        _unstage()
    ContentType.objects.clear_cache()
    return RestoreReport(
        rows=sum(counts.values()),
        tables=len(counts),
        files=len(moves),
        created_at=str(manifest.get("created_at")),
        spcomms_version=str(manifest.get("spcomms_version")),
    )
