"""Fixtures for the intake: a private folder for sealed files, a clean rate-limit cache,
and a small builder of a valid set of answers."""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.core.cache import cache
from PIL import Image
from pytest_django import Settings

from spcomms.intake.services import SubmissionAnswers, VictimAnswers
from spcomms.reference.models import Country


@pytest.fixture(autouse=True)
def intake_dir(settings: Settings, tmp_path: Path) -> Iterator[Path]:
    folder = tmp_path / "media" / "intake"
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.SPCOMMS_INTAKE_DIR = folder
    cache.clear()
    yield folder
    cache.clear()


def answers(**changes: object) -> SubmissionAnswers:
    values: dict[str, object] = {
        "sender_kind": "organisation",
        "sender_name": "Marker Sender Org",
        "sender_contact": "marker-contact@example.org",
        "country": Country.objects.get(iso3="COL"),
        "facts": "Marker facts: arrested at dawn.",
        "places": "Marker place of detention.",
        "context": "Election period.",
        "not_to_transmit": ["places"],
    }
    values.update(changes)
    return SubmissionAnswers(**values)  # type: ignore[arg-type]  # test builder: keyword values


def victim(name: str = "Marker Victim One", **changes: object) -> VictimAnswers:
    values: dict[str, object] = {
        "name": name,
        "gender": "female",
        "age": 34,
        "origin": "Marker origin town",
        "consent_given_by": "victim",
        "consent_transmit": True,
        "consent_public": "initials",
    }
    values.update(changes)
    return VictimAnswers(**values)  # type: ignore[arg-type]  # test builder: keyword values


def jpeg_with_exif(marker: str = "MarkerCamera") -> bytes:
    image = Image.new("RGB", (40, 30), (200, 10, 10))
    exif = Image.Exif()
    exif[0x010F] = marker  # Make
    exif[0x0110] = marker + "Model"
    gps = {1: "N", 2: (4.0, 35.0, 0.0), 3: "W", 4: (74.0, 4.0, 0.0)}
    exif[0x8825] = gps
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif, comment=marker.encode())
    return out.getvalue()


def pdf_with_metadata(marker: str = "MarkerAuthor") -> bytes:
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    writer.add_metadata({"/Author": marker, "/Title": marker + " title", "/Producer": marker})
    writer.xmp_metadata = (
        b'<?xpacket begin="" id="W5M0MpCehiHzreSzNTczkc9d"?>'
        b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF '
        b'xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
        b'<rdf:Description xmlns:dc="http://purl.org/dc/elements/1.1/">'
        b"<dc:creator>" + marker.encode() + b"Xmp</dc:creator>"
        b'</rdf:Description></rdf:RDF></x:xmpmeta><?xpacket end="w"?>'
    )
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()
