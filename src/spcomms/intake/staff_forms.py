"""Forms of the staff's triage pages: the inbox filters and each action on a submission.

They check shape only (required, length, a choice among those offered); the services
in ``spcomms.intake.services`` check the right and the workflow.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from spcomms.accounts.models import Role, User
from spcomms.communications.forms import country_filter
from spcomms.intake.models import Language, SubmissionStatus
from spcomms.intake.services import MAX_TEXT, STAFF_STATUSES
from spcomms.reference.models import Country, Mandate

OPEN = "open"
ALL = "all"
ASSIGNED_TO_ME = "me"
UNASSIGNED = "none"


class InboxFilterForm(forms.Form):
    """Narrows the inbox; every field is optional and the default shows open submissions."""

    status = forms.ChoiceField(
        label=_("Status"),
        choices=[(OPEN, _("Open")), (ALL, _("Any")), *SubmissionStatus.choices],
        required=False,
    )
    mandate = forms.ModelChoiceField(
        label=_("Mandate wished"),
        queryset=Mandate.objects.order_by("code"),
        required=False,
        empty_label=_("Any"),
        to_field_name="code",
    )
    country = country_filter()
    language = forms.ChoiceField(
        label=_("Language"), choices=[("", _("Any")), *Language.choices], required=False
    )
    assigned = forms.ChoiceField(
        label=_("Assigned"),
        choices=[
            ("", _("Anyone or no one")),
            (ASSIGNED_TO_ME, _("Assigned to me")),
            (UNASSIGNED, _("Unassigned")),
        ],
        required=False,
    )


def colleagues() -> Any:
    """The people a submission may be assigned to: active secretariat officers."""
    return User.objects.filter(role=Role.SECRETARIAT, is_active=True).order_by("username")


class ColleagueChoiceField(forms.ModelChoiceField[User]):
    def label_from_instance(self, obj: User) -> str:
        return obj.get_full_name() or obj.username


class AssignForm(forms.Form):
    assignee = ColleagueChoiceField(
        label=_("Assign to"),
        queryset=User.objects.none(),
        required=False,
        empty_label=_("No one"),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["assignee"]
        assert isinstance(field, ColleagueChoiceField)  # noqa: S101  # declared above
        field.queryset = colleagues()


def _text(label: Any, *, required: bool = True, help_text: Any = "", rows: int = 5) -> Any:
    return forms.CharField(
        label=label,
        required=required,
        max_length=MAX_TEXT,
        strip=False,
        help_text=help_text,
        widget=forms.Textarea(attrs={"rows": rows}),
        error_messages={
            "required": _("Write something here."),
            "max_length": _("Keep it under 20,000 characters."),
        },
    )


class MessageForm(forms.Form):
    body = _text(_("Message to the source"))

    def clean_body(self) -> str:
        body: str = self.cleaned_data["body"]
        if not body.strip():
            raise forms.ValidationError(_("Write your message."))
        return body


class InfoRequestForm(forms.Form):
    body = _text(
        _("What the source should add"),
        help_text=_("The source's status page then says that more information is requested."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        # The message form on the same page also has a ``body``: ids of their own keep
        # each label, error and description tied to its own box.
        kwargs.setdefault("auto_id", "id_info_%s")
        super().__init__(*args, **kwargs)

    def clean_body(self) -> str:
        body: str = self.cleaned_data["body"]
        if not body.strip():
            raise forms.ValidationError(_("Say what information is needed."))
        return body


class StatusForm(forms.Form):
    to_status = forms.ChoiceField(label=_("New status"), choices=())

    def __init__(self, *args: Any, present: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        allowed = STAFF_STATUSES.get(SubmissionStatus(present), set())
        field = self.fields["to_status"]
        assert isinstance(field, forms.ChoiceField)  # noqa: S101  # declared above
        field.choices = [
            (value, label) for value, label in SubmissionStatus.choices if value in allowed
        ]


class NoActionForm(forms.Form):
    internal_reason = _text(
        _("Why no action is taken (kept internal)"),
        help_text=_("Only staff read this reason."),
        rows=4,
    )
    reason_for_source = _text(
        _("Reason for the source (optional)"),
        required=False,
        help_text=_("Shown on the source's status page."),
        rows=4,
    )

    def clean_internal_reason(self) -> str:
        reason: str = self.cleaned_data["internal_reason"]
        if not reason.strip():
            raise forms.ValidationError(_("Say why no action is taken."))
        return reason


class CaseFileForm(forms.Form):
    country = forms.ModelChoiceField(
        label=_("Country of the case file"),
        queryset=Country.objects.all(),
        to_field_name="iso3",
        error_messages={"required": _("Choose the country of the case file.")},
    )
    summary = _text(
        _("Summary (optional)"),
        required=False,
        help_text=_("For staff: what the case file is about."),
        rows=4,
    )
