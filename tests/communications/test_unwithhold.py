"""Un-withholding: a withheld communication returns to the public record, its history kept."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client

from spcomms.accounts.models import Role, User
from spcomms.audit.models import AuditEvent
from spcomms.communications.models import Communication, CommunicationTransition, PublicState
from spcomms.communications.services import (
    NotAllowed,
    WorkflowError,
    communication_unwithhold,
    communication_withhold,
)
from spcomms.publication.index import publication_sync
from spcomms.publication.models import PublishedDocument
from spcomms.publication.records import reference_slug
from tests import factories
from tests.communications.clients import client_for
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db

REASON = "The defender asked us to wait while she is in hiding."


def _published() -> Communication:
    """Sent in 2016 with a 60-day deadline: public now unless withheld."""
    sent = factories.communication(sent_at=dt.datetime(2016, 3, 1, 9, tzinfo=dt.UTC))
    sent.facts = "The land rights defender was arrested at the march."
    sent.save()
    return sent


def _withheld(officer: User) -> Communication:
    return communication_withhold(actor=officer, communication=_published(), reason=REASON)


# The service ----------------------------------------------------------------------


def test_it_clears_the_flag_keeps_the_reason_and_audits_without_text(
    secretariat_officer: User,
) -> None:
    withheld = _withheld(secretariat_officer)
    released = communication_unwithhold(actor=secretariat_officer, communication=withheld)
    assert not released.withheld
    assert not withheld.withheld  # the caller's object is refreshed too
    assert released.public_state() == PublicState.PUBLISHED
    assert released.withheld_reason == REASON  # the last reason stays on the record
    events = list(
        AuditEvent.objects.filter(object_id=str(withheld.pk))
        .order_by("at", "pk")
        .values_list("action", "detail")
    )
    assert events == [
        ("communication_withhold", {}),
        ("communication_unwithhold", {"reason_kept": True}),
    ]
    assert "hiding" not in str(AuditEvent.objects.values_list("detail", flat=True))
    assert not CommunicationTransition.objects.filter(communication=withheld).exists()


def test_it_refuses_a_communication_that_is_not_withheld(secretariat_officer: User) -> None:
    published = _published()
    with pytest.raises(WorkflowError, match="not withheld"):
        communication_unwithhold(actor=secretariat_officer, communication=published)
    assert not AuditEvent.objects.filter(action="communication_unwithhold").exists()


def test_it_refuses_a_draft(secretariat_officer: User) -> None:
    draft = factories.communication(sent_at=None)
    with pytest.raises(WorkflowError, match="Only a sent communication"):
        communication_unwithhold(actor=secretariat_officer, communication=draft)


def test_a_second_release_is_refused_and_writes_nothing(secretariat_officer: User) -> None:
    withheld = _withheld(secretariat_officer)
    stale = Communication.objects.get(pk=withheld.pk)  # read before the first release
    communication_unwithhold(actor=secretariat_officer, communication=withheld)
    with pytest.raises(WorkflowError, match="not withheld"):
        communication_unwithhold(actor=secretariat_officer, communication=stale)
    assert AuditEvent.objects.filter(action="communication_unwithhold").count() == 1


@pytest.mark.parametrize("role", [Role.MANDATE_HOLDER, Role.RESEARCHER, Role.ADMINISTRATOR])
def test_only_the_secretariat_may_release(secretariat_officer: User, role: Role) -> None:
    withheld = _withheld(secretariat_officer)
    other = User.objects.create_user(username=f"other-{role}", password=PASSWORD, role=role)
    with pytest.raises(NotAllowed):
        communication_unwithhold(actor=other, communication=withheld)
    withheld.refresh_from_db()
    assert withheld.withheld


def test_withholding_again_after_a_release_gives_a_new_reason_and_history(
    secretariat_officer: User,
) -> None:
    withheld = _withheld(secretariat_officer)
    communication_unwithhold(actor=secretariat_officer, communication=withheld)
    again = communication_withhold(
        actor=secretariat_officer, communication=withheld, reason="A new threat was reported."
    )
    assert again.withheld
    assert again.withheld_reason == "A new threat was reported."
    actions = AuditEvent.objects.filter(object_id=str(withheld.pk)).order_by("at", "pk")
    assert [event.action for event in actions] == [
        "communication_withhold",
        "communication_unwithhold",
        "communication_withhold",
    ]


def test_the_index_drops_a_withheld_letter_and_takes_it_back_once_released(
    secretariat_officer: User,
) -> None:
    published = _published()
    publication_sync()
    assert PublishedDocument.objects.filter(communication=published).exists()
    communication_withhold(actor=secretariat_officer, communication=published, reason=REASON)
    publication_sync()
    assert not PublishedDocument.objects.filter(communication=published).exists()
    communication_unwithhold(actor=secretariat_officer, communication=published)
    publication_sync()
    assert PublishedDocument.objects.filter(communication=published).exists()


# The public record ------------------------------------------------------------------


def test_the_public_record_hides_a_withheld_letter_and_shows_it_again_once_released(
    secretariat_officer: User,
) -> None:
    published = _published()
    public = Client()
    url = f"/communications/{reference_slug(published)}/"
    assert public.get(url).status_code == 200
    assert published.reference in public.get("/communications/", {"q": "land"}).content.decode()

    staff = client_for(secretariat_officer)
    staff.post(f"/staff/communications/{published.pk}/withhold/", {"reason": REASON})
    assert public.get(url).status_code == 404
    found = public.get("/communications/", {"q": "land"}).content.decode()
    assert published.reference not in found
    assert published.reference not in public.get("/communications/").content.decode()

    released = staff.post(f"/staff/communications/{published.pk}/unwithhold/")
    assert released.status_code == 302
    page = public.get(url)
    assert page.status_code == 200
    assert "land rights defender" in page.content.decode()
    assert published.reference in public.get("/communications/", {"q": "land"}).content.decode()
    assert REASON not in page.content.decode()


def test_a_letter_released_before_its_deadline_stays_confidential(
    secretariat_officer: User,
) -> None:
    recent = factories.communication(sent_at=dt.datetime.now(dt.UTC) - dt.timedelta(days=1))
    communication_withhold(actor=secretariat_officer, communication=recent, reason=REASON)
    response = client_for(secretariat_officer).post(
        f"/staff/communications/{recent.pk}/unwithhold/"
    )
    assert response.status_code == 302
    recent.refresh_from_db()
    assert recent.public_state() == PublicState.CONFIDENTIAL
    follow = client_for(secretariat_officer).get(f"/staff/communications/{recent.pk}/")
    assert follow.status_code == 200
    assert Client().get(f"/communications/{reference_slug(recent)}/").status_code == 404


# The staff pages ---------------------------------------------------------------------


def test_the_detail_page_shows_the_reason_a_button_and_a_confirmation_page(
    secretariat_officer: User,
) -> None:
    withheld = _withheld(secretariat_officer)
    client = client_for(secretariat_officer)
    detail = client.get(f"/staff/communications/{withheld.pk}/").content.decode()
    assert REASON in detail
    assert f'href="/staff/communications/{withheld.pk}/unwithhold/"' in detail
    assert "Withheld on" in detail
    confirm = client.get(f"/staff/communications/{withheld.pk}/unwithhold/")
    assert confirm.status_code == 200
    assert b"confirm-unwithhold" in confirm.content
    assert b"it will be public at once" in confirm.content
    withheld.refresh_from_db()
    assert withheld.withheld  # the confirmation page changes nothing

    done = client.post(f"/staff/communications/{withheld.pk}/unwithhold/", follow=True)
    html = done.content.decode()
    assert "it is back in the public record" in html
    assert "Withheld earlier, then released" in html
    assert REASON in html
    assert "Released for publication on" in html
    assert f"/staff/communications/{withheld.pk}/unwithhold/" not in html


def test_a_communication_that_is_not_withheld_answers_409_with_the_reason(
    secretariat_officer: User,
) -> None:
    published = _published()
    client = client_for(secretariat_officer)
    for response in (
        client.get(f"/staff/communications/{published.pk}/unwithhold/"),
        client.post(f"/staff/communications/{published.pk}/unwithhold/"),
    ):
        assert response.status_code == 409
        assert b'data-testid="unwithhold-error"' in response.content
        assert b"not withheld" in response.content
    assert not AuditEvent.objects.filter(action="communication_unwithhold").exists()


def test_every_other_persona_gets_404_and_nothing_changes(
    secretariat_officer: User, mandate_holder: User, researcher: User, administrator: User
) -> None:
    withheld = _withheld(secretariat_officer)
    source = User.objects.create_user(username="sana.source", password=PASSWORD, role=Role.SOURCE)
    url = f"/staff/communications/{withheld.pk}/unwithhold/"
    for user in (mandate_holder, researcher, administrator, source, None):
        client = client_for(user)
        assert client.get(url).status_code == 404
        assert client.post(url).status_code == 404
    withheld.refresh_from_db()
    assert withheld.withheld
    officer = client_for(secretariat_officer)
    assert officer.get("/staff/communications/999999/unwithhold/").status_code == 404
    assert officer.post("/staff/communications/999999/unwithhold/").status_code == 404


def test_a_mandate_holder_sees_no_release_button(
    secretariat_officer: User, mandate_holder: User
) -> None:
    withheld = _withheld(secretariat_officer)
    page = client_for(mandate_holder).get(f"/staff/communications/{withheld.pk}/")
    assert page.status_code == 200
    assert b'data-testid="unwithhold"' not in page.content
