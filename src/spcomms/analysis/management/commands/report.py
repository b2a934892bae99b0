"""``spcomms report [--from --to --mandate] --out FILE.html|FILE.pdf``: the research report.

Every table of the reply, outcome and reprisal statistics with its figure, period, n and,
when the data are synthetic, the label (``spcomms.analysis.report``). Progress goes to the
terminal only. An existing file is never overwritten, and a failed run leaves no file:
the report is written beside the target under a temporary name and linked into place
only when whole. Bad input ends with a message and exit status 2, never a traceback.
"""

from __future__ import annotations

import datetime as dt
import os
import sys
import tempfile
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone
from django.utils.translation import gettext
from tqdm import tqdm

from spcomms.analysis.report import build_report, report_html, report_pdf
from spcomms.cli_options import add_period_arguments, parse_day, usage_error
from spcomms.communications.statistics import StatisticsRequestError, last_complete_year

FORMATS = {".html": "html", ".htm": "html", ".pdf": "pdf"}


class Command(BaseCommand):
    help = "Write the research report (every statistics table and figure) as HTML or PDF."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.description = gettext(str(self.help))
        add_period_arguments(
            parser,
            required=False,
            first_help=gettext(
                "First day of the period, as YYYY-MM-DD (UTC, included); by default the "
                "first day of the last complete year."
            ),
            last_help=gettext(
                "Last day of the period, as YYYY-MM-DD (UTC, included); by default the "
                "last day of the last complete year."
            ),
        )
        parser.add_argument(
            "--out",
            required=True,
            metavar="FILE",
            help=gettext("The file to write, ending in .html or .pdf; it must not exist."),
        )

    def handle(
        self,
        *args: Any,
        start: str | None,
        end: str | None,
        mandate: str | None,
        out: str,
        **options: Any,
    ) -> None:
        path = Path(out)
        kind = FORMATS.get(path.suffix.lower())
        if kind is None:
            raise usage_error(
                gettext("%(file)s: unknown file type %(suffix)s; use .html or .pdf.")
                % {"file": path, "suffix": path.suffix or gettext("(none)")}
            )
        if not path.parent.is_dir():
            raise usage_error(
                gettext("The folder %(folder)s does not exist.") % {"folder": path.parent}
            )
        if path.exists():
            raise usage_error(
                gettext("%(file)s already exists: choose another file name.") % {"file": path}
            )
        first = parse_day(start, option="--from")
        last = parse_day(end, option="--to")
        if first is None or last is None:
            year = last_complete_year(today=timezone.now().date())
            first = first or dt.date(year, 1, 1)
            last = last or dt.date(year, 12, 31)
        bar = tqdm(
            desc=gettext("Report"),
            unit=gettext("step"),
            disable=not sys.stderr.isatty(),
            file=sys.stderr,
        )
        try:
            report = build_report(
                start=first,
                end=last,
                mandate=mandate.strip() if mandate else None,
                progress=lambda _step: bar.update(1),
            )
            content = report_pdf(report) if kind == "pdf" else report_html(report).encode()
            bar.update(1)
        except StatisticsRequestError as error:
            raise usage_error(str(error)) from None
        finally:
            bar.close()
        self.write_new(path, content)
        tables = len(report.tables)
        figures = sum(1 for item in report.tables if item.figure)
        self.stdout.write(
            gettext("Report written to %(file)s: %(tables)d tables, %(figures)d figures.")
            % {"file": path, "tables": tables, "figures": figures}
        )
        if report.synthetic:
            self.stdout.write(
                gettext("These figures are computed from synthetic data made for demonstration.")
            )

    def write_new(self, path: Path, content: bytes) -> None:
        """Write ``content`` to ``path`` whole or not at all, never over an existing file."""
        handle, name = tempfile.mkstemp(prefix=".spcomms-report-", dir=path.parent)
        temporary = Path(name)
        try:
            with os.fdopen(handle, "wb") as stream:
                stream.write(content)
            os.link(temporary, path)
        except FileExistsError:
            raise usage_error(
                gettext("%(file)s already exists: choose another file name.") % {"file": path}
            ) from None
        except OSError as failed:
            raise CommandError(
                gettext("%(file)s could not be written: %(reason)s")
                % {"file": path, "reason": failed.strerror or failed},
                returncode=1,
            ) from None
        finally:
            temporary.unlink(missing_ok=True)
