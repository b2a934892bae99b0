"""What the authorization crawl (test_matrix.py) found, each pinned by its own test."""

from __future__ import annotations

import pytest
from django.test import Client

from spcomms.accounts.models import User
from spcomms.communications.models import Reply
from tests.security.crawl import shape

pytestmark = pytest.mark.django_db


def test_a_guesser_paused_for_wrong_codes_who_sends_an_empty_form_is_told_to_wait(
    reference: None,
) -> None:
    """An empty form used to reach the paused answer unbound and crash it (500)."""
    guesser = Client(raise_request_exception=False)
    answers = [guesser.post("/submit/status/", {}).status_code for _ in range(6)]

    assert answers[:5] == [400] * 5
    assert answers[5] == 429
    assert "Wait" in guesser.post("/submit/status/", {}).content.decode()


def test_an_empty_reply_form_in_the_admin_says_what_is_missing(administrator: User) -> None:
    """The reply's own checks used to read the communication the form had left empty (500)."""
    client = Client(raise_request_exception=False)
    client.force_login(administrator)

    response = client.post("/admin/communications/reply/add/", {})

    assert response.status_code == 200
    assert "This field is required." in response.content.decode()
    assert not Reply.objects.exists()


def test_a_staff_member_without_the_right_cannot_tell_which_ids_exist_from_the_history(
    secretariat_officer: User, administrator: User
) -> None:
    """Django's history page looked the object up before the permission: a redirect for a
    missing user, 403 for an existing one. Both are 403 now."""
    client = Client(raise_request_exception=False)
    client.force_login(secretariat_officer)

    urls = [f"/admin/accounts/user/{pk}/history/" for pk in (administrator.pk, 987654321)]
    existing, missing = (client.get(url) for url in urls)

    assert existing.status_code == missing.status_code == 403
    assert shape(existing, urls[0]) == shape(missing, urls[1])


def test_the_history_still_opens_for_those_who_may_view(administrator: User) -> None:
    client = Client()
    client.force_login(administrator)

    assert client.get(f"/admin/accounts/user/{administrator.pk}/history/").status_code == 200
