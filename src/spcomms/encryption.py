"""Encrypted model fields and the instance keyring.

The master key lives outside the database: in ``SPCOMMS_MASTER_KEY`` (base64)
or in ``<key dir>/master.key``, created with mode 0600 on first use. Retired
keys that must still open old values sit beside it as ``retired-*.key``.
"""

from __future__ import annotations

import base64
import binascii
import contextlib
from functools import cache
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import models

from spcomms.core.crypto import KEY_BYTES, Keyring, UnknownKeyError, new_key
from spcomms.core.env import ConfigurationError
from spcomms.core.secrets import check_private, private_folder, write_private


def decode_key(text: str, where: str) -> bytes:
    try:
        key = base64.b64decode(text.strip(), validate=True)
    except binascii.Error:
        raise ConfigurationError(f"{where} is not valid base64.") from None
    if len(key) != KEY_BYTES:
        raise ConfigurationError(f"{where} must hold a {KEY_BYTES}-byte key, base64-encoded.")
    return key


def _write_key(path: Path, key: bytes) -> None:
    """The first master key, written whole or not at all; when another process starting at
    the same moment wrote its key first, that one is kept (and read by the caller)."""
    private_folder(path.parent)
    with contextlib.suppress(FileExistsError):
        write_private(path, base64.b64encode(key) + b"\n")


def load_keyring(key_dir: Path, environ_value: str | None = None) -> Keyring:
    """Read the keyring from the environment value or the key folder."""
    retired = tuple(
        decode_key(path.read_text(encoding="ascii"), str(path))
        for path in sorted(key_dir.glob("retired-*.key"))
    )
    if environ_value:
        return Keyring(decode_key(environ_value, "SPCOMMS_MASTER_KEY"), retired)
    path = key_dir / "master.key"
    if not path.exists():
        _write_key(path, new_key())
    check_private(path)
    return Keyring(decode_key(path.read_text(encoding="ascii"), str(path)), retired)


@cache
def keyring() -> Keyring:
    return load_keyring(Path(settings.SPCOMMS_KEY_DIR), settings.SPCOMMS_MASTER_KEY)


def keyring_open(ciphertext: str, *, context: str) -> str:
    """Open a value sealed by the master keyring.

    A value sealed with a key this process has not read yet (``spcomms keys rotate``
    ran while it was up) makes it read the key folder again once, so a running
    server keeps answering after a rotation.
    """
    try:
        return keyring().open(ciphertext, context=context)
    except UnknownKeyError:
        keyring.cache_clear()
        return keyring().open(ciphertext, context=context)


class EncryptedTextField(models.TextField):  # type: ignore[type-arg]  # TextField's generics are stub-only
    """A text column sealed with the instance keyring before it reaches the database.

    The clear text never touches SQL: it cannot be searched, ordered or filtered
    on. The associated data is ``<table>.<column>``.
    """

    description = "Text encrypted at rest"

    def _context(self) -> str:
        return f"{self.model._meta.db_table}.{self.column}"

    def get_prep_value(self, value: Any) -> Any:
        value = super().get_prep_value(value)
        if value is None:
            return None
        return keyring().seal(str(value), context=self._context())

    def from_db_value(self, value: str | None, expression: Any, connection: Any) -> str | None:
        if value is None:
            return None
        return keyring_open(value, context=self._context())

    def get_lookup(self, lookup_name: str) -> Any:
        if lookup_name not in {"isnull"}:
            raise TypeError(f"encrypted field {self.name} cannot be filtered with {lookup_name}")
        return super().get_lookup(lookup_name)
