"""The letter as the State receives it: HTML, and PDF made from that HTML by WeasyPrint.

Only the State rendering of ``letters.letter_render`` is used, so a letter that
names someone who has not consented cannot be produced. Nothing is fetched from
another server: the only base URL is the package's static folder on disk.
"""

from __future__ import annotations

import importlib
from pathlib import Path

from django.template.loader import render_to_string

from spcomms.communications.letters import Audience, letter_render
from spcomms.communications.models import Communication

STATIC = Path(__file__).resolve().parents[1] / "static"


def letter_html(*, communication: Communication) -> str:
    """The State's letter as a standalone HTML page; raises ``RenderRefused``."""
    letter = letter_render(communication=communication, audience=Audience.STATE)
    addressees = communication.addressees.select_related("country", "non_state_actor")
    return render_to_string(
        "communications/letter.html",
        {
            "communication": communication,
            "texts": letter.texts,
            "addressed": [a for a in addressees if not a.is_copy],
            "copied": [a for a in addressees if a.is_copy],
            "mandates": [
                link.mandate
                for link in communication.mandate_links.select_related("mandate").order_by(
                    "-is_lead", "pk"
                )
            ],
        },
    )


def letter_pdf(*, html: str) -> bytes:
    # WeasyPrint ships no type information; it is loaded only when a PDF is asked for.
    weasyprint = importlib.import_module("weasyprint")
    pdf: bytes = weasyprint.HTML(string=html, base_url=STATIC.as_uri() + "/").write_pdf()
    return pdf


def letter_filename(communication: Communication) -> str:
    name = communication.reference or f"draft {communication.pk}"
    return name.replace(" ", "-").replace("/", "-") + ".pdf"
