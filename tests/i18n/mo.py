"""A reader of compiled gettext ``.mo`` catalogues (the GNU format), for the tests."""

from __future__ import annotations

import struct
from pathlib import Path

LITTLE_ENDIAN_MAGIC = 0x950412DE


def read(path: Path) -> dict[str, str]:
    """Each original string mapped to its translation, as msgfmt stored them.

    A plural entry's original is ``msgid NUL msgid_plural`` and its translation
    the forms joined by NUL; an entry with a context is ``msgctxt EOT msgid``.
    """
    data = path.read_bytes()
    (magic,) = struct.unpack("<I", data[:4])
    order = "<" if magic == LITTLE_ENDIAN_MAGIC else ">"
    _, count, originals, translations = struct.unpack(order + "4I", data[4:20])

    def string(table: int, index: int) -> str:
        length, offset = struct.unpack(
            order + "2I", data[table + 8 * index : table + 8 * index + 8]
        )
        return data[offset : offset + length].decode("utf-8")

    return {string(originals, i): string(translations, i) for i in range(count)}
