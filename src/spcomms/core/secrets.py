"""Secret material kept in files with owner-only permissions.

The Django secret key and the master encryption key are generated on first run
and written under the instance's ``var/keys`` folder with mode 0600. A file that
others can read is refused: a key that leaked through permissions is no key.
"""

from __future__ import annotations

import os
import secrets
import stat
import tempfile
from pathlib import Path

from spcomms.core.env import ConfigurationError

MIN_SECRET_KEY_LENGTH = 50
MIN_SECRET_KEY_DISTINCT = 5


def is_weak_secret_key(value: str) -> bool:
    """True when ``value`` is too short or too uniform to sign sessions safely."""
    return (
        len(value) < MIN_SECRET_KEY_LENGTH
        or len(set(value)) < MIN_SECRET_KEY_DISTINCT
        or value.startswith("django-insecure")
    )


def check_private(path: Path) -> None:
    mode = stat.S_IMODE(path.stat().st_mode)
    if mode & (stat.S_IRWXG | stat.S_IRWXO):
        raise ConfigurationError(
            f"{path} is readable by other users (mode {mode:o}); run `chmod 600 {path}`."
        )


def read_or_create_secret(path: Path, *, nbytes: int = 48) -> str:
    """Return the secret stored at ``path``, creating it (mode 0600) if absent."""
    if path.exists():
        check_private(path)
        value = path.read_text(encoding="ascii").strip()
        if not value:
            raise ConfigurationError(f"{path} is empty; delete it to have a new one made.")
        return value
    private_folder(path.parent)
    value = secrets.token_urlsafe(nbytes)
    try:
        write_private(path, (value + "\n").encode("ascii"))
    except FileExistsError:  # another process made it first: its secret is the one
        return read_or_create_secret(path, nbytes=nbytes)
    return value


def private_folder(folder: Path) -> None:
    """Make ``folder`` (and its parents) if missing, readable by its owner only."""
    folder.mkdir(parents=True, exist_ok=True)
    os.chmod(folder, 0o700)


def fsync_directory(directory: Path) -> None:
    """Flush a folder's entries to the disk, so that a file just renamed or linked into it
    survives a power cut."""
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def write_private(path: Path, data: bytes) -> bool:
    """Write ``data`` to ``path`` with mode 0600, atomically and never over another file.

    The bytes go to a temporary file beside it, flushed to the disk, then linked under the
    final name, which fails if that name exists: a crash leaves the whole file or none, and
    two processes creating the same file keep the first. Returns False when the same bytes are
    already there; raises FileExistsError when a different file is.
    """
    if path.exists():
        if path.read_bytes() == data:
            return False
        raise FileExistsError(str(path))
    fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=".spcomms-", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(temporary, 0o600)
        os.link(temporary, path)
    finally:
        os.unlink(temporary)
    fsync_directory(path.parent)
    return True
