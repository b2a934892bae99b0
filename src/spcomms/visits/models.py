"""Country visits: requests and their fate, standing invitations, recommendations.

Every change goes through ``spcomms.visits.services``, which keeps the rules (see
docs/visits.md); the constraints below hold whatever writes to the database.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from spcomms.encryption import EncryptedTextField


class VisitStatus(models.TextChoices):
    REQUESTED = "requested", _("Requested")
    REMINDED = "reminded", _("Reminder sent")
    ACCEPTED = "accepted", _("Accepted")
    DATES_PROPOSED = "dates_proposed", _("Dates proposed")
    CARRIED_OUT = "carried_out", _("Carried out")
    POSTPONED = "postponed", _("Postponed")
    REFUSED = "refused", _("Refused")
    NO_REPLY = "no_reply", _("No reply")


# A request in one of these states takes no further step until it is reopened by a
# renewed request; a visit carried out takes none at all (another visit is a new request).
FINAL_STATUSES = (VisitStatus.CARRIED_OUT, VisitStatus.REFUSED, VisitStatus.NO_REPLY)
REOPENABLE_STATUSES = (VisitStatus.REFUSED, VisitStatus.NO_REPLY)


class VisitRequest(models.Model):
    mandate = models.ForeignKey(
        "reference.Mandate", verbose_name=_("mandate"), on_delete=models.PROTECT, related_name="+"
    )
    country = models.ForeignKey(
        "reference.Country", verbose_name=_("State"), on_delete=models.PROTECT, related_name="+"
    )
    requested_on = models.DateField(_("requested on"))
    status = models.CharField(
        _("status"), max_length=16, choices=VisitStatus.choices, default=VisitStatus.REQUESTED
    )
    accepted_on = models.DateField(_("accepted on"), null=True, blank=True)
    start_date = models.DateField(_("visit from"), null=True, blank=True)
    end_date = models.DateField(_("visit to"), null=True, blank=True)
    statement_url = models.URLField(_("end-of-mission statement"), blank=True)
    report_symbol = models.CharField(_("report symbol"), max_length=60, blank=True)
    report_url = models.URLField(_("report"), blank=True)

    class Meta:
        verbose_name = _("visit request")
        verbose_name_plural = _("visit requests")
        ordering = ["-requested_on"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=VisitStatus.values), name="visit_status_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(start_date__isnull=True)
                | models.Q(end_date__isnull=True)
                | models.Q(end_date__gte=models.F("start_date")),
                name="visit_dates_ordered",
            ),
            models.CheckConstraint(
                condition=models.Q(accepted_on__isnull=True)
                | models.Q(accepted_on__gte=models.F("requested_on")),
                name="visit_accepted_after_request",
            ),
            models.CheckConstraint(
                condition=~models.Q(status=VisitStatus.CARRIED_OUT)
                | models.Q(start_date__isnull=False, end_date__isnull=False),
                name="visit_carried_out_has_dates",
            ),
        ]

    def __str__(self) -> str:
        return f"visit request {self.mandate_id}/{self.country_id} {self.requested_on}"


class VisitEvent(models.Model):
    """Each step in the life of a request: the history behind its status.

    ``start_date`` and ``end_date`` hold the dates proposed (step ``dates_proposed``)
    or the dates of the visit (step ``carried_out``). ``note`` is for staff only and
    sealed at rest; no public page or API answer reads it.
    """

    request = models.ForeignKey(
        VisitRequest,
        on_delete=models.CASCADE,
        related_name="events",
        verbose_name=_("visit request"),
    )
    status = models.CharField(_("status"), max_length=16, choices=VisitStatus.choices)
    on = models.DateField(_("on"))
    start_date = models.DateField(_("from"), null=True, blank=True)
    end_date = models.DateField(_("to"), null=True, blank=True)
    note = EncryptedTextField(_("staff note"), blank=True, default="")
    recorded_at = models.DateTimeField(_("recorded at"), null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("visit request event")
        verbose_name_plural = _("visit request events")
        ordering = ["request", "on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=VisitStatus.values), name="visitevent_status_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(start_date__isnull=True)
                | models.Q(end_date__isnull=True)
                | models.Q(end_date__gte=models.F("start_date")),
                name="visitevent_dates_ordered",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.status} on {self.on}"


class StandingInvitation(models.Model):
    country = models.ForeignKey(
        "reference.Country", verbose_name=_("State"), on_delete=models.PROTECT, related_name="+"
    )
    extended_on = models.DateField(_("extended on"))
    withdrawn_on = models.DateField(_("withdrawn on"), null=True, blank=True)

    class Meta:
        verbose_name = _("standing invitation")
        verbose_name_plural = _("standing invitations")
        constraints = [
            models.UniqueConstraint(
                fields=["country"],
                condition=models.Q(withdrawn_on__isnull=True),
                name="standinginvitation_one_open_per_state",
            ),
            models.CheckConstraint(
                condition=models.Q(withdrawn_on__isnull=True)
                | models.Q(withdrawn_on__gte=models.F("extended_on")),
                name="standinginvitation_withdrawn_after_extended",
            ),
        ]

    def __str__(self) -> str:
        return f"standing invitation {self.country_id} {self.extended_on}"


class RecommendationStatus(models.TextChoices):
    NOT_ASSESSED = "not_assessed", _("Not assessed")
    NOT_IMPLEMENTED = "not_implemented", _("Not implemented")
    PARTIALLY = "partially", _("Partially implemented")
    IMPLEMENTED = "implemented", _("Implemented")


class Recommendation(models.Model):
    visit = models.ForeignKey(
        VisitRequest,
        on_delete=models.CASCADE,
        related_name="recommendations",
        verbose_name=_("visit"),
    )
    text = EncryptedTextField(_("recommendation"))
    status = models.CharField(
        _("follow-up status"),
        max_length=16,
        choices=RecommendationStatus.choices,
        default=RecommendationStatus.NOT_ASSESSED,
    )
    reviewed_on = models.DateField(_("reviewed on"), null=True, blank=True)

    class Meta:
        verbose_name = _("recommendation")
        verbose_name_plural = _("recommendations")
        ordering = ["visit", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=RecommendationStatus.values),
                name="recommendation_status_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(status=RecommendationStatus.NOT_ASSESSED)
                | models.Q(reviewed_on__isnull=False),
                name="recommendation_assessed_has_review_date",
            ),
        ]

    def __str__(self) -> str:
        return f"recommendation {self.pk}"
