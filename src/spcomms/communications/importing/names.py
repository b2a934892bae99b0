"""Finding named persons in a letter's text and putting placeholders in their place (ADR 4).

An occurrence is the exact name, as a whole: a name that begins or ends with a
letter or digit must not continue a longer word ("Ana" is not found in
"Anatolia"). Where names overlap, the longest wins ("Ana Li Wei" before
"Ana Li"). No regular expression is built per name: a file names a hundred
thousand persons, and plain searching is faster than compiling that many.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Iterator, Mapping

PLACEHOLDER_START = "[[person:"


def placeholder(key: uuid.UUID) -> str:
    """How a letter's text names the person with this ``Person.key``."""
    return f"{PLACEHOLDER_START}{key.hex}]]"


def _word(character: str) -> bool:
    return character.isalnum() or character == "_"


def occurrences(text: str, name: str) -> Iterator[int]:
    """Where ``name`` stands in ``text`` as a whole, from the left."""
    if not name:
        return
    check_before, check_after = _word(name[0]), _word(name[-1])
    start = text.find(name)
    while start != -1:
        end = start + len(name)
        if not (check_before and start > 0 and _word(text[start - 1])) and not (
            check_after and end < len(text) and _word(text[end])
        ):
            yield start
        start = text.find(name, start + 1)


def names_in(text: str, names: Iterable[str]) -> list[str]:
    """The names of ``names`` that stand in ``text``."""
    return [
        name for name in names if name in text and next(occurrences(text, name), None) is not None
    ]


def replace_names(text: str, replacements: Mapping[str, str]) -> str:
    """``text`` with each whole occurrence of a name replaced, the longest name first."""
    if not text:
        return text
    found: list[tuple[int, int, str]] = []
    for name, replacement in replacements.items():
        if name in text:
            found.extend((start, -len(name), replacement) for start in occurrences(text, name))
    if not found:
        return text
    found.sort()
    parts: list[str] = []
    position = 0
    for start, negative_length, replacement in found:
        if start < position:
            continue  # inside a longer name already replaced
        parts.append(text[position:start])
        parts.append(replacement)
        position = start - negative_length
    parts.append(text[position:])
    return "".join(parts)
