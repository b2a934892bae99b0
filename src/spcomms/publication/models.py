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
        indexes = [
            # Covers what the in-memory copy reads (``mirror``), so reading it skips the
            # long text columns.
            models.Index(
                fields=[
                    "sent_on",
                    "id",
                    "communication",
                    "year",
                    "type",
                    "replied",
                    "replies_public",
                    "replies_in_time",
                ],
                name="publisheddocument_figures",
            ),
        ]

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


class IndexState(models.Model):
    """A single row saying whether the index is in step with the record (ADR 4).

    ``token`` changes with every change of the record that may alter what is public;
    a sync that saw ``token`` records it in ``synced_token``. The index is in step
    while the two agree and the clock has not reached ``valid_until``, the next reply
    deadline after the sync. ``version`` is new at every sync that ran, so that copies
    of the index held in memory know when to reload.
    """

    token = models.BigIntegerField(_("change token"))
    synced_token = models.BigIntegerField(_("token of the last sync"), null=True, blank=True)
    synced_at = models.DateTimeField(_("last synced at"), null=True, blank=True)
    valid_until = models.DateTimeField(_("in step until"), null=True, blank=True)
    version = models.BigIntegerField(_("index version"), default=0)

    class Meta:
        verbose_name = _("index state")
        verbose_name_plural = _("index states")
        constraints = [models.CheckConstraint(condition=models.Q(pk=1), name="indexstate_single")]

    def __str__(self) -> str:
        return f"index state {self.version}"
