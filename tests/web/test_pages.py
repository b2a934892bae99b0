"""The pages people see first: the public home, staff sign-in, the workspaces, the error pages."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse

from spcomms.accounts.forms import FORM_ERROR_ID
from spcomms.accounts.models import User
from spcomms.communications.models import CommunicationStatus
from spcomms.demo.models import SyntheticDataset
from spcomms.intake.models import SubmissionStatus
from tests.conftest import PASSWORD
from tests.web import builders

pytestmark = pytest.mark.django_db

INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.IGNORECASE)
INLINE_STYLE = re.compile(r"<style\b|\sstyle=|\son[a-z]+=", re.IGNORECASE)
FOREIGN_ASSET = re.compile(r"""(?:src|href)=["'](?:https?:)?//""", re.IGNORECASE)


def figures(html: str) -> dict[str, str]:
    """The label and value of each figure on a page, in order."""
    return dict(re.findall(r"<dt>([^<]+)</dt>\s*<dd[^>]*>(\d+)</dd>", html))


def page(client: Client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


def test_the_home_page_says_what_spcomms_is_and_counts_only_published_letters(
    client: Client, reference: None
) -> None:
    published = builders.sent_communication(days_ago=90)
    builders.reply_to(published)
    builders.reply_to(published, confidential=True)
    builders.sent_communication(days_ago=5)  # still confidential
    builders.draft_communication()
    withheld = builders.sent_communication(days_ago=100, country="PHL")
    withheld.withheld = True
    withheld.save()

    html = page(client, "/")

    assert "Communications about human rights defenders" in html
    assert "How a communication works" in html
    assert figures(html) == {
        "Published communications": "1",
        "States that received them": "1",
        "Published replies": "1",
    }


def test_the_home_page_explains_an_empty_record(client: Client, reference: None) -> None:
    assert "Nothing has been published yet" in page(client, "/")


def test_the_home_page_shows_the_synthetic_label_only_when_the_data_are_synthetic(
    client: Client, reference: None
) -> None:
    assert 'data-testid="synthetic-label"' not in page(client, "/")

    SyntheticDataset.objects.create(seed=7)
    html = page(client, "/")

    assert 'data-testid="synthetic-label"' in html
    assert 'data-testid="synthetic-figures"' in html
    assert "None of it is real." in html


def test_every_page_has_a_skip_link_landmarks_and_its_language(client: Client) -> None:
    html = page(client, reverse("accounts:login"))

    assert '<html lang="en"' in html
    assert '<a class="skip" href="#main">' in html
    assert '<main id="main"' in html
    assert "<header" in html
    assert '<nav aria-label="Main">' in html
    assert "<footer" in html


@pytest.mark.parametrize("url", ["/", "/accounts/login/", "/no/such/page/"])
def test_no_page_carries_inline_scripts_inline_styles_or_foreign_assets(
    client: Client, url: str
) -> None:
    html = client.get(url).content.decode()

    assert not INLINE_SCRIPT.search(html)
    assert not INLINE_STYLE.search(html)
    assert not FOREIGN_ASSET.search(html)


def test_the_stylesheet_and_icon_are_served_from_this_server(client: Client) -> None:
    html = page(client, "/")

    for asset in ("/static/spcomms/site.css", "/static/spcomms/favicon.svg"):
        assert f'href="{asset}"' in html
        response = client.get(asset)
        assert response.status_code == 200, (
            f"{asset} is not served: is static/ in STATICFILES_DIRS?"
        )
        response.close()  # the file it streams


def test_the_sign_in_form_has_labels_and_autocomplete(client: Client) -> None:
    html = page(client, reverse("accounts:login"))

    assert '<label for="id_username">' in html
    assert '<label for="id_password">' in html
    assert 'autocomplete="username"' in html
    assert 'autocomplete="current-password"' in html
    assert FORM_ERROR_ID not in html
    assert "aria-invalid" not in html


def test_a_wrong_password_is_announced_from_both_fields_and_keeps_the_username(
    client: Client, researcher: User
) -> None:
    response = client.post(
        reverse("accounts:login"), {"username": researcher.username, "password": "wrong"}
    )
    html = response.content.decode()

    assert response.status_code == 200
    assert f'id="{FORM_ERROR_ID}" role="alert"' in html
    assert "Please enter a correct username and password" in html
    username = re.search(r"<input[^>]*name=\"username\"[^>]*>", html)
    password = re.search(r"<input[^>]*name=\"password\"[^>]*>", html)
    assert username is not None
    assert password is not None
    assert f'value="{researcher.username}"' in username.group()
    for field in (username.group(), password.group()):
        assert f'aria-describedby="{FORM_ERROR_ID}"' in field
        assert 'aria-invalid="true"' in field
    assert "value=" not in password.group()


def test_an_empty_field_gets_its_own_error_tied_to_it(client: Client, researcher: User) -> None:
    html = client.post(
        reverse("accounts:login"), {"username": researcher.username, "password": ""}
    ).content.decode()

    password = re.search(r"<input[^>]*name=\"password\"[^>]*>", html)
    assert password is not None
    assert 'aria-describedby="id_password_error"' in password.group()
    assert '<p class="field-error" id="id_password_error">' in html


def test_the_secretariat_workspace_counts_triage_and_replies(
    client: Client, secretariat_officer: User
) -> None:
    builders.submission()
    builders.submission(status=SubmissionStatus.UNDER_REVIEW)
    builders.submission(status=SubmissionStatus.INFO_REQUESTED)
    builders.submission(status=SubmissionStatus.CLOSED)
    builders.sent_communication(days_ago=10)
    answered = builders.sent_communication(days_ago=20)
    builders.reply_to(answered)
    builders.sent_communication(days_ago=90)
    client.force_login(secretariat_officer)

    html = page(client, reverse("accounts:home"))

    assert figures(html) == {
        "Submissions awaiting triage": "2",
        "Submissions waiting for the source": "1",
        "Communications awaiting a reply": "1",
        "Deadlines passed without a reply": "1",
    }
    assert 'data-testid="admin-link"' in html


def test_the_administrator_workspace_also_counts_accounts(
    client: Client, administrator: User, researcher: User
) -> None:
    client.force_login(administrator)

    html = page(client, reverse("accounts:home"))

    assert figures(html)["Active accounts"] == "2"
    assert 'data-testid="admin-link"' in html


def test_the_mandate_holder_sees_only_their_mandates(client: Client, mandate_holder: User) -> None:
    builders.sent_communication(mandate="sr-hrd")
    builders.sent_communication(mandate="wgad")
    builders.draft_communication(mandate="sr-hrd")
    builders.draft_communication(mandate="sr-hrd", approved=True)
    builders.draft_communication(mandate="wgad")
    client.force_login(mandate_holder)

    html = page(client, reverse("accounts:home"))

    assert figures(html) == {
        "Communications of your mandates": "1",
        "Drafts awaiting your approval": "1",
    }
    assert 'data-testid="admin-link"' not in html


def test_the_researcher_sees_the_size_of_the_research_record(
    client: Client, researcher: User
) -> None:
    builders.sent_communication(named=builders.SECRET_NAME)
    builders.draft_communication()
    client.force_login(researcher)

    html = page(client, reverse("accounts:home"))

    assert figures(html)["Communications in the research record"] == "1"
    assert figures(html)["Persons named in communications"] == "1"
    assert 'data-testid="admin-link"' not in html


# A source organisation's submissions: tests/intake/test_source_accounts.py.


@pytest.mark.parametrize(
    "persona", ["secretariat_officer", "administrator", "mandate_holder", "researcher"]
)
def test_no_workspace_shows_a_name(
    client: Client, persona: str, request: pytest.FixtureRequest
) -> None:
    user: User = request.getfixturevalue(persona)
    builders.sent_communication(named=builders.SECRET_NAME)
    builders.submission()
    client.force_login(user)

    html = page(client, reverse("accounts:home"))

    assert builders.SECRET_NAME not in html
    assert "Quintessa" not in html


def test_signing_out_needs_a_post(client: Client, researcher: User) -> None:
    client.force_login(researcher)

    assert client.get(reverse("accounts:logout")).status_code == 405
    assert client.get(reverse("accounts:home")).status_code == 200

    response = client.post(reverse("accounts:logout"))

    assert response.status_code == 302
    assert response.headers["Location"] == reverse("publication:home")
    assert client.get(reverse("accounts:home")).status_code == 302


def test_the_404_page_says_what_to_do(client: Client) -> None:
    response = client.get("/no/such/page/")

    assert response.status_code == 404
    assert "Page not found" in response.content.decode()
    assert "Go to the public record" in response.content.decode()


@pytest.mark.urls("tests.web.failing_urls")
def test_the_403_page_says_what_to_do(client: Client) -> None:
    response = client.get("/forbidden/")

    assert response.status_code == 403
    assert "ask an administrator to change your role" in response.content.decode()


@pytest.mark.urls("tests.web.failing_urls")
def test_the_500_page_says_what_to_do_without_touching_the_database(client: Client) -> None:
    client.raise_request_exception = False

    response = client.get("/broken/")

    assert response.status_code == 500
    html = response.content.decode()
    assert "Something went wrong" in html
    assert "Try again in a few minutes" in html
    assert not INLINE_SCRIPT.search(html)


def test_a_form_sent_without_its_csrf_token_gets_a_page_that_says_what_to_do(
    researcher: User,
) -> None:
    client = Client(enforce_csrf_checks=True)

    response = client.post(
        reverse("accounts:login"), {"username": researcher.username, "password": PASSWORD}
    )

    assert response.status_code == 403
    assert "reload the page and send the form again" in response.content.decode()


def test_the_pages_are_translated_into_french_and_spanish(client: Client) -> None:
    client.cookies["django_language"] = "fr"
    french = page(client, "/")
    client.cookies["django_language"] = "es"
    spanish = page(client, "/")

    assert '<html lang="fr"' in french
    assert "Communications publiées" in french
    assert '<html lang="es"' in spanish
    assert "Comunicaciones publicadas" in spanish


def test_the_drafts_figure_ignores_abandoned_drafts(client: Client, mandate_holder: User) -> None:
    abandoned = builders.draft_communication()
    abandoned.status = CommunicationStatus.ABANDONED
    abandoned.save()
    client.force_login(mandate_holder)

    html = page(client, reverse("accounts:home"))

    assert figures(html)["Drafts awaiting your approval"] == "0"
