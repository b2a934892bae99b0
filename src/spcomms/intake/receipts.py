"""Receipt codes: what a source types to come back to its submission.

A code is 25 characters of Crockford's base32 in five groups of five, such as
``7KQ2M-XW4RT-...``: the first group is a non-secret look-up key (stored as is,
so finding the row needs no scan), the other four are the secret (100 bits),
stored only as an Argon2 hash. The code itself is never stored; a lost code
cannot be recovered.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from django.contrib.auth.hashers import check_password, make_password

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
GROUP = 5
LOOKUP_CHARS = 5
SECRET_CHARS = 20  # 20 x 5 bits = 100 bits
CODE_CHARS = LOOKUP_CHARS + SECRET_CHARS
# Letters a reader may type for the digits they look like.
_READ_AS = str.maketrans({"O": "0", "I": "1", "L": "1", "U": "V"})
# Checked when the look-up key matches nothing, so a miss costs the same time as a hit.
_DUMMY_HASH = make_password("0" * SECRET_CHARS, hasher="argon2")


@dataclass(frozen=True)
class ReceiptCode:
    lookup: str
    secret: str

    @property
    def text(self) -> str:
        joined = self.lookup + self.secret
        return "-".join(joined[i : i + GROUP] for i in range(0, len(joined), GROUP))


def receipt_new() -> ReceiptCode:
    return ReceiptCode(
        lookup="".join(secrets.choice(ALPHABET) for _ in range(LOOKUP_CHARS)),
        secret="".join(secrets.choice(ALPHABET) for _ in range(SECRET_CHARS)),
    )


def receipt_parse(typed: str) -> ReceiptCode | None:
    """The code as typed, forgiving case, spaces, dashes and look-alike letters."""
    cleaned = "".join(ch for ch in typed.upper() if ch not in " -\t\r\n").translate(_READ_AS)
    if len(cleaned) != CODE_CHARS or any(ch not in ALPHABET for ch in cleaned):
        return None
    return ReceiptCode(lookup=cleaned[:LOOKUP_CHARS], secret=cleaned[LOOKUP_CHARS:])


def receipt_hash(code: ReceiptCode) -> str:
    return make_password(code.secret, hasher="argon2")


def receipt_matches(code: ReceiptCode, stored_hash: str | None) -> bool:
    if stored_hash is None:
        check_password(code.secret, _DUMMY_HASH)
        return False
    return check_password(code.secret, stored_hash)
