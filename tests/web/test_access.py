"""Who may open which page: the public, each persona, the admin site."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse
from pytest_django import DjangoAssertNumQueries

from spcomms.accounts.models import Role, User
from spcomms.demo.models import SyntheticDataset
from spcomms.intake.models import SubmissionStatus
from spcomms.publication.index import publication_sync
from tests.conftest import PASSWORD
from tests.web import builders

pytestmark = pytest.mark.django_db

ROLE_OF = {
    "secretariat_officer": Role.SECRETARIAT,
    "administrator": Role.ADMINISTRATOR,
    "mandate_holder": Role.MANDATE_HOLDER,
    "researcher": Role.RESEARCHER,
    "source_organisation": Role.SOURCE,
}


def test_the_public_home_is_open_to_anyone(client: Client) -> None:
    assert client.get("/").status_code == 200


def test_the_workspace_sends_an_anonymous_visitor_to_sign_in(client: Client) -> None:
    response = client.get(reverse("accounts:home"))

    assert response.status_code == 302
    assert response.headers["Location"] == "/accounts/login/?next=/accounts/home/"


# A source account lands on its list of submissions, after its authenticator app
# (tests/intake/test_source_accounts.py).
STAFF_AND_RESEARCH = [persona for persona in ROLE_OF if persona != "source_organisation"]


@pytest.mark.parametrize("persona", STAFF_AND_RESEARCH)
def test_each_persona_signs_in_and_lands_on_its_own_workspace(
    client: Client, persona: str, request: pytest.FixtureRequest
) -> None:
    user: User = request.getfixturevalue(persona)

    response = client.post(
        reverse("accounts:login"),
        {"username": user.username, "password": PASSWORD},
        follow=True,
    )

    assert response.redirect_chain == [(reverse("accounts:home"), 302)]
    html = response.content.decode()
    assert f'data-testid="role">Your role: {ROLE_OF[persona].label}.' in html


def test_sign_in_returns_to_the_page_asked_for(client: Client, administrator: User) -> None:
    response = client.post(
        reverse("accounts:login"),
        {"username": administrator.username, "password": PASSWORD, "next": "/admin/"},
    )

    assert response.headers["Location"] == "/admin/"


def test_an_attacker_cannot_use_sign_in_to_redirect_to_another_site(
    client: Client, researcher: User
) -> None:
    response = client.post(
        reverse("accounts:login"),
        {"username": researcher.username, "password": PASSWORD, "next": "https://evil.example/"},
    )

    assert response.headers["Location"] == reverse("accounts:home")


def test_a_signed_in_user_who_opens_sign_in_goes_to_the_workspace(
    client: Client, researcher: User
) -> None:
    client.force_login(researcher)

    response = client.get(reverse("accounts:login"))

    assert response.headers["Location"] == reverse("accounts:home")


def test_a_wrong_password_does_not_sign_in(client: Client, researcher: User) -> None:
    client.post(reverse("accounts:login"), {"username": researcher.username, "password": "x"})

    assert client.get(reverse("accounts:home")).status_code == 302


def test_a_deactivated_account_cannot_sign_in(client: Client, researcher: User) -> None:
    researcher.is_active = False
    researcher.save()

    response = client.post(
        reverse("accounts:login"), {"username": researcher.username, "password": PASSWORD}
    )

    assert response.status_code == 200
    assert client.get(reverse("accounts:home")).status_code == 302


@pytest.mark.parametrize("persona", ["secretariat_officer", "administrator"])
def test_staff_roles_reach_the_admin_site(
    client: Client, persona: str, request: pytest.FixtureRequest
) -> None:
    client.force_login(request.getfixturevalue(persona))

    assert client.get("/admin/").status_code == 200


@pytest.mark.parametrize("persona", ["mandate_holder", "researcher", "source_organisation"])
def test_other_roles_are_turned_away_from_the_admin_site(
    client: Client, persona: str, request: pytest.FixtureRequest
) -> None:
    client.force_login(request.getfixturevalue(persona))

    for url in ["/admin/", "/admin/accounts/user/", "/admin/communications/communication/"]:
        response = client.get(url)
        assert response.status_code == 302, url
        assert response.headers["Location"].startswith("/admin/login/?next=")


def test_the_admin_site_sends_an_anonymous_visitor_to_its_sign_in(client: Client) -> None:
    response = client.get("/admin/")

    assert response.status_code == 302
    assert response.headers["Location"] == "/admin/login/?next=/admin/"


def test_the_home_page_makes_the_same_few_queries_however_much_is_published(
    client: Client, reference: None, django_assert_max_num_queries: DjangoAssertNumQueries
) -> None:
    SyntheticDataset.objects.create(seed=1)
    for days_ago in range(70, 90):
        builders.reply_to(builders.sent_communication(days_ago=days_ago))
    publication_sync()  # the first public request after a change brings the index up to date

    # The index state, the copy of the index (two queries), the synthetic-data notice.
    with django_assert_max_num_queries(4):
        assert client.get("/").status_code == 200


@pytest.mark.parametrize("persona", STAFF_AND_RESEARCH)
def test_each_workspace_makes_the_same_few_queries_however_much_there_is(
    client: Client,
    persona: str,
    request: pytest.FixtureRequest,
    django_assert_max_num_queries: DjangoAssertNumQueries,
) -> None:
    user: User = request.getfixturevalue(persona)
    for days_ago in range(1, 90, 5):
        builders.sent_communication(days_ago=days_ago, named=f"Person {days_ago}")
        builders.draft_communication()
        builders.submission(source_account=user, status=SubmissionStatus.INFO_REQUESTED)
    client.force_login(user)

    # The session, the user, the synthetic-data mark, and one query per figure (at most 5).
    with django_assert_max_num_queries(8):
        assert client.get(reverse("accounts:home")).status_code == 200
