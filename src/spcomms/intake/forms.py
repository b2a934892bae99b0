"""The forms of the source's pages: the steps of the submission form and the status page.

Each step is a plain form; the answers of every step travel between requests in
the sealed draft (``spcomms.intake.tokens``), never in a database or a file.
Next to each answer that may go to a government stands a ``<answer>_ntt`` box:
"do not transmit this answer to the government".
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from spcomms.cases.models import ConsentGiver, Gender, PersonKind, PublicNaming
from spcomms.intake.models import Language, MessageKind, SenderKind
from spcomms.reference.models import Country, IssueArea, Mandate

YES_NO = [("yes", _("Yes")), ("no", _("No"))]
NTT_LABEL = _("Do not transmit this answer to the government")
TEXTAREA = forms.Textarea(attrs={"rows": 5, "cols": 60})
SHORT_TEXTAREA = forms.Textarea(attrs={"rows": 3, "cols": 60})


def _ntt() -> forms.BooleanField:
    return forms.BooleanField(label=NTT_LABEL, required=False)


class _TranslatedChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]  # stub generics
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.name)


class _TranslatedMultipleField(forms.ModelMultipleChoiceField):  # type: ignore[type-arg]  # stub generics
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.name)


class StepForm(forms.Form):
    """A step of the submission form; ``title`` heads its page."""

    title: Any = ""
    intro: Any = ""


class SenderForm(StepForm):
    title = _("Who is sending this information")
    intro = _(
        "Your identity and contact are never sent to the government. You may stay anonymous: "
        "then only your receipt code lets you follow your submission."
    )
    sender_kind = forms.ChoiceField(
        label=_("Who is sending it?"), choices=SenderKind.choices, widget=forms.RadioSelect
    )
    sender_name = forms.CharField(
        label=_("Your name or your organisation's name"),
        required=False,
        max_length=300,
        help_text=_("Leave empty if you send anonymously."),
    )
    sender_contact = forms.CharField(
        label=_("How can we reach you safely?"),
        required=False,
        max_length=500,
        widget=SHORT_TEXTAREA,
        help_text=_("An e-mail address, a phone number or another safe way. Optional."),
    )
    language = forms.ChoiceField(
        label=_("In which language should we write to you?"),
        choices=Language.choices,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["language"].initial = (get_language() or "en")[:2]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        kind = data.get("sender_kind")
        if kind == SenderKind.ANONYMOUS and (data.get("sender_name") or "").strip():
            self.add_error(
                "sender_name",
                _(
                    "You chose to send anonymously: leave your name empty, "
                    "or choose another answer."
                ),
            )
        if kind == SenderKind.THROUGH_ORGANISATION and not (data.get("sender_name") or "").strip():
            self.add_error(
                "sender_name", _("Give the name of the organisation that passes this on.")
            )
        return data


class UrgencyForm(StepForm):
    title = _("Is it urgent?")
    intro = _(
        "A case is urgent when a violation is happening now or about to happen, "
        "for example a detention, a threat or a trial date."
    )
    is_urgent = forms.ChoiceField(
        label=_("Is the situation urgent?"), choices=YES_NO, widget=forms.RadioSelect
    )
    urgency_reason = forms.CharField(
        label=_("Why is it urgent?"), required=False, max_length=20_000, widget=SHORT_TEXTAREA
    )
    urgency_reason_ntt = _ntt()
    act_before = forms.DateField(
        label=_("By what date should the experts act?"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("For example the date of a hearing or of an expulsion. Optional."),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("is_urgent") == "yes" and not (data.get("urgency_reason") or "").strip():
            self.add_error("urgency_reason", _("Say why it is urgent."))
        act_before = data.get("act_before")
        if act_before and act_before < dt.date.today():
            self.add_error("act_before", _("This date has already passed."))
        return data


class VictimForm(forms.Form):
    """One person, organisation, group or community concerned, and their consent."""

    name = forms.CharField(
        label=_("Name"),
        max_length=300,
        help_text=_("The full name, or the name of the group or organisation."),
    )
    kind = forms.ChoiceField(
        label=_("Is this a person, an organisation, a group or a community?"),
        choices=PersonKind.choices,
    )
    age = forms.IntegerField(label=_("Age"), required=False, min_value=0, max_value=130)
    gender = forms.ChoiceField(label=_("Gender"), choices=Gender.choices)
    origin = forms.CharField(label=_("Origin"), required=False, max_length=300)
    residence = forms.CharField(label=_("Place of residence"), required=False, max_length=300)
    issue_areas = _TranslatedMultipleField(
        label=_("What do they work on?"),
        queryset=IssueArea.objects.filter(active=True),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    consent_given_by = forms.ChoiceField(
        label=_("Who agreed to this submission?"),
        choices=[("", _("No one yet")), *ConsentGiver.choices],
        required=False,
    )
    consent_transmit = forms.ChoiceField(
        label=_("May the experts give this name to the government?"),
        choices=YES_NO,
        widget=forms.RadioSelect,
    )
    consent_public = forms.ChoiceField(
        label=_("How may the name appear in public reports?"),
        choices=[
            (PublicNaming.FULL, _("In full")),
            (PublicNaming.INITIALS, _("Initials only")),
            (PublicNaming.WITHHELD, _("Not at all")),
        ],
        widget=forms.RadioSelect,
    )
    consent_written = forms.BooleanField(label=_("Consent was given in writing"), required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("consent_public") in (PublicNaming.FULL, PublicNaming.INITIALS) and (
            data.get("consent_transmit") == "no"
        ):
            self.add_error(
                "consent_public",
                _("A name that may not go to the government cannot appear in public either."),
            )
        if data.get("consent_transmit") == "yes" and not data.get("consent_given_by"):
            self.add_error(
                "consent_given_by",
                _("Say who agreed that the name may be given to the government."),
            )
        return data


class EventsForm(StepForm):
    title = _("What happened")
    intro = _("Give dates and places as precisely as you safely can.")
    country = _TranslatedChoiceField(
        label=_("In which country did it happen?"), queryset=Country.objects.all()
    )
    incident_from = forms.DateField(
        label=_("When did it start?"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    incident_to = forms.DateField(
        label=_("When did it end?"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("Leave empty if it is still going on."),
    )
    facts = forms.CharField(label=_("What happened?"), max_length=20_000, widget=TEXTAREA)
    facts_ntt = _ntt()
    places = forms.CharField(
        label=_("Where did it happen?"), required=False, max_length=20_000, widget=SHORT_TEXTAREA
    )
    places_ntt = _ntt()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["country"]
        assert isinstance(field, forms.ModelChoiceField)  # noqa: S101  # declared above
        language = (get_language() or "en")[:2]
        field.queryset = Country.objects.order_by(
            f"name_{language}" if language in ("fr", "es") else "name_en"
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("incident_from"), data.get("incident_to")
        today = dt.date.today()
        if start and start > today:
            self.add_error("incident_from", _("This date is in the future."))
        if end and end > today:
            self.add_error("incident_to", _("This date is in the future."))
        if start and end and end < start:
            self.add_error("incident_to", _("The end cannot come before the start."))
        return data


class BackgroundForm(StepForm):
    title = _("Who did it, the context, and what was done")
    perpetrators = forms.CharField(
        label=_("Who is responsible?"),
        required=False,
        max_length=20_000,
        widget=SHORT_TEXTAREA,
        help_text=_("Names, functions, and why you think they acted, if known."),
    )
    perpetrators_ntt = _ntt()
    context = forms.CharField(
        label=_("What is the context?"),
        required=False,
        max_length=20_000,
        widget=SHORT_TEXTAREA,
        help_text=_("For example the laws that apply, or an election or a conflict."),
    )
    context_ntt = _ntt()
    action_taken = forms.CharField(
        label=_("What has already been done?"),
        required=False,
        max_length=20_000,
        widget=SHORT_TEXTAREA,
        help_text=_("Complaints, court cases, or other organisations you have told."),
    )
    action_taken_ntt = _ntt()


class RequestForm(StepForm):
    title = _("What should the experts do")
    requested_action = forms.CharField(
        label=_("What should the experts do or ask the government?"),
        required=False,
        max_length=20_000,
        widget=SHORT_TEXTAREA,
    )
    requested_action_ntt = _ntt()
    press_release_wanted = forms.ChoiceField(
        label=_("Do you want a press release?"), choices=YES_NO, widget=forms.RadioSelect
    )
    press_release_reason = forms.CharField(
        label=_("Why, or why not?"), required=False, max_length=20_000, widget=SHORT_TEXTAREA
    )
    press_release_reason_ntt = _ntt()
    mandates_wished = _TranslatedMultipleField(
        label=_("Which experts should act?"),
        queryset=Mandate.objects.filter(active=True),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Choose none if you do not know."),
    )
    joint_action_wished = forms.ChoiceField(
        label=_("Should several experts act together?"),
        choices=[("yes", _("Yes")), ("no", _("No")), ("", _("I do not know"))],
        required=False,
        widget=forms.RadioSelect,
    )
    joint_action_reason = forms.CharField(
        label=_("Why, or why not?"), required=False, max_length=20_000, widget=SHORT_TEXTAREA
    )
    joint_action_reason_ntt = _ntt()


class ReviewForm(StepForm):
    title = _("Files, review and send")
    intro = _(
        "You may add documents or pictures. We remove hidden information from them, such as "
        "the place a photo was taken, and tell you what was removed."
    )
    confirm = forms.BooleanField(
        label=_("The information I give is true to the best of my knowledge."),
    )


STEPS: list[tuple[str, type[StepForm]]] = [
    ("sender", SenderForm),
    ("urgency", UrgencyForm),
    ("victims", StepForm),
    ("events", EventsForm),
    ("background", BackgroundForm),
    ("request", RequestForm),
    ("review", ReviewForm),
]
VICTIMS_STEP = 2
MAX_VICTIMS = 20
FILE_SLOTS = 3


class StatusCodeForm(forms.Form):
    code = forms.CharField(
        label=_("Your receipt code"),
        max_length=60,
        help_text=_(
            "For example 7KQ2M-XW4RT-9PLMN-B3VHX-Q8ZTD. Capitals and dashes do not matter."
        ),
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )


class SourceMessageForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("What are you sending?"),
        choices=[
            (MessageKind.MESSAGE, _("A message")),
            (MessageKind.INFO_ADDED, _("More information")),
            (MessageKind.SITUATION_CHANGE, _("A change in the situation")),
            (MessageKind.REPRISAL, _("A reprisal: someone was punished for contacting the UN")),
        ],
        widget=forms.RadioSelect,
        initial=MessageKind.MESSAGE,
    )
    body = forms.CharField(label=_("Your message"), max_length=20_000, widget=TEXTAREA)
    file_not_to_transmit = forms.BooleanField(
        label=_("Do not transmit this file to the government"), required=False
    )
