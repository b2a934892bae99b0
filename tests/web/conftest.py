"""Fixtures for the web pages: the one persona the shared conftest lacks."""

from __future__ import annotations

import pytest

from spcomms.accounts.models import Role, User
from tests.conftest import PASSWORD


@pytest.fixture
def source_organisation(reference: None) -> User:
    return User.objects.create_user(username="sana.source", password=PASSWORD, role=Role.SOURCE)
