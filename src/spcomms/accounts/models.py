"""Accounts of the people who sign in, and the role each one holds.

Sources are not users: a defender comes back with a receipt code (see
``spcomms.intake``). An NGO that submits often may hold a ``source`` account.
The public needs no account.
"""

from __future__ import annotations

from collections.abc import Iterator

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext_lazy as _

from spcomms.encryption import EncryptedTextField


class Role(models.TextChoices):
    SECRETARIAT = "secretariat", _("Secretariat officer")
    MANDATE_HOLDER = "mandate_holder", _("Mandate holder")
    RESEARCHER = "researcher", _("Researcher")
    ADMINISTRATOR = "administrator", _("Administrator")
    SOURCE = "source", _("Source organisation")


# A tuple, not a set: the order must be stable for the migration that holds it.
STAFF_ROLES = (Role.SECRETARIAT, Role.ADMINISTRATOR)


class User(AbstractUser):
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    mandates = models.ManyToManyField(
        "reference.Mandate",
        verbose_name=_("mandates"),
        blank=True,
        related_name="holders",
        help_text=_("For mandate holders: the mandates whose files they may see and sign."),
    )
    session_epoch = models.PositiveIntegerField(
        _("session epoch"),
        default=0,
        editable=False,
        help_text=_("Raised to sign the account out of every session (see docs/security.md)."),
    )

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(role__in=Role.values), name="user_role_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(is_staff=False) | models.Q(role__in=STAFF_ROLES),
                name="user_admin_site_only_for_staff_roles",
            ),
        ]

    def get_session_auth_hash(self) -> str:
        """Bind each session to the password and to the session epoch.

        Django signs a session out when this value changes: a new password does
        it, and so does ``user_sessions_end`` by raising the epoch. An epoch of 0
        keeps Django's own value, so sessions opened before the epoch existed last.
        """
        if not self.session_epoch:
            return super().get_session_auth_hash()
        return self._epoch_hash(secret=None)

    def get_session_auth_fallback_hash(self) -> Iterator[str]:
        if not self.session_epoch:
            yield from super().get_session_auth_fallback_hash()
            return
        for secret in settings.SECRET_KEY_FALLBACKS:
            yield self._epoch_hash(secret=secret)

    def _epoch_hash(self, *, secret: str | bytes | None) -> str:
        return salted_hmac(
            "spcomms.accounts.User.session_auth_hash",
            f"{self.password}|{self.session_epoch}",
            secret=secret,
            algorithm="sha256",
        ).hexdigest()

    @property
    def is_secretariat(self) -> bool:
        return self.role == Role.SECRETARIAT

    @property
    def is_mandate_holder(self) -> bool:
        return self.role == Role.MANDATE_HOLDER

    @property
    def is_researcher(self) -> bool:
        return self.role == Role.RESEARCHER

    @property
    def is_administrator(self) -> bool:
        return self.role == Role.ADMINISTRATOR


class TOTPDevice(models.Model):
    """The authenticator app of one account: a TOTP secret (RFC 6238, 30 s, 6 digits).

    The secret is sealed at rest. ``last_step`` is the time step of the last
    accepted code: a code is accepted once, and never one older than it.
    """

    user = models.OneToOneField(
        User, verbose_name=_("user"), on_delete=models.CASCADE, related_name="totp_device"
    )
    secret = EncryptedTextField(_("secret"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)
    last_step = models.BigIntegerField(_("last accepted time step"), null=True, blank=True)

    class Meta:
        verbose_name = _("authenticator app")
        verbose_name_plural = _("authenticator apps")

    def __str__(self) -> str:
        return f"TOTP device of user {self.user_id}"

    @property
    def confirmed(self) -> bool:
        return self.confirmed_at is not None


class RecoveryCode(models.Model):
    """A one-time code that stands in for the authenticator app.

    Only a SHA-256 digest is kept: a code holds 120 random bits (80 for codes issued
    before 2026-11-26), which no search of the digest can find. ``used_at`` marks it spent.
    """

    user = models.ForeignKey(
        User, verbose_name=_("user"), on_delete=models.CASCADE, related_name="recovery_codes"
    )
    digest = models.CharField(_("digest"), max_length=64, unique=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    used_at = models.DateTimeField(_("used at"), null=True, blank=True)

    class Meta:
        verbose_name = _("recovery code")
        verbose_name_plural = _("recovery codes")

    def __str__(self) -> str:
        return f"recovery code {self.pk} of user {self.user_id}"


class SourceOrganisation(models.Model):
    """The organisation behind a ``source`` account, which it opened itself.

    The name is sealed at rest: a stolen database does not tell who reports to
    the experts. The account's submissions are ``Submission.source_account``.
    """

    user = models.OneToOneField(
        User,
        verbose_name=_("account"),
        on_delete=models.CASCADE,
        related_name="source_organisation",
    )
    name = EncryptedTextField(_("organisation name"))
    opened_at = models.DateTimeField(_("opened at"), auto_now_add=True)

    class Meta:
        verbose_name = _("source organisation")
        verbose_name_plural = _("source organisations")

    def __str__(self) -> str:
        return f"source organisation of user {self.user_id}"
