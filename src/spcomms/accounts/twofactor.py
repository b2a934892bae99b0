"""Two-factor authentication: the authenticator app (TOTP), recovery codes, and resets.

Each write takes keyword-only arguments and the acting user, runs in one
transaction and writes an audit row that holds no secret: never the TOTP
secret, a code, or a recovery code. Codes follow RFC 6238 (30-second steps,
six digits, SHA-1) as every common authenticator app expects; one step either
side of now is accepted for clock drift, and each step only once.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass
from typing import Literal

import pyotp
import segno
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from spcomms.accounts.models import RecoveryCode, Role, TOTPDevice, User
from spcomms.audit.services import audit_record

STEP_SECONDS = 30
DIGITS = 6
ISSUER = "spcomms"
RECOVERY_CODE_COUNT = 10
# 24 characters from 32 (no 0/O, 1/I): 120 random bits per code, above the 112 bits at which
# OWASP ASVS 5.0 (V6.5.2) accepts an unsalted hash. Codes issued before were 16 characters (80
# bits); they still work until used or renewed.
RECOVERY_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
RECOVERY_CODE_LENGTH = 24
EARLIER_RECOVERY_CODE_LENGTH = 16
TOTP_CODE = re.compile(r"^\d{6}$")

Factor = Literal["totp", "recovery"]


class SecondFactorError(Exception):
    """The step cannot be taken; the message tells the user what to do."""


class NotAllowed(PermissionDenied):
    """The actor may not do this."""


@dataclass(frozen=True)
class Provisioning:
    """What the enrolment page shows: the setup key as text and as a QR code."""

    secret: str
    uri: str
    qr_data_uri: str

    @property
    def grouped_secret(self) -> str:
        return " ".join(self.secret[i : i + 4] for i in range(0, len(self.secret), 4))


def confirmed_device(user: User) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed_at__isnull=False).first()


def has_confirmed_device(user: User) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed_at__isnull=False).exists()


def recovery_codes_left(user: User) -> int:
    return RecoveryCode.objects.filter(user=user, used_at__isnull=True).count()


def totp_provisioning(device: TOTPDevice) -> Provisioning:
    uri = pyotp.TOTP(device.secret).provisioning_uri(
        name=device.user.get_username(), issuer_name=ISSUER
    )
    qr = segno.make(uri, error="m").svg_data_uri(scale=5, border=4, dark="#000", light="#fff")
    return Provisioning(secret=device.secret, uri=uri, qr_data_uri=qr)


def totp_device_start(*, user: User) -> TOTPDevice:
    """The account's unconfirmed authenticator app, created with a fresh secret if needed."""
    with transaction.atomic():
        device = TOTPDevice.objects.select_for_update().filter(user=user).first()
        if device is not None and device.confirmed:
            raise SecondFactorError(_("An authenticator app is already set up for this account."))
        if device is None:
            device = TOTPDevice.objects.create(user=user, secret=pyotp.random_base32())
            audit_record(actor=user, action="totp.started", obj=user)
    return device


def totp_device_confirm(*, user: User, code: str) -> list[str]:
    """Confirm the app with its first code; return new recovery codes, to be shown once.

    Every other session of the account is signed out: the caller keeps the
    current one with ``update_session_auth_hash``.
    """
    with transaction.atomic():
        device = (
            TOTPDevice.objects.select_for_update()
            .filter(user=user, confirmed_at__isnull=True)
            .first()
        )
        if device is None:
            raise SecondFactorError(
                _("There is no authenticator app waiting to be confirmed. Start the set-up again.")
            )
        if not _totp_accept(device, code.strip()):
            raise SecondFactorError(
                _(
                    "That code is not the one your app shows now. Check that the app holds the "
                    "key shown on this page and that the device's clock is right, then type the "
                    "newest code."
                )
            )
        TOTPDevice.objects.filter(pk=device.pk).update(confirmed_at=timezone.now())
        codes = _recovery_codes_replace(user)
        user_sessions_end(user=user)
        audit_record(actor=user, action="totp.confirmed", obj=user, recovery_codes=len(codes))
    return codes


def recovery_codes_renew(*, user: User) -> list[str]:
    """Replace the account's recovery codes; the old ones stop working."""
    with transaction.atomic():
        if not has_confirmed_device(user):
            raise SecondFactorError(_("Set up an authenticator app first."))
        codes = _recovery_codes_replace(user)
        audit_record(actor=user, action="recovery.renewed", obj=user, recovery_codes=len(codes))
    return codes


def second_factor_verify(*, user: User, code: str) -> Factor | None:
    """Check a code from the app or a recovery code; each is accepted once.

    Returns which factor was used, or None for a wrong, spent or replayed code.
    """
    entered = code.strip()
    with transaction.atomic():
        factor: Factor | None = None
        compact = re.sub(r"\s", "", entered)
        if TOTP_CODE.match(compact):
            device = confirmed_device(user)
            if device is not None and _totp_accept(device, compact):
                factor = "totp"
        elif _recovery_code_spend(user, entered):
            factor = "recovery"
        if factor is None:
            audit_record(actor=None, action="signin.code_failed", obj=user)
        elif factor == "recovery":
            audit_record(
                actor=user,
                action="signin.verified",
                obj=user,
                factor=factor,
                recovery_codes_left=recovery_codes_left(user),
            )
        else:
            audit_record(actor=user, action="signin.verified", obj=user, factor=factor)
    return factor


def totp_device_reset(*, actor: User, user: User) -> bool:
    """Remove an account's authenticator app and recovery codes, and sign it out everywhere.

    Administrators only. The account sets up a new app at its next sign-in
    (when SPCOMMS_REQUIRE_2FA is on, before anything else). Returns whether
    there was anything to remove.
    """
    if actor.role != Role.ADMINISTRATOR or not actor.is_active:
        raise NotAllowed(_("Only administrators may reset two-factor authentication."))
    with transaction.atomic():
        devices, _kinds = TOTPDevice.objects.filter(user=user).delete()
        codes, _kinds = RecoveryCode.objects.filter(user=user).delete()
        user_sessions_end(user=user)
        audit_record(
            actor=actor,
            action="totp.reset",
            obj=user,
            had_device=bool(devices),
            recovery_codes_removed=codes,
        )
    return bool(devices or codes)


def user_sessions_end(*, user: User) -> None:
    """Sign the account out of every session (see ``User._get_session_auth_hash``)."""
    User.objects.filter(pk=user.pk).update(session_epoch=F("session_epoch") + 1)
    user.refresh_from_db(fields=["session_epoch"])


def normalise_recovery_code(text: str) -> str:
    return re.sub(r"[^A-Z0-9]", "", text.upper())


def _recovery_digest(code: str) -> str:
    return hashlib.sha256(normalise_recovery_code(code).encode("ascii")).hexdigest()


def _recovery_codes_replace(user: User) -> list[str]:
    RecoveryCode.objects.filter(user=user).delete()
    codes = [
        "".join(secrets.choice(RECOVERY_ALPHABET) for _ in range(RECOVERY_CODE_LENGTH))
        for _ in range(RECOVERY_CODE_COUNT)
    ]
    RecoveryCode.objects.bulk_create(
        RecoveryCode(user=user, digest=_recovery_digest(code)) for code in codes
    )
    return ["-".join(code[i : i + 4] for i in range(0, len(code), 4)) for code in codes]


def _recovery_code_spend(user: User, entered: str) -> bool:
    normalised = normalise_recovery_code(entered)
    if len(normalised) not in (RECOVERY_CODE_LENGTH, EARLIER_RECOVERY_CODE_LENGTH):
        return False
    spent = RecoveryCode.objects.filter(
        user=user, digest=_recovery_digest(normalised), used_at__isnull=True
    ).update(used_at=timezone.now())
    return spent == 1


def _current_step() -> int:
    return int(timezone.now().timestamp()) // STEP_SECONDS


def _totp_accept(device: TOTPDevice, code: str) -> bool:
    """Accept a code of the previous, current or next step, newer than the last one accepted.

    The compare-and-set on ``last_step`` makes two requests with the same code
    race for it: one wins, the other is refused.
    """
    if not TOTP_CODE.match(code):
        return False
    totp = pyotp.TOTP(device.secret, digits=DIGITS, interval=STEP_SECONDS)
    now = _current_step()
    for step in (now - 1, now, now + 1):
        if device.last_step is not None and step <= device.last_step:
            continue
        if hmac.compare_digest(totp.at(step * STEP_SECONDS), code):
            return (
                TOTPDevice.objects.filter(pk=device.pk)
                .filter(Q(last_step__isnull=True) | Q(last_step__lt=step))
                .update(last_step=step)
                == 1
            )
    return False
