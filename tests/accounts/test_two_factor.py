"""Two-factor authentication: enrolment, the two-step sign-in, recovery codes, admin reset."""

from __future__ import annotations

import re

import pyotp
import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse
from pytest_django import Settings

from spcomms.accounts.models import RecoveryCode, TOTPDevice, User
from spcomms.accounts.twofactor import NotAllowed, totp_device_reset, totp_provisioning
from spcomms.audit.models import AuditEvent
from spcomms.core.headers import CONTENT_SECURITY_POLICY
from tests.accounts.conftest import password_step
from tests.accounts.totp import enrol, next_code, wrong_code
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db

HOME = reverse("accounts:home")
SECOND_STEP = reverse("accounts:second_step")
SETUP = reverse("accounts:setup")


def setup_key(html: str) -> str:
    match = re.search(r'data-testid="setup-key">([A-Z2-7 ]+)<', html)
    assert match, "the page shows the setup key as text"
    return match.group(1).replace(" ", "")


def audit_text() -> str:
    return " ".join(f"{e.action} {e.detail}" for e in AuditEvent.objects.all())


# Enrolment ------------------------------------------------------------------


def test_a_staff_member_sets_up_an_app_from_the_key_and_confirms_it_with_a_first_code(
    client: Client, secretariat_officer: User
) -> None:
    client.force_login(secretariat_officer)

    page = client.get(SETUP)
    assert page.status_code == 200
    html = page.content.decode()
    key = setup_key(html)
    assert len(key) == 32
    assert 'src="data:image/svg+xml' in html, "the QR code is drawn on the server, inline"
    assert "<script" not in html

    done = client.post(SETUP, {"code": pyotp.TOTP(key).now()})

    assert done.status_code == 200
    codes = re.findall(r"<code>((?:[A-Z2-9]{4}-){5}[A-Z2-9]{4})</code>", done.content.decode())
    assert len(codes) == 10
    assert len(set(codes)) == 10
    assert done.headers["Cache-Control"].count("no-store") == 1
    device = TOTPDevice.objects.get(user=secretariat_officer)
    assert device.confirmed
    assert device.secret == key
    assert AuditEvent.objects.filter(action="totp.confirmed", actor=secretariat_officer).exists()
    # The page shows the codes once: the security page only counts them.
    security = client.get(reverse("accounts:security")).content.decode()
    assert "10 unused recovery codes are left." in security
    assert all(code not in security for code in codes)


def test_the_setup_key_is_sealed_in_the_database_and_recovery_codes_are_kept_as_digests(
    client: Client, secretariat_officer: User
) -> None:
    enrolment = enrol(secretariat_officer)
    device = TOTPDevice.objects.get(user=secretariat_officer)

    with connection.cursor() as cursor:
        cursor.execute("SELECT secret FROM accounts_totpdevice WHERE id = %s", [device.pk])
        (raw,) = cursor.fetchone()
        cursor.execute("SELECT digest FROM accounts_recoverycode")
        digests = [row[0] for row in cursor.fetchall()]

    assert raw.startswith("enc1$")
    assert device.secret not in raw
    assert len(digests) == 10
    for code in enrolment.recovery_codes:
        compact = code.replace("-", "")
        assert all(compact not in digest and code not in digest for digest in digests)
    assert device.secret not in audit_text()


def test_the_qr_code_is_an_image_the_content_security_policy_admits(
    client: Client, secretariat_officer: User
) -> None:
    client.force_login(secretariat_officer)

    response = client.get(SETUP)

    assert "img-src 'self' data:" in CONTENT_SECURITY_POLICY
    assert response.headers["Content-Security-Policy"] == CONTENT_SECURITY_POLICY
    src = re.search(r'<img src="([^"]+)"[^>]*data-testid="qr-code"', response.content.decode())
    assert src is not None
    assert src.group(1).startswith("data:image/svg+xml")
    provisioning = totp_provisioning(TOTPDevice.objects.get(user=secretariat_officer))
    assert src.group(1) == provisioning.qr_data_uri
    assert provisioning.uri.startswith("otpauth://totp/spcomms:sofia.secretariat?")
    assert f"secret={provisioning.secret}" in provisioning.uri


def test_a_wrong_first_code_leaves_the_app_unconfirmed_and_says_why_next_to_the_field(
    client: Client, secretariat_officer: User
) -> None:
    client.force_login(secretariat_officer)
    key = setup_key(client.get(SETUP).content.decode())

    response = client.post(
        SETUP, {"code": "000000" if pyotp.TOTP(key).now() != "000000" else "111111"}
    )

    assert response.status_code == 400
    html = response.content.decode()
    assert 'id="id_code_error"' in html
    assert "not the one your app shows now" in html
    assert setup_key(html) == key, "the same key is shown again"
    assert not TOTPDevice.objects.get(user=secretariat_officer).confirmed
    assert not RecoveryCode.objects.exists()


def test_setting_up_an_app_signs_out_every_other_session(
    client: Client, secretariat_officer: User
) -> None:
    elsewhere = Client()
    elsewhere.force_login(secretariat_officer)
    client.force_login(secretariat_officer)
    key = setup_key(client.get(SETUP).content.decode())

    client.post(SETUP, {"code": pyotp.TOTP(key).now()})

    assert client.get(HOME).status_code == 200
    assert elsewhere.get(HOME).status_code == 302


# The two-step sign-in ---------------------------------------------------------


def test_an_account_with_an_app_gives_a_code_after_the_password(
    client: Client, secretariat_officer: User
) -> None:
    enrol(secretariat_officer)

    after_password = password_step(client, secretariat_officer)

    assert after_password.startswith(SECOND_STEP + "?next=")
    held = client.get(HOME)
    assert held.status_code == 302
    assert held.headers["Location"].startswith(SECOND_STEP)
    assert client.get("/admin/").headers["Location"].startswith(SECOND_STEP)

    response = client.post(SECOND_STEP, {"code": next_code(secretariat_officer), "next": HOME})

    assert response.status_code == 302
    assert response.headers["Location"] == HOME
    assert client.get(HOME).status_code == 200
    assert AuditEvent.objects.filter(
        action="signin.verified", actor=secretariat_officer, detail__factor="totp"
    ).exists()


def test_the_second_step_returns_to_the_page_asked_for_and_never_to_another_site(
    client: Client, secretariat_officer: User
) -> None:
    enrol(secretariat_officer)
    password_step(client, secretariat_officer, next_url="/admin/")

    response = client.post(
        SECOND_STEP, {"code": next_code(secretariat_officer), "next": "https://evil.example/"}
    )

    assert response.headers["Location"] == HOME


def test_a_wrong_code_is_refused_next_to_the_field_and_signs_nothing_in(
    client: Client, secretariat_officer: User
) -> None:
    enrol(secretariat_officer)
    password_step(client, secretariat_officer)

    response = client.post(SECOND_STEP, {"code": wrong_code(secretariat_officer)})

    assert response.status_code == 400
    html = response.content.decode()
    assert 'id="id_code_error"' in html
    assert "That code is not right, or was already used." in html
    assert client.get(HOME).headers["Location"].startswith(SECOND_STEP)
    assert AuditEvent.objects.filter(action="signin.code_failed").count() == 1


def test_an_empty_code_is_refused_with_a_message(client: Client, secretariat_officer: User) -> None:
    enrol(secretariat_officer)
    password_step(client, secretariat_officer)

    response = client.post(SECOND_STEP, {"code": ""})

    assert response.status_code == 400
    assert "This field is required." in response.content.decode()


def test_an_attacker_who_saw_a_code_cannot_use_it_again(
    client: Client, secretariat_officer: User
) -> None:
    enrol(secretariat_officer)
    code = next_code(secretariat_officer)
    password_step(client, secretariat_officer)
    assert client.post(SECOND_STEP, {"code": code}).status_code == 302

    attacker = Client()
    password_step(attacker, secretariat_officer)
    replay = attacker.post(SECOND_STEP, {"code": code})

    assert replay.status_code == 400
    assert attacker.get(HOME).status_code == 302


def test_a_recovery_code_signs_in_once(client: Client, secretariat_officer: User) -> None:
    enrolment = enrol(secretariat_officer)
    recovery = enrolment.recovery_codes[3]

    password_step(client, secretariat_officer)
    response = client.post(SECOND_STEP, {"code": recovery.lower().replace("-", " ")}, follow=True)

    assert response.status_code == 200
    assert "You signed in with a recovery code" in response.content.decode()
    assert "9 are left" in response.content.decode()
    assert RecoveryCode.objects.filter(used_at__isnull=False).count() == 1

    again = Client()
    password_step(again, secretariat_officer)
    assert again.post(SECOND_STEP, {"code": recovery}).status_code == 400
    assert again.get(HOME).status_code == 302


def test_new_recovery_codes_replace_the_old_ones(client: Client, secretariat_officer: User) -> None:
    old = enrol(secretariat_officer).recovery_codes
    password_step(client, secretariat_officer)
    client.post(SECOND_STEP, {"code": next_code(secretariat_officer)})

    page = client.post(reverse("accounts:recovery_codes"))

    assert page.status_code == 200
    new = re.findall(r"<code>([A-Z2-9-]{29})</code>", page.content.decode())
    assert len(new) == 10
    assert not set(new) & set(old)
    other = Client()
    password_step(other, secretariat_officer)
    assert other.post(SECOND_STEP, {"code": old[0]}).status_code == 400
    assert other.post(SECOND_STEP, {"code": new[0]}).status_code == 302


def test_the_admin_sign_in_form_does_not_skip_the_second_step(
    client: Client, administrator: User
) -> None:
    enrol(administrator)

    response = client.post(
        reverse("admin:login"),
        {"username": administrator.username, "password": PASSWORD, "next": "/admin/"},
    )
    assert response.status_code == 302

    held = client.get("/admin/")
    assert held.status_code == 302
    assert held.headers["Location"].startswith(SECOND_STEP)
    assert client.get("/admin/accounts/user/").status_code == 302


def test_signing_out_from_the_second_step_is_possible(client: Client, administrator: User) -> None:
    enrol(administrator)
    password_step(client, administrator)

    client.post(reverse("accounts:logout"))

    assert client.get(SECOND_STEP).headers["Location"] == reverse("accounts:login")


# Forced enrolment -------------------------------------------------------------


@pytest.fixture
def required(settings: Settings) -> None:
    settings.SPCOMMS_REQUIRE_2FA = True


@pytest.mark.usefixtures("required")
@pytest.mark.parametrize("persona", ["secretariat_officer", "administrator"])
def test_staff_without_an_app_must_set_one_up_before_any_staff_page(
    client: Client, persona: str, request: pytest.FixtureRequest
) -> None:
    user: User = request.getfixturevalue(persona)

    after_password = password_step(client, user)
    assert after_password == HOME

    for url in (HOME, "/admin/", reverse("communications:list"), reverse("accounts:security")):
        held = client.get(url)
        assert held.status_code == 302, url
        assert held.headers["Location"].startswith(SETUP + "?next="), url

    page = client.get(SETUP + "?next=/admin/")
    assert 'data-testid="setup-required"' in page.content.decode()
    key = setup_key(page.content.decode())
    done = client.post(SETUP, {"code": pyotp.TOTP(key).now(), "next": "/admin/"})
    assert 'href="/admin/"' in done.content.decode()

    assert client.get("/admin/").status_code == 200
    assert client.get(HOME).status_code == 200


@pytest.mark.usefixtures("required")
# A source account is always made to set up an app (tests/intake/test_source_accounts.py).
@pytest.mark.parametrize("persona", ["mandate_holder", "researcher"])
def test_other_roles_are_not_made_to_set_up_an_app(
    client: Client, persona: str, request: pytest.FixtureRequest
) -> None:
    user: User = request.getfixturevalue(persona)

    assert password_step(client, user) == HOME

    response = client.get(HOME)
    assert response.status_code == 200
    assert 'data-testid="suggest-two-factor"' in response.content.decode()


def test_without_the_requirement_staff_may_sign_in_with_a_password_and_are_told_to_add_an_app(
    client: Client, secretariat_officer: User, settings: Settings
) -> None:
    settings.SPCOMMS_REQUIRE_2FA = False

    assert password_step(client, secretariat_officer) == HOME

    page = client.get(HOME)
    assert page.status_code == 200
    assert 'data-testid="suggest-two-factor"' in page.content.decode()


def test_a_researcher_who_sets_up_an_app_gives_a_code_too(client: Client, researcher: User) -> None:
    enrol(researcher)

    assert password_step(client, researcher).startswith(SECOND_STEP)
    assert client.post(SECOND_STEP, {"code": next_code(researcher)}).status_code == 302
    assert client.get(HOME).status_code == 200


# Reset by an administrator ------------------------------------------------------


def test_an_administrator_resets_a_lost_app_from_the_admin_site(
    client: Client, administrator: User, secretariat_officer: User
) -> None:
    enrolment = enrol(secretariat_officer)
    officer_session = Client()
    password_step(officer_session, secretariat_officer)
    officer_session.post(SECOND_STEP, {"code": next_code(secretariat_officer)})
    assert officer_session.get(HOME).status_code == 200
    client.force_login(administrator)

    response = client.post(
        reverse("admin:accounts_user_changelist"),
        {"action": "reset_two_factor", "_selected_action": [secretariat_officer.pk]},
        follow=True,
    )

    assert response.status_code == 200
    assert "Two-factor authentication was reset for 1 account" in response.content.decode()
    assert not TOTPDevice.objects.filter(user=secretariat_officer).exists()
    assert not RecoveryCode.objects.filter(user=secretariat_officer).exists()
    assert officer_session.get(HOME).status_code == 302, "the lost device's sessions end"
    event = AuditEvent.objects.get(action="totp.reset")
    assert event.actor == administrator
    assert event.object_id == str(secretariat_officer.pk)
    assert event.detail == {"had_device": True, "recovery_codes_removed": 10}
    assert all(code not in audit_text() for code in enrolment.recovery_codes)


def test_the_admin_user_list_shows_who_has_an_app_but_never_a_secret(
    client: Client, administrator: User, secretariat_officer: User
) -> None:
    enrol(secretariat_officer)
    secret = TOTPDevice.objects.get(user=secretariat_officer).secret
    client.force_login(administrator)

    listing = client.get(reverse("admin:accounts_user_changelist"))
    change = client.get(reverse("admin:accounts_user_change", args=[secretariat_officer.pk]))

    assert listing.status_code == 200
    assert change.status_code == 200
    for page in (listing, change):
        assert secret not in page.content.decode()
    assert "two-factor" in listing.content.decode().lower()


def test_a_secretariat_officer_cannot_reset_anyone(
    secretariat_officer: User, researcher: User
) -> None:
    enrol(researcher)

    with pytest.raises(NotAllowed):
        totp_device_reset(actor=secretariat_officer, user=researcher)

    assert TOTPDevice.objects.filter(user=researcher).exists()
    assert not AuditEvent.objects.filter(action="totp.reset").exists()


def test_recovery_codes_carry_120_bits_and_a_code_issued_before_still_signs_in_once(
    client: Client, secretariat_officer: User
) -> None:
    import hashlib
    import math

    from spcomms.accounts import twofactor

    enrolment = enrol(secretariat_officer)
    assert {len(twofactor.normalise_recovery_code(code)) for code in enrolment.recovery_codes} == {
        24
    }
    assert 24 * math.log2(len(twofactor.RECOVERY_ALPHABET)) >= 112  # ASVS 5.0 V6.5.2
    earlier = "ABCDEFGHJKLMNPQR"  # 16 characters, as codes were issued before
    RecoveryCode.objects.create(
        user=secretariat_officer, digest=hashlib.sha256(earlier.encode("ascii")).hexdigest()
    )
    password_step(client, secretariat_officer)
    assert client.post(SECOND_STEP, {"code": "ABCD-EFGH-JKLM-NPQR"}).status_code == 302
    again = Client()
    password_step(again, secretariat_officer)
    assert again.post(SECOND_STEP, {"code": earlier}).status_code == 400
