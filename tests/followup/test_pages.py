"""The staff follow-up pages: who may see them, what they list, and recording an assessment
with its history (issue 5)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from spcomms.accounts.models import Role, User
from spcomms.audit.models import AuditEvent
from spcomms.communications.models import CommunicationPerson
from spcomms.followup.models import Assessment, Channel
from tests import factories
from tests.communications.clients import client_for
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db

LIST = "/staff/follow-up/"
NAME = "Marker Defender Name"


def _sent_months_ago(months: int, *names: str, country: str = "COL") -> list[CommunicationPerson]:
    persons = [factories.person(name=name, country=country) for name in names]
    communication = factories.communication(
        sent_at=timezone.now() - dt.timedelta(days=31 * months + 2),
        persons=tuple(persons),
        country=country,
    )
    return list(CommunicationPerson.objects.filter(communication=communication).order_by("pk"))


def _detail(mention: CommunicationPerson, months: int = 3) -> str:
    return f"{LIST}{mention.pk}/{months}/"


def _form(**changes: str) -> dict[str, str]:
    values = {
        "development": "somewhat_better",
        "source": "desk",
        "information_level": "limited",
        "basis": "Marker basis: press report",
        "assessed_on": timezone.now().date().isoformat(),
        "impact_attention": "",
        "impact_communication": "",
        "comment": "Marker comment",
    }
    values.update(changes)
    return values


def test_only_staff_and_researchers_reach_the_follow_up_pages(
    secretariat_officer: User, administrator: User, researcher: User, mandate_holder: User
) -> None:
    (mention,) = _sent_months_ago(4, NAME)
    source_account = User.objects.create_user(
        username="sana.source", password=PASSWORD, role=Role.SOURCE
    )
    for allowed in (secretariat_officer, administrator, researcher):
        client = client_for(allowed)
        assert client.get(LIST).status_code == 200
        assert client.get(_detail(mention)).status_code == 200
    for refused in (None, mandate_holder, source_account):
        client = client_for(refused)
        assert client.get(LIST).status_code == 404
        assert client.get(_detail(mention)).status_code == 404
        assert client.post(_detail(mention), _form()).status_code == 404
    assert not Assessment.objects.exists()


def test_the_list_shows_due_and_overdue_follow_ups_by_key_never_by_name(
    secretariat_officer: User,
) -> None:
    (overdue,) = _sent_months_ago(5, NAME)
    (due,) = _sent_months_ago(3, "Marker Other Name")
    _sent_months_ago(1, "Marker Recent Name")
    page = client_for(secretariat_officer).get(LIST).content.decode()
    assert page.count('data-testid="follow-up"') == 2
    assert page.count('data-state="overdue"') == 1
    assert page.count('data-state="due"') == 1
    assert _detail(overdue) in page
    assert _detail(due) in page
    assert "Marker" not in page
    assert str(overdue.person) in page


def test_the_filters_narrow_the_list_and_a_bad_filter_is_a_400(secretariat_officer: User) -> None:
    _sent_months_ago(7, "A", country="COL")
    _sent_months_ago(7, "B", country="KEN")
    client = client_for(secretariat_officer)
    count = 'data-testid="follow-up"'
    assert client.get(LIST).content.decode().count(count) == 4
    assert client.get(LIST, {"country": "KEN"}).content.decode().count(count) == 2
    assert client.get(LIST, {"period": "6"}).content.decode().count(count) == 2
    assert client.get(LIST, {"mandate": "sr-hrd", "period": "3"}).content.decode().count(count) == 2
    for bad in ({"country": "XXX"}, {"period": "5"}, {"mandate": "nobody"}):
        response = client.get(LIST, bad)
        assert response.status_code == 400
        assert response.content.decode().count(count) == 0


def test_the_list_costs_the_same_queries_for_many_follow_ups(secretariat_officer: User) -> None:
    client = client_for(secretariat_officer)
    _sent_months_ago(4, "A")
    client.get(LIST)
    with CaptureQueriesContext(connection) as few:
        client.get(LIST)
    for index in range(6):
        _sent_months_ago(4, f"P{index}", f"Q{index}")
    with CaptureQueriesContext(connection) as many:
        response = client.get(LIST)
    assert response.content.decode().count('data-testid="follow-up"') == 13
    assert len(many) == len(few)


def test_staff_record_a_desk_assessment_and_the_latest_counts(
    secretariat_officer: User,
) -> None:
    (mention,) = _sent_months_ago(4, NAME)
    client = client_for(secretariat_officer)
    response = client.post(_detail(mention), _form())
    assert response.status_code == 302
    assert client.post(_detail(mention), _form(development="much_worse")).status_code == 302
    page = client.get(_detail(mention) + "?saved=1").content.decode()
    assert 'data-testid="saved"' in page
    assert page.count('data-testid="assessment"') == 2
    counted = page.split('data-counts="yes"')[1].split("</tr>")[0]
    assert "Much worse" in counted
    assert "Marker basis: press report" in page
    latest = Assessment.objects.order_by("-recorded_at", "-pk").first()
    assert latest is not None
    assert (latest.channel, latest.recorded_by, latest.development) == (
        Channel.PAGE,
        secretariat_officer,
        "much_worse",
    )
    assert AuditEvent.objects.filter(action="followup.assess").count() == 2
    assert "Marker" not in str(AuditEvent.objects.values_list("detail", flat=True)[0])
    # Assessed: the 3-month follow-up has left the list.
    assert _detail(mention) not in client.get(LIST).content.decode()


def test_a_rejected_assessment_keeps_what_was_typed(secretariat_officer: User) -> None:
    (mention,) = _sent_months_ago(4, NAME)
    client = client_for(secretariat_officer)
    response = client.post(_detail(mention), _form(basis="   ", comment="Marker typed comment"))
    assert response.status_code == 400
    page = response.content.decode()
    assert "Say what the assessment rests on" in page
    assert "Marker typed comment" in page
    future = (timezone.now().date() + dt.timedelta(days=3)).isoformat()
    response = client.post(_detail(mention), _form(assessed_on=future))
    assert response.status_code == 400
    assert "cannot be in the future" in response.content.decode()
    response = client.post(_detail(mention), _form(development="rosy", assessed_on="31/12/2024"))
    assert response.status_code == 400
    assert "YYYY-MM-DD" in response.content.decode()
    assert not Assessment.objects.exists()


def test_a_researcher_records_an_assessment_but_reads_only_their_own_texts(
    secretariat_officer: User, researcher: User
) -> None:
    (mention,) = _sent_months_ago(4, NAME)
    client_for(secretariat_officer).post(_detail(mention), _form(basis="Marker staff basis"))
    client = client_for(researcher)
    assert client.post(_detail(mention), _form(basis="Marker own basis")).status_code == 302
    page = client.get(_detail(mention)).content.decode()
    assert "Marker own basis" in page
    assert "Marker staff basis" not in page
    assert "Not shown to researchers." in page


def test_unknown_or_unsent_follow_ups_and_unconfigured_periods_are_404(
    secretariat_officer: User,
) -> None:
    (mention,) = _sent_months_ago(4, NAME)
    draft = factories.communication(sent_at=None, persons=(factories.person(),))
    unsent = CommunicationPerson.objects.get(communication=draft)
    client = client_for(secretariat_officer)
    for url in (
        _detail(mention, 5),
        _detail(unsent),
        f"{LIST}999999/3/",
        f"{LIST}99999999999999999999/3/",
    ):
        assert client.get(url).status_code == 404


def test_a_merged_persons_follow_up_page_leads_to_the_canonical_one(
    secretariat_officer: User,
) -> None:
    first, second = _sent_months_ago(4, "Nabeel", "Nabil")
    second.person.merged_into = first.person
    second.person.save()
    response = client_for(secretariat_officer).get(_detail(second))
    assert response.status_code == 302
    assert response["Location"] == _detail(first)
