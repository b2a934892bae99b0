"""Small seeded sampling helpers: quotas, weighted draws, weighted ordering."""

from __future__ import annotations

import datetime as dt
import random
import uuid
from collections.abc import Mapping, Sequence
from typing import TypeVar

K = TypeVar("K")
T = TypeVar("T")


def quota(total: int, shares: Mapping[K, float]) -> dict[K, int]:
    """Split ``total`` by ``shares`` into whole counts that add up (largest remainder)."""
    weight = sum(shares.values())
    exact = {key: total * share / weight for key, share in shares.items()}
    counts = {key: int(value) for key, value in exact.items()}
    left = total - sum(counts.values())
    by_remainder = sorted(exact, key=lambda key: exact[key] - counts[key], reverse=True)
    for key in by_remainder[:left]:
        counts[key] += 1
    return counts


def quota_list(rng: random.Random, total: int, shares: Mapping[K, float]) -> list[K]:
    """``total`` labels in the proportions of ``shares``, shuffled."""
    labels = [key for key, count in quota(total, shares).items() for _ in range(count)]
    rng.shuffle(labels)
    return labels


def weighted_order(rng: random.Random, items: Sequence[T], weights: Sequence[float]) -> list[T]:
    """A random order in which heavier items tend to come first.

    Taking the first k is weighted sampling without replacement
    (Efraimidis and Spirakis): each item gets the key u ** (1 / w).
    """
    keyed = [(rng.random() ** (1.0 / weight), index) for index, weight in enumerate(weights)]
    keyed.sort(reverse=True)
    return [items[index] for _, index in keyed]


def pick(rng: random.Random, weights: Mapping[K, float]) -> K:
    keys = list(weights)
    return rng.choices(keys, weights=[weights[key] for key in keys])[0]


def seeded_uuid(rng: random.Random) -> uuid.UUID:
    return uuid.UUID(int=rng.getrandbits(128), version=4)


def day_in(rng: random.Random, first: dt.date, last: dt.date) -> dt.date:
    return first + dt.timedelta(days=rng.randint(0, (last - first).days))


def working_day(rng: random.Random, first: dt.date, last: dt.date) -> dt.date:
    """A weekday between ``first`` and ``last`` (both assumed to hold one)."""
    day = day_in(rng, first, last)
    if day.weekday() < 5:
        return day
    monday = day + dt.timedelta(days=7 - day.weekday())
    friday = day - dt.timedelta(days=day.weekday() - 4)
    return monday if monday <= last or friday < first else friday


def working_time(rng: random.Random, day: dt.date) -> dt.datetime:
    """A moment in Geneva office hours on ``day``, in UTC."""
    return dt.datetime(
        day.year, day.month, day.day, rng.randint(7, 16), rng.randint(0, 59), tzinfo=dt.UTC
    )
