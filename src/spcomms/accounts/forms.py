"""The sign-in forms: the password, then the code; and the enrolment of an authenticator app.

A wrong username or password is an error of the whole form, not of one field.
Screen readers still announce it from either field: each input names the form's
error message in its ``aria-describedby`` and says it is invalid.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.forms import BoundField
from django.forms.widgets import Widget
from django.utils.translation import gettext_lazy as _

from spcomms.accounts.throttle import Pause, signin_pause

FORM_ERROR_ID = "sign-in-error"

_Attrs = dict[str, str | bool]


class _SignInBoundField(BoundField):
    """A field that points at the form-wide error as well as at its own."""

    @property
    def aria_describedby(self) -> str | None:
        own = super().aria_describedby
        if not self.form.non_field_errors():
            return own
        return " ".join(part for part in (FORM_ERROR_ID, own) if part)

    def build_widget_attrs(self, attrs: _Attrs, widget: Widget | None = None) -> _Attrs:
        built = super().build_widget_attrs(attrs, widget)
        if self.form.is_bound and self.form.non_field_errors():
            built["aria-invalid"] = "true"
        return built


class SignInForm(AuthenticationForm):
    bound_field_class = _SignInBoundField
    pause: Pause | None = None

    def clean(self) -> dict[str, Any]:
        """Refuse every attempt, right or wrong, while sign-in is paused."""
        self.pause = signin_pause(self.request, self.cleaned_data.get("username"))
        if self.pause is not None:
            raise ValidationError(self.pause.message, code="throttled")
        return super().clean()


class SecondStepForm(forms.Form):
    code = forms.CharField(
        label=_("Code"),
        max_length=64,
        help_text=_(
            "The six digits your authenticator app shows now, or one of your recovery codes."
        ),
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "autocapitalize": "off", "spellcheck": "false"}
        ),
    )


class EnrolForm(forms.Form):
    code = forms.CharField(
        label=_("Code from the app"),
        max_length=16,
        help_text=_("The six digits the app shows for spcomms once it holds the key."),
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )
