"""Which persons may be the same: names compared across spellings, scripts and order.

Pure Python, no Django: it takes names already decrypted by the caller (in memory,
for staff allowed to see them) and returns identifiers and scores, never names, so
nothing here can write a name to a log.

A name is brought to a *key* (``name_key``): transliterated to Latin letters
(anyascii), lower case without accents, particles (al, el, bin, de, van...) and
punctuation dropped, common transliteration variants folded (ee and i, ou and u,
kh and h, dzh and j, double letters...), and its words sorted, so that the order of
the names does not count. Chinese names, written without spaces, become surname and
given name. Scripts that write no short vowels (Arabic, Persian, Hebrew) also give a
consonant *skeleton*, compared with the skeleton of the other name.

Two names score from 0 to 100 (rapidfuzz's normalised Indel similarity on the keys,
the best of the whole key, the words joined and, where a name came from such a
script, the skeleton). Evidence then moves the score: the same country adds, a
different country takes away, and so does the organisation when both are known.

``duplicates`` compares every name with every other at once with
``rapidfuzz.process.cdist`` on two cores, in blocks of rows so memory stays small,
and scores in full only the pairs that pass a cheap first cut.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass

import numpy as np
from anyascii import anyascii
from rapidfuzz import fuzz, process

THRESHOLD = 82.0
"""A pair scoring at least this (name and evidence) is proposed as the same person.
Chosen on the committed test set of name pairs (tests/cases/name_pairs.csv); the
benchmark prints precision and recall there."""

SAME_COUNTRY = 4.0
OTHER_COUNTRY = -14.0
SAME_ORGANISATION = 4.0
OTHER_ORGANISATION = -3.0
WORD_CUT = 70
"""How alike (rapidfuzz ratio) two words must be for their names to be compared in
full: below the threshold by more than any evidence can add."""
SKELETON_WEIGHT = 0.92
UNPAIRED = 5.0
JOINED_PENALTY = 4.0
BLOCK_ROWS = 1024

PARTICLES = frozenset(
    {
        "al", "el", "ul", "ad", "ash", "as", "at", "az", "ar", "an",
        "bin", "ibn", "bint", "ben", "ould",
        "de", "del", "della", "der", "den", "di", "da", "do", "dos", "das", "du",
        "la", "le", "los", "las", "lo", "y", "e",
        "van", "von", "ter", "ten", "zu",
        "mr", "mrs", "ms", "dr", "sheikh", "shaykh",
    }
)  # fmt: skip

# Transliteration variants folded to one spelling, in this order, inside each word.
FOLDS: tuple[tuple[str, str], ...] = (
    ("shch", "sh"),
    ("sch", "sh"),
    ("dzh", "j"),
    ("dj", "j"),
    ("zh", "j"),
    ("tch", "ch"),
    ("kh", "h"),
    ("gh", "g"),
    ("ph", "f"),
    ("th", "t"),
    ("dh", "d"),
    ("ts", "c"),
    ("tz", "c"),
    ("ck", "k"),
    ("q", "k"),
    ("x", "ks"),
    ("w", "v"),
    ("ou", "u"),
    ("oy", "u"),
    ("oo", "u"),
    ("ee", "i"),
    ("ei", "i"),
    ("ie", "i"),
    ("iy", "i"),
    ("yi", "i"),
    ("ij", "i"),
    ("ya", "ia"),
    ("yu", "iu"),
    ("yo", "io"),
    ("ye", "ie"),
    ("y", "i"),
    ("j", "i"),
    ("e", "a"),
    ("o", "u"),
)
VOWELS = re.compile(r"[aeiouyvw]")  # with the letters Arabic also writes long vowels with
DOUBLED = re.compile(r"(.)\1+")
CAMEL = re.compile(r"(?<=[a-z])(?=[A-Z])")
NOT_LETTER = re.compile(r"[^a-z0-9\s]")
ABJAD_SCRIPTS = ("ARABIC", "HEBREW", "SYRIAC", "THAANA")
ARABIC_ARTICLE = "\u0627\u0644"


@dataclass(frozen=True)
class NameKey:
    key: str
    """The folded words, sorted, separated by single spaces."""
    joined: str
    """The folded words in their written order without spaces, for names whose words
    are cut differently (Xiao-ming, Xiaoming, Xiao Ming)."""
    skeleton: str
    """Consonants only, for names written in a script without short vowels; else ''."""


@dataclass(frozen=True)
class Record:
    """What the matcher knows of one person: an id of the caller's, the name, and the
    evidence (an ISO 3166 code, an organisation), both optional."""

    id: int
    name: str
    country: str = ""
    organisation: str = ""


@dataclass(frozen=True)
class Score:
    total: float
    name: float
    country: float
    organisation: float


@dataclass(frozen=True)
class Match:
    first: int
    second: int
    score: Score


def _script_of(text: str) -> tuple[bool, bool]:
    """Whether ``text`` has letters of a script without short vowels, and Han letters."""
    abjad = han = False
    for ch in text:
        if ch.isascii() or not ch.isalpha():
            continue
        name = unicodedata.name(ch, "")
        if name.startswith(ABJAD_SCRIPTS):
            abjad = True
        elif name.startswith("CJK UNIFIED"):
            han = True
    return abjad, han


def _latin_words(name: str, *, han: bool) -> list[str]:
    text = unicodedata.normalize("NFKC", name)
    # The Arabic article is written joined to the word (العمري): drop it as the
    # particle "al" is dropped from Latin spellings.
    text = " ".join(
        word[2:] if word.startswith(ARABIC_ARTICLE) and len(word) > 3 else word
        for word in text.split()
    )
    if han:
        # Each Han character is one syllable: the first is the surname, the rest
        # the given name, written as one word (Wang Xiaoming).
        words = []
        for part in text.split():
            syllables = [anyascii(ch) for ch in part if not ch.isspace()]
            syllables = [syllable for syllable in syllables if syllable.strip()]
            if len(syllables) >= 2 and all(
                unicodedata.name(ch, "").startswith("CJK") for ch in part
            ):
                words.extend([syllables[0], "".join(syllables[1:])])
            else:
                words.append("".join(syllables))
        text = " ".join(words)
    else:
        text = CAMEL.sub(" ", anyascii(text))
    text = text.lower().replace("'", "").replace("`", "")
    text = NOT_LETTER.sub(" ", text)
    return [word for word in text.split() if word not in PARTICLES]


def fold(word: str) -> str:
    """One spelling for the usual transliteration variants of ``word``."""
    for old, new in FOLDS:
        word = word.replace(old, new)
    # A final h after a vowel is often written or not (Fatimah, Fatima).
    if len(word) > 3 and word.endswith("h") and word[-2] in "aeiou":
        word = word[:-1]
    return DOUBLED.sub(r"\1", word)


def _skeleton(word: str) -> str:
    consonants = VOWELS.sub("", word.replace("h", "")) or word[:1]
    return DOUBLED.sub(r"\1", consonants)


def name_key(name: str) -> NameKey:
    """The comparable form of ``name`` (see the module's docstring)."""
    abjad, han = _script_of(name)
    words = [fold(word) for word in _latin_words(name, han=han)]
    words = [word for word in words if word]
    key = " ".join(sorted(words))
    skeleton = " ".join(sorted(_skeleton(word) for word in words)) if abjad else ""
    return NameKey(key=key, joined="".join(words), skeleton=skeleton)


def normalise(name: str) -> str:
    """The sorted, folded words of ``name``: equal for spellings the matcher takes as one."""
    return name_key(name).key


def name_score(first: NameKey, second: NameKey) -> float:
    """How alike two names are, 0 to 100, whatever the order of their words."""
    if not first.key or not second.key:
        return 0.0
    first_words, second_words = first.key.split(), second.key.split()
    best = _aligned(first_words, second_words)
    if len(first_words) != len(second_words):
        # Words cut differently (Abdul Rahman, Abdulrahman; Xiao Ming, Xiaoming).
        best = max(best, float(fuzz.ratio(first.joined, second.joined)) - JOINED_PENALTY)
    if first.skeleton or second.skeleton:
        left = first.skeleton.split() or [_skeleton(word) for word in first_words]
        right = second.skeleton.split() or [_skeleton(word) for word in second_words]
        best = max(best, SKELETON_WEIGHT * _aligned(left, right))
    return best


def _aligned(first: Sequence[str], second: Sequence[str]) -> float:
    """Pair each word with its most alike in the other name (greedily, best pair first);
    the score is that of the weakest pair, so that one different given name or surname
    is not hidden by the others, and an unpaired word costs a little (a middle name is
    often left out)."""
    if not first or not second:
        return 0.0
    # Ties are broken by the words themselves, never by their places, so that the score
    # of two names does not depend on which comes first.
    pairs = sorted(
        (
            (fuzz.ratio(left, right), min(left, right), max(left, right), i, j)
            for i, left in enumerate(first)
            for j, right in enumerate(second)
        ),
        key=lambda pair: pair[:3],
        reverse=True,
    )
    used_first: set[int] = set()
    used_second: set[int] = set()
    scores: list[float] = []
    for value, _low, _high, i, j in pairs:
        if i in used_first or j in used_second:
            continue
        used_first.add(i)
        used_second.add(j)
        scores.append(value)
    unpaired = abs(len(first) - len(second))
    return max(0.0, float(min(scores)) - UNPAIRED * unpaired)


def evidence(first: Record, second: Record) -> tuple[float, float]:
    """What the countries and the organisations add to (or take from) a name's score."""
    country = 0.0
    if first.country and second.country:
        country = SAME_COUNTRY if first.country == second.country else OTHER_COUNTRY
    organisation = 0.0
    if first.organisation.strip() and second.organisation.strip():
        alike = fuzz.token_set_ratio(normalise(first.organisation), normalise(second.organisation))
        organisation = SAME_ORGANISATION if alike >= 85 else OTHER_ORGANISATION
    return country, organisation


def score(first: Record, second: Record) -> Score:
    """The score of one pair: the names' likeness moved by the evidence."""
    return _score(first, second, name_key(first.name), name_key(second.name))


def _score(first: Record, second: Record, first_key: NameKey, second_key: NameKey) -> Score:
    name = name_score(first_key, second_key)
    country, organisation = evidence(first, second)
    total = max(0.0, min(100.0, name + country + organisation))
    return Score(
        total=round(total, 1), name=round(name, 1), country=country, organisation=organisation
    )


def duplicates(
    records: Sequence[Record],
    *,
    threshold: float = THRESHOLD,
    workers: int = 2,
    among: Collection[int] | None = None,
) -> list[Match]:
    """Every pair of ``records`` scoring at least ``threshold``, best first; with
    ``among`` (ids), only the pairs with at least one of those records.

    Blocking: two names can only reach the threshold when every word of one has an
    alike word in the other (``_aligned`` scores the weakest pair). So each name is
    compared only with the names holding words alike to its two rarest words; which
    words are alike is found once for the whole vocabulary with
    ``rapidfuzz.process.cdist``. Names from scripts without short vowels do the same
    with the consonant skeletons of the words.
    """
    keys = [name_key(record.name) for record in records]
    plain = [key.key.split() for key in keys]
    queries = (
        range(len(keys))
        if among is None
        else [index for index, record in enumerate(records) if record.id in among]
    )
    candidates = _blocked(plain, queries=queries, workers=workers)
    abjad = {index for index, key in enumerate(keys) if key.skeleton}
    if abjad:
        skeletons = [
            key.skeleton.split() or [_skeleton(word) for word in key.key.split()] for key in keys
        ]
        if among is None:
            # Every pair with a name from a script without short vowels has one on its side.
            candidates |= _blocked(skeletons, queries=sorted(abjad), workers=workers)
        else:
            # Few names are wanted: compare all of them by skeleton, keep the pairs with
            # a name from such a script.
            candidates |= {
                pair
                for pair in _blocked(skeletons, queries=queries, workers=workers)
                if pair[0] in abjad or pair[1] in abjad
            }
    matches = []
    for first, second in candidates:
        result = _score(records[first], records[second], keys[first], keys[second])
        if result.total >= threshold:
            matches.append(Match(records[first].id, records[second].id, result))
    matches.sort(key=lambda match: (-match.score.total, match.first, match.second))
    return matches


def _blocked(
    names: Sequence[Sequence[str]], *, queries: Iterable[int], workers: int
) -> set[tuple[int, int]]:
    """Index pairs (lower first) of names holding words alike to the two rarest words of
    the name of the pair that is among ``queries`` (to its one word if it has one)."""
    vocabulary = sorted({word for words in names for word in words})
    index = {word: position for position, word in enumerate(vocabulary)}
    holders: list[list[int]] = [[] for _ in vocabulary]
    for name, words in enumerate(names):
        for word in set(words):
            holders[index[word]].append(name)
    queried = list(queries)
    asked = sorted({index[word] for name in queried for word in names[name]})
    alike = dict(
        zip(
            asked,
            _alike_words([vocabulary[i] for i in asked], vocabulary, workers=workers),
            strict=True,
        )
    )
    reach = {word: sum(len(holders[other]) for other in alike[word]) for word in asked}
    pairs: set[tuple[int, int]] = set()
    for name in queried:
        ranked = sorted({index[word] for word in names[name]}, key=reach.__getitem__)
        if not ranked:
            continue
        # Names of two words or more must share an alike word for both of the two
        # rarest (an unpaired word is allowed, so not for every word).
        found: set[int] | None = None
        for position in ranked[:2]:
            holding = {other for alike_word in alike[position] for other in holders[alike_word]}
            found = holding if found is None else found & holding
        for other in found or ():
            if other != name:
                pairs.add((name, other) if name < other else (other, name))
    return pairs


def _alike_words(
    words: Sequence[str], vocabulary: Sequence[str], *, workers: int
) -> list[list[int]]:
    """For each of ``words``, the positions of the words of ``vocabulary`` at least
    ``WORD_CUT`` alike to it (itself too)."""
    alike: list[list[int]] = [[] for _ in words]
    for start in range(0, len(words), BLOCK_ROWS):
        matrix = process.cdist(
            words[start : start + BLOCK_ROWS],
            vocabulary,
            scorer=fuzz.ratio,
            score_cutoff=WORD_CUT,
            dtype=np.uint8,
            workers=workers,
        )
        rows, columns = np.nonzero(matrix)
        for row, column in zip(rows.tolist(), columns.tolist(), strict=True):
            alike[start + row].append(column)
    return alike
