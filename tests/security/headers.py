"""The header and cookie rules every response of spcomms must meet (docs/security.md,
"Headers and cookies"): used by the page tests and by the authorization crawl."""

from __future__ import annotations

import re

from django.http.response import HttpResponseBase

from spcomms.core.headers import CONTENT_SECURITY_POLICY

# Settings must say SECURE_REFERRER_POLICY = "same-origin".
REFERRER_POLICY_REASON = (
    "Under Referrer-Policy no-referrer, browsers send `Origin: null` with every form POST "
    "(Fetch standard) and Django's CSRF check refuses it: nobody can sign in, sign out or "
    "change the language. same-origin still sends nothing to any other site."
)

HSTS = "max-age=31536000; includeSubDomains"
# A version number in a header that names software: "gunicorn/23.0", "Django 5.2".
_VERSION = re.compile(r"\d+\.\d+")


def csp_directives(header: str) -> dict[str, list[str]]:
    directives: dict[str, list[str]] = {}
    for part in header.split(";"):
        name, *values = part.split()
        directives[name] = values
    return directives


def header_problems(response: HttpResponseBase, *, tls: bool = False) -> list[str]:
    """What is wrong with the response's security headers; empty when all is well.

    A view may set a stricter Content-Security-Policy than the site's (the middleware
    keeps it), so the policy is checked by its rules, not by equality.
    """
    headers = response.headers
    problems: list[str] = []
    csp_header = headers.get("Content-Security-Policy")
    if not csp_header:
        problems.append("no Content-Security-Policy")
    else:
        csp = csp_directives(csp_header)
        if csp_header != CONTENT_SECURITY_POLICY:
            if csp.get("default-src") not in (["'self'"], ["'none'"]):
                problems.append(f"CSP default-src {csp.get('default-src')}")
        else:
            for name, wanted in [
                ("default-src", ["'self'"]),
                ("script-src", ["'self'"]),
                ("frame-ancestors", ["'none'"]),
                ("object-src", ["'none'"]),
            ]:
                if csp.get(name) != wanted:
                    problems.append(f"CSP {name} {csp.get(name)}")
        for values in csp.values():
            if "'unsafe-inline'" in values or "'unsafe-eval'" in values:
                problems.append("CSP allows unsafe-inline or unsafe-eval")
            if [value for value in values if "//" in value or value == "*"]:
                problems.append("CSP admits another origin")
    expected = {
        "X-Frame-Options": "DENY",
        "Referrer-Policy": "same-origin",
        "X-Content-Type-Options": "nosniff",
        "Cross-Origin-Opener-Policy": "same-origin",
    }
    for name, value in expected.items():
        if headers.get(name) != value:
            problems.append(f"{name}: {headers.get(name)!r}")
    for banner in ("Server", "X-Powered-By"):
        if banner in headers:
            problems.append(f"{banner} banner {headers[banner]!r}")
    for name, value in headers.items():
        if name.lower() in ("server", "x-powered-by", "via") or (
            _VERSION.search(value) and re.search(r"django|python|gunicorn|wsgi", value, re.I)
        ):
            problems.append(f"{name} names software: {value!r}")
    if tls and headers.get("Strict-Transport-Security") != HSTS:
        problems.append(f"Strict-Transport-Security: {headers.get('Strict-Transport-Security')!r}")
    return problems


def cookie_problems(response: HttpResponseBase, *, tls: bool) -> list[str]:
    """Every cookie the response sets is out of reach of scripts, sent to this site only
    (SameSite), and under TLS Secure with a `__Host-` or `__Secure-` name (a `__Host-` cookie for
    the whole site and this host only). A deleted cookie (empty, expired) is no exposure."""
    problems: list[str] = []
    for name, morsel in response.cookies.items():
        if morsel.value == "" and morsel["max-age"] == 0:
            continue
        if morsel["httponly"] is not True:
            problems.append(f"cookie {name} is not HttpOnly")
        if morsel["samesite"] not in ("Lax", "Strict"):
            problems.append(f"cookie {name} has SameSite {morsel['samesite']!r}")
        if tls and morsel["secure"] is not True:
            problems.append(f"cookie {name} is not Secure under TLS")
        if tls and not name.startswith(("__Host-", "__Secure-")):
            problems.append(f"cookie {name} has no __Host- or __Secure- prefix under TLS")
        if name.startswith("__Host-") and (morsel["path"] != "/" or morsel["domain"]):
            problems.append(f"cookie {name} breaks its __Host- prefix (path or domain)")
    return problems


def assert_safe_headers(response: HttpResponseBase) -> None:
    headers = response.headers
    assert headers["Content-Security-Policy"] == CONTENT_SECURITY_POLICY
    assert headers["Referrer-Policy"] == "same-origin", REFERRER_POLICY_REASON
    assert header_problems(response) == []
