"""Builders for the triage tests: submissions made through the service, signed-in clients."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.test import Client
from django.utils import timezone

from spcomms.accounts.models import User
from spcomms.intake.attachments import attachment_check
from spcomms.intake.models import Submission
from spcomms.intake.services import FileToStore, Receipt, submission_create
from spcomms.reference.models import Country, Mandate
from tests.conftest import PASSWORD
from tests.intake.conftest import answers, jpeg_with_exif, victim

INBOX = "/staff/intake/"


def client_for(user: User | None, **options: Any) -> Client:
    """A client signed in as ``user``; anonymous for None."""
    client = Client(**options)
    if user is not None:
        assert client.login(username=user.username, password=PASSWORD)
    return client


def submit(
    *,
    marker: str = "Marker",
    urgent: bool = False,
    received_days_ago: int = 0,
    country: str = "COL",
    language: str = "en",
    mandates: tuple[str, ...] = (),
    victims: int = 1,
    with_file: bool = False,
    file_not_to_transmit: bool = True,
) -> Receipt:
    """A submission stored through ``submission_create``, with ``marker`` in every answer."""
    files = []
    if with_file:
        files.append(
            FileToStore(
                name=f"{marker}-photo.jpg",
                checked=attachment_check(jpeg_with_exif(marker)),
                not_to_transmit=file_not_to_transmit,
            )
        )
    return submission_create(
        answers=answers(
            sender_name=f"{marker} Sender Org",
            sender_contact=f"{marker}-contact@example.org",
            facts=f"{marker} facts: arrested at dawn.",
            places=f"{marker} place of detention.",
            is_urgent=urgent,
            act_before=(timezone.now() + dt.timedelta(days=5)).date() if urgent else None,
            country=Country.objects.get(iso3=country),
            language=language,
            mandates_wished=list(Mandate.objects.filter(code__in=mandates)),
        ),
        victims=[victim(f"{marker} Victim {number}") for number in range(victims)],
        files=files,
        now=timezone.now() - dt.timedelta(days=received_days_ago),
    )


def detail_url(submission: Submission, action: str = "") -> str:
    return f"{INBOX}{submission.public_id}/{action + '/' if action else ''}"
