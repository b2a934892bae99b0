"""Assessments of how each named person's situation developed after a communication.

The scales are those of seed 000 (Spannagel 2019). Several assessments may exist
for one person, communication and period; the latest one counts and the earlier
ones stay as history.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from spcomms.encryption import EncryptedTextField


class CaseDevelopment(models.TextChoices):
    MUCH_BETTER = "much_better", _("Much better")
    SOMEWHAT_BETTER = "somewhat_better", _("Somewhat better")
    SAME = "same", _("Stayed the same overall")
    MIXED = "mixed", _("Equally important positive and negative developments")
    SOMEWHAT_WORSE = "somewhat_worse", _("Somewhat worse")
    MUCH_WORSE = "much_worse", _("Much worse")
    NOT_KNOWN = "not_known", _("Not known")


IMPROVEMENT = frozenset({CaseDevelopment.MUCH_BETTER, CaseDevelopment.SOMEWHAT_BETTER})


class PerceivedImpact(models.TextChoices):
    DEFINITELY_YES = "definitely_yes", _("Definitely yes")
    PROBABLY_YES = "probably_yes", _("Probably yes")
    PROBABLY_NOT = "probably_not", _("Probably not")
    DEFINITELY_NOT = "definitely_not", _("Definitely not")
    DO_NOT_KNOW = "do_not_know", _("I do not know")


class AssessmentSource(models.TextChoices):
    SURVEY = "survey", _("Survey of the original source")
    DESK = "desk", _("Desk research")


class InformationLevel(models.TextChoices):
    COMPLETE = "complete", _("Complete or good")
    LIMITED = "limited", _("Limited")


class Channel(models.TextChoices):
    """How an assessment reached spcomms."""

    QUESTIONNAIRE = "questionnaire", _("The source's questionnaire on its status page")
    PAGE = "page", _("Recorded by staff or a researcher on the follow-up page")
    IMPORT = "import", _("Imported from a file")


class Assessment(models.Model):
    case = models.ForeignKey(
        "communications.CommunicationPerson",
        verbose_name=_("person in a communication"),
        on_delete=models.CASCADE,
        related_name="assessments",
    )
    period_months = models.PositiveSmallIntegerField(_("months after the communication"))
    development = models.CharField(
        _("case development"), max_length=16, choices=CaseDevelopment.choices
    )
    source = models.CharField(_("source"), max_length=8, choices=AssessmentSource.choices)
    information_level = models.CharField(
        _("information level"), max_length=8, choices=InformationLevel.choices
    )
    impact_attention = models.CharField(
        _("did international attention help"),
        max_length=16,
        choices=PerceivedImpact.choices,
        blank=True,
    )
    impact_communication = models.CharField(
        _("did the communication help"), max_length=16, choices=PerceivedImpact.choices, blank=True
    )
    negative_impact = models.BooleanField(_("negative impact (increased risk)"), default=False)
    comment = EncryptedTextField(_("comment"), blank=True, default="")
    basis = EncryptedTextField(
        _("basis"),
        blank=True,
        default="",
        help_text=_("What the assessment rests on: the reports, contacts or records consulted."),
    )
    channel = models.CharField(
        _("recorded through"), max_length=16, choices=Channel.choices, default=Channel.PAGE
    )
    submission = models.ForeignKey(
        "intake.Submission",
        verbose_name=_("answered by the source of"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="follow_up_answers",
    )
    assessed_on = models.DateField(_("assessed on"))
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
        verbose_name = _("assessment")
        verbose_name_plural = _("assessments")
        ordering = ["case", "period_months", "-recorded_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(period_months__gte=1, period_months__lte=120),
                name="assessment_period_plausible",
            ),
            models.CheckConstraint(
                condition=models.Q(development__in=CaseDevelopment.values),
                name="assessment_development_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(source__in=AssessmentSource.values),
                name="assessment_source_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(information_level__in=InformationLevel.values),
                name="assessment_information_level_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(impact_attention__in=[*PerceivedImpact.values, ""])
                & models.Q(impact_communication__in=[*PerceivedImpact.values, ""]),
                name="assessment_impact_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(channel__in=Channel.values), name="assessment_channel_valid"
            ),
            models.CheckConstraint(
                condition=~models.Q(channel=Channel.QUESTIONNAIRE)
                | models.Q(source=AssessmentSource.SURVEY),
                name="assessment_questionnaire_is_survey",
            ),
        ]
        indexes = [models.Index(fields=["case", "period_months", "recorded_at"])]

    def __str__(self) -> str:
        return f"assessment {self.pk} ({self.period_months} months)"

    @property
    def improved(self) -> bool | None:
        if self.development == CaseDevelopment.NOT_KNOWN:
            return None
        return self.development in IMPROVEMENT
