"""Walking a source through the real submission form with Django's test client."""

from __future__ import annotations

import datetime as dt
import html
import re
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from spcomms.reference.models import Country, IssueArea, Mandate

FORM = "/submit/form/"
_DRAFT = re.compile(r'name="draft" value="([^"]+)"')
_CODE = re.compile(r'data-testid="receipt-code"[^>]*>([^<]+)<')


def draft_of(response: Any) -> str:
    found = _DRAFT.search(response.content.decode())
    assert found, "the page carries no draft"
    return html.unescape(found.group(1))


def code_of(response: Any) -> str:
    found = _CODE.search(response.content.decode())
    assert found, "the page shows no receipt code"
    return found.group(1).strip()


def post(client: Client, response: Any, action: str = "next", **fields: Any) -> Any:
    data = {"draft": draft_of(response), "action": action, **fields}
    return client.post(FORM, data)


def answers_by_step(marker: str = "Zq") -> list[dict[str, Any]]:
    today = dt.date.today()
    return [
        {
            "sender_kind": "organisation",
            "sender_name": f"Sender {marker} Org",
            "sender_contact": f"contact-{marker}@example.org",
            "language": "en",
        },
        {
            "is_urgent": "yes",
            "urgency_reason": f"Hearing {marker} tomorrow",
            "act_before": (today + dt.timedelta(days=10)).isoformat(),
        },
        {},  # the people: see victim()
        {
            "country": str(Country.objects.get(iso3="COL").pk),
            "incident_from": (today - dt.timedelta(days=20)).isoformat(),
            "incident_to": (today - dt.timedelta(days=2)).isoformat(),
            "facts": f"Facts {marker}: she was arrested at dawn.",
            "places": f"Place {marker} of detention",
            "places_ntt": "on",
        },
        {
            "perpetrators": f"Perpetrator {marker}",
            "context": f"Context {marker}",
            "action_taken": f"Complaint {marker}",
        },
        {
            "requested_action": f"Ask {marker} why",
            "press_release_wanted": "no",
            "press_release_reason": f"Reason {marker}",
            "mandates_wished": [str(Mandate.objects.get(code="sr-hrd").pk)],
            "joint_action_wished": "yes",
            "joint_action_reason": f"Joint {marker}",
        },
    ]


def victim(index: int, name: str, **changes: Any) -> dict[str, Any]:
    values = {
        "name": name,
        "kind": "individual",
        "age": "34",
        "gender": "female",
        "origin": f"Origin of {name}",
        "residence": f"Residence of {name}",
        "issue_areas": [str(IssueArea.objects.order_by("pk").first().pk)],  # type: ignore[union-attr]
        "consent_given_by": "victim",
        "consent_transmit": "yes",
        "consent_public": "initials",
        "consent_written": "on",
    }
    values.update(changes)
    return {f"v{index}-{key}": value for key, value in values.items()}


def submit(
    client: Client,
    *,
    marker: str = "Zq",
    victims: tuple[str, ...] = ("Victim Zq One",),
    files: dict[str, Any] | None = None,
) -> Any:
    """Walk every step with valid answers and send; returns the receipt page."""
    steps = answers_by_step(marker)
    page = client.get(FORM)
    for step, fields in enumerate(steps):
        if step == 2:
            people: dict[str, Any] = {}
            for index, name in enumerate(victims):
                people.update(victim(index, name))
                if index + 1 < len(victims):
                    page = post(client, page, action="add-victim", **people)
                    assert page.status_code == 200
            fields = people
        page = post(client, page, **fields)
        assert page.status_code == 200, page.content.decode()[:3000]
    return post(client, page, action="send", confirm="on", **(files or {}))


def upload(name: str, data: bytes, content_type: str = "application/octet-stream") -> Any:
    return SimpleUploadedFile(name, data, content_type=content_type)
