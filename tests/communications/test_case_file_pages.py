"""Taking case files into a draft through the staff page, for each persona and bad input."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from spcomms.accounts.models import Role, User
from spcomms.audit.models import AuditEvent
from spcomms.cases.models import CaseFile, Person
from spcomms.communications.letters import placeholder
from spcomms.communications.models import (
    Communication,
    CommunicationPerson,
    CommunicationStatus,
    CommunicationTransition,
)
from spcomms.communications.services import (
    communication_abandon,
    communication_approve,
    communication_draft,
    communication_name_person,
    communication_send,
)
from spcomms.reference.models import Country, Mandate
from tests import factories
from tests.communications.clients import client_for
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db

URL = "/staff/communications/case-files/"
FACTS = "Ana Lopez and Omar Haddad were arrested at dawn."


def _ana() -> Person:
    return factories.person(name="Ana Lopez")


def _omar() -> Person:
    """Omar has no consent recorded: he cannot be named to the State."""
    return factories.person(name="Omar Haddad", public_naming=None)


def _file(*persons: Person, country: str = "COL") -> CaseFile:
    return factories.case_file(
        persons=persons,
        country=country,
        facts=FACTS,
        places="A secret place of detention.",
        context="Election period.",
        not_to_transmit=("places",),
        attachments=(False, True),
    )


def _new_draft(*case_files: CaseFile, **fields: object) -> dict[str, object]:
    return {
        "case_files": [case_file.pk for case_file in case_files],
        "into": "",
        "type": "UA",
        "subject": "Arrest of two defenders",
        "language": "en",
        "lead_mandate": Mandate.objects.get(code="sr-hrd").pk,
        **fields,
    }


def _draft(officer: User) -> Communication:
    return communication_draft(
        actor=officer,
        type="AL",
        subject="Existing draft",
        lead_mandate=Mandate.objects.get(code="sr-hrd"),
        addressee_states=[Country.objects.get(iso3="MEX")],
    )


def _written() -> tuple[int, int, int, int]:
    return (
        Communication.objects.count(),
        CommunicationPerson.objects.count(),
        CommunicationTransition.objects.count(),
        AuditEvent.objects.count(),
    )


# Who may -------------------------------------------------------------------------------


def test_every_persona_but_the_secretariat_gets_404_and_writes_nothing(
    secretariat_officer: User, mandate_holder: User, researcher: User, administrator: User
) -> None:
    case_file = _file(_ana())
    source = User.objects.create_user(username="sana.source", password=PASSWORD, role=Role.SOURCE)
    before = _written()
    for user in (mandate_holder, researcher, administrator, source, None):
        client = client_for(user)
        assert client.get(URL).status_code == 404
        assert client.post(URL, _new_draft(case_file)).status_code == 404
    assert _written() == before
    assert client_for(secretariat_officer).get(URL).status_code == 200


def test_the_list_shows_number_country_and_count_but_no_name(secretariat_officer: User) -> None:
    case_file = _file(_ana(), _omar(), country="MEX")
    page = client_for(secretariat_officer).get(URL)
    html = page.content.decode()
    assert f"Case file {case_file.pk}" in html
    assert "Mexico (MEX)" in html
    assert "Ana Lopez" not in html
    assert "Omar Haddad" not in html
    assert "arrested at dawn" not in html
    assert 'href="/staff/communications/new/"' in html  # from scratch, too


def test_the_list_filters_by_country_and_costs_the_same_queries_for_many_files(
    secretariat_officer: User,
) -> None:
    colombia = _file(_ana())
    mexico = _file(_ana(), country="MEX")
    client = client_for(secretariat_officer)
    html = client.get(URL, {"country": "MEX"}).content.decode()
    assert f'id="case-file-{mexico.pk}"' in html
    assert f'id="case-file-{colombia.pk}"' not in html
    with CaptureQueriesContext(connection) as few:
        client.get(URL)
    for _ in range(8):
        _file(_ana())
    with CaptureQueriesContext(connection) as many:
        client.get(URL)
    assert len(many) == len(few)


def test_the_list_pages_and_the_draft_links_both_ways_in(secretariat_officer: User) -> None:
    client = client_for(secretariat_officer)
    listing = client.get("/staff/communications/").content.decode()
    assert f'href="{URL}"' in listing
    assert 'href="/staff/communications/new/"' in listing
    assert f'href="{URL}"' in client.get("/staff/communications/new/").content.decode()
    draft = _draft(secretariat_officer)
    detail = client.get(f"/staff/communications/{draft.pk}/").content.decode()
    assert f'href="{URL}?into={draft.pk}"' in detail
    preselected = client.get(URL, {"into": draft.pk}).content.decode()
    assert f'<option value="{draft.pk}" selected>' in preselected


def test_a_link_can_tick_a_case_file_even_beyond_the_newest_listed(
    secretariat_officer: User,
) -> None:
    old = _file(_ana(), country="MEX")
    CaseFile.objects.filter(pk=old.pk).update(opened_at=dt.datetime(2001, 1, 1, tzinfo=dt.UTC))
    _file(_ana())
    html = (
        client_for(secretariat_officer)
        .get(URL, {"case_files": old.pk, "country": "COL"})
        .content.decode()
    )
    assert f'value="{old.pk}" id="case-file-{old.pk}" checked' in html


def test_the_report_costs_the_same_queries_for_many_case_files(
    secretariat_officer: User,
) -> None:
    """Only the case files grow here: the letter's own queries grow with the persons named."""
    client = client_for(secretariat_officer)
    client.post(URL, _new_draft(_file(_ana(), _omar())))
    draft = Communication.objects.get()
    with CaptureQueriesContext(connection) as few:
        client.get(f"/staff/communications/{draft.pk}/")
    more = [_file(_omar(), _omar()) for _ in range(5)]
    client.post(URL, {"case_files": [case_file.pk for case_file in more], "into": draft.pk})
    with CaptureQueriesContext(connection) as many:
        page = client.get(f"/staff/communications/{draft.pk}/")
    assert page.content.decode().count('data-testid="person-not-named"') == 11
    assert page.content.decode().count('data-testid="attachment-left-out"') == 6
    assert len(many) == len(few)


# A new draft --------------------------------------------------------------------------


def test_a_new_draft_names_the_consenting_and_reports_what_was_left_out(
    secretariat_officer: User,
) -> None:
    ana, omar = _ana(), _omar()
    case_file = _file(ana, omar)
    client = client_for(secretariat_officer)
    response = client.post(URL, _new_draft(case_file))
    assert response.status_code == 302
    draft = Communication.objects.get()
    assert response["Location"] == f"/staff/communications/{draft.pk}/"
    assert draft.status == CommunicationStatus.DRAFT
    assert [link.person for link in draft.named.all()] == [ana]
    assert list(draft.case_files.all()) == [case_file]
    assert [a.country.iso3 for a in draft.addressees.all() if a.country] == ["COL"]
    assert placeholder(ana) in draft.facts
    assert "Omar Haddad" not in draft.facts
    assert "secret place" not in draft.facts
    assert "Election period." in draft.facts
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert actions == {"communication_draft", "communication_from_case_files"}

    page = client.get(response["Location"])
    html = page.content.decode()
    assert "Persons named: 1. Persons not named: 1." in html
    assert "Answers left out: 1. Attachments left out: 1." in html
    assert 'data-testid="person-not-named"' in html
    assert f"Not named: Omar Haddad ({omar.key.hex[:8]}):" in html
    assert "no consent is recorded" in html
    assert "Left out: the answer “Places”" in html
    secret = case_file.submission.attachments.get(not_to_transmit=True)  # type: ignore[union-attr]  # made with one
    assert f"Left out: attachment {secret.pk}," in html


def test_the_report_follows_the_consent_recorded_since(secretariat_officer: User) -> None:
    omar = _omar()
    client = client_for(secretariat_officer)
    client.post(URL, _new_draft(_file(omar)))
    draft = Communication.objects.get()
    factories.person(name="unused")  # another person does not change the report
    omar.consents.create(
        given_by="victim",
        transmit_to_state=True,
        public_naming="withheld",
        recorded_at=dt.datetime(2024, 1, 1, tzinfo=dt.UTC),
    )
    html = client.get(f"/staff/communications/{draft.pk}/").content.decode()
    assert "their consent now allows it" in html
    communication_name_person(actor=secretariat_officer, communication=draft, person=omar)
    html = client.get(f"/staff/communications/{draft.pk}/").content.decode()
    assert 'data-testid="person-not-named"' not in html


def test_two_case_files_make_one_draft_addressed_to_both_states(
    secretariat_officer: User,
) -> None:
    ana = _ana()
    first, second = _file(ana), _file(ana, country="MEX")
    response = client_for(secretariat_officer).post(URL, _new_draft(first, second))
    assert response.status_code == 302
    draft = Communication.objects.get()
    assert set(draft.case_files.all()) == {first, second}
    assert {a.country.iso3 for a in draft.addressees.all() if a.country} == {"COL", "MEX"}
    assert draft.named.count() == 1


# An existing draft ----------------------------------------------------------------------


def test_case_files_are_added_to_an_existing_draft_and_its_approvals_cleared(
    secretariat_officer: User,
) -> None:
    draft = _draft(secretariat_officer)
    communication_approve(
        actor=secretariat_officer, communication=draft, mandate=Mandate.objects.get(code="sr-hrd")
    )
    ana = _ana()
    case_file = _file(ana)
    response = client_for(secretariat_officer).post(
        URL, {"case_files": [case_file.pk], "into": draft.pk}
    )
    assert response.status_code == 302
    assert Communication.objects.count() == 1
    draft.refresh_from_db()
    assert draft.type == "AL"  # the new-draft fields are not needed and change nothing
    assert list(draft.case_files.all()) == [case_file]
    assert draft.named.get().person == ana
    assert not draft.mandate_links.filter(approved_at__isnull=False).exists()


def test_a_sent_communication_cannot_take_case_files_in(secretariat_officer: User) -> None:
    draft = _draft(secretariat_officer)
    communication_approve(
        actor=secretariat_officer, communication=draft, mandate=Mandate.objects.get(code="sr-hrd")
    )
    sent = communication_send(
        actor=secretariat_officer,
        communication=draft,
        now=dt.datetime(2024, 5, 2, tzinfo=dt.UTC),
    )
    case_file = _file(_ana())
    before = _written()
    response = client_for(secretariat_officer).post(
        URL, {"case_files": [case_file.pk], "into": sent.pk}
    )
    assert response.status_code == 409
    html = response.content.decode()
    assert 'data-testid="into-error"' in html
    assert "Only a draft can be changed; this communication is sent." in html
    assert f'value="{case_file.pk}" id="case-file-{case_file.pk}" checked' in html
    assert _written() == before
    assert not sent.case_files.exists()


# Bad input -------------------------------------------------------------------------------


def test_no_case_file_chosen_is_refused_next_to_the_list_keeping_what_was_typed(
    secretariat_officer: User,
) -> None:
    _file(_ana())
    before = _written()
    response = client_for(secretariat_officer).post(
        URL, _new_draft(subject="Kept subject", case_files=[])
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert 'data-testid="case-files-error"' in html
    assert "Choose at least one case file." in html
    assert 'value="Kept subject"' in html
    assert _written() == before


def test_an_unknown_case_file_is_refused_with_its_number(secretariat_officer: User) -> None:
    before = _written()
    client = client_for(secretariat_officer)
    unknown = client.post(URL, _new_draft(case_files=[999999]))
    assert unknown.status_code == 400
    assert "There is no case file 999999." in unknown.content.decode()
    garbage = client.post(URL, _new_draft(case_files=["abc"]))
    assert garbage.status_code == 400
    assert "abc is not the number of a case file." in garbage.content.decode()
    assert _written() == before


def test_numbers_too_large_for_the_database_are_refused_not_crashed(
    secretariat_officer: User,
) -> None:
    huge = "9" * 30
    before = _written()
    client = client_for(secretariat_officer)
    posted = client.post(URL, _new_draft(case_files=[huge]))
    assert posted.status_code == 400
    assert f"There is no case file {huge}." in posted.content.decode()
    assert client.get(URL, {"case_files": huge, "into": huge}).status_code == 200
    into = client.post(URL, {"case_files": [_file(_ana()).pk], "into": huge})
    assert into.status_code == 400
    assert _written() == before


def test_an_unknown_draft_is_refused(secretariat_officer: User) -> None:
    case_file = _file(_ana())
    before = _written()
    response = client_for(secretariat_officer).post(
        URL, {"case_files": [case_file.pk], "into": 999999}
    )
    assert response.status_code == 400
    assert "There is no such draft." in response.content.decode()
    assert _written() == before


def test_a_new_draft_without_its_essentials_is_refused_field_by_field(
    secretariat_officer: User,
) -> None:
    case_file = _file(_ana())
    before = _written()
    response = client_for(secretariat_officer).post(
        URL, _new_draft(case_file, type="", subject="  ", lead_mandate="")
    )
    assert response.status_code == 400
    assert response.content.decode().count("A new draft needs this.") == 3
    assert _written() == before


def test_an_abandoned_draft_cannot_take_case_files_in(secretariat_officer: User) -> None:
    draft = _draft(secretariat_officer)
    communication_abandon(actor=secretariat_officer, communication=draft)
    case_file = _file(_ana())
    before = _written()
    response = client_for(secretariat_officer).post(
        URL, {"case_files": [case_file.pk], "into": draft.pk}
    )
    assert response.status_code == 409
    assert "this communication is abandoned draft." in response.content.decode()
    assert _written() == before


def test_a_language_the_letter_cannot_have_is_refused(secretariat_officer: User) -> None:
    case_file = _file(_ana())
    before = _written()
    response = client_for(secretariat_officer).post(URL, _new_draft(case_file, language="de"))
    assert response.status_code == 400
    assert "Select a valid choice." in response.content.decode()
    assert _written() == before
