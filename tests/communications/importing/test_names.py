"""Names in a letter's text become placeholders: every whole occurrence, the longest first,
and nothing else (ADR 4)."""

from __future__ import annotations

import uuid

from hypothesis import given
from hypothesis import strategies as st

from spcomms.communications.importing.names import (
    names_in,
    occurrences,
    placeholder,
    replace_names,
)

NAME_WORD = st.text(alphabet="abcdefghijklm", min_size=2, max_size=6).map(str.capitalize)
NAME = st.lists(NAME_WORD, min_size=1, max_size=3).map(" ".join)
FILLER = st.text(alphabet="nopqrstuvwxyz", min_size=1, max_size=8)
SEPARATOR = st.sampled_from([" ", ", ", ". ", "; ", "'s ", " (", ") ", "\n", " - "])


def test_a_name_inside_a_longer_word_is_not_an_occurrence() -> None:
    assert list(occurrences("Ana went to Anatolia with Ana.", "Ana")) == [0, 26]
    assert names_in("Anatolia", ["Ana"]) == []


def test_a_name_that_ends_in_punctuation_may_be_followed_by_anything() -> None:
    assert list(occurrences("Acme Ltd.x", "Acme Ltd.")) == [0]


def test_the_longer_of_two_overlapping_names_wins() -> None:
    short, long = uuid.UUID(int=1), uuid.UUID(int=2)

    result = replace_names(
        "Li Wen and Li Wenjun; Li Wen Jun.",
        {"Li Wen": placeholder(short), "Li Wen Jun": placeholder(long), "Li Wenjun": "X"},
    )

    assert result == f"{placeholder(short)} and X; {placeholder(long)}."


def test_a_placeholder_is_the_32_hex_digits_of_the_key() -> None:
    key = uuid.UUID("0123456789abcdef0123456789abcdef")

    assert placeholder(key) == "[[person:0123456789abcdef0123456789abcdef]]"


@given(
    names=st.lists(NAME, min_size=1, max_size=4, unique=True),
    pieces=st.lists(st.tuples(st.booleans(), st.integers(0, 3), FILLER, SEPARATOR), max_size=30),
)
def test_no_whole_name_is_left_and_the_text_can_be_told_back(
    names: list[str], pieces: list[tuple[bool, int, str, str]]
) -> None:
    text = "".join(
        (names[index % len(names)] if is_name else filler) + separator
        for is_name, index, filler, separator in pieces
    )
    keys = {name: placeholder(uuid.uuid4()) for name in names}

    result = replace_names(text, keys)

    assert names_in(result, names) == []
    told_back = result
    for name, mark in keys.items():
        told_back = told_back.replace(mark, name)
    assert told_back == text
