"""``spcomms import communications FILE``: load an organisation's communications.

JSON or CSV (with ``--replies`` for the replies CSV); see docs/import.md. The
whole file is checked first and nothing is written unless all of it is valid.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import CommandError, CommandParser
from django.utils import timezone
from django.utils.translation import gettext, gettext_noop, ngettext

from spcomms.cases.proposals import created_since_proposals
from spcomms.communications.importing.reading import FileFormat
from spcomms.communications.importing.services import (
    CommunicationImportError,
    ImportReport,
    communications_import,
)
from spcomms.covariates import formats
from spcomms.importing import ImportCommand, refusal


class Command(ImportCommand):
    help = gettext_noop(
        "Import communications with their mandates, addressees, named persons, consent and "
        "replies from a JSON file, or from a CSV file (one row per named person) with an "
        "optional replies CSV. The whole file is checked first; nothing is written unless all "
        "of it is valid. Importing the same file again changes nothing."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.description = gettext(self.help)
        parser.add_argument(
            "file", type=Path, help=gettext("The JSON or CSV file of communications.")
        )
        parser.add_argument(
            "--replies",
            type=Path,
            help=gettext(
                "CSV only: the replies file (reference, received_on, language, class, "
                "confidential, person_keys). Given, it sets the replies of every communication "
                "of the main file; left out, stored replies are left alone."
            ),
        )
        parser.add_argument(
            "--format",
            dest="file_format",
            choices=[choice.value for choice in FileFormat],
            help=gettext("The file's format, when it cannot be told from its first character."),
        )

    def handle(
        self,
        *args: Any,
        file: Path,
        replies: Path | None,
        file_format: str | None,
        **options: Any,
    ) -> None:
        started = timezone.now()
        try:
            report = communications_import(
                path=file,
                replies=replies,
                file_format=FileFormat(file_format) if file_format else None,
                progress=self.progress,
            )
        except CommunicationImportError as error:
            problems: list[formats.Problem] = list(error.problems)
            raise CommandError(refusal(file.name, problems)) from None
        self.stdout.write(summary(report))
        if report.persons.created:
            self.stdout.write(duplicates_hint(*created_since_proposals(started)))


def duplicates_hint(persons: int, pairs: int) -> str:
    """What the import found about the persons it created: who may be someone known."""
    if not pairs:
        return gettext("No new person looks like a person already recorded.")
    return ngettext(
        "%(persons)d new person may be the same as another (%(pairs)d pairs); decide at "
        "/staff/persons/duplicates/ or list them with: spcomms persons duplicates",
        "%(persons)d new persons may be the same as others (%(pairs)d pairs); decide at "
        "/staff/persons/duplicates/ or list them with: spcomms persons duplicates",
        persons,
    ) % {"persons": persons, "pairs": pairs}


def summary(report: ImportReport) -> str:
    """One line saying what the import did."""
    text = gettext(
        "Imported %(file)s (%(format)s): %(communications)d communications: %(created)d "
        "created, %(updated)d updated, %(unchanged)d unchanged; %(persons)d persons: "
        "%(persons_created)d created, %(persons_updated)d updated, %(persons_unchanged)d "
        "unchanged; %(named)d named in all; %(consents)d consent records added"
    ) % {
        "file": report.file_name,
        "format": report.file_format.label,
        "communications": report.communications.created
        + report.communications.updated
        + report.communications.unchanged,
        "created": report.communications.created,
        "updated": report.communications.updated,
        "unchanged": report.communications.unchanged,
        "persons": report.persons.created + report.persons.updated + report.persons.unchanged,
        "persons_created": report.persons.created,
        "persons_updated": report.persons.updated,
        "persons_unchanged": report.persons.unchanged,
        "named": report.named,
        "consents": report.consents_added,
    }
    if report.replies is None:
        return text + gettext("; replies left as they were.")
    return text + gettext("; %(replies)d replies.") % {"replies": report.replies}
