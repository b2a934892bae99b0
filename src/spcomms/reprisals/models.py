"""Reprisal allegations against people who cooperated with the UN (seed 003)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from spcomms.encryption import EncryptedTextField


class Cooperation(models.TextChoices):
    SUBMISSION = "submission", _("A submission")
    COMMUNICATION = "communication", _("A communication")
    VISIT = "visit", _("A country visit")
    COUNCIL_SESSION = "council_session", _("A Human Rights Council session")
    OTHER = "other", _("Other cooperation")


class ReprisalStatus(models.TextChoices):
    ALLEGED = "alleged", _("Alleged")
    UNDER_REVIEW = "under_review", _("Under review")
    ACTED_ON = "acted_on", _("Acted on")
    CLOSED = "closed", _("Closed")


class ReprisalAllegation(models.Model):
    person = models.ForeignKey(
        "cases.Person",
        verbose_name=_("person or organisation"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="reprisals",
    )
    country = models.ForeignKey(
        "reference.Country", verbose_name=_("State"), on_delete=models.PROTECT, related_name="+"
    )
    occurred_on = models.DateField(_("occurred on"), null=True, blank=True)
    reported_on = models.DateField(_("reported on"))
    cooperation = models.CharField(
        _("cooperation it followed"), max_length=16, choices=Cooperation.choices
    )
    submission = models.ForeignKey(
        "intake.Submission",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("submission"),
    )
    communication = models.ForeignKey(
        "communications.Communication",
        verbose_name=_("communication it followed"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="reprisals_following",
    )
    visit = models.ForeignKey(
        "visits.VisitRequest",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("visit"),
    )
    acts = models.ManyToManyField(
        "reference.ViolationType", verbose_name=_("acts"), blank=True, related_name="+"
    )
    perpetrators = models.ManyToManyField(
        "reference.PerpetratorType", verbose_name=_("perpetrators"), blank=True, related_name="+"
    )
    description = EncryptedTextField(_("description"), blank=True, default="")
    action_communication = models.ForeignKey(
        "communications.Communication",
        verbose_name=_("communication sent about it"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="reprisals_addressed",
    )
    raised_with_senior_official = models.BooleanField(
        _("raised with the UN's senior official on reprisals"), default=False
    )
    sg_report_year = models.PositiveSmallIntegerField(
        _("included in the Secretary-General's report of"), null=True, blank=True
    )
    status = models.CharField(
        _("status"), max_length=16, choices=ReprisalStatus.choices, default=ReprisalStatus.ALLEGED
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("recorded by"),
    )

    class Meta:
        verbose_name = _("reprisal allegation")
        verbose_name_plural = _("reprisal allegations")
        ordering = ["-reported_on"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(cooperation__in=Cooperation.values),
                name="reprisal_cooperation_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=ReprisalStatus.values), name="reprisal_status_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(occurred_on__isnull=True)
                | models.Q(occurred_on__lte=models.F("reported_on")),
                name="reprisal_reported_after_occurring",
            ),
            models.CheckConstraint(
                condition=models.Q(sg_report_year__isnull=True)
                | models.Q(sg_report_year__gte=1990, sg_report_year__lte=2100),
                name="reprisal_sg_report_year_plausible",
            ),
        ]

    def __str__(self) -> str:
        return f"reprisal {self.pk}"
