"""Django's password check, refused while sign-in is paused for the account or the client.

Every sign-in form goes through it, the admin site's included, so no form can
be used to guess past the pause. The sign-in page checks the pause first and
says why; other forms only say that the sign-in failed.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest

from spcomms.accounts.models import User
from spcomms.accounts.throttle import signin_pause


class ThrottledModelBackend(ModelBackend):
    def authenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> User | None:
        name = username if username is not None else kwargs.get(User.USERNAME_FIELD)
        if signin_pause(request, name if isinstance(name, str) else None) is not None:
            # Django's authenticate() stops at this and reports a failed sign-in.
            raise PermissionDenied
        return super().authenticate(request, username=username, password=password, **kwargs)
