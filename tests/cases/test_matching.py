"""The matcher: names brought to one form, scored, and compared all at once."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from spcomms.cases import matching
from spcomms.cases.matching import Record, duplicates, name_key, normalise, score

PAIRS = Path(__file__).with_name("name_pairs.csv")


def test_normalising_ignores_case_accents_punctuation_and_order() -> None:
    assert normalise("José María QUINTERO") == normalise("quintero, jose maria")


def test_normalising_drops_particles() -> None:
    assert normalise("Juan Carlos de la Vega") == normalise("Juan Carlos Vega")
    assert normalise("Ahmad Al Rashidi") == normalise("Ahmad Rashidi")


def test_normalising_folds_transliteration_variants() -> None:
    assert normalise("Nabeel") == normalise("Nabil")
    assert normalise("Dmitriy Zhuravlyov") == normalise("Dmitri Zhuravliov")
    assert normalise("Waleed") == normalise("Walid")


def test_other_scripts_are_transliterated() -> None:
    assert normalise("Владимир Соколенко") == normalise("Vladimir Sokolenko")
    assert normalise("Ιωάννης Παπαδόπουλος") == normalise("Ioannis Papadopoulos")


def test_a_chinese_name_becomes_surname_and_given_name() -> None:
    assert normalise("王小明") == normalise("Wang Xiaoming")
    assert normalise("王小明") == normalise("Xiaoming Wang")


def test_an_arabic_name_is_compared_by_its_consonants() -> None:
    assert name_key("نبيل حداد").skeleton
    assert not name_key("Nabil Haddad").skeleton
    assert score(Record(1, "نبيل حداد"), Record(2, "Nabeel Haddad")).total >= matching.THRESHOLD


def test_one_different_given_name_is_not_hidden_by_a_shared_surname() -> None:
    same = score(Record(1, "Nabeel Haddad"), Record(2, "Nabil Haddad"))
    other = score(Record(1, "Nabeel Haddad"), Record(2, "Kareem Haddad"))
    assert same.total >= matching.THRESHOLD > other.total


def test_a_different_country_counts_against_and_the_same_organisation_for() -> None:
    alone = score(Record(1, "Layla Mansour"), Record(2, "Leila Mansur"))
    apart = score(Record(1, "Layla Mansour", "SYR"), Record(2, "Leila Mansur", "EGY"))
    together = score(
        Record(1, "Layla Mansour", "SYR", "Damascus Bar Circle"),
        Record(2, "Leila Mansur", "SYR", "Damascus Bar Circle"),
    )
    assert apart.total < alone.total < together.total
    assert apart.country < 0 < together.country
    assert together.organisation > 0


def test_an_empty_name_matches_nothing() -> None:
    assert score(Record(1, ""), Record(2, "Nabil Haddad")).total < matching.THRESHOLD
    assert score(Record(1, "!!!"), Record(2, "")).name == 0


def test_duplicates_finds_the_pairs_among_many_and_each_once() -> None:
    records = [
        Record(1, "Nabeel Haddad", "BHR"),
        Record(2, "Tariq Suleiman", "JOR"),
        Record(3, "Haddad, Nabil", "BHR"),
        Record(4, "نبيل حداد", "BHR"),
        Record(5, "Olga Petrova", "RUS"),
        Record(6, "Ольга Петрова", "RUS"),
    ]
    found = {(match.first, match.second) for match in duplicates(records, workers=1)}
    assert found == {(1, 3), (1, 4), (3, 4), (5, 6)}


def test_duplicates_of_nothing_is_nothing() -> None:
    assert duplicates([]) == []
    assert duplicates([Record(1, "")]) == []


def _labelled() -> list[dict[str, str]]:
    with PAIRS.open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def test_the_pair_set_has_200_pairs_of_both_kinds_in_several_scripts() -> None:
    rows = _labelled()
    assert len(rows) >= 200
    assert {row["same"] for row in rows} == {"0", "1"}
    assert {"latin", "arabic", "cyrillic", "chinese", "persian", "greek"} <= {
        row["script"] for row in rows
    }


@pytest.mark.parametrize("workers", [1])
def test_on_the_pair_set_blocking_loses_almost_nothing(workers: int) -> None:
    """Comparing all names at once finds nearly every pair that scoring each pair
    alone would find (the blocking must not cost recall)."""
    rows = _labelled()
    records = []
    for number, row in enumerate(rows):
        records.append(Record(2 * number, row["name_a"], row["country_a"], row["organisation_a"]))
        records.append(
            Record(2 * number + 1, row["name_b"], row["country_b"], row["organisation_b"])
        )
    found = {(match.first, match.second) for match in duplicates(records, workers=workers)}
    alone = [
        (2 * number, 2 * number + 1)
        for number in range(len(rows))
        if score(records[2 * number], records[2 * number + 1]).total >= matching.THRESHOLD
    ]
    missed = [pair for pair in alone if pair not in found]
    assert len(missed) <= len(alone) // 20


def test_pairs_among_some_records_are_those_of_all_pairs_that_involve_them() -> None:
    rows = _labelled()
    records = [
        Record(number, row[f"name_{side}"], row[f"country_{side}"], row[f"organisation_{side}"])
        for number, (row, side) in enumerate((row, side) for row in rows for side in "ab")
    ]
    wanted = {record.id for record in records if record.id % 7 == 0}
    everything = {(m.first, m.second) for m in duplicates(records, workers=1)}
    involving = {pair for pair in everything if pair[0] in wanted or pair[1] in wanted}
    among = {(m.first, m.second) for m in duplicates(records, workers=1, among=wanted)}
    assert len(among ^ involving) <= len(involving) // 20
    assert any(records[a].name.isascii() != records[b].name.isascii() for a, b in among)


_WORDS = st.lists(
    st.text(alphabet=st.characters(categories=("Lu", "Ll", "Lo")), min_size=1, max_size=12),
    min_size=1,
    max_size=4,
)


@given(words=_WORDS)
@settings(max_examples=200, deadline=None)
def test_the_order_of_the_words_never_counts(words: list[str]) -> None:
    name = " ".join(words)
    assert normalise(" ".join(reversed(words))) == normalise(name)


@given(first=_WORDS, second=_WORDS, country=st.sampled_from(["", "BHR", "COL"]))
@settings(max_examples=200, deadline=None)
def test_scores_are_symmetric_and_between_0_and_100(
    first: list[str], second: list[str], country: str
) -> None:
    one, other = Record(1, " ".join(first), country), Record(2, " ".join(second), "BHR")
    forth, back = score(one, other), score(other, one)
    assert forth == back
    assert 0 <= forth.total <= 100
    assert score(one, one).name in (0.0, 100.0)
