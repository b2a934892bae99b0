"""The staff sign-in form.

A wrong username or password is an error of the whole form, not of one field.
Screen readers still announce it from either field: each input names the form's
error message in its ``aria-describedby`` and says it is invalid.
"""

from __future__ import annotations

from django.contrib.auth.forms import AuthenticationForm
from django.forms import BoundField
from django.forms.widgets import Widget

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
