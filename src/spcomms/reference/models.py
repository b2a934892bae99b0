"""Countries, regions, mandates and the controlled vocabularies.

The vocabularies are tables rather than code so that administrators can extend
them; each term carries its name in English, French and Spanish. The ordinal
scales the analysis depends on (case development, perceived impact) are fixed
choices in ``spcomms.followup`` instead.
"""

from __future__ import annotations

from django.db import models
from django.db.models.functions import Length, Upper
from django.db.models.lookups import Exact
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _


class UNRegionalGroup(models.TextChoices):
    AFRICAN = "african", _("African Group")
    ASIA_PACIFIC = "asia_pacific", _("Asia-Pacific Group")
    EASTERN_EUROPEAN = "eastern_european", _("Eastern European Group")
    LATIN_AMERICAN_CARIBBEAN = "latin_american_caribbean", _("Latin American and Caribbean Group")
    WESTERN_EUROPEAN_OTHERS = "western_european_others", _("Western European and others Group")


class ReportingRegion(models.TextChoices):
    """The regions the Special Rapporteur on human rights defenders reports by (A/HRC/31/55)."""

    ASIA_PACIFIC = "asia_pacific", _("Asia-Pacific")
    LATIN_AMERICA_CARIBBEAN = "latin_america_caribbean", _("Latin America and the Caribbean")
    MIDDLE_EAST_NORTH_AFRICA = "middle_east_north_africa", _("Middle East and North Africa")
    EUROPE_NORTH_AMERICA_CENTRAL_ASIA = (
        "europe_north_america_central_asia",
        _("Europe, North America and Central Asia"),
    )
    AFRICA = "africa", _("Africa")


class TranslatedNameMixin(models.Model):
    name_en = models.CharField(_("name (English)"), max_length=200)
    name_fr = models.CharField(_("name (French)"), max_length=200)
    name_es = models.CharField(_("name (Spanish)"), max_length=200)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        """The name in the active language, falling back to English."""
        language = (get_language() or "en")[:2]
        localized: str = getattr(self, f"name_{language}", "") or ""
        return localized or self.name_en


class Country(TranslatedNameMixin):
    iso2 = models.CharField(_("ISO 3166-1 alpha-2"), max_length=2, unique=True)
    iso3 = models.CharField(_("ISO 3166-1 alpha-3"), max_length=3, unique=True)
    numeric = models.CharField(_("ISO 3166-1 numeric"), max_length=3, unique=True)
    un_member = models.BooleanField(_("UN member State"), default=False)
    un_regional_group = models.CharField(
        _("UN regional group"), max_length=32, choices=UNRegionalGroup.choices, blank=True
    )
    reporting_region = models.CharField(
        _("reporting region"), max_length=40, choices=ReportingRegion.choices, blank=True
    )

    class Meta:
        verbose_name = _("country")
        verbose_name_plural = _("countries")
        ordering = ["name_en"]
        constraints = [
            models.CheckConstraint(
                condition=Exact(Length("iso3"), 3) & Exact(Upper("iso3"), models.F("iso3")),
                name="country_iso3_three_capitals",
            ),
            models.CheckConstraint(
                condition=Exact(Length("iso2"), 2) & Exact(Upper("iso2"), models.F("iso2")),
                name="country_iso2_two_capitals",
            ),
            models.CheckConstraint(
                condition=models.Q(un_regional_group__in=[*UNRegionalGroup.values, ""]),
                name="country_un_regional_group_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(reporting_region__in=[*ReportingRegion.values, ""]),
                name="country_reporting_region_valid",
            ),
        ]


class MandateKind(models.TextChoices):
    SPECIAL_RAPPORTEUR = "sr", _("Special Rapporteur")
    WORKING_GROUP = "wg", _("Working Group")
    INDEPENDENT_EXPERT = "ie", _("Independent Expert")


class Mandate(TranslatedNameMixin):
    code = models.SlugField(_("short code"), max_length=32, unique=True)
    kind = models.CharField(_("kind"), max_length=2, choices=MandateKind.choices)
    established = models.PositiveSmallIntegerField(_("year established"), null=True, blank=True)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("mandate")
        verbose_name_plural = _("mandates")
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind__in=MandateKind.values), name="mandate_kind_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(established__isnull=True)
                | models.Q(established__gte=1945, established__lte=2100),
                name="mandate_established_plausible",
            ),
        ]


class Term(TranslatedNameMixin):
    """One entry of a controlled vocabulary, ordered for display."""

    code = models.SlugField(_("code"), max_length=48, unique=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        abstract = True
        ordering = ["position", "code"]


class ViolationType(Term):
    class Meta(Term.Meta):
        verbose_name = _("violation type")
        verbose_name_plural = _("violation types")


class PerpetratorType(Term):
    is_state_agent = models.BooleanField(_("State agent"), default=False)
    is_business = models.BooleanField(_("business involvement"), default=False)

    class Meta(Term.Meta):
        verbose_name = _("perpetrator type")
        verbose_name_plural = _("perpetrator types")


class IssueArea(Term):
    is_minority = models.BooleanField(_("minority issue"), default=False)

    class Meta(Term.Meta):
        verbose_name = _("issue area")
        verbose_name_plural = _("issue areas")


class ReplyGroup(models.TextChoices):
    """The groups in which seed 001 reports reply classes."""

    NO_OR_IMMATERIAL = "no_or_immaterial", _("No or immaterial reply")
    REJECTED_WITHOUT_INVESTIGATION = (
        "rejected_without_investigation",
        _("Rejection without evidence of investigation"),
    )
    REJECTED_WITH_INVESTIGATION = (
        "rejected_with_investigation",
        _("Rejection with information on an investigation"),
    )
    RESPONSIVE_INCOMPLETE = "responsive_incomplete", _("Responsive but incomplete")
    STEPS_TAKEN = "steps_taken", _("Steps taken")
    PENDING = "pending", _("Pending translation")


class ReplyClass(Term):
    """How a reply answers the communication; "no reply" is derived, never stored."""

    group = models.CharField(_("group"), max_length=40, choices=ReplyGroup.choices)
    substantive = models.BooleanField(
        _("substantive"),
        default=True,
        help_text=_("False for a reply that says nothing of substance."),
    )

    class Meta(Term.Meta):
        verbose_name = _("reply class")
        verbose_name_plural = _("reply classes")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(group__in=ReplyGroup.values), name="replyclass_group_valid"
            ),
        ]
