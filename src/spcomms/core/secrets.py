"""Secret material kept in files with owner-only permissions.

The Django secret key and the master encryption key are generated on first run
and written under the instance's ``var/keys`` folder with mode 0600. A file that
others can read is refused: a key that leaked through permissions is no key.
"""

from __future__ import annotations

import os
import secrets
import stat
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
    path.parent.mkdir(parents=True, exist_ok=True)
    os.chmod(path.parent, 0o700)
    value = secrets.token_urlsafe(nbytes)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="ascii") as handle:
        handle.write(value + "\n")
    return value
