"""System checks for unsafe combinations of settings (run by `spcomms check --deploy`)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Error, Tags, Warning, register


def inside(child: Path, parent: Path) -> bool:
    """Whether ``child`` is ``parent`` or lies below it, links resolved."""
    try:
        child.resolve().relative_to(parent.resolve())
    except ValueError:
        return False
    return True


@register(Tags.security)
def keys_outside_served_folders(**kwargs: Any) -> list[CheckMessage]:
    """Key material must never sit where the web server hands out files."""
    key_dir = Path(settings.SPCOMMS_KEY_DIR)
    return [
        Error(
            f"SPCOMMS_KEY_DIR ({key_dir}) lies inside {name} ({folder}).",
            hint="Keep keys in their own folder, outside media and static files.",
            id="spcomms.E001",
        )
        for name, folder in (
            ("MEDIA_ROOT", settings.MEDIA_ROOT),
            ("STATIC_ROOT", settings.STATIC_ROOT),
        )
        if folder and inside(key_dir, Path(folder))
    ]


@register(Tags.security, deploy=True)
def production_combinations(**kwargs: Any) -> list[CheckMessage]:
    if not settings.PRODUCTION:
        return []
    messages: list[CheckMessage] = []
    if not settings.TLS:
        messages.append(
            Error(
                "Production runs without TLS settings (SPCOMMS_TLS=0).",
                hint="Serve over HTTPS behind the reverse proxy and leave SPCOMMS_TLS on.",
                id="spcomms.E002",
            )
        )
    if settings.DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
        messages.append(
            Warning(
                "Production uses SQLite.",
                hint="Set DATABASE_URL to a PostgreSQL database (see docs/deploy.md).",
                id="spcomms.W001",
            )
        )
    return messages
