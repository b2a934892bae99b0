"""Country-year covariates, stored long: one row per country, year and variable.

Variables are rows too, so a researcher can add one without a migration. Each
variable states its plausible range; imports refuse values outside it.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

MIN_YEAR = 1900
MAX_YEAR = 2100


class Variable(models.Model):
    code = models.SlugField(_("code"), max_length=48, unique=True)
    label = models.CharField(_("label"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    source = models.CharField(_("source"), max_length=200, blank=True)
    minimum = models.FloatField(_("minimum"), null=True, blank=True)
    maximum = models.FloatField(_("maximum"), null=True, blank=True)
    builtin = models.BooleanField(_("shipped with spcomms"), default=False)

    class Meta:
        verbose_name = _("covariate")
        verbose_name_plural = _("covariates")
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(minimum__isnull=True)
                | models.Q(maximum__isnull=True)
                | models.Q(minimum__lte=models.F("maximum")),
                name="variable_range_ordered",
            ),
        ]

    def __str__(self) -> str:
        return self.code

    def admits(self, value: float) -> bool:
        return (self.minimum is None or value >= self.minimum) and (
            self.maximum is None or value <= self.maximum
        )


class CountryYearValue(models.Model):
    country = models.ForeignKey(
        "reference.Country", verbose_name=_("country"), on_delete=models.PROTECT, related_name="+"
    )
    year = models.PositiveSmallIntegerField(_("year"))
    variable = models.ForeignKey(
        Variable, verbose_name=_("covariate"), on_delete=models.CASCADE, related_name="values"
    )
    value = models.FloatField(_("value"))
    imported_at = models.DateTimeField(_("imported at"), auto_now=True)
    origin = models.CharField(
        _("origin"), max_length=200, blank=True, help_text=_("The file or source it came from.")
    )

    class Meta:
        verbose_name = _("country-year value")
        verbose_name_plural = _("country-year values")
        constraints = [
            models.UniqueConstraint(
                fields=["country", "year", "variable"], name="countryyearvalue_one_per_key"
            ),
            models.CheckConstraint(
                condition=models.Q(year__gte=MIN_YEAR, year__lte=MAX_YEAR),
                name="countryyearvalue_year_plausible",
            ),
        ]
        indexes = [models.Index(fields=["variable", "year"])]

    def __str__(self) -> str:
        return f"{self.variable_id} {self.country_id} {self.year} = {self.value}"


class UPRReview(models.Model):
    """A Universal Periodic Review of a State; "UPR within a year" is derived from these."""

    country = models.ForeignKey(
        "reference.Country", verbose_name=_("country"), on_delete=models.PROTECT, related_name="+"
    )
    cycle = models.PositiveSmallIntegerField(_("cycle"))
    review_date = models.DateField(_("date of the review"))

    class Meta:
        verbose_name = _("UPR review")
        verbose_name_plural = _("UPR reviews")
        ordering = ["country", "review_date"]
        constraints = [
            models.UniqueConstraint(fields=["country", "cycle"], name="uprreview_one_per_cycle"),
            models.CheckConstraint(
                condition=models.Q(cycle__gte=1), name="uprreview_cycle_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"UPR {self.cycle} {self.country_id} {self.review_date}"
