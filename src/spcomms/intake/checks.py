"""System checks of the intake's settings (run by ``spcomms check``)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Error, Tags, register

from spcomms.checks import inside


@register(Tags.security)
def intake_files_outside_served_folders(**kwargs: Any) -> list[CheckMessage]:
    """The sealed files of sources must never sit where static files are served from."""
    intake_dir = Path(settings.SPCOMMS_INTAKE_DIR)
    served = [("STATIC_ROOT", settings.STATIC_ROOT)] + [
        ("STATICFILES_DIRS", folder) for folder in settings.STATICFILES_DIRS
    ]
    errors: list[CheckMessage] = [
        Error(
            f"SPCOMMS_INTAKE_DIR ({intake_dir}) lies inside {name} ({folder}).",
            hint="Keep the intake's files in a folder of their own that no web server serves.",
            id="spcomms.E101",
        )
        for name, folder in served
        if folder and inside(intake_dir, Path(str(folder)))
    ]
    if inside(intake_dir, Path(settings.SPCOMMS_KEY_DIR)) or inside(
        Path(settings.SPCOMMS_KEY_DIR), intake_dir
    ):
        errors.append(
            Error(
                "SPCOMMS_INTAKE_DIR and SPCOMMS_KEY_DIR overlap.",
                hint="Keep the sealed files and the keys that open them apart.",
                id="spcomms.E102",
            )
        )
    return errors
