"""``spcomms publication sync``: bring the public index up to date now.

Public pages and the API sync the index themselves before they answer (ADR 6); run
this after a large import, so that no visitor's request waits for the first sync,
or from a timer. The sync is one transaction: interrupted, the index stays as it was.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils.translation import gettext, gettext_noop

from spcomms.publication.index import publication_sync
from spcomms.publication.models import PublishedDocument


class Command(BaseCommand):
    help = gettext_noop(
        "Bring the public search index up to date with what is public now, in one transaction."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.description = gettext(self.help)

    def handle(self, *args: Any, **options: Any) -> None:
        result = publication_sync()
        self.stdout.write(
            gettext(
                "Public index in step: %(added)d communications added, %(removed)d removed, "
                "%(total)d public."
            )
            % {
                "added": result.added,
                "removed": result.removed,
                "total": PublishedDocument.objects.count(),
            }
        )
