"""The public statistics page: the yearly communications figures for any period.

The figures are aggregates of sent communications (see docs/statistics.md); they
name no one. The form is read from the query string, so a period can be linked to.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django import forms
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_stubs_ext import StrOrPromise

from spcomms.communications.statistics import (
    CommunicationStatistics,
    Share,
    StatisticsRequestError,
    communications_statistics,
    last_complete_year,
)
from spcomms.reference.models import Mandate

FIELDS = ("from", "to", "mandate")
ISO_DATE = "%Y-%m-%d"


def _date_field(label: StrOrPromise, help_text: StrOrPromise) -> forms.DateField:
    return forms.DateField(
        label=label,
        help_text=help_text,
        input_formats=[ISO_DATE],
        widget=forms.DateInput(attrs={"type": "date"}, format=ISO_DATE),
        error_messages={
            "required": _("Enter a date."),
            "invalid": _("Enter a date as YYYY-MM-DD, for example 2015-11-30."),
        },
    )


class StatisticsForm(forms.Form):
    """The period (``from``, ``to``: whole UTC days, both included) and an optional mandate."""

    def __init__(self, *args: Any, mandates: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # "from" is a Python keyword, so the fields are added here rather than declared.
        self.fields["from"] = _date_field(_("From"), _("First day, included."))
        self.fields["to"] = _date_field(_("To"), _("Last day, included."))
        self.fields["mandate"] = forms.ChoiceField(
            label=_("Mandate"),
            required=False,
            choices=[("", _("All mandates")), *mandates],
            help_text=_("Communications the mandate led or joined."),
            error_messages={"invalid_choice": _("Choose a mandate from the list.")},
        )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        start, end = cleaned.get("from"), cleaned.get("to")
        if start and end and start > end:
            self.add_error("to", _("The last day must not come before the first day."))
        return cleaned


def _defaults(year: int) -> dict[str, str]:
    return {"from": f"{year:04d}-01-01", "to": f"{year:04d}-12-31", "mandate": ""}


@dataclass(frozen=True)
class Split:
    """One table of shares on the page."""

    key: str
    caption: StrOrPromise
    note: StrOrPromise
    heading: StrOrPromise
    shares: tuple[Share, ...]


def _splits(figures: CommunicationStatistics) -> list[Split]:
    return [
        Split(
            key="by-region",
            caption=_("By region"),
            note=_(
                "Each communication counts once: in the region of the first State it was "
                "addressed to, or as a business enterprise when it was addressed to one and to "
                "no State."
            ),
            heading=_("Region"),
            shares=figures.by_region,
        ),
        Split(
            key="by-type",
            caption=_("By type"),
            note="",
            heading=_("Type"),
            shares=figures.by_type,
        ),
    ]


def statistics(request: HttpRequest) -> HttpResponse:
    mandates = sorted(
        ((mandate.code, mandate.name) for mandate in Mandate.objects.all()),
        key=lambda choice: choice[1].casefold(),
    )
    data = _defaults(last_complete_year(today=timezone.now().date()))
    data.update({name: request.GET[name] for name in FIELDS if name in request.GET})
    form = StatisticsForm(data, mandates=mandates)
    figures: CommunicationStatistics | None = None
    if form.is_valid():
        start: dt.date = form.cleaned_data["from"]
        end: dt.date = form.cleaned_data["to"]
        mandate: str = form.cleaned_data["mandate"]
        try:
            # Public figures count only the published record: a letter still within its
            # deadline must not show, even as a count on a one-day period.
            figures = communications_statistics(
                start=start, end=end, mandate=mandate or None, published_only=True
            )
        except StatisticsRequestError as error:
            form.add_error(None, str(error))
    names = dict(mandates)
    return render(
        request,
        "publication/statistics.html",
        {
            "form": form,
            "statistics": figures,
            "splits": _splits(figures) if figures is not None else [],
            "mandate_name": names.get(figures.mandate) if figures and figures.mandate else None,
        },
        status=200 if figures is not None else 400,
    )
