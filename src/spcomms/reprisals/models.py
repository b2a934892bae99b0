"""Reprisal allegations against people who cooperated with the UN (seed 003).

The register is staff work (see docs/reprisals.md). Every free text that could name
someone is encrypted at rest. Each change of an allegation is kept as a
``ReprisalEvent`` row (who, when, which fields, the status before and after; never
the content), which is the allegation's history on the staff pages.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from spcomms.cases.models import PersonKind
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
    subject_kind = models.CharField(
        _("kind of person or organisation"),
        max_length=16,
        choices=PersonKind.choices,
        default=PersonKind.INDIVIDUAL,
        help_text=_("Used to describe them without naming them when no person is linked."),
    )
    country = models.ForeignKey(
        "reference.Country",
        verbose_name=_("State"),
        null=True,  # a source's report may come before anyone knows the State
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    occurred_on = models.DateField(_("occurred on"), null=True, blank=True)
    reported_on = models.DateField(_("reported on"))
    cooperation = models.CharField(
        _("cooperation it followed"), max_length=16, choices=Cooperation.choices
    )
    council_session = models.CharField(
        _("Council session"),
        max_length=60,
        blank=True,
        default="",
        help_text=_("For cooperation with a Human Rights Council session, e.g. HRC 52."),
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
    summary = EncryptedTextField(
        _("summary for the Secretary-General's report"),
        blank=True,
        default="",
        help_text=_(
            "Written to be shared: no name, place or detail that identifies anyone who has "
            "not consented to be named in public."
        ),
    )
    government_response = EncryptedTextField(_("the government's response"), blank=True, default="")
    source_message = models.ForeignKey(
        "intake.SubmissionMessage",
        verbose_name=_("report from the source"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
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
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("reprisal allegation")
        verbose_name_plural = _("reprisal allegations")
        ordering = ["-reported_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(cooperation__in=Cooperation.values),
                name="reprisal_cooperation_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=ReprisalStatus.values), name="reprisal_status_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(subject_kind__in=PersonKind.values),
                name="reprisal_subject_kind_valid",
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


class ReprisalEventKind(models.TextChoices):
    REPORTED_BY_SOURCE = "reported_by_source", _("Reported by the source")
    CREATED = "created", _("Recorded by staff")
    EDITED = "edited", _("Edited")


class ReprisalEvent(models.Model):
    """One change of an allegation: its history, and the staff's audit of it.

    ``fields`` lists the names of the fields that changed, never their values.
    """

    allegation = models.ForeignKey(
        ReprisalAllegation,
        verbose_name=_("allegation"),
        on_delete=models.CASCADE,
        related_name="events",
    )
    kind = models.CharField(_("kind"), max_length=20, choices=ReprisalEventKind.choices)
    at = models.DateTimeField(_("at"))
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    fields = models.JSONField(_("fields changed"), default=list, blank=True)
    from_status = models.CharField(
        _("from status"), max_length=16, choices=ReprisalStatus.choices, blank=True
    )
    to_status = models.CharField(_("to status"), max_length=16, choices=ReprisalStatus.choices)

    class Meta:
        verbose_name = _("reprisal allegation change")
        verbose_name_plural = _("reprisal allegation changes")
        ordering = ["allegation", "at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind__in=ReprisalEventKind.values),
                name="reprisal_event_kind_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} of reprisal {self.allegation_id}"
