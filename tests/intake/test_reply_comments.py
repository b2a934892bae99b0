"""A source comments on a public reply to the communication its case led to (issue 4).

The source sees only replies the public may read (published communication, reply not
confidential) to communications from its own case file; the comment is stored
encrypted, audited without its text, and staff read it on the communication's page
and on the submission's page.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest
from django.db import connection
from django.test import Client
from django.utils import timezone

from spcomms.accounts.models import User
from spcomms.audit.models import AuditEvent
from spcomms.cases.models import CaseFile
from spcomms.communications.models import Communication, Reply, ReplyComment
from spcomms.intake.models import Submission
from spcomms.intake.reply_comments import public_replies, reply_comment_add
from spcomms.intake.services import NotAllowed, SubmissionInvalid, decision_open_case_file
from spcomms.publication.records import reference_slug
from tests import factories
from tests.intake.triage import client_for, detail_url, submit

pytestmark = pytest.mark.django_db

PAST = dt.datetime(2016, 3, 1, 9, 0, tzinfo=dt.UTC)


@dataclass
class Case:
    code: str
    submission: Submission
    published: Communication
    public_reply: Reply
    confidential_reply: Reply
    early_reply: Reply  # to a communication whose reply period runs: not public yet
    withheld_reply: Reply
    other_reply: Reply  # public, but of another source's case


def _communication_of(submission: Submission, actor: User, **options: object) -> Communication:
    case_file = CaseFile.objects.filter(submission=submission).first() or decision_open_case_file(
        actor=actor, submission=submission
    )
    communication = factories.communication(**options)  # type: ignore[arg-type]
    communication.case_files.add(case_file)
    return communication


@pytest.fixture
def case(secretariat_officer: User) -> Case:
    receipt = submit(marker="Mine")
    mine = receipt.submission
    published = _communication_of(mine, secretariat_officer, sent_at=PAST)
    public_reply = factories.reply(to=published, received_on=dt.date(2016, 4, 1))
    confidential_reply = factories.reply(to=published, received_on=dt.date(2016, 4, 5))
    confidential_reply.confidential = True
    confidential_reply.save()
    recent = _communication_of(
        mine, secretariat_officer, sent_at=timezone.now() - dt.timedelta(days=3)
    )
    early_reply = factories.reply(to=recent, received_on=timezone.now().date())
    withheld = _communication_of(mine, secretariat_officer, sent_at=PAST)
    withheld.withheld = True
    withheld.withheld_reason = "Risk of reprisals"
    withheld.save()
    withheld_reply = factories.reply(to=withheld, received_on=dt.date(2016, 4, 2))
    theirs = submit(marker="Theirs").submission
    other = _communication_of(theirs, secretariat_officer, sent_at=PAST)
    other_reply = factories.reply(to=other, received_on=dt.date(2016, 4, 3))
    return Case(
        receipt.code,
        mine,
        published,
        public_reply,
        confidential_reply,
        early_reply,
        withheld_reply,
        other_reply,
    )


def _source(code: str) -> Client:
    client = Client()
    assert client.post("/submit/status/", {"code": code}).status_code == 302
    return client


def _url(reply: Reply) -> str:
    return f"/submit/replies/{reply.pk}/"


def test_only_public_replies_of_the_sources_own_case_are_listed(case: Case) -> None:
    assert public_replies(case.submission) == [case.public_reply]
    page = _source(case.code).get("/submit/status/open/").content.decode()
    assert page.count('data-testid="source-reply"') == 1
    assert case.published.reference in page
    assert _url(case.public_reply) in page
    for hidden in (case.confidential_reply, case.early_reply, case.withheld_reply):
        assert _url(hidden) not in page


def test_a_status_page_without_a_public_reply_has_no_section(reference: None) -> None:
    receipt = submit()
    page = _source(receipt.code).get("/submit/status/open/").content.decode()
    assert 'data-testid="source-replies"' not in page


def test_other_replies_are_404_for_the_source(case: Case) -> None:
    client = _source(case.code)
    assert client.get(_url(case.public_reply)).status_code == 200
    for hidden in (
        case.confidential_reply,
        case.early_reply,
        case.withheld_reply,
        case.other_reply,
    ):
        assert client.get(_url(hidden)).status_code == 404
        assert client.post(_url(hidden), {"body": "Zqx"}).status_code == 404
    assert client.get("/submit/replies/999999/").status_code == 404
    assert not ReplyComment.objects.exists()


def test_without_an_open_status_page_the_code_is_asked_again(case: Case) -> None:
    fresh = Client()
    asked = fresh.get(_url(case.public_reply))
    assert asked.status_code == 200
    assert 'name="code"' in asked.content.decode()
    assert 'name="body"' not in asked.content.decode()
    assert fresh.post(_url(case.public_reply), {"body": "Zqx"}).status_code == 403
    # Staff signed in are no source either.
    staff = client_for(User.objects.get(username="sofia.secretariat"))
    assert staff.post(_url(case.public_reply), {"body": "Zqx"}).status_code == 403
    assert not ReplyComment.objects.exists()


def test_the_source_comments_and_the_comment_is_encrypted_and_audited_without_text(
    case: Case,
) -> None:
    client = _source(case.code)
    sent = client.post(_url(case.public_reply), {"body": "Zqxcomment the reply is false"})
    assert sent.status_code == 302
    assert sent["Location"] == _url(case.public_reply) + "?sent=1"
    comment = ReplyComment.objects.get()
    assert comment.submission == case.submission
    assert comment.reply == case.public_reply
    assert comment.body == "Zqxcomment the reply is false"
    with connection.cursor() as cursor:
        cursor.execute("SELECT body FROM communications_replycomment WHERE id = %s", [comment.pk])
        stored = cursor.fetchone()[0]
    assert "Zqxcomment" not in stored
    event = AuditEvent.objects.get(action="reply_comment")
    assert event.actor is None
    assert event.detail == {"reply": case.public_reply.pk}
    page = client.get(sent["Location"]).content.decode()
    assert 'data-testid="comment-sent"' in page
    assert "Zqxcomment the reply is false" in page
    status_page = client.get("/submit/status/open/").content.decode()
    assert "Your comment (1); add another" in status_page


@pytest.mark.parametrize(
    ("body", "message"),
    [("", "Write your comment."), ("  \n ", "Write your comment."), ("y" * 20_001, "20,000")],
)
def test_a_bad_comment_is_refused_next_to_its_field_and_kept(
    case: Case, body: str, message: str
) -> None:
    refused = _source(case.code).post(_url(case.public_reply), {"body": body})
    assert refused.status_code == 400
    html = refused.content.decode()
    error_at = html.find('id="id_body_error"')
    assert error_at > 0
    assert message in html[error_at : html.find("</p>", error_at)]
    assert 'aria-invalid="true"' in html
    if body.strip():
        assert body in html
    assert not ReplyComment.objects.exists()


def test_the_service_refuses_a_reply_the_source_may_not_see(case: Case) -> None:
    with pytest.raises(NotAllowed):
        reply_comment_add(submission=case.submission, reply=case.other_reply, body="x")
    with pytest.raises(NotAllowed):
        reply_comment_add(submission=case.submission, reply=case.confidential_reply, body="x")
    with pytest.raises(SubmissionInvalid):
        reply_comment_add(submission=case.submission, reply=case.public_reply, body=" ")
    assert not ReplyComment.objects.exists()


def test_staff_read_the_comment_on_the_communication_and_the_submission(
    case: Case, secretariat_officer: User, mandate_holder: User, researcher: User
) -> None:
    reply_comment_add(
        submission=case.submission, reply=case.public_reply, body="Zqxstaffsee not true"
    )
    staff = client_for(secretariat_officer)
    on_communication = staff.get(f"/staff/communications/{case.published.pk}/").content.decode()
    assert "Zqxstaffsee not true" in on_communication
    assert detail_url(case.submission) in on_communication
    on_submission = staff.get(detail_url(case.submission)).content.decode()
    assert "Zqxstaffsee not true" in on_submission
    assert case.published.reference in on_submission
    # A mandate holder of the communication reads it without the link to the submission.
    holder_page = client_for(mandate_holder).get(f"/staff/communications/{case.published.pk}/")
    assert holder_page.status_code == 200
    assert "Zqxstaffsee not true" in holder_page.content.decode()
    assert detail_url(case.submission) not in holder_page.content.decode()
    # The public record never shows it.
    public = Client().get(f"/communications/{reference_slug(case.published)}/")
    assert "Zqxstaffsee" not in public.content.decode()
    assert (
        client_for(researcher).get(f"/staff/communications/{case.published.pk}/").status_code == 404
    )


def test_a_comment_needs_the_csrf_token(case: Case) -> None:
    client = Client(enforce_csrf_checks=True)
    assert client.post("/submit/status/", {"code": case.code}).status_code == 403
    opened = Client(enforce_csrf_checks=True)
    page = opened.get("/submit/status/")
    token = page.cookies["csrftoken"].value
    assert (
        opened.post(
            "/submit/status/", {"code": case.code, "csrfmiddlewaretoken": token}
        ).status_code
        == 302
    )
    form = opened.get(_url(case.public_reply))
    assert 'name="csrfmiddlewaretoken"' in form.content.decode()
    assert opened.post(_url(case.public_reply), {"body": "Zqx"}).status_code == 403
    assert not ReplyComment.objects.exists()
