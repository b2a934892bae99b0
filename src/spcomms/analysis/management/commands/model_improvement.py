"""``spcomms model improvement``: the logistic regression of seed 000 Table 1.

On the live record (through the dataset builder, with the same --from, --to and --mandate as
``spcomms dataset cases``) or, with --data, on a CSV or Parquet file in that format. Prints
the paper's table (the three subsets side by side unless --subset is given) or, with --json,
the same as JSON. See docs/analysis.md, "The model".
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils.translation import gettext, gettext_noop

from spcomms.analysis.dataset import Selection
from spcomms.analysis.model import (
    SUBSETS,
    ModelDataError,
    fit_all,
    missing_covariates,
    read_file,
    record_frame,
    table,
    to_json,
)
from spcomms.cli_options import add_period_arguments, period_and_mandate, usage_error


class Command(BaseCommand):
    help = gettext_noop(
        "Fit the logistic regression of seed 000 Table 1 (improvement within one year) on the "
        "record or on a dataset file, for all regimes, closed and open regimes."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.description = gettext(self.help)
        parser.add_argument(
            "--subset",
            choices=SUBSETS,
            help=gettext("Only this subset (default: all three side by side)."),
        )
        parser.add_argument(
            "--data",
            metavar="FILE",
            help=gettext(
                "A dataset file (.csv or .parquet) in the format of spcomms dataset cases, "
                "instead of the record."
            ),
        )
        add_period_arguments(parser, required=False)
        parser.add_argument("--json", action="store_true", help=gettext("Write JSON."))

    def handle(self, *args: Any, **options: Any) -> None:
        subsets = [options["subset"]] if options["subset"] else list(SUBSETS)
        synthetic = False
        try:
            if options["data"]:
                if options["start"] or options["end"] or options["mandate"]:
                    raise usage_error(
                        gettext(
                            "--from, --to and --mandate select from the record; with "
                            "--data, select the rows in the file instead."
                        )
                    )
                frame = read_file(Path(options["data"]))
                source = str(options["data"])
            else:
                frame, synthetic = record_frame(self.selection(options))
                source = "record"
        except ModelDataError as failed:
            raise usage_error(str(failed)) from None
        empty = missing_covariates(frame)
        fits = fit_all(frame, subsets)
        if options["json"]:
            result = to_json(fits)
            result["data"] = source
            result["synthetic"] = synthetic
            result["covariates_without_values"] = empty
            self.stdout.write(json.dumps(result, indent=2))
        else:
            if synthetic:
                self.stdout.write(gettext("SYNTHETIC DATA: the demonstration record."))
            self.stdout.write(table(fits, gettext))
        if empty:
            self.stderr.write(
                gettext(
                    "No value at all for %(names)s in %(source)s: no model can be fitted "
                    "until these covariates are imported (spcomms import covariates)."
                )
                % {"names": ", ".join(empty), "source": source}
            )
        sys.stderr.flush()

    def selection(self, options: dict[str, Any]) -> Selection:
        start, end, mandate = period_and_mandate(options)
        return Selection(start=start, end=end, mandate=mandate)
