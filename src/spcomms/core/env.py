"""Strict parsers for configuration read from the environment.

Each parser fails loudly with the variable's name and what it expects, so that a
typo in a deployment stops the process instead of silently falling back.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping

TRUE_WORDS = frozenset({"1", "true", "yes", "on"})
FALSE_WORDS = frozenset({"0", "false", "no", "off", ""})


class ConfigurationError(Exception):
    """A setting in the environment is missing, malformed or unsafe."""


def env_bool(name: str, default: bool, environ: Mapping[str, str] | None = None) -> bool:
    environ = os.environ if environ is None else environ
    raw = environ.get(name)
    if raw is None:
        return default
    word = raw.strip().lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise ConfigurationError(f"{name} must be one of 1/0, true/false, yes/no, on/off; got {raw!r}.")


def env_int(
    name: str, default: int, *, minimum: int | None = None, environ: Mapping[str, str] | None = None
) -> int:
    environ = os.environ if environ is None else environ
    raw = environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ConfigurationError(f"{name} must be a whole number; got {raw!r}.") from None
    if minimum is not None and value < minimum:
        raise ConfigurationError(f"{name} must be at least {minimum}; got {value}.")
    return value


def env_list(name: str, default: list[str], environ: Mapping[str, str] | None = None) -> list[str]:
    environ = os.environ if environ is None else environ
    raw = environ.get(name)
    if raw is None:
        return list(default)
    return [item.strip() for item in raw.split(",") if item.strip()]


def env_choice(
    name: str, default: str, choices: tuple[str, ...], environ: Mapping[str, str] | None = None
) -> str:
    environ = os.environ if environ is None else environ
    raw = environ.get(name, default).strip().lower()
    if raw not in choices:
        raise ConfigurationError(f"{name} must be one of {', '.join(choices)}; got {raw!r}.")
    return raw


HEADER_NAME = re.compile(r"^[A-Za-z0-9]+(?:-[A-Za-z0-9]+)*$")


def env_http_header(name: str, environ: Mapping[str, str] | None = None) -> str | None:
    """A request header name such as ``X-Real-IP``, as Django's ``request.META`` key."""
    environ = os.environ if environ is None else environ
    raw = environ.get(name, "").strip()
    if not raw:
        return None
    if not HEADER_NAME.match(raw):
        raise ConfigurationError(f"{name} must be a header name such as X-Real-IP; got {raw!r}.")
    return "HTTP_" + raw.upper().replace("-", "_")
