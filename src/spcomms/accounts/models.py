"""Accounts of the people who sign in, and the role each one holds.

Sources are not users: a defender comes back with a receipt code (see
``spcomms.intake``). An NGO that submits often may hold a ``source`` account.
The public needs no account.
"""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _


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
