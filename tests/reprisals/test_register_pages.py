"""The staff's reprisal register through its pages: who may reach it, recording and
editing an allegation with every field, refusals that keep what was typed, the
history, a stale edit, the filters, and the list's query count."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from spcomms.accounts.models import User
from spcomms.audit.models import AuditEvent
from spcomms.reprisals.models import ReprisalAllegation, ReprisalEvent, ReprisalStatus
from tests import factories
from tests.intake.triage import client_for, submit
from tests.reprisals.builders import REGISTER, allegation

pytestmark = pytest.mark.django_db


def _form(**changes: object) -> dict[str, object]:
    values: dict[str, object] = {
        "subject_kind": "individual",
        "country": "MDV",
        "occurred_on": "2016-04-01",
        "reported_on": "2016-04-10",
        "cooperation": "council_session",
        "council_session": "HRC 31",
        "acts": ["travel_ban", "surveillance"],
        "perpetrators": ["security_services"],
        "description": "Qzdesc stopped at the airport on the way back from Geneva",
        "summary": "A defender was prevented from travelling after speaking at the Council.",
        "raised_with_senior_official": "on",
        "sg_report_year": "2016",
        "government_response": "The Government denied any travel ban.",
        "status": "acted_on",
    }
    values.update(changes)
    return values


# Access ---------------------------------------------------------------------------------


def test_a_visitor_who_is_not_signed_in_is_sent_to_sign_in(reference: None) -> None:
    for url in (REGISTER, REGISTER + "new/", REGISTER + "export/?year=2016"):
        answer = client_for(None).get(url)
        assert answer.status_code == 302
        assert answer["Location"].startswith("/accounts/login/")


@pytest.mark.parametrize("persona", ["researcher", "mandate_holder", "source_organisation"])
def test_other_roles_are_refused_the_register_and_see_no_allegation(
    persona: str, request: pytest.FixtureRequest
) -> None:
    user: User = request.getfixturevalue(persona)
    kept = allegation()
    client = client_for(user)
    assert client.get(REGISTER).status_code == 403
    assert client.get(REGISTER + "new/").status_code == 403
    assert client.post(REGISTER + "new/", _form()).status_code == 403
    assert client.get(REGISTER + "export/?year=2016").status_code == 403
    assert client.get(f"{REGISTER}{kept.pk}/").status_code == 404
    assert client.post(f"{REGISTER}{kept.pk}/edit/", _form()).status_code == 404
    assert ReprisalAllegation.objects.count() == 1


def test_a_missing_allegation_and_a_huge_number_are_404(secretariat_officer: User) -> None:
    client = client_for(secretariat_officer)
    assert client.get(f"{REGISTER}999/").status_code == 404
    assert client.get(f"{REGISTER}{2**70}/").status_code == 404


def test_administrators_may_use_the_register(administrator: User) -> None:
    assert client_for(administrator).get(REGISTER).status_code == 200


# Recording --------------------------------------------------------------------------------


def test_staff_record_an_allegation_with_every_field(secretariat_officer: User) -> None:
    defender = factories.person(name="Aminath Qzperson", country="MDV")
    followed = factories.communication(country="MDV", number=3)
    sent_about = factories.communication(
        country="MDV", number=7, sent_at=dt.datetime(2016, 4, 20, tzinfo=dt.UTC)
    )
    source = submit(country="MDV").submission
    answer = client_for(secretariat_officer).post(
        REGISTER + "new/",
        _form(
            person=str(defender.key),
            submission=str(source.public_id),
            communication=f"ua mdv 3/{followed.ref_year}",
            action_communication=sent_about.reference,
        ),
    )
    assert answer.status_code == 302, answer.content.decode()[:3000]
    saved = ReprisalAllegation.objects.get()
    assert answer["Location"] == f"{REGISTER}{saved.pk}/"
    assert saved.person == defender
    assert saved.country is not None
    assert saved.country.iso3 == "MDV"
    assert saved.occurred_on == dt.date(2016, 4, 1)
    assert saved.cooperation == "council_session"
    assert saved.council_session == "HRC 31"
    assert saved.submission == source
    assert saved.communication == followed
    assert saved.action_communication == sent_about
    assert sorted(saved.acts.values_list("code", flat=True)) == ["surveillance", "travel_ban"]
    assert list(saved.perpetrators.values_list("code", flat=True)) == ["security_services"]
    assert saved.raised_with_senior_official is True
    assert saved.sg_report_year == 2016
    assert saved.government_response == "The Government denied any travel ban."
    assert saved.status == ReprisalStatus.ACTED_ON
    assert saved.recorded_by == secretariat_officer
    assert [e.kind for e in saved.events.all()] == ["created"]
    event = AuditEvent.objects.get(action="reprisal_create")
    assert "Qzdesc" not in str(event.detail)
    page = client_for(secretariat_officer).get(f"{REGISTER}{saved.pk}/").content.decode()
    assert "Qzdesc stopped at the airport" in page
    assert "Aminath Qzperson" in page
    assert AuditEvent.objects.filter(action="reprisal_read").count() == 1


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"country": ""}, "country", "Choose the State where the reprisal took place."),
        ({"country": "XXX"}, "country", "Select a valid choice."),
        ({"reported_on": "2016-13-45"}, "reported_on", "Enter a valid date."),
        ({"reported_on": "2999-01-01"}, "reported_on", "cannot be in the future"),
        ({"occurred_on": "2016-05-01"}, "occurred_on", "cannot have happened after"),
        ({"cooperation": "tea"}, "cooperation", "Select a valid choice."),
        ({"person": "not-a-key"}, "person", "This is not an identifier"),
        ({"person": "00000000-0000-0000-0000-000000000000"}, "person", "No record has"),
        ({"communication": "UA XYZ 999/2016"}, "communication", "No sent communication"),
        ({"sg_report_year": "20166"}, "sg_report_year", "less than or equal to 2100"),
        (
            {"raised_with_senior_official": "", "sg_report_year": ""},
            "status",
            "An allegation is acted on when",
        ),
        ({"summary": "x" * 20_001}, "summary", "at most 20000 characters"),
    ],
)
def test_bad_input_is_refused_next_to_its_field_and_kept(
    secretariat_officer: User, changes: dict[str, str], field: str, message: str
) -> None:
    answer = client_for(secretariat_officer).post(REGISTER + "new/", _form(**changes))
    assert answer.status_code == 400
    page = answer.content.decode()
    error = page.split(f'id="id_{field}_error"')[1].split("</p>")[0]
    assert message in error.replace("&#x27;", "'")
    assert "Qzdesc stopped at the airport" in page  # what was typed is kept
    assert not ReprisalAllegation.objects.exists()


# Editing and history ------------------------------------------------------------------------


def test_an_edit_is_saved_and_shows_in_the_history(secretariat_officer: User) -> None:
    client = client_for(secretariat_officer)
    kept = allegation(status=ReprisalStatus.ALLEGED)
    form_page = client.get(f"{REGISTER}{kept.pk}/edit/")
    assert form_page.status_code == 200
    version = kept.updated_at.isoformat()
    assert version in form_page.content.decode()
    answer = client.post(
        f"{REGISTER}{kept.pk}/edit/", _form(country="BHR", status="under_review", version=version)
    )
    assert answer.status_code == 302, answer.content.decode()[:3000]
    kept.refresh_from_db()
    assert kept.status == ReprisalStatus.UNDER_REVIEW
    event = ReprisalEvent.objects.get(allegation=kept, kind="edited")
    assert event.from_status == "alleged"
    assert event.to_status == "under_review"
    assert "status" in event.fields
    assert "description" in event.fields
    assert event.actor == secretariat_officer
    page = client.get(f"{REGISTER}{kept.pk}/").content.decode()
    history = page.split('data-testid="history"')[1]
    assert "Under review" in history
    assert "Qzdesc" not in history  # the history names fields, never their content


def test_an_edit_over_a_newer_change_is_refused_with_409(secretariat_officer: User) -> None:
    client = client_for(secretariat_officer)
    kept = allegation(status=ReprisalStatus.ALLEGED)
    stale = kept.updated_at.isoformat()
    ReprisalAllegation.objects.filter(pk=kept.pk).update(
        updated_at=kept.updated_at + dt.timedelta(seconds=5)
    )
    answer = client.post(f"{REGISTER}{kept.pk}/edit/", _form(status="under_review", version=stale))
    assert answer.status_code == 409
    assert "Someone else changed this allegation" in answer.content.decode()
    kept.refresh_from_db()
    assert kept.status == ReprisalStatus.ALLEGED


# The list ------------------------------------------------------------------------------------


def test_the_filters_narrow_the_list(secretariat_officer: User) -> None:
    bahrain = allegation(country="BHR", reported_on=dt.date(2016, 2, 1))
    maldives = allegation(
        country="MDV", reported_on=dt.date(2015, 2, 1), status=ReprisalStatus.ALLEGED
    )
    client = client_for(secretariat_officer)

    def rows(query: str) -> list[str]:
        page = client.get(REGISTER + query).content.decode()
        return [part.split('"')[0] for part in page.split('data-allegation="')[1:]]

    assert rows("") == [str(bahrain.pk), str(maldives.pk)]
    assert rows("?country=MDV") == [str(maldives.pk)]
    assert rows("?year=2016") == [str(bahrain.pk)]
    assert rows("?status=alleged") == [str(maldives.pk)]
    assert rows("?cooperation=visit") == []
    assert client.get(REGISTER + "?year=abc").status_code == 400


def test_the_list_costs_the_same_queries_for_many_allegations(secretariat_officer: User) -> None:
    client = client_for(secretariat_officer)
    allegation()
    client.get(REGISTER)
    with CaptureQueriesContext(connection) as few:
        client.get(REGISTER)
    for number in range(15):
        allegation(
            person=factories.person(name=f"Person {number}"),
            action_communication=factories.communication(country="BHR"),
        )
    with CaptureQueriesContext(connection) as many:
        client.get(REGISTER)
    assert len(many.captured_queries) == len(few.captured_queries)


def test_the_workspace_links_staff_to_the_register(
    secretariat_officer: User, researcher: User
) -> None:
    assert 'data-testid="reprisals-link"' in (
        client_for(secretariat_officer).get("/accounts/home/").content.decode()
    )
    assert 'data-testid="reprisals-link"' not in (
        client_for(researcher).get("/accounts/home/").content.decode()
    )
