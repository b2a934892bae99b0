"""Small sealed tokens the browser carries for the source: the form's draft and the
status session.

Nothing of a draft is stored on the server: each step hands the browser the
answers so far, sealed (AES-256-GCM) with a key derived from ``SECRET_KEY`` for
that purpose, and the next step opens them. A token carries its issue time and
is refused once older than its purpose allows, or if anything in it changed.
"""

from __future__ import annotations

import base64
import binascii
import json
import os
import time
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings

NONCE_BYTES = 12


def _key(purpose: str) -> bytes:
    return HKDF(
        algorithm=hashes.SHA256(),
        length=32,
        salt=b"spcomms-intake-token",
        info=purpose.encode(),
    ).derive(settings.SECRET_KEY.encode())


def token_seal(payload: dict[str, Any], *, purpose: str) -> str:
    body = json.dumps({"t": int(time.time()), "p": payload}, separators=(",", ":")).encode()
    nonce = os.urandom(NONCE_BYTES)
    sealed = AESGCM(_key(purpose)).encrypt(nonce, body, purpose.encode())
    return base64.urlsafe_b64encode(nonce + sealed).decode("ascii")


def token_open(token: str, *, purpose: str, max_age: int) -> dict[str, Any] | None:
    """The payload, or None when the token is malformed, altered or too old."""
    try:
        raw = base64.urlsafe_b64decode(token.encode("ascii"))
        body = AESGCM(_key(purpose)).decrypt(raw[:NONCE_BYTES], raw[NONCE_BYTES:], purpose.encode())
        data = json.loads(body)
    except (binascii.Error, InvalidTag, ValueError, UnicodeError):
        return None
    if not isinstance(data, dict) or not isinstance(data.get("p"), dict):
        return None
    issued = data.get("t")
    if not isinstance(issued, int) or not 0 <= time.time() - issued <= max_age:
        return None
    payload: dict[str, Any] = data["p"]
    return payload
