"""Sealed files of the intake on disk, under ``SPCOMMS_INTAKE_DIR``.

Names are random and carry nothing of the file; every file is sealed with its
submission's data key before it is written. A stored name is checked before use,
so a name from the database can never reach outside the folder.
"""

from __future__ import annotations

import os
import re
import secrets
from pathlib import Path

from django.conf import settings

_NAME = re.compile(r"\A[0-9a-f]{32}\.bin\Z")


def intake_dir() -> Path:
    return Path(settings.SPCOMMS_INTAKE_DIR)


def _path(name: str) -> Path:
    if not _NAME.match(name):
        raise ValueError("not a stored intake file name")
    return intake_dir() / name


def file_write(sealed: bytes) -> str:
    folder = intake_dir()
    folder.mkdir(parents=True, exist_ok=True)
    os.chmod(folder, 0o700)
    name = f"{secrets.token_hex(16)}.bin"
    fd = os.open(folder / name, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(sealed)
    return name


def file_read(name: str) -> bytes:
    return _path(name).read_bytes()


def file_delete(name: str) -> None:
    if name:
        _path(name).unlink(missing_ok=True)
