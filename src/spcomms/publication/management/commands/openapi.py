"""``spcomms openapi``: print the public API's schema, or refresh ``docs/openapi-v1.json``."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import translation
from django.utils.translation import gettext as _

from spcomms.publication.api import openapi_json

SNAPSHOT = Path("docs") / "openapi-v1.json"


class Command(BaseCommand):
    help = "Print the public API's OpenAPI schema, or write it to docs/openapi-v1.json."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--write",
            action="store_true",
            help="Write the schema to docs/openapi-v1.json under the current directory.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        with translation.override("en"):
            schema = openapi_json()
        if not options["write"]:
            self.stdout.write(schema, ending="")
            return
        if not SNAPSHOT.parent.is_dir():
            raise CommandError(
                _("There is no %(folder)s folder here: run this from the repository's root.")
                % {"folder": SNAPSHOT.parent}
            )
        SNAPSHOT.write_text(schema, encoding="utf-8")
        self.stdout.write(_("Wrote %(path)s.") % {"path": SNAPSHOT})
