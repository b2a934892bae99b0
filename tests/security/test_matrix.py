"""The authorization matrix, held against a crawl of every URL as every role (issue 7).

The crawl (``crawl.py``) runs once for the module on objects built once (``world.py``),
inside a transaction rolled back at the end: every URL pattern, as a visitor, a source
with its receipt code, a source organisation, a secretariat officer, a mandate holder, a
researcher and an administrator, with the role's own object, someone else's and a
missing one; by GET, then by POST. A second crawl runs under the TLS settings that
``SPCOMMS_ENV=production`` gives. Each test below reads those answers.
"""

from __future__ import annotations

import os
import runpy
import secrets
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from unittest import mock

import pytest
from django.contrib.admin.sites import site as admin_site
from django.db import transaction
from django.test import override_settings
from pytest_django import DjangoDbBlocker

from tests.security import matrix
from tests.security.crawl import Crawl, Seen, crawl, routes
from tests.security.world import ANON, CODE, ORG, ROLES, SEC, build_world

pytestmark = pytest.mark.django_db

SETTINGS_FILE = Path(__file__).resolve().parents[2] / "src" / "spcomms" / "settings.py"
TLS_NAMES = [
    "SESSION_COOKIE_SECURE",
    "CSRF_COOKIE_SECURE",
    "LANGUAGE_COOKIE_SECURE",
    "SESSION_COOKIE_NAME",
    "CSRF_COOKIE_NAME",
    "LANGUAGE_COOKIE_NAME",
    "SECURE_SSL_REDIRECT",
    "SECURE_HSTS_SECONDS",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS",
    "SECURE_HSTS_PRELOAD",
    "SECURE_PROXY_SSL_HEADER",
    "SPCOMMS_REQUIRE_2FA",
]
REFUSED = {"403", "404", "405", matrix.LOGIN, matrix.ADMIN_LOGIN}


def production_settings(var_dir: Path) -> dict[str, Any]:
    """What settings.py sets for TLS when run as in production (SPCOMMS_ENV=production)."""
    environment = {
        "SPCOMMS_ENV": "production",
        "SPCOMMS_SECRET_KEY": secrets.token_urlsafe(50),
        "SPCOMMS_VAR_DIR": str(var_dir),
    }
    unset = ["SPCOMMS_TLS", "SPCOMMS_SSL_REDIRECT", "SPCOMMS_HSTS_SECONDS", "SPCOMMS_REQUIRE_2FA"]
    with mock.patch.dict(os.environ, environment):
        for name in unset:
            os.environ.pop(name, None)
        values = runpy.run_path(str(SETTINGS_FILE))
    return {name: values[name] for name in TLS_NAMES}


@dataclass
class Crawls:
    plain: Crawl
    tls: Crawl
    redirects: dict[str, str]  # a plain-HTTP GET under production settings: where it went
    production: dict[str, Any]


@pytest.fixture(scope="module")
def crawled(
    django_db_setup: None,
    django_db_blocker: DjangoDbBlocker,
    tmp_path_factory: pytest.TempPathFactory,
) -> Crawls:
    media = tmp_path_factory.mktemp("media")
    production = production_settings(tmp_path_factory.mktemp("var"))
    with (
        django_db_blocker.unblock(),
        override_settings(MEDIA_ROOT=media, SPCOMMS_INTAKE_DIR=media / "intake"),
        transaction.atomic(),
    ):
        world = build_world()
        plain = crawl(world)
        with override_settings(**production):
            world.restart_clients()  # the middleware reads its settings when it starts
            tls = crawl(world, roles=(ANON, CODE, ORG, SEC), tls=True, admin=False)
            redirects = {
                route.key: world.client(ANON).get(route.route).headers.get("Location", "")
                for route in routes()
                if route.key in ("publication:home", "accounts:login", "intake:start")
            }
        transaction.set_rollback(True)
    return Crawls(plain, tls, redirects, production)


def _listing(seen: list[Seen]) -> str:
    return "\n".join(f"{s.method} {s.url} as {s.role} ({s.which}): {s.outcome}" for s in seen)


# The matrix and the URLs ------------------------------------------------------------------


def test_every_url_pattern_has_an_entry_in_the_matrix() -> None:
    """A new URL fails here until someone writes down who may reach it."""
    missing = [
        route.route for route in routes() if not route.is_admin and route.key not in matrix.MATRIX
    ]

    assert missing == [], f"add these to tests/security/matrix.py: {missing}"


def test_every_admin_url_is_covered_by_the_admin_rule() -> None:
    """A model added to the admin is covered by the rule; any other admin page must be named."""
    models = {f"/admin/{m._meta.app_label}/{m._meta.model_name}/" for m in admin_site._registry}
    unknown = [
        route.route
        for route in routes()
        if route.is_admin
        and not any(route.route.startswith(prefix) for prefix in models)
        and route.key not in matrix.ADMIN_SITE_PAGES
        and route.key != "admin:app_list"
    ]

    assert unknown == []


def test_every_entry_of_the_matrix_names_a_url_that_exists() -> None:
    names = {route.key for route in routes()}

    assert sorted(set(matrix.MATRIX) - names) == []


# What each role reaches -------------------------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
def test_each_role_gets_exactly_the_answer_the_matrix_gives_for_its_own_objects(
    crawled: Crawls, role: str
) -> None:
    wrong = [
        s
        for s in crawled.plain.seen
        if s.role == role
        and s.which == "own"
        and s.outcome != matrix.expected(s.key, _route(crawled.plain, s.key), s.method, role)
    ]

    assert wrong == [], _listing(wrong)


def test_no_request_of_the_crawl_meets_a_server_error(crawled: Crawls) -> None:
    errors = [s for s in crawled.plain.seen + crawled.tls.seen if s.outcome.startswith("5")]

    assert errors == [], _listing(errors)


def test_someone_elses_object_and_a_missing_one_get_the_same_answer(crawled: Crawls) -> None:
    """Same status and the same page (ids, address and token aside), for every role: an
    attacker cannot tell an object they may not see from one that does not exist. Where a
    role is refused its own object, that refusal too is the missing one's."""
    groups: dict[tuple[str, str, str], list[Seen]] = defaultdict(list)
    for seen in crawled.plain.seen:
        groups[(seen.key, seen.method, seen.role)].append(seen)
    differing = []
    for (key, method, role), answers in groups.items():
        hidden = [s for s in answers if s.which in ("other", "missing")]
        refused = matrix.expected(key, _route(crawled.plain, key), method, role) in REFUSED
        hidden += [s for s in answers if s.which == "own" and refused]
        if len({s.shape for s in hidden}) > 1:
            differing += hidden

    assert differing == [], _listing(differing)


def test_a_missing_object_is_never_served(crawled: Crawls) -> None:
    served = [
        s
        for s in crawled.plain.seen
        if s.which in ("other", "missing")
        and s.outcome in ("200", "201")
        # The public pages that ask for the receipt code answer every address with the form.
        and s.key not in ("intake_replies:comment", "followup_source:questionnaire")
    ]
    asked_the_code = [
        s
        for s in crawled.plain.seen
        if s.key in ("intake_replies:comment", "followup_source:questionnaire")
        and s.role == CODE
        and s.which != "own"
    ]

    assert served == [], _listing(served)
    assert {s.outcome for s in asked_the_code} == {"404"}


def test_a_post_by_a_role_that_may_not_changes_nothing(crawled: Crawls) -> None:
    """Every refused POST, and every POST to someone else's or a missing object, leaves
    every row of every table as it was (sessions and rate-limit counts aside)."""
    posted = [s for s in crawled.plain.seen if s.method == "POST"]

    assert len(posted) > 500
    assert crawled.plain.changed == []


# Headers and cookies ------------------------------------------------------------------------


def test_every_response_of_the_crawl_carries_the_security_headers_and_safe_cookies(
    crawled: Crawls,
) -> None:
    unsafe = [s for s in crawled.plain.seen if s.problems]

    assert len(crawled.plain.seen) > 3000
    assert unsafe == [], "\n".join(f"{s.method} {s.url} as {s.role}: {s.problems}" for s in unsafe)


def test_production_settings_turn_on_tls_hsts_and_secure_cookies(crawled: Crawls) -> None:
    assert crawled.production == {
        "SESSION_COOKIE_SECURE": True,
        "CSRF_COOKIE_SECURE": True,
        "LANGUAGE_COOKIE_SECURE": True,
        "SESSION_COOKIE_NAME": "__Host-sessionid",
        "CSRF_COOKIE_NAME": "__Host-csrftoken",
        "LANGUAGE_COOKIE_NAME": "__Host-django_language",
        "SECURE_SSL_REDIRECT": True,
        "SECURE_HSTS_SECONDS": 31536000,
        "SECURE_HSTS_INCLUDE_SUBDOMAINS": True,
        "SECURE_HSTS_PRELOAD": False,
        "SECURE_PROXY_SSL_HEADER": ("HTTP_X_FORWARDED_PROTO", "https"),
        "SPCOMMS_REQUIRE_2FA": True,
    }


def test_under_production_settings_every_page_sends_hsts_and_only_secure_cookies(
    crawled: Crawls,
) -> None:
    unsafe = [s for s in crawled.tls.seen if s.problems]

    assert len(crawled.tls.seen) > 500
    assert unsafe == [], "\n".join(f"{s.url} as {s.role}: {s.problems}" for s in unsafe)


def test_production_settings_change_no_answer_of_the_matrix(crawled: Crawls) -> None:
    plain = {(s.url, s.role): s.outcome for s in crawled.plain.seen if s.method == "GET"}
    changed = [s for s in crawled.tls.seen if plain[(s.url, s.role)] != s.outcome]

    assert changed == [], _listing(changed)


def test_under_production_settings_plain_http_is_sent_to_https(crawled: Crawls) -> None:
    assert crawled.redirects == {
        "publication:home": "https://testserver/",
        "accounts:login": "https://testserver/accounts/login/",
        "intake:start": "https://testserver/submit/",
    }


def _route(found: Crawl, key: str) -> str:
    return found.route_of[key]
