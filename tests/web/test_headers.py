"""Security headers and cookie flags on every page spcomms serves."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.test import Client, RequestFactory
from django.urls import reverse
from pytest_django import Settings

from spcomms.accounts.models import User
from spcomms.core.headers import CONTENT_SECURITY_POLICY, SecurityHeadersMiddleware
from tests.conftest import PASSWORD

# The rules live with the authorization crawl, which applies them to every response.
from tests.security.headers import (
    REFERRER_POLICY_REASON,
    assert_safe_headers,
)

pytestmark = pytest.mark.django_db

PERSONAS = ["secretariat_officer", "administrator", "mandate_holder", "researcher"]


@pytest.mark.parametrize(
    "url",
    [
        "/",
        "/accounts/login/",
        "/no/such/page/",
        "/admin/login/",
        "/accounts/home/",  # the redirect to sign-in
    ],
)
def test_every_public_response_carries_the_security_headers(client: Client, url: str) -> None:
    assert_safe_headers(client.get(url))


def test_static_files_are_served_with_their_type_and_no_sniffing(client: Client) -> None:
    """WhiteNoise answers before the frame middleware runs; a stylesheet needs no frame rule."""
    response = client.get("/static/spcomms/site.css")

    assert response.status_code == 200, "static/ is not served: is it in STATICFILES_DIRS?"
    assert response.headers["Content-Type"].startswith("text/css")
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Content-Security-Policy"] == CONTENT_SECURITY_POLICY
    assert response.headers["Referrer-Policy"] == "same-origin", REFERRER_POLICY_REASON
    assert "Server" not in response.headers


@pytest.mark.parametrize("persona", PERSONAS)
def test_every_workspace_carries_the_security_headers(
    client: Client, persona: str, request: pytest.FixtureRequest
) -> None:
    client.force_login(request.getfixturevalue(persona))

    response = client.get(reverse("accounts:home"))

    assert response.status_code == 200
    assert_safe_headers(response)


def test_the_admin_pages_carry_the_security_headers(client: Client, administrator: User) -> None:
    client.force_login(administrator)

    for url in [
        "/admin/",
        "/admin/accounts/user/",
        f"/admin/accounts/user/{administrator.pk}/change/",
    ]:
        response = client.get(url)
        assert response.status_code == 200, url
        assert_safe_headers(response)


def test_the_referrer_never_leaves_the_site_but_forms_keep_their_origin(client: Client) -> None:
    """The referrer is sent to this server only, so its own forms pass the CSRF origin check.

    The browser test ``test_each_role_signs_in_through_the_form_and_sees_its_workspace``
    shows what happens otherwise: chromium posts the sign-in form with ``Origin: null``.
    """
    response = client.get("/")

    assert response.headers["Referrer-Policy"] == "same-origin", REFERRER_POLICY_REASON


def test_the_middleware_strips_a_server_header_a_view_sets(rf: RequestFactory) -> None:
    def view(request: HttpRequest) -> HttpResponse:
        response = HttpResponse("ok")
        response.headers["Server"] = "Apache/2.4.1 (Unix) PHP/8.1"
        return response

    middleware = SecurityHeadersMiddleware(view)
    response = middleware(rf.get("/"))

    assert "Server" not in response.headers


def test_the_middleware_keeps_a_stricter_policy_a_view_sets(rf: RequestFactory) -> None:
    get_response: Callable[[HttpRequest], HttpResponse] = lambda request: HttpResponse(  # noqa: E731  # a one-line stub view
        headers={"Content-Security-Policy": "default-src 'none'"}
    )

    response = SecurityHeadersMiddleware(get_response)(rf.get("/"))

    assert response.headers["Content-Security-Policy"] == "default-src 'none'"


def sign_in(client: Client, user: User) -> HttpResponseBase:
    response = client.post(
        reverse("accounts:login"), {"username": user.username, "password": PASSWORD}
    )
    assert response.status_code == 302
    return response


def test_the_session_and_csrf_cookies_are_out_of_reach_of_scripts(
    client: Client, researcher: User
) -> None:
    csrf = client.get(reverse("accounts:login")).cookies["csrftoken"]
    session = sign_in(client, researcher).cookies["sessionid"]

    for cookie in (csrf, session):
        assert cookie["httponly"] is True
        assert cookie["samesite"] == "Lax"
    assert session["expires"] == ""  # ends with the browser


def test_the_language_cookie_is_out_of_reach_of_scripts(client: Client) -> None:
    response = client.post(reverse("set_language"), {"language": "fr", "next": "/"})

    assert response.cookies["django_language"]["httponly"] is True


def test_the_cookies_are_secure_when_tls_is_on(
    client: Client, researcher: User, settings: Settings
) -> None:
    settings.SESSION_COOKIE_SECURE = True
    settings.CSRF_COOKIE_SECURE = True
    settings.LANGUAGE_COOKIE_SECURE = True

    csrf = client.get(reverse("accounts:login"), secure=True).cookies["csrftoken"]
    session = sign_in(client, researcher).cookies["sessionid"]
    language = client.post(reverse("set_language"), {"language": "es", "next": "/"}).cookies[
        "django_language"
    ]

    for cookie in (csrf, session, language):
        assert cookie["secure"] is True
        assert cookie["httponly"] is True


def test_the_cookies_are_not_marked_secure_without_tls(client: Client, researcher: User) -> None:
    """The default local set-up runs on plain HTTP; a Secure cookie would never come back."""
    session = sign_in(client, researcher).cookies["sessionid"]

    assert session["secure"] == ""


def test_https_responses_carry_hsts_when_tls_is_on(client: Client, settings: Settings) -> None:
    settings.SECURE_HSTS_SECONDS = 31536000
    settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = True

    response = client.get("/", secure=True)

    assert response.headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"
