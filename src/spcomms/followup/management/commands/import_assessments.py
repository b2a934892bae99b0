"""``spcomms import assessments FILE``: load hand-coded follow-up assessments.

CSV or JSON; see docs/import.md. The whole file is checked first and nothing is
written unless all of it is valid; importing the same file again writes nothing.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import CommandError, CommandParser
from django.utils.translation import gettext, gettext_noop

from spcomms.communications.importing.raw import FileFormat
from spcomms.covariates import formats
from spcomms.followup.importing import AssessmentImportError, assessments_import
from spcomms.importing import ImportCommand, refusal


class Command(ImportCommand):
    help = gettext_noop(
        "Import follow-up assessments (how each named person's situation developed, and the "
        "perceived impact) from a CSV or JSON file, naming each communication by its reference "
        "and each person by their key in the communications import. The whole file is checked "
        "first; nothing is written unless all of it is valid. Importing the same file again "
        "writes nothing."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        self.add_file_arguments(
            parser,
            file_help=gettext("The CSV or JSON file of assessments."),
            formats=[choice.value for choice in FileFormat],
            format_help=gettext(
                "The file's format, when it cannot be told from its first character."
            ),
        )

    def handle(self, *args: Any, file: Path, file_format: str | None, **options: Any) -> None:
        try:
            report = assessments_import(
                path=file, file_format=FileFormat(file_format) if file_format else None
            )
        except AssessmentImportError as error:
            problems: list[formats.Problem] = list(error.problems)
            raise CommandError(refusal(file.name, problems)) from None
        self.stdout.write(
            gettext(
                "Imported %(file)s (%(format)s): %(created)d assessments added, %(unchanged)d "
                "unchanged."
            )
            % {
                "file": report.file_name,
                "format": report.file_format.label,
                "created": report.created,
                "unchanged": report.unchanged,
            }
        )
