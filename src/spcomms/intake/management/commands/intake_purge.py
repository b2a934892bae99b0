"""``spcomms intake purge``: delete the submissions retention no longer allows.

Closed or declined submissions with no case file (so no communication came of
them) are deleted with their sealed files once their last status change is older
than ``SPCOMMS_INTAKE_RETENTION_DAYS`` (365 by default). Each deletion is written
to the audit log without content. Run it daily, for example from a systemd timer.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser
from django.utils.translation import gettext, gettext_noop

from spcomms.intake.services import submissions_purge


class Command(BaseCommand):
    help = gettext_noop(
        "Delete closed submissions that led to no communication once the retention period "
        "has passed, with their files."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.description = gettext(self.help)
        parser.add_argument(
            "--days",
            type=int,
            default=None,
            help=gettext("Retention in days (default: SPCOMMS_INTAKE_RETENTION_DAYS)."),
        )
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help=gettext("Count what would be deleted, and delete nothing."),
        )

    def handle(self, *args: Any, **options: Any) -> None:
        days = options["days"] or settings.SPCOMMS_INTAKE_RETENTION_DAYS
        submissions, files = submissions_purge(
            retention=dt.timedelta(days=days), dry_run=options["dry_run"]
        )
        if options["dry_run"]:
            text = gettext("%(submissions)d submissions and %(files)d files would be deleted.")
        else:
            text = gettext("%(submissions)d submissions and %(files)d files deleted.")
        self.stdout.write(text % {"submissions": submissions, "files": files})
