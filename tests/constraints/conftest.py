"""Helpers for constraint tests: a rule must be refused by validation and by the database."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.core.exceptions import ValidationError
from django.db import DataError, IntegrityError, models, transaction

Refusal = Callable[..., None]


@pytest.fixture
def refused_twice() -> Refusal:
    """Assert that ``obj`` fails ``full_clean()`` and that saving it anyway fails in the DB."""

    def check(obj: models.Model, expect: str | None = None) -> None:
        """``expect``, when given, must appear in the validation error: the field
        or constraint that the test means to exercise, not some other gap."""
        with pytest.raises(ValidationError) as error:
            obj.full_clean()
        if expect is not None:
            assert expect in str(error.value), error.value
        with pytest.raises((IntegrityError, DataError)), transaction.atomic():
            obj.save()

    return check
