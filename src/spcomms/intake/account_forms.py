"""The forms of an NGO's account: opening it, and closing it."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.forms import UserCreationForm
from django.utils.translation import gettext_lazy as _

from spcomms.accounts.models import User

MAX_ORGANISATION = 300


class OrganisationAccountForm(UserCreationForm):  # type: ignore[type-arg]  # stub generics
    """Organisation, username and password, checked by Django's password validators.

    Nothing is saved here: the view calls ``source_account_open``.
    """

    organisation = forms.CharField(
        label=_("Your organisation's name"),
        max_length=MAX_ORGANISATION,
        help_text=_(
            "Only the experts' staff see it, and it is stored encrypted. It is never sent to "
            "a government."
        ),
    )

    class Meta:
        model = User
        fields = ("organisation", "username")
        labels = {"username": _("Username")}
        help_texts = {
            "username": _(
                "The name you sign in with. It need not say who you are: choose one that does "
                "not name your organisation. Letters, digits and @ . + - _ only."
            )
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["username"].widget.attrs.pop("autofocus", None)
        self.fields["organisation"].widget.attrs.update({"autocomplete": "organization"})
        self.fields["password1"].help_text = _(
            "At least 12 characters, not a common password, not only digits, and not like your "
            "username. A phrase of several words is easy to remember."
        )

    def clean_organisation(self) -> str:
        name = str(self.cleaned_data["organisation"]).strip()
        if not name:
            raise forms.ValidationError(_("Give your organisation's name."), code="required")
        return name


class CloseAccountForm(forms.Form):
    password = forms.CharField(
        label=_("Your password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        help_text=_("To be sure it is you who closes the account."),
    )
    confirm = forms.BooleanField(
        label=_(
            "I understand: the account and its sign-in are deleted, and my submissions can "
            "then be followed only with their receipt codes."
        )
    )

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_password(self) -> str:
        password = str(self.cleaned_data["password"])
        if not self.user.check_password(password):
            raise forms.ValidationError(
                _("That is not your password. Type the password you sign in with."),
                code="wrong_password",
            )
        return password
