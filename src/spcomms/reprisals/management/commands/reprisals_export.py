"""``spcomms reprisals export --year Y --out FILE``: the year's cases for the
Secretary-General's report on reprisals, as CSV or as an HTML document to paste from.

The same export as the register's download (``spcomms.reprisals.export``): persons are
named only with consent to public naming, and a text that names someone without it is
withheld. The export is written to the audit log (year and number of cases only).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone, translation
from django.utils.translation import gettext, gettext_noop

from spcomms.audit.models import AuditEvent
from spcomms.reprisals.export import export_cases, export_csv, export_html

FORMATS = ("csv", "html")


class Command(BaseCommand):
    help = gettext_noop(
        "Export a year's reprisal cases in the shape of the Secretary-General's report, "
        "as CSV or as an HTML document."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.description = gettext(self.help)
        parser.add_argument("--year", required=True, help=gettext("The year, such as 2024."))
        parser.add_argument(
            "--out", required=True, help=gettext("The file to write; it must not exist yet.")
        )
        parser.add_argument(
            "--format",
            choices=FORMATS,
            default=None,
            help=gettext("csv or html (default: from the file's extension, else csv)."),
        )
        parser.add_argument(
            "--language",
            choices=("en", "fr", "es"),
            default="en",
            help=gettext("Language of the labels (default: en)."),
        )

    def handle(self, *args: Any, **options: Any) -> None:
        year_text = str(options["year"]).strip()
        this_year = timezone.now().year
        if not year_text.isdigit() or not 1990 <= int(year_text) <= this_year + 1:
            raise CommandError(
                gettext("--year must be a year from 1990 to %(last)d, such as 2024.")
                % {"last": this_year + 1}
            )
        year = int(year_text)
        out = Path(options["out"])
        kind = options["format"] or ("html" if out.suffix.lower() in (".html", ".htm") else "csv")
        if out.exists():
            raise CommandError(
                gettext("%(file)s already exists: choose another file name.") % {"file": out}
            )
        if not out.parent.is_dir():
            raise CommandError(
                gettext("The folder %(folder)s does not exist.") % {"folder": out.parent}
            )
        with translation.override(options["language"]):
            cases = export_cases(year)
            text = export_csv(cases) if kind == "csv" else export_html(cases, year=year)
        try:
            # Created new and readable by its owner only: it holds names given with consent.
            descriptor = os.open(out, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(descriptor, "w", encoding="utf-8", newline="") as handle:
                handle.write(text)
        except OSError as failed:
            raise CommandError(
                gettext("%(file)s could not be written: %(reason)s")
                % {"file": out, "reason": failed.strerror}
            ) from failed
        AuditEvent.objects.create(
            actor=None,
            action="reprisal_export",
            object_type="reprisals.reprisalallegation",
            object_id="",
            detail={"year": year, "cases": len(cases), "format": kind},
        )
        withheld = sum(1 for case in cases if case.withheld_texts)
        self.stdout.write(
            gettext("%(count)d cases of %(year)d written to %(file)s.")
            % {"count": len(cases), "year": year, "file": out}
        )
        if withheld:
            self.stdout.write(
                gettext(
                    "%(count)d cases have a text withheld because it names someone who has "
                    "not consented: rewrite it in the register."
                )
                % {"count": withheld}
            )
