"""Django's message storage with the cookie named as every other cookie of spcomms.

Under TLS the session, CSRF and language cookies take the `__Host-` prefix (settings.py), so that
a browser keeps them only when they come Secure, for the whole site and from this host. Django's
cookie storage of one-time notices has a fixed name, ``messages``; this storage gives it the same
prefix whenever the session cookie is Secure. The cookie is set with path ``/`` and no domain
(Django's storage passes SESSION_COOKIE_DOMAIN, which spcomms leaves unset), as the prefix needs.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.messages.storage.cookie import CookieStorage
from django.contrib.messages.storage.fallback import FallbackStorage
from django.contrib.messages.storage.session import SessionStorage


class PrefixedCookieStorage(CookieStorage):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        secure = bool(getattr(settings, "SESSION_COOKIE_SECURE", False))
        self.cookie_name = "__Host-messages" if secure else "messages"


class PrefixedFallbackStorage(FallbackStorage):
    """Notices in the prefixed cookie, and in the session when they do not fit in it."""

    storage_classes = (PrefixedCookieStorage, SessionStorage)
