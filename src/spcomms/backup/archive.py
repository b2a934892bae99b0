"""The backup file: a tar archive whose last members describe and authenticate the others.

Members, in order: ``database.jsonl.gz`` (the dump), ``media/...`` (the media folder as
stored), ``intake/...`` (the intake's sealed files, still sealed), ``manifest.json``
(format version, spcomms version, creation time, migrations, rows per table, the
master key ids the data need, and the size and SHA-256 of every other member) and
``manifest.mac`` (an HMAC-SHA256 of the manifest under a key derived from the master
key). Reading checks all of it before anything is written anywhere.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import re
import tarfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from django.utils.translation import gettext as _

FORMAT = "spcomms-backup"
FORMAT_VERSION = 1
DUMP_NAME = "database.jsonl.gz"
MANIFEST_NAME = "manifest.json"
MAC_NAME = "manifest.mac"
MEDIA_PREFIX = "media/"
INTAKE_PREFIX = "intake/"
READ_BYTES = 1 << 20
_CONTROL = re.compile(r"[\x00-\x1f\x7f\\]")


class ArchiveError(Exception):
    """The file is not a whole, untouched spcomms backup; the message says what is wrong."""


def member_name_safe(name: str) -> bool:
    """True for a relative POSIX name without ``.`` or ``..`` parts, backslashes or control
    characters: a name that cannot lead outside the folder it is restored into."""
    if not name or name.startswith("/") or _CONTROL.search(name):
        return False
    parts = name.split("/")
    return all(part not in ("", ".", "..") for part in parts)


class _Hashing(io.RawIOBase):
    """A reader that hashes what passes through it."""

    def __init__(self, source: IO[bytes]) -> None:
        self.source = source
        self.digest = hashlib.sha256()
        self.size = 0

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1) -> bytes:
        data = self.source.read(size)
        self.digest.update(data)
        self.size += len(data)
        return data


def _info(name: str, size: int) -> tarfile.TarInfo:
    info = tarfile.TarInfo(name)
    info.size = size
    info.mode = 0o600
    info.mtime = 0
    return info


class ArchiveWriter:
    """Adds members to an open tar file, keeping each one's size and SHA-256."""

    def __init__(self, handle: IO[bytes]) -> None:
        # Closed by close(), which the caller calls once every member is in.
        self.tar = tarfile.open(fileobj=handle, mode="w", format=tarfile.PAX_FORMAT)  # noqa: SIM115
        self.members: dict[str, dict[str, Any]] = {}

    def add_file(self, name: str, path: Path) -> None:
        if not member_name_safe(name):
            raise ArchiveError(
                _("A stored file has a name a backup cannot hold: %(name)r.") % {"name": name}
            )
        with path.open("rb") as source:
            size = os.fstat(source.fileno()).st_size
            hashing = _Hashing(source)
            self.tar.addfile(_info(name, size), hashing)
        self.members[name] = {"size": size, "sha256": hashing.digest.hexdigest()}

    def add_bytes(self, name: str, data: bytes) -> None:
        self.tar.addfile(_info(name, len(data)), io.BytesIO(data))

    def close(self) -> None:
        self.tar.close()


@dataclass(frozen=True)
class Verified:
    """An archive whose manifest parsed and whose members all match it."""

    manifest: dict[str, Any]
    manifest_bytes: bytes
    mac: dict[str, Any]


def _read_member(tar: tarfile.TarFile, member: tarfile.TarInfo, limit: int) -> bytes:
    if member.size > limit:
        raise ArchiveError(_("The manifest is too large: the archive was altered."))
    handle = tar.extractfile(member)
    if handle is None:
        raise ArchiveError(_("The manifest is not a file: the archive was altered."))
    return handle.read()


def open_archive(path: Path) -> tarfile.TarFile:
    try:
        return tarfile.open(path, mode="r:")
    except (tarfile.TarError, OSError, EOFError) as error:
        raise ArchiveError(
            _("%(path)s is not an spcomms backup: it is not a readable tar file.") % {"path": path}
        ) from error


def members(tar: tarfile.TarFile) -> dict[str, tarfile.TarInfo]:
    try:
        listed = tar.getmembers()
    except (tarfile.TarError, OSError, EOFError):
        raise ArchiveError(_("The archive is truncated or damaged.")) from None
    found: dict[str, tarfile.TarInfo] = {}
    for member in listed:
        if not member.isreg() or not member_name_safe(member.name) or member.name in found:
            raise ArchiveError(
                _("The archive holds an unexpected entry: %(name)r.") % {"name": member.name}
            )
        found[member.name] = member
    return found


def read_manifest(tar: tarfile.TarFile, found: dict[str, tarfile.TarInfo]) -> Verified:
    """The manifest and its MAC, parsed; the format and version checked. Not yet authenticated."""
    if MANIFEST_NAME not in found or MAC_NAME not in found:
        raise ArchiveError(
            _("The archive has no manifest: it is truncated, or not an spcomms backup.")
        )
    try:
        manifest_bytes = _read_member(tar, found[MANIFEST_NAME], 64 << 20)
        mac = json.loads(_read_member(tar, found[MAC_NAME], 4096))
        manifest = json.loads(manifest_bytes)
    except (tarfile.TarError, OSError, EOFError, ValueError):
        raise ArchiveError(_("The manifest is damaged or truncated.")) from None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise ArchiveError(_("The manifest is not that of an spcomms backup."))
    if manifest.get("format_version") != FORMAT_VERSION:
        raise ArchiveError(
            _(
                "The backup has format version %(found)s (made by spcomms %(made_by)s); this "
                "spcomms reads version %(known)s. Restore it with the spcomms version that made it."
            )
            % {
                "found": manifest.get("format_version"),
                "made_by": manifest.get("spcomms_version"),
                "known": FORMAT_VERSION,
            }
        )
    if not isinstance(mac, dict) or not isinstance(mac.get("key_id"), str):
        raise ArchiveError(_("The manifest's authentication code is missing or damaged."))
    return Verified(manifest, manifest_bytes, mac)


def check_members(
    tar: tarfile.TarFile, found: dict[str, tarfile.TarInfo], listed: dict[str, Any]
) -> None:
    """Every member the manifest lists is present with its size and SHA-256, and no other."""
    expected = set(listed) | {MANIFEST_NAME, MAC_NAME}
    if set(found) != expected:
        missing = sorted(expected - set(found))
        extra = sorted(set(found) - expected)
        raise ArchiveError(
            _(
                "The archive's files differ from its manifest (%(missing)d missing, %(extra)d not "
                "listed): it is truncated or was altered."
            )
            % {"missing": len(missing), "extra": len(extra)}
        )
    for name, entry in listed.items():
        digest = hashlib.sha256()
        size = 0
        for chunk in member_chunks(tar, found[name]):
            digest.update(chunk)
            size += len(chunk)
        if size != entry.get("size") or digest.hexdigest() != entry.get("sha256"):
            raise ArchiveError(
                _("%(name)s does not match its checksum: the archive is damaged or was altered.")
                % {"name": name}
            )


def member_chunks(tar: tarfile.TarFile, member: tarfile.TarInfo) -> Iterator[bytes]:
    try:
        handle = tar.extractfile(member)
        if handle is None:
            raise ArchiveError(_("The archive holds an entry that is not a file."))
        while chunk := handle.read(READ_BYTES):
            yield chunk
    except (tarfile.TarError, OSError, EOFError):
        raise ArchiveError(_("The archive is truncated or damaged.")) from None
