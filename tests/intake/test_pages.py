"""The source's pages through Django's client: every step, bad input, the receipt, the status."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from pytest_django import Settings

from spcomms.accounts.models import Role, User
from spcomms.intake import services, tokens
from spcomms.intake.models import (
    MessageKind,
    Submission,
    SubmissionAttachment,
    SubmissionMessage,
    SubmissionStatus,
)
from spcomms.intake.views import STATUS_COOKIE
from spcomms.throttle.models import ThrottleCount, ThrottleKey
from tests.conftest import PASSWORD
from tests.intake import walk
from tests.intake.conftest import jpeg_with_exif

pytestmark = pytest.mark.django_db


def _field_block(page: Any, field_id: str) -> str:
    """The ``div.field`` that holds the input with this id: its label, error and widget."""
    content = page.content.decode()
    position = content.index(f'id="{field_id}"')
    start = content.rindex('<div class="field', 0, position)
    return content[start : content.index("</div>", position)]


def _open_status(client: Client, code: str) -> Any:
    opened = client.post("/submit/status/", {"code": code})
    assert opened.status_code == 302
    return client.get(opened["Location"])


def _opened_then_timed_out(
    monkeypatch: pytest.MonkeyPatch, settings: Settings
) -> tuple[Client, str, Callable[[], float]]:
    """A source's client with its status page opened by its code, then the clock moved
    past the page's time; also the code, and the real clock to put back."""
    client = Client()
    code = walk.code_of(walk.submit(client))
    _open_status(client, code)
    real_time = tokens.time.time
    monkeypatch.setattr(
        tokens.time, "time", lambda: real_time() + settings.SPCOMMS_INTAKE_STATUS_SECONDS + 5
    )
    return client, code, real_time


# The form ------------------------------------------------------------------------


def test_the_whole_form_stores_two_people_their_consent_and_a_cleaned_file(
    reference: None, intake_dir: Any
) -> None:
    receipt = walk.submit(
        Client(),
        victims=("Ana Zq", "Omar Zq"),
        files={"file0": walk.upload("photo.jpg", jpeg_with_exif()), "file0_ntt": "on"},
    )
    assert receipt.status_code == 200
    code = walk.code_of(receipt)
    assert re.fullmatch(r"[0-9A-Z]{5}(-[0-9A-Z]{5}){4}", code)
    assert "cannot recover it" in receipt.content.decode()
    assert "the location where the picture was taken (GPS)" in receipt.content.decode()
    submission = Submission.objects.get()
    assert services.receipt_open(code) == submission
    assert submission.is_urgent
    assert submission.facts == "Facts Zq: she was arrested at dawn."
    assert submission.not_to_transmit == ["places"]
    assert submission.joint_action_wished is True
    assert [m.code for m in submission.mandates_wished.all()] == ["sr-hrd"]
    people = list(submission.victims.order_by("position"))
    assert [p.name for p in people] == ["Ana Zq", "Omar Zq"]
    assert all(p.consent_transmit and p.consent_public == "initials" for p in people)
    assert people[0].issue_areas.count() == 1
    attachment = SubmissionAttachment.objects.get()
    assert attachment.not_to_transmit
    assert "gps" in attachment.removed
    assert len(list(intake_dir.iterdir())) == 2


def test_every_page_is_uncached_and_ties_labels_to_inputs(reference: None) -> None:
    client = Client()
    for url in ("/submit/", "/submit/form/", "/submit/status/"):
        page = client.get(url)
        assert page.status_code == 200
        assert "no-store" in page["Cache-Control"]
        assert "script-src 'self'" in page["Content-Security-Policy"]
        assert "<script" not in page.content.decode()
    first = client.get("/submit/form/")
    content = first.content.decode()
    assert '<label for="id_sender_name">' in content
    assert 'id="id_sender_name"' in content
    assert "<legend>Who is sending it?</legend>" in content
    assert 'name="language"' in content  # the language switch of every page


def test_a_step_with_missing_answers_is_refused_and_keeps_what_was_typed(
    reference: None,
) -> None:
    client = Client()
    page = client.get("/submit/form/")
    refused = walk.post(client, page, sender_name="Typed Zq Name", language="en")
    assert refused.status_code == 400
    block = _field_block(refused, "id_sender_kind_0")
    assert "This field is required." in block
    assert 'value="Typed Zq Name"' in refused.content.decode()
    assert "Step 1 of 7" in refused.content.decode()


def test_the_people_step_needs_a_name_and_consistent_consent(reference: None) -> None:
    client = Client()
    page = client.get("/submit/form/")
    steps = walk.answers_by_step()
    page = walk.post(client, page, **steps[0])
    page = walk.post(client, page, **steps[1])
    bad = walk.victim(0, "", consent_transmit="no", consent_public="full")
    refused = walk.post(client, page, **bad)
    assert refused.status_code == 400
    assert "This field is required." in _field_block(refused, "id_v0-name")
    assert "cannot appear in public either" in refused.content.decode()
    assert 'value="Origin of "' in refused.content.decode()


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        (
            {"incident_from": "2024-05-02", "incident_to": "2024-05-01"},
            "id_incident_to",
            "The end cannot come before the start.",
        ),
        (
            {"incident_from": (dt.date.today() + dt.timedelta(days=3)).isoformat()},
            "id_incident_from",
            "This date is in the future.",
        ),
        ({"incident_from": "31/02/2024"}, "id_incident_from", "Enter a valid date."),
    ],
)
def test_wrong_dates_are_refused_next_to_their_field(
    reference: None, changes: dict[str, str], field: str, message: str
) -> None:
    client = Client()
    page = client.get("/submit/form/")
    steps = walk.answers_by_step()
    page = walk.post(client, page, **steps[0])
    page = walk.post(client, page, **steps[1])
    page = walk.post(client, page, **walk.victim(0, "Ana Zq"))
    refused = walk.post(client, page, **{**steps[3], **changes})
    assert refused.status_code == 400
    assert message in _field_block(refused, field)
    assert "Facts Zq: she was arrested at dawn." in refused.content.decode()


def test_a_script_in_an_answer_is_shown_as_text(reference: None) -> None:
    client = Client()
    page = client.get("/submit/form/")
    steps = walk.answers_by_step()
    steps[3]["facts"] = '<script>alert("Zq")</script> facts'
    for step, fields in enumerate(steps):
        page = walk.post(client, page, **(walk.victim(0, "<b>Ana</b>") if step == 2 else fields))
        assert page.status_code == 200
    content = page.content.decode()
    assert "&lt;script&gt;alert(&quot;Zq&quot;)&lt;/script&gt; facts" in content
    assert "<script>" not in content
    assert "&lt;b&gt;Ana&lt;/b&gt;" in content


def test_going_back_and_adding_and_removing_people_keeps_the_answers(reference: None) -> None:
    client = Client()
    page = client.get("/submit/form/")
    steps = walk.answers_by_step()
    page = walk.post(client, page, **steps[0])
    page = walk.post(client, page, **steps[1])
    page = walk.post(client, page, action="add-victim", **walk.victim(0, "Ana Zq"))
    assert 'data-testid="victim-1"' in page.content.decode()
    page = walk.post(
        client,
        page,
        action="remove-victim-0",
        **walk.victim(0, "Ana Zq"),
        **walk.victim(1, "Omar Zq"),
    )
    content = page.content.decode()
    assert 'data-testid="victim-1"' not in content
    assert 'value="Omar Zq"' in content
    back = walk.post(client, page, action="back", **walk.victim(0, "Omar Zq"))
    assert 'value="Hearing Zq tomorrow"' in back.content.decode() or (
        "Hearing Zq tomorrow" in back.content.decode()
    )


def test_a_tampered_or_missing_draft_starts_again(reference: None) -> None:
    client = Client()
    page = client.get("/submit/form/")
    draft = walk.draft_of(page)
    tampered = draft[:-4] + ("AAAA" if not draft.endswith("AAAA") else "BBBB")
    for value in (tampered, ""):
        refused = client.post(walk.FORM, {"draft": value, "action": "next"})
        assert refused.status_code == 400
        assert "Please start again" in refused.content.decode()


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (walk.upload("tool.exe", b"MZ\x90\x00binary\x00"), "This type of file is not accepted"),
        (walk.upload("big.txt", b"a" * 2_000), "larger than"),
    ],
)
def test_an_oversized_or_disallowed_file_is_refused_and_nothing_is_stored(
    reference: None, settings: Settings, intake_dir: Any, upload: Any, message: str
) -> None:
    settings.SPCOMMS_INTAKE_MAX_FILE_BYTES = 1_000
    refused = walk.submit(Client(), files={"file1": upload})
    assert refused.status_code == 400
    assert message in _field_block(refused, "id_file1")
    assert "choose them again" in refused.content.decode()
    assert "Facts Zq" in refused.content.decode()  # the summary of what was typed
    assert not Submission.objects.exists()
    assert not intake_dir.exists() or not list(intake_dir.iterdir())


def test_sending_twice_stores_one_submission(reference: None) -> None:
    client = Client()
    page = client.get("/submit/form/")
    for step, fields in enumerate(walk.answers_by_step()):
        page = walk.post(client, page, **(walk.victim(0, "Ana Zq") if step == 2 else fields))
    first = walk.post(client, page, action="send", confirm="on")
    again = walk.post(client, page, action="send", confirm="on")
    assert first.status_code == 200
    assert again.status_code == 409
    assert Submission.objects.count() == 1


def test_the_send_step_needs_the_confirmation(reference: None) -> None:
    client = Client()
    page = client.get("/submit/form/")
    for step, fields in enumerate(walk.answers_by_step()):
        page = walk.post(client, page, **(walk.victim(0, "Ana Zq") if step == 2 else fields))
    refused = walk.post(client, page, action="send")
    assert refused.status_code == 400
    assert "This field is required." in _field_block(refused, "id_confirm")
    assert not Submission.objects.exists()


def test_submissions_are_rate_limited_per_client_with_a_clear_message(
    reference: None, settings: Settings
) -> None:
    settings.SPCOMMS_INTAKE_SUBMISSIONS = 1
    client = Client()
    assert walk.submit(client).status_code == 200
    limited = walk.submit(client, marker="Zr")
    assert limited.status_code == 429
    assert "Too many submissions were sent from your connection" in limited.content.decode()
    assert Submission.objects.count() == 1
    other = Client(REMOTE_ADDR="10.1.2.3")
    assert walk.submit(other, marker="Zs").status_code == 200


# The status page -------------------------------------------------------------------


def test_the_code_opens_the_status_page_with_the_messages_and_the_source_can_reply(
    reference: None, secretariat_officer: User
) -> None:
    client = Client()
    code = walk.code_of(walk.submit(client))
    submission = Submission.objects.get()
    services.submission_set_status(
        actor=secretariat_officer, submission=submission, to_status=SubmissionStatus.UNDER_REVIEW
    )
    services.info_request(
        actor=secretariat_officer, submission=submission, body="Which prison, Zq?"
    )
    page = _open_status(client, code)
    content = page.content.decode()
    assert page.status_code == 200
    assert "More information requested" in content
    assert "Which prison, Zq?" in content
    cookie = page.cookies[STATUS_COOKIE]
    assert cookie["httponly"]
    assert cookie["samesite"] == "Strict"
    sent = client.post(
        "/submit/status/open/",
        {"kind": MessageKind.INFO_ADDED, "body": "The central prison, Zq."},
    )
    assert sent.status_code == 302
    after = client.get(sent["Location"])
    assert "Your message was sent." in after.content.decode()
    assert "The central prison, Zq." in after.content.decode()
    assert "Under review" in after.content.decode()
    assert SubmissionMessage.objects.filter(from_source=True).count() == 1


def test_a_reprisal_with_a_file_can_be_reported(reference: None, intake_dir: Any) -> None:
    client = Client()
    code = walk.code_of(walk.submit(client))
    _open_status(client, code)
    sent = client.post(
        "/submit/status/open/",
        {
            "kind": MessageKind.REPRISAL,
            "body": "My office was raided.",
            "file": walk.upload("raid.jpg", jpeg_with_exif()),
        },
    )
    assert sent.status_code == 302
    message = SubmissionMessage.objects.get(kind=MessageKind.REPRISAL)
    assert SubmissionAttachment.objects.get(message=message).removed
    refused = client.post(
        "/submit/status/open/",
        {"kind": MessageKind.MESSAGE, "body": "x", "file": walk.upload("a.exe", b"MZ\x00")},
    )
    assert refused.status_code == 400
    assert "This type of file is not accepted" in _field_block(refused, "id_file")
    assert SubmissionMessage.objects.count() == 1


def test_the_status_page_shows_the_date_of_the_communication_and_the_reason_for_no_action(
    reference: None, secretariat_officer: User
) -> None:
    client = Client()
    code = walk.code_of(walk.submit(client))
    submission = Submission.objects.get()
    services.decision_no_action(
        actor=secretariat_officer,
        submission=submission,
        internal_reason="Internal Zq reason",
        reason_for_source="Outside the mandates, sorry.",
    )
    content = _open_status(client, code).content.decode()
    assert "No action" in content
    assert "Outside the mandates, sorry." in content
    assert "Internal Zq reason" not in content


def test_a_wrong_code_is_refused_with_a_clear_message(reference: None) -> None:
    client = Client()
    code = walk.code_of(walk.submit(client))
    wrong = code[:-1] + ("0" if code[-1] != "0" else "1")
    refused = client.post("/submit/status/", {"code": wrong})
    assert refused.status_code == 400
    block = _field_block(refused, "id_code")
    assert "This code opens no submission" in block
    assert "cannot be recovered" in block
    assert STATUS_COOKIE not in refused.cookies


def test_failed_codes_are_rate_limited_without_keeping_the_address(
    reference: None, settings: Settings
) -> None:
    settings.SPCOMMS_INTAKE_CODE_ATTEMPTS = 3
    client = Client(REMOTE_ADDR="203.0.113.77")
    code = walk.code_of(walk.submit(client))
    for _attempt in range(3):
        assert client.post("/submit/status/", {"code": "AAAAA-" * 4 + "AAAAA"}).status_code == 400
    limited = client.post("/submit/status/", {"code": code})
    assert limited.status_code == 429
    assert "Too many wrong codes were entered from your connection" in limited.content.decode()
    assert STATUS_COOKIE not in limited.cookies
    counts = list(ThrottleCount.objects.values_list("bucket", "count"))
    assert any(count == 3 for _bucket, count in counts), "the failures were counted"
    stored = repr(counts) + repr(list(ThrottleKey.objects.values_list("secret", flat=True)))
    assert "203.0.113.77" not in stored
    assert "203-0-113-77" not in stored
    # Another client is not affected.
    assert (
        Client(REMOTE_ADDR="198.51.100.5").post("/submit/status/", {"code": code}).status_code
        == 302
    )


def test_the_status_page_closes_after_its_time(
    reference: None, monkeypatch: pytest.MonkeyPatch, settings: Settings
) -> None:
    client, code, real_time = _opened_then_timed_out(monkeypatch, settings)
    ended = client.get("/submit/status/open/")
    assert "Your status page has closed" in ended.content.decode()
    assert "Facts Zq" not in ended.content.decode()
    monkeypatch.setattr(tokens.time, "time", real_time)
    closed = Client()
    _open_status(closed, code)
    closed.post("/submit/status/close/")
    assert "Your status page has closed" in closed.get("/submit/status/open/").content.decode()


def test_a_message_typed_while_the_page_closed_is_kept_through_the_code_page(
    reference: None, monkeypatch: pytest.MonkeyPatch, settings: Settings
) -> None:
    client, code, real_time = _opened_then_timed_out(monkeypatch, settings)
    typed = {"body": "Unsent <Zq> words", "kind": "situation_change"}
    refused = client.post("/submit/status/open/", typed)
    assert refused.status_code == 403
    page = refused.content.decode()
    assert "Unsent &lt;Zq&gt; words</textarea>" in page
    assert 'name="kept_kind" value="situation_change"' in page
    assert SubmissionMessage.objects.count() == 0
    monkeypatch.setattr(tokens.time, "time", real_time)
    kept = {"kept_body": "Unsent <Zq> words", "kept_kind": "situation_change"}
    wrong = client.post("/submit/status/", {"code": "AAAAA-AAAAA-AAAAA-AAAAA-AAAAA", **kept})
    assert wrong.status_code == 400
    assert "Unsent &lt;Zq&gt; words</textarea>" in wrong.content.decode()
    opened = client.post("/submit/status/", {"code": code, **kept})
    assert opened.status_code == 200
    page = opened.content.decode()
    assert 'data-testid="restored"' in page
    assert "Unsent &lt;Zq&gt; words</textarea>" in page
    assert re.search(r'value="situation_change"[^>]*checked', page)
    assert SubmissionMessage.objects.count() == 0, "restored, never sent without the source"
    assert client.get("/submit/status/open/").status_code == 200, "the code opened the page"


def test_a_source_sees_only_its_own_submission(reference: None) -> None:
    first, second = Client(), Client()
    first_code = walk.code_of(walk.submit(first, marker="Za"))
    walk.code_of(walk.submit(second, marker="Zb"))
    other = Submission.objects.exclude(pk=services.receipt_open(first_code).pk).get()  # type: ignore[union-attr]
    services.source_message_send(submission=other, body="Second Zb message")
    page = _open_status(first, first_code).content.decode()
    assert "Second Zb message" not in page
    # A cookie cannot be forged to point at another submission.
    forged = tokens.token_seal({"s": str(other.public_id)}, purpose="another-purpose")
    first.cookies[STATUS_COOKIE] = forged
    assert "Your status page has closed" in first.get("/submit/status/open/").content.decode()


@pytest.mark.parametrize("role", [None, Role.RESEARCHER])
def test_the_public_and_researchers_see_no_submission(reference: None, role: Role | None) -> None:
    walk.submit(Client(), marker="Zp")
    client = Client()
    if role is not None:
        User.objects.create_user(username="r", password=PASSWORD, role=role)
        assert client.login(username="r", password=PASSWORD)
    for url in ("/submit/status/open/", "/admin/intake/submission/"):
        page = client.get(url)
        assert "Zp" not in page.content.decode()
        assert page.status_code in (200, 302, 404)
    assert client.post("/submit/status/open/", {"body": "x", "kind": "message"}).status_code == 403
    assert SubmissionMessage.objects.count() == 0


def test_the_admin_site_shows_no_sealed_value_of_a_submission(
    reference: None, administrator: User
) -> None:
    walk.submit(Client(), marker="Zadm", victims=("Victim Zadm",))
    client = Client()
    client.force_login(administrator)
    for name in ("submission", "submissionvictim", "submissionmessage", "submissionattachment"):
        listing = client.get(f"/admin/intake/{name}/")
        assert listing.status_code == 200
        assert "Zadm" not in listing.content.decode()
    submission = Submission.objects.get()
    victim = submission.victims.get()
    for url in (
        f"/admin/intake/submission/{submission.pk}/change/",
        f"/admin/intake/submissionvictim/{victim.pk}/change/",
    ):
        page = client.get(url)
        assert page.status_code == 200
        assert "Zadm" not in page.content.decode()
    assert client.post(f"/admin/intake/submission/{submission.pk}/delete/").status_code == 403


def test_under_tls_the_status_cookie_takes_the_secure_prefix_and_a_plain_one_opens_nothing(
    reference: None, settings: Settings
) -> None:
    client = Client()
    code = walk.code_of(walk.submit(client))
    settings.SESSION_COOKIE_SECURE = True
    page = _open_status(client, code)
    assert page.status_code == 200
    assert STATUS_COOKIE not in page.cookies
    cookie = page.cookies[f"__Secure-{STATUS_COOKIE}"]
    assert cookie["secure"] is True
    assert cookie["path"] == "/submit/"
    assert 'data-testid="status"' in client.get("/submit/status/open/").content.decode()
    # A cookie planted under the unprefixed name (by a plain-HTTP page or another host) is not
    # the status cookie: it opens nothing, and the page asks for the code again.
    planted = Client()
    planted.cookies[STATUS_COOKIE] = cookie.value
    asked = planted.get("/submit/status/open/").content.decode()
    assert 'data-testid="status"' not in asked
    assert "Your status page has closed. Enter your code again to open it." in asked
