"""The plan, before any database: quotas, dates, names and the repeat-mention model."""

from __future__ import annotations

import csv
import datetime as dt
import json
import os
import random
import subprocess
import sys
from collections import Counter
from importlib import resources
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from spcomms.demo import targets
from spcomms.demo.names import NameSource, profile, transliterate
from spcomms.demo.plan import Planner
from spcomms.demo.plan_extra import ExtraPlanner
from spcomms.demo.records import LAST_SENT, CountryInfo, Plan
from spcomms.demo.sampling import quota, working_day


def reference_inputs() -> tuple[list[CountryInfo], dict[str, int | None]]:
    data = resources.files("spcomms.reference") / "data"
    rows = csv.DictReader((data / "reporting_regions.csv").read_text().splitlines())
    countries = [CountryInfo(row["iso3"], row["reporting_region"]) for row in rows]
    mandates = {m[0]: m[2] for m in json.loads((data / "mandates.json").read_text())}
    return countries, mandates


def planned(seed: int, scale: float) -> Plan:
    countries, mandates = reference_inputs()
    return Planner(
        seed=seed, scale=scale, countries=countries, mandates=mandates, names=NameSource(seed)
    ).plan()


@given(
    st.integers(min_value=0, max_value=100_000),
    st.dictionaries(
        st.text(min_size=1, max_size=3), st.floats(min_value=0.01, max_value=10), min_size=1
    ),
)
def test_quotas_add_up_and_stay_within_one_of_the_exact_share(
    total: int, shares: dict[str, float]
) -> None:
    counts = quota(total, shares)
    assert sum(counts.values()) == total
    weight = sum(shares.values())
    for key, share in shares.items():
        assert abs(counts[key] - total * share / weight) < 1


@given(st.integers(min_value=0, max_value=2**32), st.integers(min_value=2000, max_value=2016))
def test_letters_are_sent_on_weekdays_within_their_year(seed: int, year: int) -> None:
    last = LAST_SENT if year == 2016 else dt.date(year, 12, 31)
    day = working_day(random.Random(seed), dt.date(year, 1, 1), last)  # noqa: S311  # test data
    assert day.weekday() < 5
    assert dt.date(year, 1, 1) <= day <= last


def test_cyrillic_names_are_written_in_latin_letters() -> None:
    assert transliterate("Щукин Юрий") == "Shchukin Yuriy"


def test_names_follow_the_state_and_come_out_in_latin_script() -> None:
    names = NameSource(3)
    for iso3, region in (("CHN", "asia_pacific"), ("RUS", "europe_north_america_central_asia")):
        name = names.person_name(profile(iso3, region), "female")
        assert name.isascii(), name
    assert NameSource(3).person_name(profile("COL", "latin_america_caribbean"), "male") == (
        NameSource(3).person_name(profile("COL", "latin_america_caribbean"), "male")
    )


def test_a_plan_is_the_same_for_the_same_seed() -> None:
    assert planned(11, 0.05) == planned(11, 0.05)


def test_the_regional_split_is_exact_up_to_rounding_at_any_scale() -> None:
    for scale in (0.05, 0.3):
        plan = planned(2, scale)
        counts = Counter(c.region for c in plan.communications)
        total = len(plan.communications)
        for region, share in targets.REGION_SHARES.items():
            assert abs(counts[region] - total * share) < 1


def test_first_replies_follow_the_published_groups_exactly_up_to_rounding() -> None:
    plan = planned(4, 0.2)
    total = len(plan.communications)
    first = Counter(c.replies[0].reply_class if c.replies else "" for c in plan.communications)
    for code, share in targets.FIRST_REPLY_SHARES.items():
        assert abs(first[code] - total * share) < 1


def test_states_in_europe_and_the_americas_answer_more_often_than_in_africa_and_asia() -> None:
    plan = planned(5, 1.0)
    rate: dict[str, float] = {}
    for region in ("europe_north_america_central_asia", "africa", "asia_pacific"):
        letters = [c for c in plan.communications if c.region == region]
        rate[region] = sum(bool(c.replies) for c in letters) / len(letters)
    assert rate["europe_north_america_central_asia"] > rate["africa"]
    assert rate["europe_north_america_central_asia"] > rate["asia_pacific"]


@pytest.mark.parametrize("seed", [0, 1])
def test_outcomes_carry_the_direction_of_seed_000s_mentions_coefficient(seed: int) -> None:
    """Persons named more often improve less often (seed 000 Table 1: -0.62 per mention)."""
    countries, mandates = reference_inputs()
    planner = Planner(
        seed=seed, scale=1.0, countries=countries, mandates=mandates, names=NameSource(seed)
    )
    plan = planner.plan()
    extra = ExtraPlanner(planner, plan).build()
    improved: dict[bool, list[bool]] = {True: [], False: []}
    for assessment in extra.assessments:
        if assessment.development == "not_known":
            continue
        letter = plan.communications[assessment.communication]
        person = plan.persons[letter.mentions[assessment.mention].person]
        improved[person.mentions > 1].append(
            assessment.development in ("much_better", "somewhat_better")
        )
    once = sum(improved[False]) / len(improved[False])
    often = sum(improved[True]) / len(improved[True])
    assert often < once


DIGEST = """
import hashlib
from tests.demo.test_plan import planned
plan = planned(5, 0.05)
print(hashlib.sha256(repr(plan).encode()).hexdigest())
"""


def test_a_plan_does_not_depend_on_the_process_hash_seed() -> None:
    """Set and dict orders must not leak into the data: two processes, two hash seeds."""
    digests = set()
    for hash_seed in ("1", "2"):
        environ = {**os.environ, "PYTHONHASHSEED": hash_seed}
        done = subprocess.run(  # our own interpreter with a fixed script
            [sys.executable, "-c", DIGEST],
            capture_output=True,
            text=True,
            env=environ,
            check=True,
            cwd=Path(__file__).resolve().parents[2],
        )
        digests.add(done.stdout.strip())
    assert len(digests) == 1
