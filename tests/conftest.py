"""Shared fixtures: reference data and one named persona per role."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.conf import settings
from django.core.cache import cache
from django.utils import translation

from spcomms.accounts.models import Role, User
from spcomms.reference.models import Mandate
from spcomms.reference.services import reference_load

PASSWORD = "correct horse battery staple 42"


@pytest.fixture(autouse=True)
def _empty_cache() -> None:
    """Each test starts with an empty cache (the labels of facets and the like); the rate
    limits' counters are rows of the test database and go with it."""
    cache.clear()


@pytest.fixture
def reference(db: None) -> None:
    """Countries, regions, mandates and vocabularies, as shipped."""
    reference_load()


def _persona(username: str, role: Role, **extra: object) -> User:
    return User.objects.create_user(username=username, password=PASSWORD, role=role, **extra)


@pytest.fixture
def secretariat_officer(reference: None) -> User:
    return _persona("sofia.secretariat", Role.SECRETARIAT, is_staff=True)


@pytest.fixture
def mandate_holder(reference: None) -> User:
    user = _persona("mara.rapporteur", Role.MANDATE_HOLDER)
    user.mandates.add(Mandate.objects.get(code="sr-hrd"))
    return user


@pytest.fixture
def researcher(reference: None) -> User:
    return _persona("rafael.researcher", Role.RESEARCHER)


@pytest.fixture
def administrator(reference: None) -> User:
    return _persona("ada.admin", Role.ADMINISTRATOR, is_staff=True, is_superuser=True)


@pytest.fixture(autouse=True)
def _default_language() -> Iterator[None]:
    """Each test starts, and leaves, in the default language: a request in French or
    Spanish activates it for the test's thread, and it would stay for the next test."""
    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture(autouse=True)
def _fresh_public_mirror() -> None:
    """Each test starts without the in-memory copy of the public index: a rolled-back
    test database reuses ids, which a running server never sees."""
    from spcomms.publication import mirror

    mirror._current = None
