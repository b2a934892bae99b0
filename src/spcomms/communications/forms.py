"""Forms of the staff communication pages: they parse input; the services decide."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from spcomms.cases.models import CaseFile, CaseFileStatus, Person
from spcomms.communications.models import (
    Communication,
    CommunicationPerson,
    CommunicationStatus,
    CommunicationType,
    NonStateActor,
)
from spcomms.intake.models import Language
from spcomms.reference.models import Country, Mandate, PerpetratorType, ReplyClass, ViolationType

KEY = re.compile(r"^[0-9a-f]{32}$")


class PersonChoiceField(forms.ModelChoiceField[Person]):
    """Staff see names here: the page is for the secretariat only."""

    def label_from_instance(self, obj: Person) -> str:
        return f"{obj.name} ({obj.key.hex[:8]})"


class NamedChoiceField(forms.ModelMultipleChoiceField[CommunicationPerson]):
    def label_from_instance(self, obj: CommunicationPerson) -> str:
        return str(obj.person.name)


class CommunicationForm(forms.Form):
    type = forms.ChoiceField(label=_("Type"), choices=CommunicationType.choices)
    subject = forms.CharField(
        label=_("Subject"),
        max_length=300,
        help_text=_("A short public title that names no one."),
    )
    language = forms.ChoiceField(label=_("Language of the letter"), choices=Language.choices)
    lead_mandate = forms.ModelChoiceField(label=_("Lead mandate"), queryset=Mandate.objects.all())
    joined_mandates = forms.ModelMultipleChoiceField(
        label=_("Joining mandates"), queryset=Mandate.objects.all(), required=False
    )
    addressee_states = forms.ModelMultipleChoiceField(
        label=_("Addressed States"),
        queryset=Country.objects.all(),
        required=False,
        help_text=_("The first State gives the reference its code."),
    )
    addressee_non_state = forms.ModelMultipleChoiceField(
        label=_("Addressed non-State actors"),
        queryset=NonStateActor.objects.all(),
        required=False,
    )
    copied_states = forms.ModelMultipleChoiceField(
        label=_("States in copy"), queryset=Country.objects.all(), required=False
    )
    facts = forms.CharField(
        label=_("Facts"),
        widget=forms.Textarea(attrs={"rows": 8}),
        required=False,
        help_text=_("Write a named person as [[person:KEY]]; the letter shows the name."),
    )
    norms = forms.CharField(
        label=_("Applicable norms"), widget=forms.Textarea(attrs={"rows": 4}), required=False
    )
    concerns = forms.CharField(
        label=_("Concerns"), widget=forms.Textarea(attrs={"rows": 4}), required=False
    )
    questions = forms.CharField(
        label=_("Questions"), widget=forms.Textarea(attrs={"rows": 4}), required=False
    )
    concerns_reprisal = forms.BooleanField(
        label=_("About a reprisal for cooperation"), required=False
    )

    @staticmethod
    def initial_for(communication: Communication) -> dict[str, Any]:
        links = list(communication.mandate_links.select_related("mandate"))
        addressees = list(communication.addressees.all())
        return {
            "type": communication.type,
            "subject": communication.subject,
            "language": communication.language,
            "lead_mandate": next((link.mandate for link in links if link.is_lead), None),
            "joined_mandates": [link.mandate for link in links if not link.is_lead],
            "addressee_states": [
                a.country_id for a in addressees if a.country_id and not a.is_copy
            ],
            "addressee_non_state": [
                a.non_state_actor_id for a in addressees if a.non_state_actor_id
            ],
            "copied_states": [a.country_id for a in addressees if a.country_id and a.is_copy],
            "facts": communication.facts,
            "norms": communication.norms,
            "concerns": communication.concerns,
            "questions": communication.questions,
            "concerns_reprisal": communication.concerns_reprisal,
        }


class NamePersonForm(forms.Form):
    person = PersonChoiceField(
        label=_("Person from the case files"), queryset=Person.objects.none(), required=False
    )
    key = forms.CharField(
        label=_("Or the person's pseudonymous key"),
        max_length=40,
        required=False,
        help_text=_("32 letters and digits, as shown on the person's record."),
    )
    violations = forms.ModelMultipleChoiceField(
        label=_("Violations"), queryset=ViolationType.objects.filter(active=True), required=False
    )
    perpetrators = forms.ModelMultipleChoiceField(
        label=_("Perpetrators"),
        queryset=PerpetratorType.objects.filter(active=True),
        required=False,
    )

    def __init__(self, *args: Any, communication: Communication, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["person"]
        assert isinstance(field, forms.ModelChoiceField)  # noqa: S101  # declared just above
        field.queryset = Person.objects.filter(
            case_entries__case_file__communications=communication
        ).distinct()

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        chosen = cleaned.get("person")
        key = (cleaned.get("key") or "").strip().lower().replace("-", "")
        if chosen is None and not key:
            raise forms.ValidationError(_("Choose a person or give their pseudonymous key."))
        if chosen is None:
            if not KEY.match(key):
                self.add_error("key", _("A key is 32 letters (a to f) and digits."))
                return cleaned
            found = Person.objects.filter(key=key).first()
            if found is None:
                self.add_error("key", _("No person has this key. Check it on their record."))
                return cleaned
            cleaned["person"] = found
        return cleaned


class ApproveForm(forms.Form):
    mandate = forms.ModelChoiceField(
        label=_("Mandate"), queryset=Mandate.objects.none(), empty_label=None
    )

    def __init__(self, *args: Any, mandates: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["mandate"]
        assert isinstance(field, forms.ModelChoiceField)  # noqa: S101  # declared just above
        field.queryset = mandates


class SendForm(forms.Form):
    reply_hours = forms.IntegerField(
        label=_("Reply period in hours (other letters only)"),
        min_value=1,
        required=False,
        help_text=_("Leave empty for 60 days. An other letter may ask for 48 hours to 60 days."),
    )

    def reply_period(self) -> dt.timedelta | None:
        hours = self.cleaned_data.get("reply_hours")
        return None if hours is None else dt.timedelta(hours=hours)


class WithholdForm(forms.Form):
    reason = forms.CharField(
        label=_("Why it is withheld from publication"), widget=forms.Textarea(attrs={"rows": 3})
    )


def country_filter() -> forms.ModelChoiceField[Country]:
    """An optional country, by its alpha-3 code, for the filters of staff lists."""
    return forms.ModelChoiceField(
        label=_("Country"),
        queryset=Country.objects.all(),
        required=False,
        empty_label=_("Any"),
        to_field_name="iso3",
    )


class CaseFileFilterForm(forms.Form):
    """Narrows the case files listed on the page that takes them into a draft."""

    country = country_filter()
    status = forms.ChoiceField(
        label=_("Status"), choices=[("", _("Any")), *CaseFileStatus.choices], required=False
    )


# The largest id a database column holds; a larger number typed in an address or a form
# would make the look-up itself fail (SQLite raises OverflowError) instead of matching nothing.
LARGEST_ID = 2**63 - 1


def _beyond_ids(value: object) -> bool:
    text = str(value).strip()
    return text.isdigit() and int(text) > LARGEST_ID


class CaseFilesField(forms.ModelMultipleChoiceField[CaseFile]):
    def clean(self, value: Any) -> QuerySet[CaseFile]:
        for pk in value if isinstance(value, list | tuple) else [value]:
            if _beyond_ids(pk):
                raise ValidationError(
                    self.error_messages["invalid_choice"],
                    code="invalid_choice",
                    params={"value": pk},
                )
        return super().clean(value)


class DraftChoiceField(forms.ModelChoiceField[Communication]):
    def to_python(self, value: Any) -> Communication | None:
        if _beyond_ids(value):
            raise ValidationError(self.error_messages["invalid_choice"], code="invalid_choice")
        return super().to_python(value)

    def label_from_instance(self, obj: Communication) -> str:
        return str(_("Draft %(number)s: %(subject)s") % {"number": obj.pk, "subject": obj.subject})


class CaseFilesForm(forms.Form):
    """Case files to take into a draft: a new one (with its essentials) or one that exists.

    ``into`` accepts any communication the user may see, so that choosing one that
    is no longer a draft reaches the service and its refusal; the list offers drafts.
    """

    case_files = CaseFilesField(
        label=_("Case files"),
        queryset=CaseFile.objects.all(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": _("Choose at least one case file."),
            "invalid_choice": _(
                "There is no case file %(value)s. Choose among the case files listed."
            ),
            "invalid_pk_value": _(
                "%(pk)s is not the number of a case file. Choose among the case files listed."
            ),
        },
    )
    into = DraftChoiceField(
        label=_("Take them into"),
        queryset=Communication.objects.none(),
        required=False,
        empty_label=_("A new draft"),
        error_messages={
            "invalid_choice": _("There is no such draft. Choose a draft from the list."),
        },
    )
    type = forms.ChoiceField(
        label=_("Type"), choices=[("", "---------"), *CommunicationType.choices], required=False
    )
    subject = forms.CharField(
        label=_("Subject"),
        max_length=300,
        required=False,
        help_text=_("A short public title that names no one."),
    )
    language = forms.ChoiceField(
        label=_("Language of the letter"),
        choices=Language.choices,
        initial=Language.ENGLISH,
        required=False,
    )
    lead_mandate = forms.ModelChoiceField(
        label=_("Lead mandate"), queryset=Mandate.objects.all(), required=False
    )
    joined_mandates = forms.ModelMultipleChoiceField(
        label=_("Joining mandates"), queryset=Mandate.objects.all(), required=False
    )

    NEW_DRAFT_FIELDS = ("type", "subject", "language", "lead_mandate", "joined_mandates")

    def __init__(self, *args: Any, communications: QuerySet[Communication], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["into"]
        assert isinstance(field, DraftChoiceField)  # noqa: S101  # declared just above
        field.queryset = communications
        drafts = communications.filter(status=CommunicationStatus.DRAFT).order_by("-pk")
        assert isinstance(field.widget, forms.Select)  # noqa: S101  # a ModelChoiceField's own
        field.widget.choices = [
            ("", field.empty_label),
            *((draft.pk, field.label_from_instance(draft)) for draft in drafts),
        ]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("into") is None and "into" not in self.errors:
            needed = _("A new draft needs this.")
            for name in ("type", "subject", "lead_mandate"):
                value = cleaned.get(name)
                empty = not value or (isinstance(value, str) and not value.strip())
                if empty and name not in self.errors:
                    self.add_error(name, needed)
        return cleaned

    def new_draft(self) -> dict[str, Any]:
        """The keywords ``communication_draft`` takes from this form."""
        fields = {name: self.cleaned_data[name] for name in self.NEW_DRAFT_FIELDS}
        fields["language"] = fields["language"] or Language.ENGLISH
        return fields


class ReplyForm(forms.Form):
    received_on = forms.DateField(
        label=_("Received on"), widget=forms.DateInput(attrs={"type": "date"})
    )
    language = forms.CharField(
        label=_("Language of the reply"),
        max_length=8,
        help_text=_("ISO 639-1 code, such as en, fr, es, ru."),
    )
    document = forms.FileField(label=_("Document"), required=False)
    confidential = forms.BooleanField(
        label=_("The State asked that it stay confidential"), required=False
    )
    persons_addressed = NamedChoiceField(
        label=_("Persons addressed"),
        queryset=CommunicationPerson.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, communication: Communication, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["persons_addressed"]
        assert isinstance(field, forms.ModelMultipleChoiceField)  # noqa: S101  # declared above
        field.queryset = communication.named.select_related("person")


class ClassifyForm(forms.Form):
    reply_class = forms.ModelChoiceField(
        label=_("Class"), queryset=ReplyClass.objects.filter(active=True)
    )


class FilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Status"), choices=[("", _("Any")), *CommunicationStatus.choices], required=False
    )
    type = forms.ChoiceField(
        label=_("Type"), choices=[("", _("Any")), *CommunicationType.choices], required=False
    )
    mandate = forms.ModelChoiceField(
        label=_("Mandate"), queryset=Mandate.objects.all(), required=False, empty_label=_("Any")
    )
    year = forms.IntegerField(label=_("Year"), min_value=1980, max_value=2100, required=False)
