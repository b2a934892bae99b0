"""The staff pages for persons, through HTTP: who reaches them, what they show, and the
actions they take, refuse and keep."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from spcomms.accounts.models import User
from spcomms.audit.models import AuditEvent
from spcomms.cases.models import Person, PersonDistinct, PersonMerge
from spcomms.communications.models import Communication, CommunicationPerson
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def nabeel_and_nabil(reference: None) -> tuple[Person, Person]:
    nabeel = factories.person(name="Nabeel Haddad", country="BHR")
    nabil = factories.person(name="Nabil Haddad", country="BHR")
    first = factories.communication(persons=(nabeel,), country="BHR")
    follow_up = factories.communication(
        persons=(nabil,), country="BHR", sent_at=dt.datetime(2016, 9, 1, tzinfo=dt.UTC)
    )
    follow_up.follow_up_of = first
    follow_up.save()
    factories.communication(
        persons=(nabil,), country="BHR", sent_at=dt.datetime(2017, 5, 1, tzinfo=dt.UTC)
    )
    return nabeel, nabil


def _signed_in(client: Client, user: User) -> Client:
    client.force_login(user)
    return client


@pytest.mark.parametrize("persona", ["mandate_holder", "researcher", "source_organisation"])
def test_others_than_the_secretariat_see_none_of_it(
    client: Client, request: pytest.FixtureRequest, persona: str, nabeel_and_nabil: tuple
) -> None:
    nabeel, nabil = nabeel_and_nabil
    client.force_login(request.getfixturevalue(persona))
    merge_count = PersonMerge.objects.count()
    for url in ("/staff/persons/", "/staff/persons/duplicates/", f"/staff/persons/{nabeel.pk}/"):
        answer = client.get(url)
        assert answer.status_code == 404
        assert b"Nabeel" not in answer.content
    assert client.post(f"/staff/persons/{nabeel.pk}/merge/", {"other": nabil.pk}).status_code == 404
    assert PersonMerge.objects.count() == merge_count


def test_the_public_is_sent_to_sign_in_or_refused(client: Client, nabeel_and_nabil: tuple) -> None:
    nabeel, _nabil = nabeel_and_nabil
    for url in ("/staff/persons/", f"/staff/persons/{nabeel.pk}/"):
        answer = client.get(url)
        assert answer.status_code in (302, 404)
        assert b"Nabeel" not in answer.content


def test_a_missing_person_or_merge_is_404(client: Client, secretariat_officer: User) -> None:
    _signed_in(client, secretariat_officer)
    assert client.get("/staff/persons/999999/").status_code == 404
    assert client.post("/staff/persons/merges/999999/undo/").status_code == 404
    assert client.get("/staff/persons/99999999999999999999/").status_code == 404


def test_the_list_shows_names_and_mention_counts(
    client: Client, secretariat_officer: User, nabeel_and_nabil: tuple
) -> None:
    answer = _signed_in(client, secretariat_officer).get("/staff/persons/")
    assert answer.status_code == 200
    assert b"Nabeel Haddad" in answer.content
    assert b"Nabil Haddad" in answer.content


def test_the_duplicates_page_proposes_the_pair(
    client: Client, administrator: User, nabeel_and_nabil: tuple
) -> None:
    factories.person(name="Tariq Suleiman", country="JOR")
    answer = _signed_in(client, administrator).get("/staff/persons/duplicates/")
    assert answer.status_code == 200
    proposals = answer.context["proposals"]
    assert [{p.first.name, p.second.name} for p in proposals] == [{"Nabeel Haddad", "Nabil Haddad"}]


def test_a_merge_through_the_pages_counts_and_marks_the_follow_up_then_undo(
    client: Client, secretariat_officer: User, nabeel_and_nabil: tuple
) -> None:
    nabeel, nabil = nabeel_and_nabil
    _signed_in(client, secretariat_officer)
    before = client.get(f"/staff/persons/{nabeel.pk}/")
    assert before.context["mention_count"] == 1
    assert [p.second.pk for p in before.context["candidates"]] == [nabil.pk]

    answer = client.post(f"/staff/persons/{nabeel.pk}/merge/", {"other": nabil.pk, "score": "97"})
    assert answer.status_code == 302
    page = client.get(f"/staff/persons/{nabeel.pk}/")
    assert (page.context["mention_count"], page.context["follow_up_count"]) == (3, 1)
    follow_ups = [n.communication.pk for n in page.context["namings"] if n.follow_up]
    assert follow_ups == list(
        Communication.objects.filter(follow_up_of__isnull=False).values_list("pk", flat=True)
    )
    assert b"Follow-up on the same violation" in page.content
    merge = PersonMerge.objects.get()
    assert merge.score == 97

    undone = client.post(f"/staff/persons/merges/{merge.pk}/undo/")
    assert undone.status_code == 302
    assert client.get(f"/staff/persons/{nabeel.pk}/").context["mention_count"] == 1
    assert client.get(f"/staff/persons/{nabil.pk}/").context["mention_count"] == 2


def test_a_refused_merge_answers_409_with_the_reason(
    client: Client, secretariat_officer: User, nabeel_and_nabil: tuple
) -> None:
    nabeel, nabil = nabeel_and_nabil
    both = factories.communication(persons=(nabeel, nabil), country="BHR", number=77)
    _signed_in(client, secretariat_officer)
    answer = client.post(f"/staff/persons/{nabeel.pk}/merge/", {"other": nabil.pk})
    assert answer.status_code == 409
    assert str(both).encode() in answer.content
    assert not PersonMerge.objects.exists()


@pytest.mark.parametrize("other", ["", "abc", "-3", "999999"])
def test_a_bad_merge_request_answers_400(
    client: Client, secretariat_officer: User, nabeel_and_nabil: tuple, other: str
) -> None:
    nabeel, _nabil = nabeel_and_nabil
    answer = _signed_in(client, secretariat_officer).post(
        f"/staff/persons/{nabeel.pk}/merge/", {"other": other}
    )
    assert answer.status_code == 400
    assert not PersonMerge.objects.exists()


def test_not_the_same_person_is_remembered_and_no_longer_proposed(
    client: Client, secretariat_officer: User, nabeel_and_nabil: tuple
) -> None:
    nabeel, nabil = nabeel_and_nabil
    _signed_in(client, secretariat_officer)
    answer = client.post(
        f"/staff/persons/{nabil.pk}/distinct/", {"other": nabeel.pk, "next": "duplicates"}
    )
    assert answer.status_code == 302
    assert answer["Location"] == "/staff/persons/duplicates/"
    assert PersonDistinct.objects.count() == 1
    assert client.get("/staff/persons/duplicates/").context["proposals"] == []
    assert client.get(f"/staff/persons/{nabeel.pk}/").context["candidates"] == []


def test_a_split_through_the_page_and_a_rejected_split_keeps_what_was_typed(
    client: Client, secretariat_officer: User, nabeel_and_nabil: tuple
) -> None:
    _nabeel, nabil = nabeel_and_nabil
    mentions = list(CommunicationPerson.objects.filter(person=nabil).order_by("pk"))
    _signed_in(client, secretariat_officer)
    rejected = client.post(
        f"/staff/persons/{nabil.pk}/split/", {"split-name": "Nabil Hadad", "split-mentions": []}
    )
    assert rejected.status_code == 400
    assert b'value="Nabil Hadad"' in rejected.content
    answer = client.post(
        f"/staff/persons/{nabil.pk}/split/",
        {"split-name": "Nabil Hadad", "split-mentions": [mentions[1].pk]},
    )
    assert answer.status_code == 302
    created = Person.objects.order_by("-pk").first()
    assert created is not None
    assert answer["Location"] == f"/staff/persons/{created.pk}/"
    assert client.get(f"/staff/persons/{nabil.pk}/").context["mention_count"] == 1
    assert client.get(f"/staff/persons/{created.pk}/").context["mention_count"] == 1
    assert AuditEvent.objects.filter(action="person_split").count() == 1


def test_the_persons_file_shows_consent_case_files_and_merges(
    client: Client, secretariat_officer: User, nabeel_and_nabil: tuple
) -> None:
    nabeel, nabil = nabeel_and_nabil
    factories.case_file(persons=(nabil,), country="BHR")
    _signed_in(client, secretariat_officer)
    client.post(f"/staff/persons/{nabeel.pk}/merge/", {"other": nabil.pk})
    page = client.get(f"/staff/persons/{nabeel.pk}/")
    assert len(page.context["entries"]) == 1
    assert b"Full name" in page.content
    assert b'data-testid="undo-merge"' in page.content
    absorbed = client.get(f"/staff/persons/{nabil.pk}/")
    assert b'data-testid="merged-into"' in absorbed.content


def test_the_list_takes_the_same_queries_for_many_persons(
    client: Client, secretariat_officer: User
) -> None:
    _signed_in(client, secretariat_officer)
    for number in range(3):
        factories.communication(persons=(factories.person(name=f"Person {number}"),))
    client.get("/staff/persons/")
    with CaptureQueriesContext(connection) as few:
        client.get("/staff/persons/")
    for number in range(30):
        factories.communication(persons=(factories.person(name=f"Other {number}"),))
    with CaptureQueriesContext(connection) as many:
        client.get("/staff/persons/")
    assert len(many.captured_queries) == len(few.captured_queries)


def test_the_duplicates_page_shows_the_best_pairs_first_and_says_how_many_more(
    client: Client, secretariat_officer: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    from spcomms.cases import views

    monkeypatch.setattr(views, "PROPOSALS_SHOWN", 1)
    factories.person(name="Olga Petrova", country="RUS")
    factories.person(name="Olga Petrowa", country="RUS")
    factories.person(name="Nabeel Haddad", country="BHR")
    factories.person(name="Nabil Hadad", country="BHR")
    answer = _signed_in(client, secretariat_officer).get("/staff/persons/duplicates/")
    assert len(answer.context["proposals"]) == 1
    assert answer.context["proposals"][0].score.total == 100
    assert b"The 1 best of 2 pairs are shown" in answer.content


@pytest.mark.parametrize("score", ["abc", "101", "-1"])
def test_a_merge_with_a_bad_score_is_refused(
    client: Client, secretariat_officer: User, nabeel_and_nabil: tuple, score: str
) -> None:
    nabeel, nabil = nabeel_and_nabil
    answer = _signed_in(client, secretariat_officer).post(
        f"/staff/persons/{nabeel.pk}/merge/", {"other": nabil.pk, "score": score}
    )
    assert answer.status_code == 400
    assert not PersonMerge.objects.exists()
