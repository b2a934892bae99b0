"""The public search index: one row per published communication (ADR 4, point 3).

The rows hold the guarded public rendering only, so nothing confidential is
ever stored in clear. They are derived from the communications and rebuilt by
``spcomms.publication.index.publication_sync``; never edit them by hand.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Facet(models.TextChoices):
    YEAR = "year", _("Year sent")
    TYPE = "type", _("Type")
    ADDRESSEE = "addressee", _("State addressed")
    REGION = "region", _("Region")
    MANDATE = "mandate", _("Mandate")
    REPLY = "reply", _("Reply")
    VIOLATION = "violation", _("Violation")
    GENDER = "gender", _("Gender of persons named")


class PublishedDocument(models.Model):
    communication = models.OneToOneField(
        "communications.Communication",
        verbose_name=_("communication"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    slug = models.CharField(_("reference in the address"), max_length=40, unique=True)
    reference = models.CharField(_("reference"), max_length=40)
    subject = models.CharField(_("subject"), max_length=300)
    type = models.CharField(_("type"), max_length=2)
    sent_on = models.DateField(_("sent on"))
    year = models.PositiveSmallIntegerField(_("year sent"))
    body = models.TextField(_("public text"))
    search_text = models.TextField(
        _("searchable text"), help_text=_("The public text folded to plain lower-case words.")
    )
    replied = models.BooleanField(_("a reply was received"))
    replies_public = models.PositiveIntegerField(_("published replies"))
    replies_in_time = models.PositiveIntegerField(_("published replies received in time"))
    built_at = models.DateTimeField(_("built at"))

    class Meta:
        verbose_name = _("published document")
        verbose_name_plural = _("published documents")
        ordering = ["-sent_on", "-pk"]
        indexes = [models.Index(fields=["sent_on"]), models.Index(fields=["year", "type"])]

    def __str__(self) -> str:
        return self.reference


class PublishedFacet(models.Model):
    """One value of one facet of a published document; many per document and facet."""

    document = models.ForeignKey(
        PublishedDocument,
        verbose_name=_("published document"),
        on_delete=models.CASCADE,
        related_name="facets",
    )
    facet = models.CharField(_("facet"), max_length=16, choices=Facet.choices)
    value = models.CharField(_("value"), max_length=48)

    class Meta:
        verbose_name = _("facet value")
        verbose_name_plural = _("facet values")
        constraints = [
            models.UniqueConstraint(
                fields=["document", "facet", "value"], name="publishedfacet_once"
            ),
            models.CheckConstraint(
                condition=models.Q(facet__in=Facet.values), name="publishedfacet_facet_valid"
            ),
        ]
        indexes = [models.Index(fields=["facet", "value", "document"])]

    def __str__(self) -> str:
        return f"{self.facet}={self.value}"
