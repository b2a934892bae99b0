"""Forms of the staff visit pages: they parse input; ``spcomms.visits.services`` decides."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _
from django_stubs_ext import StrOrPromise

from spcomms.communications.forms import country_filter
from spcomms.reference.models import Country, Mandate
from spcomms.visits.models import RecommendationStatus, VisitRequest, VisitStatus
from spcomms.visits.services import (
    NOTE_LENGTH,
    RECOMMENDATION_LENGTH,
    REPORT_SYMBOL_LENGTH,
    URL_LENGTH,
    steps_allowed,
)


def _date(
    label: StrOrPromise, *, required: bool = True, help_text: StrOrPromise = ""
) -> forms.DateField:
    return forms.DateField(
        label=label,
        required=required,
        help_text=help_text,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"invalid": _("Give a date as YYYY-MM-DD.")},
    )


def _note() -> forms.CharField:
    return forms.CharField(
        label=_("Staff note"),
        required=False,
        max_length=NOTE_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("For staff only, never published. Do not name people at risk."),
    )


class FilterForm(forms.Form):
    mandate = forms.ModelChoiceField(
        label=_("Mandate"),
        queryset=Mandate.objects.all(),
        required=False,
        empty_label=_("Any"),
        to_field_name="code",
    )
    country = country_filter()
    status = forms.ChoiceField(
        label=_("Status"), choices=[("", _("Any")), *VisitStatus.choices], required=False
    )
    year = forms.IntegerField(
        label=_("Year requested"), min_value=1980, max_value=2100, required=False
    )


class RequestForm(forms.Form):
    mandate = forms.ModelChoiceField(label=_("Mandate"), queryset=Mandate.objects.all())
    country = forms.ModelChoiceField(label=_("State"), queryset=Country.objects.all())
    requested_on = _date(_("Requested on"))
    note = _note()


class StepForm(forms.Form):
    status = forms.ChoiceField(label=_("Step"), choices=())
    on = _date(
        _("On"),
        required=False,
        help_text=_("The day of the step. For a visit carried out, its last day counts."),
    )
    start_date = _date(
        _("First day of the visit"),
        required=False,
        help_text=_("With “Dates proposed” and “Carried out” only."),
    )
    end_date = _date(_("Last day of the visit"), required=False)
    note = _note()

    def __init__(self, *args: Any, visit: VisitRequest, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["status"]
        assert isinstance(field, forms.ChoiceField)  # noqa: S101  # declared just above
        field.choices = [
            (step.value, _("Request renewed") if step == VisitStatus.REQUESTED else step.label)
            for step in steps_allowed(visit)
        ]


class LinksForm(forms.Form):
    # Plain text fields: the service checks the addresses (http and https only), so
    # every bad address gets the same message, and nothing is guessed.
    statement_url = forms.CharField(
        label=_("End-of-mission statement (web address)"), required=False, max_length=URL_LENGTH
    )
    report_symbol = forms.CharField(
        label=_("Report symbol"),
        required=False,
        max_length=REPORT_SYMBOL_LENGTH,
        help_text=_("Such as A/HRC/31/55/Add.2."),
    )
    report_url = forms.CharField(
        label=_("Report (web address)"), required=False, max_length=URL_LENGTH
    )


class RecommendationForm(forms.Form):
    text = forms.CharField(
        label=_("Recommendation"),
        max_length=RECOMMENDATION_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("As the report words it. Kept encrypted; the public sees only counts."),
    )
    status = forms.ChoiceField(
        label=_("Follow-up status"),
        choices=RecommendationStatus.choices,
        initial=RecommendationStatus.NOT_ASSESSED,
    )
    reviewed_on = _date(_("Reviewed on"), required=False)


class ReviewForm(forms.Form):
    status = forms.ChoiceField(label=_("Follow-up status"), choices=RecommendationStatus.choices)
    reviewed_on = _date(_("Reviewed on"), required=False)


class ExtendForm(forms.Form):
    country = forms.ModelChoiceField(label=_("State"), queryset=Country.objects.all())
    extended_on = _date(_("Extended on"))


class WithdrawForm(forms.Form):
    withdrawn_on = _date(_("Withdrawn on"))
