"""Authenticated encryption of single values (AES-256-GCM).

A ciphertext is the text ``enc1$<key id>$<base64 of nonce and sealed bytes>``.
The key id names which master key sealed it, so keys can be rotated: new values
are sealed with the current key while older ones stay readable until they are
re-sealed. The associated data binds a ciphertext to the column it was written
for, so a value copied into another column fails to open instead of being
misread.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import os
from collections.abc import Mapping
from dataclasses import dataclass

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

PREFIX = "enc1"
NONCE_BYTES = 12
KEY_BYTES = 32


class DecryptionError(Exception):
    """A ciphertext could not be opened: wrong key, wrong column, or tampering."""


class UnknownKeyError(DecryptionError):
    """A ciphertext names a key that the keyring does not hold (it may have been rotated in
    since the keyring was read)."""


def key_id(key: bytes) -> str:
    """A short, stable, non-secret name for a key."""
    return hashlib.sha256(b"spcomms-key-id:" + key).hexdigest()[:12]


def new_key() -> bytes:
    return AESGCM.generate_key(bit_length=KEY_BYTES * 8)


@dataclass(frozen=True)
class Keyring:
    """The current key, which seals, and every key that may still open."""

    current: bytes
    retired: tuple[bytes, ...] = ()

    def __post_init__(self) -> None:
        for key in (self.current, *self.retired):
            if len(key) != KEY_BYTES:
                raise ValueError(f"an encryption key must be {KEY_BYTES} bytes long")

    @property
    def current_id(self) -> str:
        return key_id(self.current)

    def _by_id(self) -> Mapping[str, bytes]:
        return {key_id(key): key for key in (self.current, *self.retired)}

    def seal(self, plaintext: str, *, context: str) -> str:
        nonce = os.urandom(NONCE_BYTES)
        sealed = AESGCM(self.current).encrypt(nonce, plaintext.encode("utf-8"), context.encode())
        body = base64.b64encode(nonce + sealed).decode("ascii")
        return f"{PREFIX}${self.current_id}${body}"

    def open(self, ciphertext: str, *, context: str) -> str:
        try:
            prefix, kid, body = ciphertext.split("$", 2)
        except ValueError:
            raise DecryptionError("not an spcomms ciphertext") from None
        if prefix != PREFIX:
            raise DecryptionError("unknown ciphertext format")
        key = self._by_id().get(kid)
        if key is None:
            raise UnknownKeyError(f"sealed with key {kid}, which this keyring does not hold")
        try:
            raw = base64.b64decode(body, validate=True)
            plain = AESGCM(key).decrypt(raw[:NONCE_BYTES], raw[NONCE_BYTES:], context.encode())
        except (binascii.Error, InvalidTag, ValueError):
            raise DecryptionError("ciphertext failed authentication") from None
        return plain.decode("utf-8")

    @property
    def key_ids(self) -> frozenset[str]:
        return frozenset(self._by_id())

    def needs_reseal(self, ciphertext: str) -> bool:
        """True when ``ciphertext`` was sealed with a retired key."""
        parts = ciphertext.split("$", 2)
        return len(parts) == 3 and parts[1] != self.current_id
