"""``spcomms dataset cases --out FILE``: the research dataset of seed 000, one row per case.

The format follows the extension: ``.csv``, ``.parquet``, ``.dta`` (Stata) or ``.sav``
(SPSS). Beside it go ``NAME.dictionary.csv`` (each variable) and ``NAME.missing.csv``
(rows without a covariate, per country and year; NAME is FILE without its extension),
summarised on standard error.
Nothing is written unless all three files are complete. See docs/analysis.md.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils.translation import gettext, gettext_noop, ngettext

from spcomms.analysis.dataset import SEED_000_MAX_NAMED, Selection, build
from spcomms.analysis.writers import DatasetFileError, Paths, file_format, write
from spcomms.audit.models import AuditEvent
from spcomms.cli_options import add_period_arguments, period_and_mandate, usage_error

SHOWN_PLACES = 8


def parse_count(value: str | None, *, option: str, least: int) -> int | None:
    if value is None:
        return None
    text = value.strip()
    if not text.isdigit() or int(text) < least:
        raise usage_error(
            gettext("%(option)s must be a whole number of at least %(least)d, not %(value)s.")
            % {"option": option, "least": least, "value": value}
        )
    return int(text)


class Command(BaseCommand):
    help = gettext_noop(
        "Write the research dataset of seed 000: one row per person named in a sent "
        "communication, with the outcome at one year, the case variables and the country-year "
        "covariates, pseudonymised, as CSV, Parquet, Stata or SPSS, with a data dictionary."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.description = gettext(self.help)
        parser.add_argument(
            "--out",
            required=True,
            metavar="FILE",
            help=gettext(
                "The file to write: .csv, .parquet, .dta (Stata) or .sav (SPSS). "
                "NAME.dictionary.csv and NAME.missing.csv are written beside it (NAME is FILE "
                "without its extension)."
            ),
        )
        add_period_arguments(parser, required=False)
        parser.add_argument(
            "--max-named",
            metavar="N",
            help=gettext(
                "Only communications naming at most N persons; seed 000 used 10 (fewer than 11)."
            ),
        )
        parser.add_argument(
            "--seed000-sample",
            action="store_true",
            help=gettext("The sampling rule of seed 000: the same as --max-named 10."),
        )
        parser.add_argument(
            "--sample",
            metavar="N",
            help=gettext("A random sample of N rows, drawn after the other rules."),
        )
        parser.add_argument(
            "--seed",
            metavar="S",
            default="0",
            help=gettext("The seed of the random sample, so it can be drawn again (default 0)."),
        )

    def handle(self, *args: Any, **options: Any) -> None:
        selection, out = self.selection_of(options)
        paths = Paths.beside(out)
        dataset = build(selection)
        try:
            write(dataset, out)
        except (DatasetFileError, OSError) as failed:
            reason = getattr(failed, "strerror", None) or str(failed)
            raise usage_error(
                gettext("%(file)s could not be written: %(reason)s")
                % {"file": out, "reason": reason}
            ) from None
        AuditEvent.objects.create(
            actor=None,
            action="dataset_export",
            object_type="analysis.dataset",
            object_id="",
            detail={
                "rows": dataset.report.rows,
                "format": file_format(out),
                "from": selection.start.isoformat() if selection.start else None,
                "to": selection.end.isoformat() if selection.end else None,
                "mandate": selection.mandate.code if selection.mandate else None,
                "max_named": selection.max_named,
                "sample": selection.sample,
                "seed": selection.seed if selection.sample is not None else None,
            },
        )
        self.stdout.write(
            ngettext(
                "%(rows)d row written to %(file)s (dictionary: %(dictionary)s).",
                "%(rows)d rows written to %(file)s (dictionary: %(dictionary)s).",
                dataset.report.rows,
            )
            % {"rows": dataset.report.rows, "file": out, "dictionary": paths.dictionary}
        )
        if selection.sample is not None:
            self.stdout.write(
                gettext("Random sample of %(rows)d of %(total)d rows, seed %(seed)d.")
                % {
                    "rows": dataset.selected_rows,
                    "total": dataset.candidate_rows,
                    "seed": selection.seed,
                }
            )
        if dataset.synthetic:
            self.stdout.write(
                gettext("These rows are synthetic data made for demonstration (column synthetic).")
            )
        self.report_missing(dataset, paths)

    def selection_of(self, options: dict[str, Any]) -> tuple[Selection, Path]:
        start, end, mandate = period_and_mandate(options)
        max_named = parse_count(options["max_named"], option="--max-named", least=1)
        if options["seed000_sample"]:
            if max_named is not None and max_named != SEED_000_MAX_NAMED:
                raise usage_error(
                    gettext("--seed000-sample means --max-named 10; give one or the other.")
                )
            max_named = SEED_000_MAX_NAMED
        sample = parse_count(options["sample"], option="--sample", least=1)
        seed = parse_count(options["seed"], option="--seed", least=0)
        out = Path(options["out"])
        if file_format(out) is None:
            raise usage_error(
                gettext(
                    "%(file)s: unknown file type %(suffix)s; use .csv, .parquet, .dta (Stata) or "
                    ".sav (SPSS)."
                )
                % {"file": out, "suffix": out.suffix or gettext("(none)")}
            )
        if not out.parent.is_dir():
            raise usage_error(
                gettext("The folder %(folder)s does not exist.") % {"folder": out.parent}
            )
        for path in Paths.beside(out).all():
            if path.exists():
                raise usage_error(
                    gettext("%(file)s already exists: choose another file name.") % {"file": path}
                )
        selection = Selection(
            start=start,
            end=end,
            mandate=mandate,
            max_named=max_named,
            sample=sample,
            seed=seed or 0,
        )
        return selection, out

    def report_missing(self, dataset: Any, paths: Paths) -> None:
        report = dataset.report
        err = self.stderr
        if report.no_state:
            err.write(
                ngettext(
                    "%(rows)d row has no State addressed: its covariates are empty.",
                    "%(rows)d rows have no State addressed: their covariates are empty.",
                    report.no_state,
                )
                % {"rows": report.no_state}
            )
        lines = 0
        for name in sorted(report.by_column):
            places = report.by_column[name]
            rows = sum(places.values())
            if rows == report.rows and report.rows:
                text = gettext("%(name)s: no value for any row.") % {"name": name}
            else:
                shown = ", ".join(
                    f"{country or '-'} {year}" for country, year in sorted(places)[:SHOWN_PLACES]
                )
                more = len(places) - SHOWN_PLACES
                text = ngettext(
                    "%(name)s: %(rows)d row missing (%(places)s).",
                    "%(name)s: %(rows)d rows missing (%(places)s).",
                    rows,
                ) % {
                    "name": name,
                    "rows": rows,
                    "places": shown
                    + (gettext(" and %(more)d more") % {"more": more} if more > 0 else ""),
                }
            err.write(text)
            lines += 1
        if lines:
            err.write(
                gettext(
                    "Missing values are left empty, never filled. Countries and years: %(file)s."
                )
                % {"file": paths.missing}
            )
        sys.stderr.flush()
