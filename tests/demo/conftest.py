"""Demonstration datasets built once per test module, inside a transaction rolled back at the end.

``small_demo`` (scale 0.05, about 225 letters) serves the integrity tests;
``full_demo`` builds the whole scale-1 dataset (about 4,500 letters, 12,000
mentions: some ten seconds on SQLite) for the calibration tests only.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.db import transaction
from pytest_django import DjangoDbBlocker

from spcomms.demo.services import BuildReport, demo_build
from spcomms.reference.services import reference_load

SMALL_SCALE = 0.05
SEED = 0


def _built(django_db_blocker: DjangoDbBlocker, *, scale: float) -> Iterator[BuildReport]:
    with django_db_blocker.unblock(), transaction.atomic():
        reference_load()
        yield demo_build(seed=SEED, scale=scale)
        transaction.set_rollback(True)


@pytest.fixture(scope="module")
def small_demo(django_db_setup: None, django_db_blocker: DjangoDbBlocker) -> Iterator[BuildReport]:
    yield from _built(django_db_blocker, scale=SMALL_SCALE)


@pytest.fixture(scope="module")
def full_demo(django_db_setup: None, django_db_blocker: DjangoDbBlocker) -> Iterator[BuildReport]:
    yield from _built(django_db_blocker, scale=1.0)
