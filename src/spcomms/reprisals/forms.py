"""Forms of the reprisal register: the list's filters and an allegation's every field.

They check shape only (a date, a choice among those offered, a reference that
exists); ``spcomms.reprisals.services`` checks the right and the rules between fields.
Linked records are typed by the identifier staff see on their pages: a person's
pseudonymous key, a communication's reference, a submission's identifier.
"""

from __future__ import annotations

import datetime as dt
import re
import uuid
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext_lazy as _

from spcomms.cases.models import Person, PersonKind
from spcomms.communications.forms import country_filter
from spcomms.communications.models import Communication
from spcomms.intake.models import Submission
from spcomms.reference.models import Country, PerpetratorType, ViolationType
from spcomms.reprisals.models import Cooperation, ReprisalAllegation, ReprisalStatus
from spcomms.reprisals.services import MAX_TEXT, AllegationValues
from spcomms.visits.models import VisitRequest

REFERENCE = re.compile(r"^\s*(UA|AL|OL)\s+([A-Z]{3})\s+(\d{1,6})\s*/\s*(\d{4})\s*$", re.I)
TEXTAREA = forms.Textarea(attrs={"rows": 5})
FIRST_YEAR = 1990


class FilterForm(forms.Form):
    """Narrows the register; every field is optional."""

    country = country_filter()
    year = forms.IntegerField(
        label=_("Year reported"), required=False, min_value=FIRST_YEAR, max_value=2100
    )
    status = forms.ChoiceField(
        label=_("Status"), choices=[("", _("Any")), *ReprisalStatus.choices], required=False
    )
    cooperation = forms.ChoiceField(
        label=_("Cooperation"), choices=[("", _("Any")), *Cooperation.choices], required=False
    )


def communication_by_reference(text: str) -> Communication | None:
    """The sent communication with this reference (``UA CHN 5/2016``), or None."""
    found = REFERENCE.match(text or "")
    if found is None:
        return None
    kind, code, number, year = found.groups()
    return Communication.objects.filter(
        type=kind.upper(), ref_code=code.upper(), ref_number=int(number), ref_year=int(year)
    ).first()


class ReferenceField(forms.CharField):
    """A sent communication, typed as its reference."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("max_length", 40)
        kwargs.setdefault("required", False)
        kwargs.setdefault("help_text", _("Its reference, such as UA CHN 5/2016."))
        super().__init__(**kwargs)

    def clean(self, value: Any) -> Any:
        text = super().clean(value)
        if not text:
            return None
        communication = communication_by_reference(text)
        if communication is None:
            raise forms.ValidationError(
                _("No sent communication has this reference. Check it, e.g. UA CHN 5/2016.")
            )
        return communication


class KeyField(forms.CharField):
    """A record typed as its UUID (a person's key, a submission's identifier)."""

    def __init__(self, *, model: type[Person] | type[Submission], lookup: str, **kwargs: Any):
        self.model, self.lookup = model, lookup
        kwargs.setdefault("max_length", 40)
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)

    def clean(self, value: Any) -> Any:
        text = super().clean(value)
        if not text:
            return None
        try:
            key = uuid.UUID(text.strip())
        except ValueError as bad:
            raise forms.ValidationError(
                _("This is not an identifier: copy it from the record's page.")
            ) from bad
        found = self.model.objects.filter(**{self.lookup: key}).first()
        if found is None:
            raise forms.ValidationError(_("No record has this identifier."))
        return found


class AllegationForm(forms.Form):
    """Every field of an allegation, in the order of the register."""

    person = KeyField(
        model=Person,
        lookup="key",
        label=_("Person or organisation (their key)"),
        help_text=_("The pseudonymous key shown on the person's file; leave empty if none."),
    )
    subject_kind = forms.ChoiceField(
        label=_("Kind of person or organisation"), choices=PersonKind.choices
    )
    country = forms.ModelChoiceField(
        label=_("State"),
        queryset=Country.objects.all(),
        to_field_name="iso3",
        error_messages={"required": _("Choose the State where the reprisal took place.")},
    )
    occurred_on = forms.DateField(
        label=_("Occurred on"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("Leave empty if not known."),
    )
    reported_on = forms.DateField(
        label=_("Reported on"), widget=forms.DateInput(attrs={"type": "date"})
    )
    cooperation = forms.ChoiceField(label=_("Cooperation it followed"), choices=Cooperation.choices)
    submission = KeyField(
        model=Submission,
        lookup="public_id",
        label=_("Submission it followed (its identifier)"),
    )
    communication = ReferenceField(label=_("Communication it followed"))
    visit = forms.ModelChoiceField(
        label=_("Country visit it followed"),
        queryset=VisitRequest.objects.select_related("country", "mandate").order_by(
            "-requested_on"
        ),
        required=False,
    )
    council_session = forms.CharField(
        label=_("Council session"),
        max_length=60,
        required=False,
        help_text=_("For cooperation with a Human Rights Council session, e.g. HRC 52."),
    )
    acts = forms.ModelMultipleChoiceField(
        label=_("Type of act"),
        queryset=ViolationType.objects.all(),
        to_field_name="code",
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    perpetrators = forms.ModelMultipleChoiceField(
        label=_("Perpetrators"),
        queryset=PerpetratorType.objects.all(),
        to_field_name="code",
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    description = forms.CharField(
        label=_("Description (internal)"),
        max_length=MAX_TEXT,
        required=False,
        widget=TEXTAREA,
        help_text=_("Encrypted; never published or exported."),
    )
    summary = forms.CharField(
        label=_("Summary for the Secretary-General's report"),
        max_length=MAX_TEXT,
        required=False,
        widget=TEXTAREA,
        help_text=_(
            "Written to be shared: no name, place or detail that identifies anyone who has "
            "not consented to be named in public."
        ),
    )
    action_communication = ReferenceField(label=_("Communication sent about it"))
    raised_with_senior_official = forms.BooleanField(
        label=_("Raised with the UN's senior official on reprisals"), required=False
    )
    sg_report_year = forms.IntegerField(
        label=_("Included in the Secretary-General's report of (year)"),
        required=False,
        min_value=FIRST_YEAR,
        max_value=2100,
    )
    government_response = forms.CharField(
        label=_("The government's response"),
        max_length=MAX_TEXT,
        required=False,
        widget=TEXTAREA,
    )
    status = forms.ChoiceField(label=_("Status"), choices=ReprisalStatus.choices)
    version = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["visit"].label_from_instance = _visit_label  # type: ignore[attr-defined]  # a ModelChoiceField

    def clean_reported_on(self) -> Any:
        reported = self.cleaned_data["reported_on"]
        if reported > timezone.now().date():
            raise forms.ValidationError(_("The date of the report cannot be in the future."))
        return reported

    def values(self) -> AllegationValues:
        data = self.cleaned_data
        return AllegationValues(
            country=data["country"],
            reported_on=data["reported_on"],
            cooperation=data["cooperation"],
            status=data["status"],
            person=data.get("person"),
            subject_kind=data["subject_kind"],
            occurred_on=data.get("occurred_on"),
            council_session=data.get("council_session", "").strip(),
            submission=data.get("submission"),
            communication=data.get("communication"),
            visit=data.get("visit"),
            acts=list(data.get("acts") or []),
            perpetrators=list(data.get("perpetrators") or []),
            description=data.get("description", ""),
            summary=data.get("summary", ""),
            action_communication=data.get("action_communication"),
            raised_with_senior_official=bool(data.get("raised_with_senior_official")),
            sg_report_year=data.get("sg_report_year"),
            government_response=data.get("government_response", ""),
        )


def _visit_label(visit: VisitRequest) -> str:
    return f"{visit.country.name} · {visit.mandate.code} · {visit.requested_on:%Y-%m-%d}"


def initial_for(allegation: ReprisalAllegation) -> dict[str, Any]:
    """The form's starting values for an existing allegation."""
    return {
        "person": allegation.person.key if allegation.person else "",
        "subject_kind": allegation.subject_kind,
        "country": allegation.country.iso3 if allegation.country else None,
        "occurred_on": allegation.occurred_on,
        "reported_on": allegation.reported_on,
        "cooperation": allegation.cooperation,
        "submission": allegation.submission.public_id if allegation.submission else "",
        "communication": allegation.communication.reference if allegation.communication else "",
        "visit": allegation.visit_id,
        "council_session": allegation.council_session,
        "acts": [term.code for term in allegation.acts.all()],
        "perpetrators": [term.code for term in allegation.perpetrators.all()],
        "description": allegation.description,
        "summary": allegation.summary,
        "action_communication": allegation.action_communication.reference
        if allegation.action_communication
        else "",
        "raised_with_senior_official": allegation.raised_with_senior_official,
        "sg_report_year": allegation.sg_report_year,
        "government_response": allegation.government_response,
        "status": allegation.status,
        "version": allegation.updated_at.isoformat(),
    }


def parse_version(text: str) -> dt.datetime | None:
    """The ``updated_at`` a form was opened at, or None if it carries none or a bad one."""
    try:
        return parse_datetime(text) if text else None
    except ValueError:
        return None
