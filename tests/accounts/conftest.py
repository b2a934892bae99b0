"""Fixtures for the sign-in tests: the personas from tests/conftest.py, and helpers."""

from __future__ import annotations

from django.test import Client
from django.urls import reverse

from spcomms.accounts.models import User
from tests.conftest import PASSWORD
from tests.web.conftest import source_organisation

__all__ = ["source_organisation"]  # the persona fixture, shared with the web tests


def password_step(client: Client, user: User, next_url: str = "") -> str:
    """Post the right password; return where the page sends the browser next."""
    data = {"username": user.username, "password": PASSWORD}
    if next_url:
        data["next"] = next_url
    response = client.post(reverse("accounts:login"), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    return str(response.headers["Location"])
