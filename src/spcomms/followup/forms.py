"""The forms of the follow-up pages: list filters, a staff assessment, the source's answers."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from spcomms.communications.forms import country_filter
from spcomms.followup import schedule
from spcomms.followup.models import (
    AssessmentSource,
    CaseDevelopment,
    InformationLevel,
    PerceivedImpact,
)
from spcomms.followup.services import MAX_TEXT
from spcomms.reference.models import Mandate

TOO_LONG = _("Keep it under 20,000 characters.")


class FollowUpFilterForm(forms.Form):
    country = country_filter()
    mandate = forms.ModelChoiceField(
        label=_("Mandate"),
        queryset=Mandate.objects.all(),
        required=False,
        empty_label=_("Any"),
        to_field_name="code",
    )
    period = forms.TypedChoiceField(
        label=_("Months after sending"), required=False, coerce=int, empty_value=None
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        period = self.fields["period"]
        assert isinstance(period, forms.TypedChoiceField)  # noqa: S101  # declared above
        period.choices = [("", _("Any")), *((m, str(m)) for m in schedule.periods())]
        country = self.fields["country"]
        country.label = _("State")


class AssessmentForm(forms.Form):
    development = forms.ChoiceField(
        label=_("How did the situation develop within the period?"),
        choices=CaseDevelopment.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose how the situation developed.")},
    )
    source = forms.ChoiceField(
        label=_("Source"),
        choices=AssessmentSource.choices,
        initial=AssessmentSource.DESK,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose the source of the assessment.")},
    )
    information_level = forms.ChoiceField(
        label=_("Information level"),
        choices=InformationLevel.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose the information level.")},
    )
    basis = forms.CharField(
        label=_("Basis"),
        help_text=_(
            "What the assessment rests on: the reports, contacts or records consulted. Kept "
            "encrypted; never published."
        ),
        max_length=MAX_TEXT,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={
            "required": _(
                "Say what the assessment rests on: the reports, contacts or records consulted."
            ),
            "max_length": TOO_LONG,
        },
    )
    assessed_on = forms.DateField(
        label=_("Assessed on"),
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={
            "required": _("Give the date of the assessment."),
            "invalid": _("Write the date as YYYY-MM-DD."),
        },
    )
    impact_attention = forms.ChoiceField(
        label=_("Did international attention help? (optional)"),
        choices=[("", _("Not assessed")), *PerceivedImpact.choices],
        required=False,
    )
    impact_communication = forms.ChoiceField(
        label=_("Did the communication itself help? (optional)"),
        choices=[("", _("Not assessed")), *PerceivedImpact.choices],
        required=False,
    )
    negative_impact = forms.BooleanField(
        label=_("The attention had a negative impact (increased risk)"), required=False
    )
    comment = forms.CharField(
        label=_("Comment (optional)"),
        required=False,
        max_length=MAX_TEXT,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"max_length": TOO_LONG},
    )


IMPACT_ERRORS = {"required": _("Choose one of the answers.")}


class QuestionnaireForm(forms.Form):
    development = forms.ChoiceField(
        label=_("How did the situation of this person develop within this period?"),
        choices=CaseDevelopment.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose how the situation developed.")},
    )
    impact_attention = forms.ChoiceField(
        label=_("Did international attention to the case help?"),
        choices=PerceivedImpact.choices,
        widget=forms.RadioSelect,
        error_messages=IMPACT_ERRORS,
    )
    impact_communication = forms.ChoiceField(
        label=_("Did the experts' communication to the government help?"),
        choices=PerceivedImpact.choices,
        widget=forms.RadioSelect,
        error_messages=IMPACT_ERRORS,
    )
    negative_impact = forms.BooleanField(
        label=_(
            "The attention had a negative effect: for example, the risk to the person or to "
            "you increased"
        ),
        required=False,
    )
    comment = forms.CharField(
        label=_("Comments (optional)"),
        help_text=_("Only the experts' staff read it; it is stored encrypted and never published."),
        required=False,
        max_length=MAX_TEXT,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={"max_length": TOO_LONG},
    )
