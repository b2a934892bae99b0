"""``spcomms import covariates FILE``: import country-year covariates from a CSV file.

The format (spcomms CSV, World Bank indicator CSV, V-Dem) is told from the
header; see docs/import.md. The whole file is checked first and nothing is
written unless all of it is valid.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import CommandError, CommandParser
from django.utils.translation import gettext, gettext_noop, ngettext

from spcomms.covariates.formats import FileFormat, Skipped, SkipReason
from spcomms.covariates.models import MAX_YEAR, MIN_YEAR
from spcomms.covariates.services import CovariateImportError, ImportReport, covariates_import
from spcomms.importing import ImportCommand, refusal

CODE_LIMIT = 10


class Command(ImportCommand):
    help = gettext_noop(
        "Import country-year covariates from a spcomms CSV, a World Bank indicator CSV or a "
        "V-Dem country-year CSV. The whole file is checked first; nothing is written unless "
        "all of it is valid."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        self.add_file_arguments(
            parser,
            file_help=gettext("The CSV file to import."),
            formats=[choice.value for choice in FileFormat],
            format_help=gettext("The file's format, when it cannot be told from the header."),
        )
        parser.add_argument(
            "--indicator",
            help=gettext(
                "World Bank files: the indicator code (e.g. DT.ODA.ODAT.CD). Required for a "
                "long file whose name is not the indicator code; for a wide file, imports only "
                "this indicator's rows."
            ),
        )
        parser.add_argument(
            "--variable",
            help=gettext("World Bank files: store the indicator as this existing variable."),
        )

    def handle(
        self,
        *args: Any,
        file: Path,
        file_format: str | None,
        indicator: str | None,
        variable: str | None,
        **options: Any,
    ) -> None:
        try:
            report = covariates_import(
                path=file,
                file_format=FileFormat(file_format) if file_format else None,
                indicator=indicator,
                variable=variable,
                progress=self.progress,
            )
        except CovariateImportError as error:
            raise CommandError(refusal(file.name, error.problems)) from None
        self.stdout.write(summary(report))


def _codes(codes: set[str]) -> str:
    shown = sorted(codes)
    text = ", ".join(shown[:CODE_LIMIT])
    return text + (", …" if len(shown) > CODE_LIMIT else "")


def _skipped(reason: SkipReason, entry: Skipped) -> str:
    values = {"rows": entry.rows, "count": len(entry.codes), "codes": _codes(entry.codes)}
    if reason == SkipReason.AGGREGATE:
        text = ngettext(
            "%(rows)d rows of %(count)d World Bank aggregate (%(codes)s)",
            "%(rows)d rows of %(count)d World Bank aggregates (%(codes)s)",
            len(entry.codes),
        )
    elif reason == SkipReason.NOT_ISO:
        text = ngettext(
            "%(rows)d rows of %(count)d code not in ISO 3166 (%(codes)s)",
            "%(rows)d rows of %(count)d codes not in ISO 3166 (%(codes)s)",
            len(entry.codes),
        )
    elif reason == SkipReason.OTHER_INDICATOR:
        text = ngettext(
            "%(rows)d rows of %(count)d other indicator (%(codes)s)",
            "%(rows)d rows of %(count)d other indicators (%(codes)s)",
            len(entry.codes),
        )
    else:
        text = gettext("%(rows)d rows of years outside %(minimum)d to %(maximum)d")
    return text % {**values, "minimum": MIN_YEAR, "maximum": MAX_YEAR}


def summary(report: ImportReport) -> str:
    """One line saying what the import did."""
    source = report.file_format.label
    if report.indicator:
        source = f"{source}, {report.indicator}"
    totals = report.totals
    parts = [
        gettext(
            "Imported %(file)s (%(source)s): %(rows)d rows, %(values)d values: %(created)d "
            "created, %(updated)d updated, %(unchanged)d unchanged."
        )
        % {
            "file": report.file_name,
            "source": source,
            "rows": report.rows,
            "values": report.values,
            "created": totals.created,
            "updated": totals.updated,
            "unchanged": totals.unchanged,
        }
    ]
    if report.aid_dependency is not None:
        aid = report.aid_dependency
        parts.append(
            gettext(
                "Aid dependency: %(created)d created, %(updated)d updated, %(unchanged)d "
                "unchanged, %(removed)d removed."
            )
            % {
                "created": aid.created,
                "updated": aid.updated,
                "unchanged": aid.unchanged,
                "removed": aid.removed,
            }
        )
    if report.skipped:
        parts.append(
            gettext("Skipped: %(what)s.")
            % {
                "what": "; ".join(
                    _skipped(reason, entry) for reason, entry in sorted(report.skipped.items())
                )
            }
        )
    return " ".join(parts)
