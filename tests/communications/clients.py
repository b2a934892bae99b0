"""A Django test client signed in as a persona, for the staff page tests."""

from __future__ import annotations

from django.test import Client

from spcomms.accounts.models import User
from tests.conftest import PASSWORD


def client_for(user: User | None) -> Client:
    """A client signed in as ``user``; anonymous for None."""
    client = Client()
    if user is not None:
        assert client.login(username=user.username, password=PASSWORD)
    return client
