"""The triage inbox and a submission's page through Django's client: who reaches them,
what the list shows and hides, its order, filters and pages, and the audited read."""

from __future__ import annotations

import uuid

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from spcomms.accounts.models import User
from spcomms.audit.models import AuditEvent
from spcomms.intake import staff_views
from spcomms.intake.models import Submission, SubmissionStatus
from spcomms.intake.services import decision_no_action, submission_assign
from tests.intake.triage import INBOX, client_for, detail_url, submit
from tests.web.conftest import source_organisation

__all__ = ["source_organisation"]  # the persona fixture of the web tests

pytestmark = pytest.mark.django_db

OTHER_ROLES = ("mandate_holder", "researcher", "administrator", "source_organisation")


def _rows(page: object) -> list[str]:
    """The short ids of the inbox rows, in order."""
    html = page.content.decode()  # type: ignore[attr-defined]
    marker = 'data-testid="inbox-row" data-submission="'
    return [part[:8] for part in html.split(marker)[1:]]


def _short(submission: Submission) -> str:
    return submission.public_id.hex[:8]


# Who reaches the pages ---------------------------------------------------------------------


def test_anonymous_visitors_are_sent_to_sign_in(reference: None) -> None:
    submission = submit().submission
    for url in (INBOX, detail_url(submission)):
        answer = Client().get(url)
        assert answer.status_code == 302
        assert answer["Location"].startswith("/accounts/login/?next=")
    posted = Client().post(detail_url(submission, "message"), {"body": "hello"})
    assert posted.status_code == 302
    assert posted["Location"].startswith("/accounts/login/")
    assert not submission.messages.exists()


@pytest.mark.parametrize("role", OTHER_ROLES)
def test_other_roles_get_403_on_the_inbox_and_404_on_a_submission(
    request: pytest.FixtureRequest, role: str
) -> None:
    user: User = request.getfixturevalue(role)
    submission = submit().submission
    client = client_for(user)
    assert client.get(INBOX).status_code == 403
    assert client.get(detail_url(submission)).status_code == 404
    for action, data in (
        ("message", {"body": "hello"}),
        ("info-request", {"body": "more?"}),
        ("status", {"to_status": "under_review"}),
        ("no-action", {"internal_reason": "no"}),
        ("case-file", {"country": "COL"}),
        ("assign", {"to_me": "1"}),
    ):
        assert client.post(detail_url(submission, action), data).status_code == 404
    submission.refresh_from_db()
    assert submission.status == SubmissionStatus.RECEIVED
    assert submission.assigned_to is None
    assert not submission.messages.exists()
    assert not AuditEvent.objects.filter(object_type="intake.submission").exists()


def test_a_source_with_its_code_never_reaches_the_triage_pages(reference: None) -> None:
    receipt = submit()
    client = Client()
    assert client.post("/submit/status/", {"code": receipt.code}).status_code == 302
    assert client.get("/submit/status/open/").status_code == 200
    for url in (INBOX, detail_url(receipt.submission)):
        answer = client.get(url)
        assert answer.status_code == 302
        assert answer["Location"].startswith("/accounts/login/")


def test_a_secretariat_officer_reaches_both_and_an_unknown_submission_is_404(
    secretariat_officer: User,
) -> None:
    submission = submit().submission
    client = client_for(secretariat_officer)
    assert client.get(INBOX).status_code == 200
    assert client.get(detail_url(submission)).status_code == 200
    assert client.get(f"{INBOX}{uuid.uuid4()}/").status_code == 404
    assert client.get(f"{INBOX}not-a-uuid/").status_code == 404


def test_the_workspace_links_the_inbox_for_the_secretariat_only(
    secretariat_officer: User, mandate_holder: User
) -> None:
    assert (
        b'data-testid="triage-link"'
        in client_for(secretariat_officer).get("/accounts/home/").content
    )
    assert (
        b'data-testid="triage-link"'
        not in client_for(mandate_holder).get("/accounts/home/").content
    )


# What the inbox shows -----------------------------------------------------------------------


def test_the_inbox_shows_no_name_or_answer_and_opens_nothing(secretariat_officer: User) -> None:
    submission = submit(
        marker="Zqxinbox", urgent=True, victims=2, mandates=("sr-hrd",), with_file=True
    ).submission
    page = client_for(secretariat_officer).get(INBOX)
    html = page.content.decode()
    assert "Zqxinbox" not in html
    assert _short(submission) in html
    assert "Colombia" in html
    assert "sr-hrd" in html
    assert 'data-testid="urgent"' in html
    assert "<td>2</td>" in html  # two people concerned
    assert page["Cache-Control"].startswith("max-age=0")
    # Listing is not reading: no audit row.
    assert not AuditEvent.objects.filter(action="submission_read").exists()


def test_urgent_first_then_oldest_first(secretariat_officer: User) -> None:
    new_plain = submit(received_days_ago=1).submission
    old_plain = submit(received_days_ago=9).submission
    new_urgent = submit(urgent=True, received_days_ago=2).submission
    old_urgent = submit(urgent=True, received_days_ago=5).submission
    page = client_for(secretariat_officer).get(INBOX)
    assert _rows(page) == [
        _short(old_urgent),
        _short(new_urgent),
        _short(old_plain),
        _short(new_plain),
    ]


def test_filters_by_mandate_country_language_status_and_assignment(
    secretariat_officer: User,
) -> None:
    colleague = User.objects.create_user(username="carla.colleague", role="secretariat")
    hrd_col_en = submit(mandates=("sr-hrd",)).submission
    mex_fr = submit(country="MEX", language="fr", received_days_ago=1).submission
    declined = submit(received_days_ago=2).submission
    decision_no_action(
        actor=secretariat_officer, submission=declined, internal_reason="out of mandate"
    )
    submission_assign(actor=secretariat_officer, submission=mex_fr, assignee=secretariat_officer)
    submission_assign(actor=secretariat_officer, submission=hrd_col_en, assignee=colleague)
    client = client_for(secretariat_officer)

    def shown(query: str) -> set[str]:
        page = client.get(f"{INBOX}?{query}")
        assert page.status_code == 200
        return set(_rows(page))

    # By default: open submissions only.
    assert shown("") == {_short(hrd_col_en), _short(mex_fr)}
    assert shown("status=all") == {_short(hrd_col_en), _short(mex_fr), _short(declined)}
    assert shown("status=no_action") == {_short(declined)}
    assert shown("mandate=sr-hrd") == {_short(hrd_col_en)}
    assert shown("country=MEX") == {_short(mex_fr)}
    assert shown("language=fr") == {_short(mex_fr)}
    assert shown("assigned=me") == {_short(mex_fr)}
    assert shown("assigned=none&status=all") == {_short(declined)}
    assert shown("country=MEX&language=en") == set()


@pytest.mark.parametrize(
    "query", ["status=nonsense", "country=XXX", "mandate=no-such", "language=de", "assigned=x"]
)
def test_a_bad_filter_is_400_with_the_message_next_to_it(
    secretariat_officer: User, query: str
) -> None:
    submit()
    page = client_for(secretariat_officer).get(f"{INBOX}?{query}")
    assert page.status_code == 400
    assert 'class="field-error"' in page.content.decode()
    assert _rows(page) == []


def test_the_inbox_is_paginated_and_keeps_the_filters(
    secretariat_officer: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(staff_views, "PAGE_SIZE", 2)
    made = [submit(received_days_ago=days).submission for days in (5, 4, 3, 2, 1)]
    client = client_for(secretariat_officer)
    first = client.get(f"{INBOX}?country=COL")
    assert _rows(first) == [_short(made[0]), _short(made[1])]
    assert "?country=COL&amp;page=2" in first.content.decode()
    last = client.get(f"{INBOX}?country=COL&page=3")
    assert _rows(last) == [_short(made[4])]
    assert client.get(f"{INBOX}?page=zzz").status_code == 200  # the first page


# Assignment from the inbox ---------------------------------------------------------------------


def test_assign_to_me_and_to_a_colleague_from_the_inbox(secretariat_officer: User) -> None:
    colleague = User.objects.create_user(username="carla.colleague", role="secretariat")
    researcher = User.objects.create_user(username="rex.researcher", role="researcher")
    submission = submit().submission
    client = client_for(secretariat_officer)
    back = f"{INBOX}?country=COL"
    mine = client.post(detail_url(submission, "assign"), {"to_me": "1", "next": back})
    assert mine.status_code == 302
    assert mine["Location"] == back
    submission.refresh_from_db()
    assert submission.assigned_to == secretariat_officer
    theirs = client.post(detail_url(submission, "assign"), {"assignee": colleague.pk})
    assert theirs.status_code == 302
    assert theirs["Location"] == detail_url(submission)
    submission.refresh_from_db()
    assert submission.assigned_to == colleague
    # Someone who may not triage is not offered and is refused.
    refused = client.post(detail_url(submission, "assign"), {"assignee": researcher.pk})
    assert refused.status_code == 400
    submission.refresh_from_db()
    assert submission.assigned_to == colleague
    # A foreign "next" is not followed.
    away = client.post(
        detail_url(submission, "assign"), {"assignee": "", "next": "https://evil.example/"}
    )
    assert away["Location"] == detail_url(submission)
    submission.refresh_from_db()
    assert submission.assigned_to is None
    events = AuditEvent.objects.filter(action="submission_assign").order_by("pk")
    assert [event.detail["assignee"] for event in events] == [
        secretariat_officer.pk,
        colleague.pk,
        None,
    ]


# A submission's page ----------------------------------------------------------------------------


def test_the_page_shows_everything_flags_what_not_to_transmit_and_audits_the_read(
    secretariat_officer: User,
) -> None:
    receipt = submit(marker="Zqxread", victims=2, with_file=True, mandates=("sr-hrd",))
    submission = receipt.submission
    page = client_for(secretariat_officer).get(detail_url(submission))
    html = page.content.decode()
    assert page.status_code == 200
    assert "Zqxread facts: arrested at dawn." in html
    assert "Zqxread Sender Org" in html
    assert "Zqxread Victim 0" in html
    assert "Zqxread Victim 1" in html
    # "places" is marked not to transmit (the builder's default), "facts" is not.
    assert 'data-testid="ntt-places"' in html
    assert 'data-testid="ntt-facts"' not in html
    assert 'data-testid="file-ntt"' in html
    assert "Zqxread-photo.jpg" in html
    assert 'data-testid="file-cleaned"' in html
    assert 'data-testid="file-original"' not in html  # no right to originals
    assert page["Cache-Control"].startswith("max-age=0")
    read = AuditEvent.objects.get(action="submission_read")
    assert read.actor == secretariat_officer
    assert read.object_id == str(submission.pk)
    assert "Zqxread" not in str(read.detail)


def test_the_inbox_costs_the_same_queries_for_many_rows(secretariat_officer: User) -> None:
    colleague = User.objects.create_user(username="carla.colleague", role="secretariat")
    first = submit(mandates=("sr-hrd",)).submission
    submission_assign(actor=secretariat_officer, submission=first, assignee=colleague)
    client = client_for(secretariat_officer)
    with CaptureQueriesContext(connection) as few:
        client.get(INBOX)
    for number in range(3):
        more = submit(mandates=("sr-hrd",), country="MEX").submission
        if number:
            submission_assign(actor=secretariat_officer, submission=more, assignee=colleague)
    with CaptureQueriesContext(connection) as many:
        page = client.get(INBOX)
    assert len(_rows(page)) == 4
    assert len(many) == len(few)
