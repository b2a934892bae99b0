"""Key files written so that a crash at any moment leaves a whole file or the old one.

A key is written to a temporary file beside its final name (mode 0600), flushed to
the disk, renamed over the final name in one step (``os.replace``), and the folder is
flushed too, so the rename itself survives a power cut. Temporary names start with a
dot and end in ``.tmp``: the keyring never reads them, and the next rotation removes
any that a crash left behind.
"""

from __future__ import annotations

import base64
import fcntl
import os
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from spcomms.core.secrets import fsync_directory, private_folder

LOCK_NAME = ".rotation.lock"


class RotationLocked(Exception):
    """Another rotation holds the key folder."""


def key_file_write(path: Path, key: bytes) -> None:
    """Write ``key`` (base64, mode 0600) at ``path`` atomically and durably."""
    directory = path.parent
    private_folder(directory)
    temporary = directory / f".{path.name}.{secrets.token_hex(6)}.tmp"
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "w", encoding="ascii") as handle:
            handle.write(base64.b64encode(key).decode("ascii") + "\n")
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    fsync_directory(directory)


def leftovers_remove(directory: Path) -> int:
    """Remove the temporary files a crash left behind; returns how many.

    None of them holds a key that anything needs: a new master key left in a
    temporary file never sealed a value (the rename comes first), and a retired key
    left there is still in ``master.key``.
    """
    removed = 0
    for path in directory.glob(".*.key.*.tmp"):
        path.unlink(missing_ok=True)
        removed += 1
    return removed


@contextmanager
def rotation_lock(directory: Path) -> Iterator[None]:
    """Hold the key folder for one rotation; a second one at the same time is refused.

    The lock is an ``flock`` on a file in the folder, released by the kernel when the
    process ends, however it ends.
    """
    private_folder(directory)
    fd = os.open(directory / LOCK_NAME, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise RotationLocked from None
        yield
    finally:
        os.close(fd)
