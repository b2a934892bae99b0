"""Security headers on every response.

The Content-Security-Policy admits only this server's own scripts, styles and
images: nothing is ever loaded from another origin, and no inline script runs.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)
PERMISSIONS_POLICY = "camera=(), microphone=(), geolocation=(), payment=(), usb=()"


class SecurityHeadersMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        response.headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        response.headers.setdefault("Cross-Origin-Resource-Policy", "same-origin")
        if "Server" in response.headers:
            del response.headers["Server"]
        return response


class PlainHttpApiRefusal:
    """Under TLS, an API request over plain HTTP is refused (403), not redirected: a client
    set up with an http:// address then fails at once and visibly, rather than sending each
    request in clear and being quietly redirected (pages still redirect, for people)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        tls = bool(getattr(settings, "TLS", False))
        if tls and not request.is_secure() and request.path.startswith("/api/"):
            return JsonResponse(
                {"detail": "This API answers over HTTPS only: use https:// in its address."},
                status=403,
            )
        return self.get_response(request)
