"""Communications, their mandates, addressees, named persons and replies.

What can be derived is not stored: the reference text comes from its three
parts, lateness of a reply from its date and the deadline, the public state of a
communication from its dates (see ``Communication.public_state``), the business
involvement of a case from its perpetrator types.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.functions import Length, Upper
from django.db.models.lookups import Exact
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_stubs_ext import StrOrPromise

from spcomms.encryption import EncryptedTextField
from spcomms.intake.models import Language
from spcomms.reference.models import Mandate

DEFAULT_REPLY_DAYS = 60
NON_STATE_CODE = "OTH"


class CommunicationType(models.TextChoices):
    URGENT_APPEAL = "UA", _("Urgent appeal")
    ALLEGATION_LETTER = "AL", _("Allegation letter")
    OTHER_LETTER = "OL", _("Other letter")


class CommunicationStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SENT = "sent", _("Sent")
    ABANDONED = "abandoned", _("Abandoned draft")


class PublicState(models.TextChoices):
    DRAFT = "draft", _("Not sent")
    CONFIDENTIAL = "confidential", _("Confidential until the reply deadline")
    WITHHELD = "withheld", _("Withheld from publication")
    PUBLISHED = "published", _("Published")


class NonStateKind(models.TextChoices):
    BUSINESS = "business", _("Business enterprise")
    INTERNATIONAL_ORGANISATION = "international_organisation", _("International organisation")
    OTHER = "other", _("Other non-State actor")


class NonStateActor(models.Model):
    name = models.CharField(_("name"), max_length=300)
    kind = models.CharField(_("kind"), max_length=32, choices=NonStateKind.choices)
    home_country = models.ForeignKey(
        "reference.Country",
        verbose_name=_("home State"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("non-State actor")
        verbose_name_plural = _("non-State actors")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["name", "kind"], name="nonstateactor_unique_name"),
            models.CheckConstraint(
                condition=models.Q(kind__in=NonStateKind.values), name="nonstateactor_kind_valid"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class CommunicationQuerySet(models.QuerySet["Communication"]):
    def published(self, now: dt.datetime | None = None) -> CommunicationQuerySet:
        """Sent, past the reply deadline, and not withheld: the public record."""
        return self.filter(
            status=CommunicationStatus.SENT,
            reply_due_at__lte=now or timezone.now(),
            withheld=False,
        )


class Communication(models.Model):
    type = models.CharField(_("type"), max_length=2, choices=CommunicationType.choices)
    status = models.CharField(
        _("status"),
        max_length=12,
        choices=CommunicationStatus.choices,
        default=CommunicationStatus.DRAFT,
    )
    language = models.CharField(
        _("language"), max_length=2, choices=Language.choices, default=Language.ENGLISH
    )
    subject = models.CharField(
        _("subject"),
        max_length=300,
        help_text=_("A short public title that names no one."),
    )
    mandates: models.ManyToManyField[Mandate, CommunicationMandate] = models.ManyToManyField(
        "reference.Mandate",
        verbose_name=_("mandates"),
        through="CommunicationMandate",
        related_name="communications",
    )
    # NULL until sent, so that drafts do not collide in the unique reference.
    ref_code = models.CharField(_("addressee code"), max_length=3, null=True, blank=True)  # noqa: DJ001
    ref_number = models.PositiveIntegerField(_("running number"), null=True, blank=True)
    ref_year = models.PositiveSmallIntegerField(_("year of the reference"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    reply_due_at = models.DateTimeField(_("reply due at"), null=True, blank=True)
    follow_up_of = models.ForeignKey(
        "self",
        verbose_name=_("follows up on"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="follow_ups",
    )
    concerns_reprisal = models.BooleanField(_("about a reprisal for cooperation"), default=False)
    facts = EncryptedTextField(_("facts"), blank=True, default="")
    norms = models.TextField(_("applicable norms"), blank=True, default="")
    concerns = EncryptedTextField(_("concerns"), blank=True, default="")
    questions = EncryptedTextField(_("questions"), blank=True, default="")
    withheld = models.BooleanField(_("withheld from publication"), default=False)
    withheld_reason = EncryptedTextField(_("reason for withholding"), blank=True, default="")
    case_files = models.ManyToManyField(
        "cases.CaseFile", verbose_name=_("case files"), blank=True, related_name="communications"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    objects = CommunicationQuerySet.as_manager()

    class Meta:
        verbose_name = _("communication")
        verbose_name_plural = _("communications")
        ordering = ["-sent_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(type__in=CommunicationType.values),
                name="communication_type_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=CommunicationStatus.values),
                name="communication_status_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(language__in=Language.values),
                name="communication_language_valid",
            ),
            models.UniqueConstraint(
                fields=["ref_code", "ref_year", "ref_number"],
                name="communication_reference_unique",
            ),
            models.CheckConstraint(
                condition=models.Q(
                    ref_code__isnull=True, ref_number__isnull=True, ref_year__isnull=True
                )
                | models.Q(
                    ref_code__isnull=False, ref_number__isnull=False, ref_year__isnull=False
                ),
                name="communication_reference_whole",
            ),
            models.CheckConstraint(
                condition=models.Q(ref_code__isnull=True)
                | (Exact(Length("ref_code"), 3) & Exact(Upper("ref_code"), models.F("ref_code"))),
                name="communication_reference_code_format",
            ),
            models.CheckConstraint(
                condition=models.Q(ref_number__isnull=True) | models.Q(ref_number__gte=1),
                name="communication_reference_number_positive",
            ),
            models.CheckConstraint(
                condition=models.Q(ref_year__isnull=True)
                | models.Q(ref_year__gte=1980, ref_year__lte=2100),
                name="communication_reference_year_plausible",
            ),
            models.CheckConstraint(
                condition=models.Q(
                    status=CommunicationStatus.SENT,
                    sent_at__isnull=False,
                    reply_due_at__isnull=False,
                    ref_number__isnull=False,
                )
                | (~models.Q(status=CommunicationStatus.SENT) & models.Q(sent_at__isnull=True)),
                name="communication_sent_has_date_deadline_reference",
            ),
            models.CheckConstraint(
                condition=models.Q(reply_due_at__isnull=True)
                | models.Q(reply_due_at__gt=models.F("sent_at")),
                name="communication_deadline_after_sending",
            ),
            models.CheckConstraint(
                condition=~models.Q(follow_up_of=models.F("id")),
                name="communication_not_follow_up_of_itself",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "reply_due_at"]),
            models.Index(fields=["ref_year", "type"]),
        ]

    def __str__(self) -> str:
        return self.reference or f"draft {self.pk}"

    @property
    def reference(self) -> str:
        """The public reference, such as ``UA CHN 5/2016``; empty before sending."""
        if self.ref_code is None:
            return ""
        return f"{self.type} {self.ref_code} {self.ref_number}/{self.ref_year}"

    def public_state(self, now: dt.datetime | None = None) -> PublicState:
        if self.status != CommunicationStatus.SENT or self.reply_due_at is None:
            return PublicState.DRAFT
        if self.withheld:
            return PublicState.WITHHELD
        if (now or timezone.now()) < self.reply_due_at:
            return PublicState.CONFIDENTIAL
        return PublicState.PUBLISHED

    def clean(self) -> None:
        errors: dict[str, StrOrPromise] = {}
        if self.sent_at and self.ref_year and self.ref_year != self.sent_at.year:
            errors["ref_year"] = _("The year of the reference must be the year it was sent.")
        if self.sent_at and self.reply_due_at and self.reply_due_at <= self.sent_at:
            errors["reply_due_at"] = _("The reply deadline must come after the sending.")
        if self.withheld and not self.withheld_reason.strip():
            errors["withheld_reason"] = _("Say why the communication is withheld.")
        if errors:
            raise ValidationError(errors)


class CommunicationMandate(models.Model):
    communication = models.ForeignKey(
        Communication,
        on_delete=models.CASCADE,
        related_name="mandate_links",
        verbose_name=_("communication"),
    )
    mandate = models.ForeignKey(
        "reference.Mandate", on_delete=models.PROTECT, related_name="+", verbose_name=_("mandate")
    )
    is_lead = models.BooleanField(_("lead mandate"), default=False)
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("approved by"),
    )

    class Meta:
        verbose_name = _("mandate of a communication")
        verbose_name_plural = _("mandates of communications")
        constraints = [
            models.UniqueConstraint(
                fields=["communication", "mandate"], name="communicationmandate_once"
            ),
            models.UniqueConstraint(
                fields=["communication"],
                condition=models.Q(is_lead=True),
                name="communicationmandate_one_lead",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.mandate_id} on {self.communication_id}"


class Addressee(models.Model):
    """A State or a non-State actor the communication is sent to, or copied to."""

    communication = models.ForeignKey(
        Communication,
        on_delete=models.CASCADE,
        related_name="addressees",
        verbose_name=_("communication"),
    )
    country = models.ForeignKey(
        "reference.Country",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("State"),
    )
    non_state_actor = models.ForeignKey(
        NonStateActor,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("non-State actor"),
    )
    is_copy = models.BooleanField(_("copied"), default=False)

    class Meta:
        verbose_name = _("addressee")
        verbose_name_plural = _("addressees")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(country__isnull=False, non_state_actor__isnull=True)
                | models.Q(country__isnull=True, non_state_actor__isnull=False),
                name="addressee_state_or_non_state",
            ),
            models.UniqueConstraint(
                fields=["communication", "country"], name="addressee_state_once"
            ),
            models.UniqueConstraint(
                fields=["communication", "non_state_actor"], name="addressee_non_state_once"
            ),
        ]

    def __str__(self) -> str:
        return f"addressee {self.pk} of {self.communication_id}"


class CommunicationPerson(models.Model):
    """A person named in a communication: the unit of the case-level analysis."""

    communication = models.ForeignKey(
        Communication,
        on_delete=models.CASCADE,
        related_name="named",
        verbose_name=_("communication"),
    )
    person = models.ForeignKey(
        "cases.Person", on_delete=models.PROTECT, related_name="mentions", verbose_name=_("person")
    )
    violations = models.ManyToManyField(
        "reference.ViolationType", verbose_name=_("violations"), blank=True, related_name="+"
    )
    perpetrators = models.ManyToManyField(
        "reference.PerpetratorType", verbose_name=_("perpetrators"), blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("person named in a communication")
        verbose_name_plural = _("persons named in communications")
        constraints = [
            models.UniqueConstraint(
                fields=["communication", "person"], name="communicationperson_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person} in {self.communication}"

    @property
    def business_involved(self) -> bool:
        """Derived from the perpetrator types: true when any of them is a business."""
        return any(perpetrator.is_business for perpetrator in self.perpetrators.all())


class Reply(models.Model):
    communication = models.ForeignKey(
        Communication,
        on_delete=models.CASCADE,
        related_name="replies",
        verbose_name=_("communication"),
    )
    received_on = models.DateField(_("received on"))
    language = models.CharField(
        _("language"), max_length=8, help_text=_("ISO 639-1 code, such as en, fr, es, ru, ar, zh.")
    )
    document = models.FileField(_("document"), upload_to="replies/%Y/", blank=True)
    reply_class = models.ForeignKey(
        "reference.ReplyClass",
        verbose_name=_("class"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    confidential = models.BooleanField(
        _("the State asked that it stay confidential"), default=False
    )
    persons_addressed = models.ManyToManyField(
        CommunicationPerson, verbose_name=_("persons addressed"), blank=True, related_name="replies"
    )
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("recorded by"),
    )

    class Meta:
        verbose_name = _("reply")
        verbose_name_plural = _("replies")
        ordering = ["communication", "received_on"]

    def __str__(self) -> str:
        return f"reply {self.pk} to {self.communication}"

    @property
    def is_late(self) -> bool:
        due = self.communication.reply_due_at
        return due is not None and self.received_on > due.astimezone(dt.UTC).date()

    def clean(self) -> None:
        received_on: dt.date | None = self.received_on  # None in a form that left it empty
        if not self.communication_id or received_on is None:
            return  # the form already says the field is required
        sent = self.communication.sent_at
        if sent is None:
            raise ValidationError(
                {"communication": _("A reply can only be logged for a sent communication.")}
            )
        if received_on < sent.astimezone(dt.UTC).date():
            raise ValidationError(
                {"received_on": _("A reply cannot be dated before its communication was sent.")}
            )


class ReplyComment(models.Model):
    """The source's comment on a reply that contradicts its facts."""

    reply = models.ForeignKey(
        Reply, on_delete=models.CASCADE, related_name="comments", verbose_name=_("reply")
    )
    submission = models.ForeignKey(
        "intake.Submission",
        on_delete=models.CASCADE,
        related_name="reply_comments",
        verbose_name=_("submission"),
    )
    body = EncryptedTextField(_("comment"))
    at = models.DateTimeField(_("at"))

    class Meta:
        verbose_name = _("comment on a reply")
        verbose_name_plural = _("comments on replies")

    def __str__(self) -> str:
        return f"comment {self.pk}"


class ReferenceCounter(models.Model):
    """The last running number given to an addressee code in a year.

    References are assigned from here at sending (and raised by imports), so a
    number is never given twice, even after a communication is deleted.
    """

    ref_code = models.CharField(_("addressee code"), max_length=3)
    ref_year = models.PositiveSmallIntegerField(_("year"))
    last_number = models.PositiveIntegerField(_("last number given"))

    class Meta:
        verbose_name = _("reference counter")
        verbose_name_plural = _("reference counters")
        constraints = [
            models.UniqueConstraint(
                fields=["ref_code", "ref_year"], name="referencecounter_one_per_code_and_year"
            ),
            models.CheckConstraint(
                condition=models.Q(last_number__gte=1), name="referencecounter_number_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.ref_code} {self.ref_year}: {self.last_number}"


class CommunicationTransition(models.Model):
    communication = models.ForeignKey(
        Communication,
        on_delete=models.CASCADE,
        related_name="transitions",
        verbose_name=_("communication"),
    )
    from_status = models.CharField(
        max_length=12,
        choices=CommunicationStatus.choices,
        blank=True,
        verbose_name=_("from status"),
    )
    to_status = models.CharField(
        max_length=12, choices=CommunicationStatus.choices, verbose_name=_("to status")
    )
    at = models.DateTimeField(verbose_name=_("at"))
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("actor"),
    )

    class Meta:
        verbose_name = _("communication status change")
        verbose_name_plural = _("communication status changes")
        ordering = ["communication", "at"]

    def __str__(self) -> str:
        return f"{self.from_status or '-'} -> {self.to_status}"
