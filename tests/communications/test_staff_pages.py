"""The staff communication pages, through the Django test client, for each persona."""

from __future__ import annotations

import datetime as dt
import io
import re
from pathlib import Path

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from pypdf import PdfReader

from spcomms.accounts.models import Role, User
from spcomms.cases.models import Person
from spcomms.communications.letters import placeholder
from spcomms.communications.models import Communication, CommunicationStatus
from spcomms.communications.services import (
    communication_approve,
    communication_draft,
    communication_name_person,
    communication_send,
    communication_update,
    reply_record,
)
from spcomms.reference.models import Country, Mandate, ReplyClass
from tests import factories
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db

VIEWS = Path(__file__).parents[2] / "src" / "spcomms" / "communications" / "views.py"


def _client(user: User | None) -> Client:
    client = Client()
    if user is not None:
        assert client.login(username=user.username, password=PASSWORD)
    return client


def _without_token(page: bytes) -> bytes:
    """The page without its CSRF token, which differs on every answer."""
    return re.sub(rb'name="csrfmiddlewaretoken" value="[^"]*"', b"", page)


def _draft(officer: User, *, mandate: str = "sr-hrd", subject: str = "Detention") -> Communication:
    return communication_draft(
        actor=officer,
        type="UA",
        subject=subject,
        lead_mandate=Mandate.objects.get(code=mandate),
        addressee_states=[Country.objects.get(iso3="COL")],
        language="en",
    )


def _sent(officer: User) -> Communication:
    draft = _draft(officer)
    communication_approve(
        actor=officer, communication=draft, mandate=Mandate.objects.get(code="sr-hrd")
    )
    return communication_send(
        actor=officer, communication=draft, now=dt.datetime(2024, 5, 2, tzinfo=dt.UTC)
    )


# Access -------------------------------------------------------------------------


def test_views_never_fetch_a_communication_directly() -> None:
    source = VIEWS.read_text()
    assert not re.search(r"(Communication|Reply)\.objects\.", source)


def test_every_persona_without_the_right_gets_the_same_404_as_for_a_missing_draft(
    secretariat_officer: User, mandate_holder: User, researcher: User
) -> None:
    other = _draft(secretariat_officer, mandate="wgad")
    source = User.objects.create_user(username="sana.source", password=PASSWORD, role=Role.SOURCE)
    missing = _client(secretariat_officer).get("/staff/communications/999999/")
    assert missing.status_code == 404
    for user in (mandate_holder, researcher, source):
        client = _client(user)
        forbidden = client.get(f"/staff/communications/{other.pk}/")
        absent = client.get("/staff/communications/999999/")
        assert forbidden.status_code == absent.status_code == 404
        assert _without_token(forbidden.content).replace(
            f"/communications/{other.pk}/".encode(), b"PATH"
        ) == _without_token(absent.content).replace(b"/communications/999999/", b"PATH")
    anonymous = Client().get(f"/staff/communications/{other.pk}/")
    assert anonymous.status_code == 404


def test_researchers_sources_and_visitors_see_no_list(
    secretariat_officer: User, researcher: User
) -> None:
    for client in (_client(researcher), Client()):
        assert client.get("/staff/communications/").status_code == 404


def test_a_mandate_holder_sees_their_mandates_communications_only(
    secretariat_officer: User, mandate_holder: User
) -> None:
    own = _draft(secretariat_officer, subject="Own mandate")
    _draft(secretariat_officer, mandate="wgad", subject="Someone else's")
    page = _client(mandate_holder).get("/staff/communications/")
    assert page.status_code == 200
    assert b"Own mandate" in page.content
    assert b"Someone else" not in page.content
    assert _client(mandate_holder).get(f"/staff/communications/{own.pk}/").status_code == 200


def test_administrators_see_everything_but_cannot_draft(
    secretariat_officer: User, administrator: User
) -> None:
    draft = _draft(secretariat_officer)
    client = _client(administrator)
    assert client.get(f"/staff/communications/{draft.pk}/").status_code == 200
    assert client.get("/staff/communications/new/").status_code == 404


# List ---------------------------------------------------------------------------


def test_the_list_names_no_one_filters_and_pages(secretariat_officer: User) -> None:
    draft = _draft(secretariat_officer)
    ana = factories.person(name="Ana Lopez")
    communication_name_person(actor=secretariat_officer, communication=draft, person=ana)
    _sent(secretariat_officer)
    client = _client(secretariat_officer)
    page = client.get("/staff/communications/")
    assert b"Ana Lopez" not in page.content
    assert b"UA COL 1/2024" in page.content
    drafts = client.get("/staff/communications/?status=draft")
    assert b"UA COL 1/2024" not in drafts.content
    assert client.get("/staff/communications/?year=2024&type=UA").content.count(b"UA COL") == 1
    assert client.get("/staff/communications/?year=1700").status_code == 200


def test_the_list_costs_the_same_queries_for_many_rows(secretariat_officer: User) -> None:
    client = _client(secretariat_officer)
    _draft(secretariat_officer)
    with CaptureQueriesContext(connection) as few:
        client.get("/staff/communications/")
    for _ in range(10):
        _draft(secretariat_officer)
    with CaptureQueriesContext(connection) as many:
        client.get("/staff/communications/")
    assert len(many) == len(few)


# Drafting -----------------------------------------------------------------------


def test_a_draft_is_created_and_the_form_keeps_what_was_typed_on_error(
    secretariat_officer: User,
) -> None:
    client = _client(secretariat_officer)
    hrd = Mandate.objects.get(code="sr-hrd")
    incomplete = client.post(
        "/staff/communications/new/",
        {"type": "UA", "subject": "", "language": "en", "facts": "Typed facts stay."},
    )
    assert incomplete.status_code == 200
    assert b"Typed facts stay." in incomplete.content
    assert b"field-error" in incomplete.content
    created = client.post(
        "/staff/communications/new/",
        {
            "type": "UA",
            "subject": "Detention of a defender",
            "language": "fr",
            "lead_mandate": hrd.pk,
            "addressee_states": [Country.objects.get(iso3="COL").pk],
        },
    )
    assert created.status_code == 302
    draft = Communication.objects.get()
    assert draft.language == "fr"
    edited = client.post(
        f"/staff/communications/{draft.pk}/edit/",
        {"type": "AL", "subject": "Changed", "language": "fr", "lead_mandate": hrd.pk},
    )
    assert edited.status_code == 302
    draft.refresh_from_db()
    assert draft.type == "AL"


def test_the_forms_refuse_a_post_without_the_csrf_token(secretariat_officer: User) -> None:
    client = Client(enforce_csrf_checks=True)
    client.login(username=secretariat_officer.username, password=PASSWORD)
    response = client.post("/staff/communications/new/", {"type": "UA"})
    assert response.status_code == 403


def test_naming_an_unconsented_person_is_refused_next_to_the_form(
    secretariat_officer: User,
) -> None:
    draft = _draft(secretariat_officer)
    omar = factories.person(name="Omar Haddad", public_naming=None)
    client = _client(secretariat_officer)
    refused = client.post(f"/staff/communications/{draft.pk}/name/", {"key": omar.key.hex})
    assert refused.status_code == 409
    assert b"no consent is recorded" in refused.content
    assert omar.key.hex.encode() in refused.content  # what was typed is kept
    ana = factories.person(name="Ana Lopez")
    named = client.post(f"/staff/communications/{draft.pk}/name/", {"key": ana.key.hex})
    assert named.status_code == 302
    assert draft.named.get().person == ana
    wrong = client.post(f"/staff/communications/{draft.pk}/name/", {"key": "nothex"})
    assert b"32 letters" in wrong.content


# Approval and sending -------------------------------------------------------------


def test_a_send_before_approval_answers_409_with_the_reason_next_to_the_action(
    secretariat_officer: User, mandate_holder: User
) -> None:
    draft = _draft(secretariat_officer)
    officer = _client(secretariat_officer)
    refused = officer.post(f"/staff/communications/{draft.pk}/send/")
    assert refused.status_code == 409
    assert b'data-testid="send-error"' in refused.content
    assert b"Waiting for the approval" in refused.content
    holder = _client(mandate_holder)
    approved = holder.post(
        f"/staff/communications/{draft.pk}/approve/",
        {"mandate": Mandate.objects.get(code="sr-hrd").pk},
    )
    assert approved.status_code == 302
    sent = officer.post(f"/staff/communications/{draft.pk}/send/")
    assert sent.status_code == 302
    draft.refresh_from_db()
    assert draft.status == CommunicationStatus.SENT
    again = officer.post(f"/staff/communications/{draft.pk}/send/")
    assert again.status_code == 409


def test_a_mandate_holder_cannot_approve_for_another_mandate_nor_send(
    secretariat_officer: User, mandate_holder: User
) -> None:
    draft = communication_draft(
        actor=secretariat_officer,
        type="UA",
        subject="Joint",
        lead_mandate=Mandate.objects.get(code="sr-hrd"),
        joined_mandates=[Mandate.objects.get(code="wgad")],
        addressee_states=[Country.objects.get(iso3="COL")],
    )
    holder = _client(mandate_holder)
    other = holder.post(
        f"/staff/communications/{draft.pk}/approve/",
        {"mandate": Mandate.objects.get(code="wgad").pk},
    )
    assert other.status_code == 404
    assert holder.post(f"/staff/communications/{draft.pk}/send/").status_code == 404


def test_the_detail_shows_the_staff_letter_and_its_public_state(
    secretariat_officer: User,
) -> None:
    draft = _draft(secretariat_officer)
    ana = factories.person(name="Ana Lopez")
    communication_name_person(actor=secretariat_officer, communication=draft, person=ana)
    communication_update(
        actor=secretariat_officer, communication=draft, facts=f"{placeholder(ana)} was held."
    )
    page = _client(secretariat_officer).get(f"/staff/communications/{draft.pk}/")
    assert b"Ana Lopez was held." in page.content
    assert b"Not sent" in page.content


# Replies --------------------------------------------------------------------------


def test_a_reply_is_logged_and_classified_through_the_pages(secretariat_officer: User) -> None:
    sent = _sent(secretariat_officer)
    client = _client(secretariat_officer)
    early = client.post(
        f"/staff/communications/{sent.pk}/replies/new/",
        {"received_on": "2024-05-01", "language": "es"},
    )
    assert early.status_code == 409
    assert b"before its communication was sent" in early.content
    logged = client.post(
        f"/staff/communications/{sent.pk}/replies/new/",
        {"received_on": "2024-06-01", "language": "es", "confidential": "on"},
    )
    assert logged.status_code == 302
    reply = sent.replies.get()
    steps = ReplyClass.objects.get(code="steps_taken")
    classified = client.post(
        f"/staff/communications/{sent.pk}/replies/{reply.pk}/classify/",
        {"reply_class": steps.pk},
    )
    assert classified.status_code == 302
    reply.refresh_from_db()
    assert reply.reply_class == steps


def test_a_reply_of_another_communication_is_not_found(secretariat_officer: User) -> None:
    first = _sent(secretariat_officer)
    second = _sent(secretariat_officer)
    reply = reply_record(
        actor=secretariat_officer,
        communication=first,
        received_on=dt.date(2024, 6, 1),
        language="en",
    )
    response = _client(secretariat_officer).post(
        f"/staff/communications/{second.pk}/replies/{reply.pk}/classify/",
        {"reply_class": ReplyClass.objects.first().pk},  # type: ignore[union-attr]  # loaded
    )
    assert response.status_code == 404


# The letter -----------------------------------------------------------------------


def _letter_naming(officer: User, *persons: Person) -> Communication:
    draft = _draft(officer)
    text = " and ".join(placeholder(person) for person in persons)
    for person in persons:
        communication_name_person(actor=officer, communication=draft, person=person)
    communication_update(actor=officer, communication=draft, facts=f"{text} were detained.")
    communication_approve(
        actor=officer, communication=draft, mandate=Mandate.objects.get(code="sr-hrd")
    )
    return communication_send(
        actor=officer, communication=draft, now=dt.datetime(2024, 5, 2, tzinfo=dt.UTC)
    )


def test_the_pdf_letter_carries_the_reference_and_the_consented_names(
    secretariat_officer: User,
) -> None:
    ana = factories.person(name="Ana Lopez")
    sent = _letter_naming(secretariat_officer, ana)
    response = _client(secretariat_officer).get(f"/staff/communications/{sent.pk}/letter.pdf")
    assert response.status_code == 200
    assert response.content.startswith(b"%PDF")
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    assert "UA COL 1/2024" in text
    assert "Ana Lopez were detained." in text


def test_the_letter_is_in_its_own_language(secretariat_officer: User) -> None:
    sent = _letter_naming(secretariat_officer, factories.person(name="Ana Lopez"))
    Communication.objects.filter(pk=sent.pk).update(language="fr")
    page = _client(secretariat_officer).get(f"/staff/communications/{sent.pk}/letter.html")
    assert page.status_code == 200
    assert b'lang="fr"' in page.content
    assert b"Faits" in page.content


def test_the_letter_is_refused_when_a_named_person_withdrew_consent(
    secretariat_officer: User,
) -> None:
    omar = factories.person(name="Omar Haddad")
    sent = _letter_naming(secretariat_officer, omar)
    omar.consents.update(revoked_at=dt.datetime(2024, 6, 1, tzinfo=dt.UTC))
    client = _client(secretariat_officer)
    for suffix in ("letter.pdf", "letter.html"):
        response = client.get(f"/staff/communications/{sent.pk}/{suffix}")
        assert response.status_code == 409
        assert response["Content-Type"].startswith("text/html")
        assert b"not consented" in response.content
        assert b"%PDF" not in response.content
