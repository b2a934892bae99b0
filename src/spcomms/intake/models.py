"""Submissions: what a source sends, following the nine questions of the guide.

Every answer that could identify or endanger someone is sealed with the
submission's own data key (``data_key``, stored wrapped by the master keyring;
see ``spcomms.intake.crypto`` and ADR 5); victims, messages and attachments are
sealed with the key of their submission. The names of answers the source marked
"not to be transmitted to the government" are listed in ``not_to_transmit``; a
communication never carries them. A source comes back with a receipt code:
``receipt_lookup`` finds the row and ``receipt_hash`` (Argon2) checks the secret
part; the code itself is never stored.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from spcomms.cases.models import ConsentGiver, Gender, PersonKind, PublicNaming
from spcomms.intake.crypto import data_key_new, data_key_unwrap
from spcomms.intake.fields import SealedTextField


class Language(models.TextChoices):
    ENGLISH = "en", _("English")
    FRENCH = "fr", _("French")
    SPANISH = "es", _("Spanish")


class SubmissionStatus(models.TextChoices):
    RECEIVED = "received", _("Received")
    UNDER_REVIEW = "under_review", _("Under review")
    INFO_REQUESTED = "info_requested", _("More information requested")
    ACTED_ON = "acted_on", _("Acted on")
    NO_ACTION = "no_action", _("No action")
    CLOSED = "closed", _("Closed")


class SenderKind(models.TextChoices):
    SELF = "self", _("The person concerned or their family")
    ORGANISATION = "organisation", _("An organisation")
    THROUGH_ORGANISATION = "through_organisation", _("Through another organisation")
    ANONYMOUS = "anonymous", _("Anonymous")


# The answers a source may mark "not to be transmitted to the government".
TRANSMITTABLE_ANSWERS = (
    "urgency_reason",
    "facts",
    "places",
    "perpetrators",
    "context",
    "action_taken",
    "requested_action",
    "press_release_reason",
    "joint_action_reason",
)


class Submission(models.Model):
    public_id = models.UUIDField(
        default=uuid.uuid4, unique=True, editable=False, verbose_name=_("public identifier")
    )
    receipt_lookup = models.CharField(
        max_length=32, unique=True, verbose_name=_("receipt look-up key")
    )
    receipt_hash = models.CharField(max_length=200, verbose_name=_("receipt hash"))
    data_key = models.TextField(_("wrapped data key"), default=data_key_new, editable=False)
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=SubmissionStatus.choices,
        default=SubmissionStatus.RECEIVED,
    )
    language = models.CharField(
        _("language"), max_length=2, choices=Language.choices, default=Language.ENGLISH
    )
    source_account = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("source organisation account"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="submissions",
    )
    # 1. Who sends it.
    sender_kind = models.CharField(_("sender"), max_length=24, choices=SenderKind.choices)
    sender_name = SealedTextField(_("sender's name"), blank=True, default="")
    sender_contact = SealedTextField(_("sender's contact"), blank=True, default="")
    # 2. Urgency and the window to act.
    is_urgent = models.BooleanField(_("urgent"), default=False)
    urgency_reason = SealedTextField(_("why it is urgent"), blank=True, default="")
    act_before = models.DateField(_("act before"), null=True, blank=True)
    # 5. What happened.
    country = models.ForeignKey(
        "reference.Country",
        verbose_name=_("country where it happened"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    incident_from = models.DateField(_("from"), null=True, blank=True)
    incident_to = models.DateField(_("to"), null=True, blank=True)
    facts = SealedTextField(_("what happened"), blank=True, default="")
    places = SealedTextField(_("places"), blank=True, default="")
    # 6. Perpetrators. 7. Context. 8. Action already taken.
    perpetrators = SealedTextField(_("perpetrators"), blank=True, default="")
    context = SealedTextField(_("context"), blank=True, default="")
    action_taken = SealedTextField(_("action already taken"), blank=True, default="")
    # 9. What the experts should do.
    requested_action = SealedTextField(_("what the experts should do"), blank=True, default="")
    press_release_wanted = models.BooleanField(_("press release wanted"), default=False)
    press_release_reason = SealedTextField(_("why a press release"), blank=True, default="")
    mandates_wished = models.ManyToManyField(
        "reference.Mandate", verbose_name=_("mandates wished"), blank=True, related_name="+"
    )
    joint_action_wished = models.BooleanField(_("joint action wished"), null=True, blank=True)
    joint_action_reason = SealedTextField(_("why (not) joint"), blank=True, default="")
    not_to_transmit = models.JSONField(_("answers not to be transmitted"), default=list, blank=True)
    # Staff side.
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assigned to"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="assigned_submissions",
    )
    no_action_reason = SealedTextField(_("internal reason for no action"), blank=True, default="")
    reason_for_source = SealedTextField(_("reason given to the source"), blank=True, default="")
    received_at = models.DateTimeField(_("received at"))
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("submission")
        verbose_name_plural = _("submissions")
        ordering = ["-is_urgent", "received_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=SubmissionStatus.values),
                name="submission_status_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(language__in=Language.values), name="submission_language_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(sender_kind__in=SenderKind.values),
                name="submission_sender_kind_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(incident_from__isnull=True)
                | models.Q(incident_to__isnull=True)
                | models.Q(incident_to__gte=models.F("incident_from")),
                name="submission_incident_dates_ordered",
            ),
        ]

    def __str__(self) -> str:
        return f"submission {self.public_id.hex[:8]}"

    def sealing_key(self) -> bytes:
        """This submission's data key, unwrapped once per loaded instance."""
        cached: bytes | None = getattr(self, "_data_key_clear", None)
        if cached is None:
            cached = data_key_unwrap(self.data_key)
            self._data_key_clear = cached
        return cached


class SubmissionVictim(models.Model):
    """A person named in a submission, with the consent the source reports."""

    submission = models.ForeignKey(
        Submission, on_delete=models.CASCADE, related_name="victims", verbose_name=_("submission")
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    kind = models.CharField(
        _("kind"), max_length=16, choices=PersonKind.choices, default=PersonKind.INDIVIDUAL
    )
    name = SealedTextField(_("name"))
    age = models.PositiveSmallIntegerField(_("age"), null=True, blank=True)
    gender = models.CharField(
        _("gender"), max_length=16, choices=Gender.choices, default=Gender.NOT_STATED
    )
    origin = SealedTextField(_("origin"), blank=True, default="")
    residence = SealedTextField(_("residence"), blank=True, default="")
    issue_areas = models.ManyToManyField(
        "reference.IssueArea", verbose_name=_("issue areas"), blank=True, related_name="+"
    )
    consent_given_by = models.CharField(
        _("consent given by"), max_length=16, choices=ConsentGiver.choices, blank=True
    )
    consent_transmit = models.BooleanField(_("may be named to the State"), default=False)
    consent_public = models.CharField(
        _("naming in public records"),
        max_length=16,
        choices=PublicNaming.choices,
        default=PublicNaming.WITHHELD,
    )
    consent_written = models.BooleanField(_("consent in writing"), default=False)
    person = models.ForeignKey(
        "cases.Person",
        verbose_name=_("person"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("victim in a submission")
        verbose_name_plural = _("victims in submissions")
        ordering = ["submission", "position"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(age__isnull=True) | models.Q(age__lte=130),
                name="victim_age_plausible",
            ),
            models.CheckConstraint(
                condition=models.Q(gender__in=Gender.values), name="victim_gender_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(consent_public=PublicNaming.WITHHELD)
                | models.Q(consent_transmit=True),
                name="victim_public_naming_implies_transmission",
            ),
        ]

    def __str__(self) -> str:
        return f"victim {self.position} of {self.submission}"

    def sealing_key(self) -> bytes:
        return self.submission.sealing_key()


class MessageKind(models.TextChoices):
    MESSAGE = "message", _("Message")
    INFO_REQUEST = "info_request", _("Request for information")
    INFO_ADDED = "info_added", _("Information added")
    SITUATION_CHANGE = "situation_change", _("Change in the situation")
    REPRISAL = "reprisal", _("Reprisal report")


class SubmissionMessage(models.Model):
    submission = models.ForeignKey(
        Submission, on_delete=models.CASCADE, related_name="messages", verbose_name=_("submission")
    )
    from_source = models.BooleanField(_("from the source"))
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("staff author"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    kind = models.CharField(
        _("kind"), max_length=20, choices=MessageKind.choices, default=MessageKind.MESSAGE
    )
    body = SealedTextField(_("message"))
    sent_at = models.DateTimeField(_("sent at"))
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)

    class Meta:
        verbose_name = _("message")
        verbose_name_plural = _("messages")
        ordering = ["submission", "sent_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(from_source=True, author__isnull=True)
                | models.Q(from_source=False, author__isnull=False),
                name="message_author_matches_side",
            ),
            models.CheckConstraint(
                condition=models.Q(kind__in=MessageKind.values), name="message_kind_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"message {self.pk}"

    def sealing_key(self) -> bytes:
        return self.submission.sealing_key()


class SubmissionAttachment(models.Model):
    """A file sent by the source. Both copies are stored encrypted on disk; the
    cleaned copy (metadata removed) is the one used onwards."""

    submission = models.ForeignKey(
        Submission,
        on_delete=models.CASCADE,
        related_name="attachments",
        verbose_name=_("submission"),
    )
    message = models.ForeignKey(
        SubmissionMessage,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("message"),
    )
    public_id = models.UUIDField(
        default=uuid.uuid4, unique=True, editable=False, verbose_name=_("public identifier")
    )
    filename = SealedTextField(_("file name"))
    content_type = models.CharField(_("content type"), max_length=100)
    size = models.PositiveBigIntegerField(_("size in bytes"))
    original_path = models.CharField(_("stored original"), max_length=200)
    cleaned_path = models.CharField(_("stored cleaned copy"), max_length=200, blank=True)
    cleaned_size = models.PositiveBigIntegerField(_("size of the cleaned copy"), default=0)
    removed = models.JSONField(
        _("metadata removed from the cleaned copy"), default=list, blank=True
    )
    not_to_transmit = models.BooleanField(_("not to be transmitted"), default=False)
    uploaded_at = models.DateTimeField(_("uploaded at"))

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        permissions = [
            ("view_original_attachment", _("Can read attachments as the source sent them")),
        ]

    def __str__(self) -> str:
        return f"attachment {self.pk}"

    def sealing_key(self) -> bytes:
        return self.submission.sealing_key()


class SubmissionTransition(models.Model):
    """Each change of a submission's status: the audit trail and the input to statistics."""

    submission = models.ForeignKey(
        Submission,
        on_delete=models.CASCADE,
        related_name="transitions",
        verbose_name=_("submission"),
    )
    from_status = models.CharField(
        max_length=20, choices=SubmissionStatus.choices, blank=True, verbose_name=_("from status")
    )
    to_status = models.CharField(
        max_length=20, choices=SubmissionStatus.choices, verbose_name=_("to status")
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
        verbose_name = _("submission status change")
        verbose_name_plural = _("submission status changes")
        ordering = ["submission", "at"]

    def __str__(self) -> str:
        return f"{self.from_status or '-'} -> {self.to_status}"
