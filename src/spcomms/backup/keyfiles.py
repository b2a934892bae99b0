"""The key material a backup needs, read from the key folder without changing it.

A backup never holds a key. ``spcomms backup --keys-out DIR`` copies the key files
to a folder of their own, and a restore checks that the key folder of the instance
holds every key the data were sealed with. Reading here never creates a key: the
application's own keyring makes ``master.key`` when it is missing, which would hide
a missing key behind a new one.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from dataclasses import dataclass
from pathlib import Path

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from spcomms.core.crypto import key_id
from spcomms.core.env import ConfigurationError
from spcomms.encryption import decode_key

MASTER_NAME = "master.key"
RETIRED_PATTERN = "retired-*.key"
# Derives the key that authenticates a backup's manifest from the master key (HKDF).
MANIFEST_MAC_INFO = b"spcomms backup manifest v1"


class KeyFileError(Exception):
    """A key file is unreadable or holds no key; the message names it."""


@dataclass(frozen=True)
class KeyFile:
    name: str
    key: bytes

    @property
    def key_id(self) -> str:
        return key_id(self.key)

    def text(self) -> bytes:
        return base64.b64encode(self.key) + b"\n"


def _decode(text: str, where: str) -> bytes:
    try:
        return decode_key(text, where)
    except ConfigurationError as error:
        raise KeyFileError(str(error)) from None


def key_files(key_dir: Path, environ_value: str | None) -> list[KeyFile]:
    """The master key (from the environment value, else ``master.key``) and every retired key.

    Missing files are simply absent from the list; nothing is created.
    """
    found: list[KeyFile] = []
    if environ_value:
        found.append(KeyFile(MASTER_NAME, _decode(environ_value, "SPCOMMS_MASTER_KEY")))
    elif (key_dir / MASTER_NAME).is_file():
        path = key_dir / MASTER_NAME
        found.append(KeyFile(MASTER_NAME, _decode(path.read_text(encoding="ascii"), str(path))))
    if key_dir.is_dir():
        for path in sorted(key_dir.glob(RETIRED_PATTERN)):
            found.append(KeyFile(path.name, _decode(path.read_text(encoding="ascii"), str(path))))
    return found


def manifest_mac_key(master: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=MANIFEST_MAC_INFO).derive(
        master
    )


def manifest_mac(master: bytes, manifest: bytes) -> str:
    return hmac.new(manifest_mac_key(master), manifest, hashlib.sha256).hexdigest()


def manifest_mac_matches(master: bytes, manifest: bytes, mac: str) -> bool:
    return hmac.compare_digest(manifest_mac(master, manifest), mac)
