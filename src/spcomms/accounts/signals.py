"""The two sign-in signals the accounts app listens to, connected in ``AccountsConfig.ready``.

They are the one place every sign-in path passes (the sign-in page, the admin
site's form, the test client), so the session state and the failure count do
not depend on which form was used.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from spcomms.accounts.models import User
from spcomms.accounts.signin import session_signed_in
from spcomms.accounts.throttle import signin_failure_record
from spcomms.audit.services import audit_record


def on_user_logged_in(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    if request is not None and isinstance(user, User):
        session_signed_in(request, user)


def on_user_login_failed(
    sender: Any, credentials: dict[str, Any], request: HttpRequest | None = None, **kwargs: Any
) -> None:
    username = credentials.get(User.USERNAME_FIELD)
    name = username if isinstance(username, str) else None
    signin_failure_record(request, name)
    account = User.objects.filter(username=name).first() if name else None
    if account is not None:
        audit_record(actor=None, action="signin.failed", obj=account, step="password")
