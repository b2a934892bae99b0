"""``spcomms reference load``: add the shipped countries, mandates and vocabularies."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from spcomms.reference.services import reference_load


class Command(BaseCommand):
    help = "Add the shipped countries, regions, mandates and vocabularies that are missing."

    def handle(self, *args: Any, **options: Any) -> None:
        report = reference_load()
        self.stdout.write(
            f"Reference data loaded: {report.countries} countries, {report.mandates} mandates "
            f"and {report.terms} vocabulary terms added; existing rows left as they were."
        )
