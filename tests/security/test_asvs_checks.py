"""Direct tests for OWASP ASVS 5.0 requirements that no other test showed on its own.

The ASVS table in docs/security.md cites these where the behaviour comes from Django
or the deployment rather than from spcomms code: the test keeps the claim honest.
"""

from __future__ import annotations

import base64
import datetime as dt
import logging
import re
from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from pytest_django import Settings

from spcomms.accounts.models import User
from spcomms.core.crypto import new_key
from spcomms.encryption import load_keyring
from tests.accounts.totp import enrol, next_code
from tests.conftest import PASSWORD
from tests.intake import triage, walk

pytestmark = pytest.mark.django_db

LOGIN = reverse("accounts:login")
HOME = reverse("accounts:home")
CHANGE = reverse("accounts:password_change")
SECOND_STEP = reverse("accounts:second_step")
EVIL = "https://evil.example"
SRC = Path(__file__).resolve().parents[2] / "src" / "spcomms"


def signed_in(user: User, password: str = PASSWORD) -> Client:
    client = Client()
    answer = client.post(LOGIN, {"username": user.username, "password": password})
    assert answer.status_code == 302, answer.content.decode()[:500]
    return client


def test_a_long_password_of_any_characters_is_kept_exactly_as_typed(researcher: User) -> None:
    """ASVS V6.2.5, V6.2.8, V6.2.9: 64 characters and more, any composition, no
    truncation and no change of case."""
    client = signed_in(researcher)
    long = "ÉtÉ à la plage, 🌊 ~ " + "Zq" * 40 + " fin!"
    assert len(long) > 64
    changed = client.post(
        CHANGE, {"old_password": PASSWORD, "new_password1": long, "new_password2": long}
    )
    assert changed.status_code == 302

    for near in (long[:64], long.lower(), long[:-1]):  # fewer than the pause needs
        attempt = Client().post(LOGIN, {"username": researcher.username, "password": near})
        assert attempt.status_code == 200  # the form again: not signed in
    signed_in(researcher, long)


def test_a_password_made_only_of_lower_case_words_is_accepted(researcher: User) -> None:
    """ASVS V6.2.5: no rule on upper case, digits or symbols."""
    client = signed_in(researcher)
    words = "quiet meadow orbit lantern"
    changed = client.post(
        CHANGE, {"old_password": PASSWORD, "new_password1": words, "new_password2": words}
    )
    assert changed.status_code == 302


@pytest.mark.parametrize("common", ["password1234", "qwertyuiop123", "123456789012"])
def test_a_password_from_the_common_list_is_refused(researcher: User, common: str) -> None:
    """ASVS V6.2.4: Django's list of 20,000 common passwords (and all-digit ones)."""
    client = signed_in(researcher)
    refused = client.post(
        CHANGE, {"old_password": PASSWORD, "new_password1": common, "new_password2": common}
    )
    assert refused.status_code == 400
    researcher.refresh_from_db()
    assert researcher.check_password(PASSWORD)


def test_password_fields_are_masked_and_leave_paste_and_managers_alone(
    researcher: User,
) -> None:
    """ASVS V6.2.6, V6.2.7: type=password, no autocomplete=off, no paste blocking."""
    pages = [Client().get(LOGIN).content.decode()]
    pages.append(signed_in(researcher).get(CHANGE).content.decode())
    for html in pages:
        assert 'type="password"' in html
        assert 'autocomplete="off"' not in html
        assert "onpaste" not in html.lower()
        assert 'name="password"' in html or 'name="old_password"' in html


def test_a_deactivated_account_loses_the_session_it_holds(researcher: User) -> None:
    """ASVS V7.4.2: an administrator turning an account off ends its live sessions."""
    client = signed_in(researcher)
    assert client.get(HOME).status_code == 200
    researcher.is_active = False
    researcher.save()
    answer = client.get(HOME)
    assert answer.status_code == 302
    assert answer.headers["Location"].startswith(LOGIN)


def test_the_migrated_database_holds_no_default_account(db: None) -> None:
    """ASVS V6.3.2: no "admin" or "root" is created; the first account is made by hand."""
    assert not User.objects.exists()


@pytest.mark.parametrize(
    "path",
    ["/.git/config", "/.git/HEAD", "/.svn/entries", "/static/", "/static/css/", "/media/"],
)
def test_a_prober_finds_no_source_control_metadata_and_no_folder_listing(
    client: Client, path: str
) -> None:
    """ASVS V13.4.1, V13.4.3."""
    answer = client.get(path)
    assert answer.status_code == 404
    assert b"[core]" not in answer.content
    assert b"Index of" not in answer.content


def test_a_trace_request_never_echoes_the_request_back(client: Client) -> None:
    """ASVS V13.4.4 (cross-site tracing): TRACE does not reflect cookies or headers."""
    client.cookies["sessionid"] = "zq-secret-cookie"
    answer = client.generic("TRACE", "/", HTTP_X_PROBE="zq-secret-header")
    assert answer.status_code in (200, 404, 405)
    assert b"zq-secret-cookie" not in answer.content
    assert b"zq-secret-header" not in answer.content
    assert answer.get("Content-Type", "").split(";")[0] != "message/http"


@pytest.mark.parametrize("path", ["/", "/api/v1/communications", "/api/v1/openapi.json"])
def test_another_site_gets_no_cross_origin_permission(
    client: Client, reference: None, path: str
) -> None:
    """ASVS V3.4.2: no Access-Control-Allow-Origin, so a browser lets no other origin
    read an answer, and a preflight grants nothing."""
    answer = client.get(path, HTTP_ORIGIN=EVIL)
    assert answer.status_code == 200
    assert "Access-Control-Allow-Origin" not in answer.headers
    assert "Access-Control-Allow-Credentials" not in answer.headers
    preflight = client.options(path, HTTP_ORIGIN=EVIL, HTTP_ACCESS_CONTROL_REQUEST_METHOD="POST")
    assert "Access-Control-Allow-Origin" not in preflight.headers
    assert "Access-Control-Allow-Methods" not in preflight.headers


@pytest.mark.parametrize(
    ("path", "media_type"),
    [
        ("/", "text/html"),
        ("/submit/", "text/html"),
        ("/accounts/login/", "text/html"),
        ("/no-such-page/", "text/html"),
        ("/api/v1/communications", "application/json"),
        ("/communications/download.csv", "text/csv"),
    ],
)
def test_every_answer_names_its_type_and_its_character_set(
    client: Client, reference: None, path: str, media_type: str
) -> None:
    """ASVS V4.1.1: the Content-Type says what the body is, with charset=utf-8 for text."""
    answer = client.get(path)
    kind = answer["Content-Type"]
    assert kind.split(";")[0].strip() == media_type
    if media_type != "application/json":  # JSON is UTF-8 by definition (RFC 8259)
        assert "charset=utf-8" in kind.lower()


def test_an_attacker_who_planted_a_session_key_loses_it_at_each_sign_in_step(
    secretariat_officer: User,
) -> None:
    """ASVS V7.2.4 (session fixation): a new session key at the password and at the code."""
    enrol(secretariat_officer)
    client = Client()
    client.get(LOGIN)
    client.session.save()
    planted = client.session.session_key
    assert planted
    client.post(LOGIN, {"username": secretariat_officer.username, "password": PASSWORD})
    after_password = client.session.session_key
    assert after_password not in (None, planted)
    answer = client.post(SECOND_STEP, {"code": next_code(secretariat_officer), "next": HOME})
    assert answer.status_code == 302
    after_code = client.session.session_key
    assert after_code not in (None, planted, after_password)
    assert client.get(HOME).status_code == 200


def test_session_keys_are_long_random_and_never_repeat(researcher: User) -> None:
    """ASVS V7.2.3: Django's keys, 32 characters from 36 (over 160 bits), from secrets."""
    keys = {signed_in(researcher).session.session_key for _ in range(3)}
    assert len(keys) == 3
    for key in keys:
        assert key is not None
        assert re.fullmatch(r"[a-z0-9]{32}", key)


def test_an_administrators_new_password_still_asks_for_the_app(secretariat_officer: User) -> None:
    """ASVS V6.4.3: a reset password does not bypass the second factor."""
    enrol(secretariat_officer)
    secretariat_officer.set_password("a reset passphrase 2026")
    secretariat_officer.save()
    client = Client()
    answer = client.post(
        LOGIN, {"username": secretariat_officer.username, "password": "a reset passphrase 2026"}
    )
    assert answer.status_code == 302
    assert answer.headers["Location"].startswith(SECOND_STEP)
    assert client.get(HOME).headers["Location"].startswith(SECOND_STEP)


def test_an_old_password_still_signs_in_without_being_made_to_change(researcher: User) -> None:
    """ASVS V6.2.10: no periodic rotation; years later the password still opens the workspace."""
    long_ago = timezone.now() - dt.timedelta(days=3 * 365)
    User.objects.filter(pk=researcher.pk).update(date_joined=long_ago, last_login=long_ago)
    client = signed_in(researcher)
    assert client.get(HOME).status_code == 200


def test_secrets_come_from_the_operating_systems_generator() -> None:
    """ASVS V6.5.3, V11.5.1: codes, keys and names are drawn with ``secrets`` (or
    ``os.urandom`` through ``cryptography``); ``random`` serves only the synthetic demo
    and the research dataset's reproducible sample, which are no secrets."""
    users_of_random = sorted(
        str(path.relative_to(SRC))
        for path in SRC.rglob("*.py")
        if re.search(r"^\s*(import random|from random import)", path.read_text(), re.M)
    )
    no_secrets = ("demo/", "analysis/dataset.py")
    assert all(name.startswith(no_secrets) for name in users_of_random), users_of_random
    for module in ("accounts/twofactor.py", "intake/receipts.py", "intake/storage.py"):
        assert re.search(r"^import secrets$", (SRC / module).read_text(), re.M), module


def test_a_stolen_session_cookie_opens_nothing_after_sign_out(researcher: User) -> None:
    """ASVS V7.4.1: signing out deletes the session on the server, not only in the browser."""
    client = signed_in(researcher)
    stolen = client.cookies["sessionid"].value
    assert client.post(reverse("accounts:logout")).status_code == 302
    thief = Client()
    thief.cookies["sessionid"] = stolen
    answer = thief.get(HOME)
    assert answer.status_code == 302
    assert answer.headers["Location"].startswith(LOGIN)


@pytest.mark.parametrize("name", ["accounts:home", "accounts:security", "accounts:password_change"])
def test_every_signed_in_page_offers_signing_out(researcher: User, name: str) -> None:
    """ASVS V7.4.4: the page header holds the sign-out button on every signed-in page."""
    html = signed_in(researcher).get(reverse(name)).content.decode()
    assert f'method="post" action="{reverse("accounts:logout")}"' in html


def test_the_draft_a_source_carries_in_the_page_holds_no_clear_answer(reference: None) -> None:
    """ASVS V14.3.3: what the browser keeps (the draft in the page) is sealed."""
    client = Client()
    first = client.get(walk.FORM)
    second = walk.post(client, first, **walk.answers_by_step("Zqdraft")[0])
    assert second.status_code == 200
    draft = walk.draft_of(second)
    assert draft != walk.draft_of(first)
    opened = base64.urlsafe_b64decode(draft.encode() + b"==")
    for token in (draft.encode(), opened):
        assert b"Zqdraft" not in token
        assert b"example.org" not in token


def test_an_organisation_opening_an_account_cannot_give_itself_a_staff_role(
    client: Client, reference: None
) -> None:
    """ASVS V15.3.3 (mass assignment): fields the form does not offer are ignored."""
    answer = client.post(
        "/submit/account/new/",
        {
            "organisation": "Marker Org Mass",
            "username": "ngo-mass",
            "password1": "a long enough passphrase 31",
            "password2": "a long enough passphrase 31",
            "role": "administrator",
            "is_staff": "on",
            "is_superuser": "on",
            "groups": "1",
        },
    )
    assert answer.status_code == 302
    user = User.objects.get(username="ngo-mass")
    assert user.role == "source"
    assert not user.is_staff
    assert not user.is_superuser
    assert not user.groups.exists()


def test_passwords_are_stored_with_argon2(researcher: User) -> None:
    """ASVS V11.4.2: a slow, memory-hard password hash; the password itself is nowhere."""
    stored = User.objects.get(pk=researcher.pk).password
    assert stored.startswith("argon2$argon2id$")
    assert PASSWORD not in stored


@pytest.mark.parametrize(
    "name", ['evil"; filename="run.exe', "line\r\nSet-Cookie: zq=1", "rapport été.pdf"]
)
def test_a_hostile_file_name_cannot_break_the_download_header(
    secretariat_officer: User, name: str
) -> None:
    """ASVS V5.4.2: the name a source gave is encoded (RFC 6266), whatever it holds."""
    receipt = triage.submit(marker="Zqname", with_file=True)
    attachment = receipt.submission.attachments.get()
    attachment.filename = name
    attachment.save()
    client = triage.client_for(secretariat_officer)
    url = triage.detail_url(receipt.submission, f"files/{attachment.public_id}")
    answer = client.get(url)
    assert answer.status_code == 200
    disposition = answer["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert "\r" not in disposition
    assert "\n" not in disposition
    assert "zq" not in answer.cookies
    assert 'filename="run.exe' not in disposition


@pytest.mark.urls("tests.web.failing_urls")
def test_an_unexpected_error_is_logged_with_its_trace_and_never_shown(client: Client) -> None:
    """ASVS V16.3.4, V16.5.1: the error log gets the trace; the visitor gets a plain page."""
    records: list[logging.LogRecord] = []

    class Keep(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            records.append(record)

    logger = logging.getLogger("django.request")
    handler = Keep(level=logging.ERROR)
    logger.addHandler(handler)
    client.raise_request_exception = False
    try:
        answer = client.get("/broken/?q=zqsearchterm")
    finally:
        logger.removeHandler(handler)
    assert answer.status_code == 500
    assert b"a bug" not in answer.content
    assert b"Traceback" not in answer.content
    assert [record.levelno for record in records] == [logging.ERROR]
    assert records[0].exc_info is not None
    assert "zqsearchterm" not in records[0].getMessage()  # the path only, not the query


def test_sealing_uses_256_bit_keys_and_a_fresh_nonce_each_time(tmp_path: Path) -> None:
    """ASVS V11.2.3, V11.3.2: AES-256-GCM; the same value sealed twice never looks the same."""
    ring = load_keyring(tmp_path / "keys")
    assert len(ring.current) == 32
    assert len(new_key()) == 32
    first = ring.seal("the same name", context="c")
    second = ring.seal("the same name", context="c")
    assert first != second
    assert ring.open(first, context="c") == ring.open(second, context="c") == "the same name"


def test_under_tls_the_api_refuses_plain_http_while_pages_redirect(settings: Settings) -> None:
    settings.TLS = True
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_REDIRECT_EXEMPT = [r"^api/"]
    client = Client()  # after the settings: its handler reads them when it starts

    plain = client.get("/api/v1/communications")
    assert plain.status_code == 403
    assert plain.json() == {
        "detail": "This API answers over HTTPS only: use https:// in its address."
    }
    assert "Location" not in plain.headers
    assert plain.headers["X-Content-Type-Options"] == "nosniff"
    page = client.get("/")
    assert page.status_code == 301
    assert page.headers["Location"] == "https://testserver/"
    assert client.get("/api/v1/communications", secure=True).status_code == 200


def test_a_refused_request_is_logged_by_route_and_account_never_by_address(
    researcher: User, mandate_holder: User, caplog: pytest.LogCaptureFixture
) -> None:
    from tests.communications.clients import client_for

    caplog.set_level(logging.WARNING, logger="spcomms.access")
    missing = client_for(researcher).get("/staff/persons/987654/")
    assert missing.status_code == 404
    forbidden = client_for(mandate_holder).get(
        "/staff/communications/statistics/?from=2015-01-01&to=2015-12-31"
    )
    assert forbidden.status_code == 403
    Client().get("/communications/no-such-letter/")  # the public's 404 is not a refusal

    lines = [record.getMessage() for record in caplog.records if record.name == "spcomms.access"]
    assert lines == [
        f"refused 404 GET staff/persons/<int:pk>/ for account {researcher.pk} (researcher)",
        f"refused 403 GET staff/communications/statistics/ for account {mandate_holder.pk} "
        "(mandate_holder)",
    ]
    assert not [line for line in lines if "987654" in line or "2015" in line]
