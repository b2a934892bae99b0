"""The intake key hierarchy: one random data key per submission, wrapped by the master keyring.

Every sealed answer, victim detail, message, file name and stored file of a
submission is encrypted with that submission's data key (AES-256-GCM). The data
key itself is stored only wrapped: sealed by the instance keyring of
``spcomms.encryption`` (``enc1$<master key id>$...``). Rotating the master key
re-wraps the data keys and touches no content; wrapping a data key once more for
each staff member (ADR 5) adds rows beside the submission and touches no content
either.
"""

from __future__ import annotations

import base64
import binascii
import os

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from spcomms.core.crypto import KEY_BYTES, NONCE_BYTES, DecryptionError, Keyring, new_key
from spcomms.encryption import keyring, keyring_open

# Associated data of a wrapped data key: a wrapped key moved into another column fails.
WRAP_CONTEXT = "intake_submission.data_key"
# Stored files start with this tag, so a file that is not ours is refused, not misread.
FILE_MAGIC = b"spcf1"


def data_key_wrap(key: bytes, ring: Keyring | None = None) -> str:
    """The data key sealed by the master keyring, as stored in ``Submission.data_key``."""
    return (ring or keyring()).seal(base64.b64encode(key).decode("ascii"), context=WRAP_CONTEXT)


def data_key_unwrap(wrapped: str, ring: Keyring | None = None) -> bytes:
    if ring is None:
        text = keyring_open(wrapped, context=WRAP_CONTEXT)
    else:
        text = ring.open(wrapped, context=WRAP_CONTEXT)
    try:
        key = base64.b64decode(text, validate=True)
    except binascii.Error:
        raise DecryptionError("a wrapped data key holds no key") from None
    if len(key) != KEY_BYTES:
        raise DecryptionError("a wrapped data key has the wrong length")
    return key


def data_key_new() -> str:
    """A fresh random data key, already wrapped: the default of ``Submission.data_key``."""
    return data_key_wrap(new_key())


def data_key_rewrap(wrapped: str, ring: Keyring | None = None) -> str | None:
    """The same data key wrapped by the current master key, or None when it already is."""
    ring = ring or keyring()
    if not ring.needs_reseal(wrapped):
        return None
    return data_key_wrap(data_key_unwrap(wrapped, ring), ring)


def text_seal(key: bytes, plaintext: str, *, context: str) -> str:
    return Keyring(key).seal(plaintext, context=context)


def text_open(key: bytes, ciphertext: str, *, context: str) -> str:
    return Keyring(key).open(ciphertext, context=context)


def bytes_seal(key: bytes, data: bytes, *, context: str) -> bytes:
    """A file's bytes sealed for the disk: tag, nonce, then ciphertext and GCM tag."""
    nonce = os.urandom(NONCE_BYTES)
    return FILE_MAGIC + nonce + AESGCM(key).encrypt(nonce, data, context.encode())


def bytes_open(key: bytes, sealed: bytes, *, context: str) -> bytes:
    if not sealed.startswith(FILE_MAGIC):
        raise DecryptionError("not an spcomms sealed file")
    body = sealed[len(FILE_MAGIC) :]
    try:
        return AESGCM(key).decrypt(body[:NONCE_BYTES], body[NONCE_BYTES:], context.encode())
    except (InvalidTag, ValueError):
        raise DecryptionError("sealed file failed authentication") from None
