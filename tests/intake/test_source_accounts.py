"""NGO accounts on the intake pages: opening one, two factors first, the list, the status
page without the code, and every attacker who must fail (docs/intake.md, "Accounts for
organisations")."""

from __future__ import annotations

import datetime as dt
import logging
import re
import uuid

import pyotp
import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from pytest_django import DjangoAssertNumQueries

from spcomms.accounts.models import RecoveryCode, Role, SourceOrganisation, TOTPDevice, User
from spcomms.accounts.signin import SECOND_FACTOR
from spcomms.audit.models import AuditEvent
from spcomms.communications.models import Communication, ReplyComment
from spcomms.intake.models import MessageKind, Submission, SubmissionMessage, SubmissionStatus
from spcomms.intake.services import decision_open_case_file, info_request, staff_message_send
from spcomms.reference.models import Country
from tests import factories
from tests.accounts.totp import enrol, next_code
from tests.conftest import PASSWORD
from tests.intake import walk
from tests.web import builders

pytestmark = pytest.mark.django_db

NEW = "/submit/account/new/"
ACCOUNT = "/submit/account/"
STRONG = "seven quiet rivers under glass"


def open_account(
    client: Client, username: str = "ngo-lima", organisation: str = "Marker Org Lima"
) -> User:
    """Open an account through the page, set up the app through the accounts page."""
    response = client.post(
        NEW,
        {
            "organisation": organisation,
            "username": username,
            "password1": STRONG,
            "password2": STRONG,
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    setup = response.headers["Location"]
    assert setup.startswith(reverse("accounts:setup"))
    assert client.get(setup).status_code == 200  # creates the unconfirmed app
    user = User.objects.get(username=username)
    secret = TOTPDevice.objects.get(user=user).secret
    done = client.post(setup, {"code": pyotp.TOTP(secret).now(), "next": ACCOUNT})
    assert done.status_code == 200
    assert 'data-testid="recovery-codes"' in done.content.decode()
    return user


def sign_in(client: Client, user: User, password: str = STRONG) -> None:
    """The real sign-in: the password, then the code from the app."""
    first = client.post(
        reverse("accounts:login"), {"username": user.username, "password": password}
    )
    assert first.status_code == 302
    second = client.post(first.headers["Location"], {"code": next_code(user)})
    assert second.status_code == 302


def verified_source(client: Client, username: str) -> User:
    """A source account with an app, signed in past its second step (a shortcut for pages)."""
    user = User.objects.create_user(username=username, password=PASSWORD, role=Role.SOURCE)
    SourceOrganisation.objects.create(user=user, name=f"Org of {username}")
    enrol(user)
    client.force_login(user)
    session = client.session
    session[SECOND_FACTOR] = "verified"
    session.save()
    return user


def _acted_on(client: Client, username: str, officer: User) -> tuple[Submission, Communication]:
    """A verified source's submission under review, with a communication sent in 2016 from
    the case file the officer opened on it."""
    user = verified_source(client, username)
    submission = builders.submission(source_account=user, status=SubmissionStatus.UNDER_REVIEW)
    communication = factories.communication(sent_at=dt.datetime(2016, 3, 1, 9, tzinfo=dt.UTC))
    communication.case_files.add(
        decision_open_case_file(
            actor=officer, submission=submission, country=Country.objects.get(iso3="COL")
        )
    )
    return submission, communication


def _neutral(response: object) -> str:
    """The page without what differs on every request: the address asked for, the token."""
    html = response.content.decode()  # type: ignore[attr-defined]  # a test client response
    html = re.sub(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", "ID", html)
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "TOKEN", html)


# Opening an account -----------------------------------------------------------------------


def test_an_ngo_opens_an_account_and_must_set_up_its_app_before_anything_else(
    client: Client, reference: None
) -> None:
    response = client.post(
        NEW,
        {
            "organisation": "Marker Org Quito",
            "username": "ngo-quito",
            "password1": STRONG,
            "password2": STRONG,
        },
    )

    user = User.objects.get(username="ngo-quito")
    assert user.role == Role.SOURCE
    assert not user.is_staff
    assert not user.is_superuser
    assert SourceOrganisation.objects.get(user=user).name == "Marker Org Quito"
    assert response.headers["Location"] == "/accounts/security/app/?next=%2Fsubmit%2Faccount%2F"
    # Until the app is set up, every account page sends it back to the set-up.
    for url in (ACCOUNT, f"{ACCOUNT}close/", f"{ACCOUNT}submissions/{uuid.uuid4()}/"):
        held = client.get(url)
        assert held.status_code == 302
        assert held.headers["Location"].startswith("/accounts/security/app/")
    assert (
        "Accounts of organisations sign in with a code"
        in client.get(response.headers["Location"]).content.decode()
    )


def test_the_organisation_name_is_sealed_at_rest(client: Client, reference: None) -> None:
    user = open_account(client, organisation="Marker Org Sealed Zx")

    with connection.cursor() as cursor:
        cursor.execute("SELECT name FROM accounts_sourceorganisation WHERE user_id = %s", [user.pk])
        (stored,) = cursor.fetchone()
    assert "Zx" not in stored
    assert SourceOrganisation.objects.get(user=user).name == "Marker Org Sealed Zx"


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("short 1", "This password is too short"),
        ("password123456", "This password is too common"),
        ("123456789012345", "This password is entirely numeric"),
    ],
)
def test_a_weak_password_is_refused_and_what_was_typed_stays(
    client: Client, reference: None, password: str, message: str
) -> None:
    response = client.post(
        NEW,
        {
            "organisation": "Marker Org Weak",
            "username": "ngo-weak",
            "password1": password,
            "password2": password,
        },
    )

    html = response.content.decode()
    assert response.status_code == 400
    assert message in html
    assert 'value="Marker Org Weak"' in html
    assert 'value="ngo-weak"' in html
    assert not User.objects.filter(username="ngo-weak").exists()


def test_missing_answers_and_mismatched_passwords_are_refused_field_by_field(
    client: Client, reference: None
) -> None:
    response = client.post(
        NEW,
        {"organisation": "  ", "username": "", "password1": STRONG, "password2": STRONG + "x"},
    )

    html = response.content.decode()
    assert response.status_code == 400
    assert html.count('class="field-error"') >= 3
    assert "The two password fields didn" in html
    assert User.objects.count() == 0


def test_a_taken_username_is_refused_and_probing_for_names_is_throttled(
    client: Client, reference: None, settings: object
) -> None:
    User.objects.create_user(username="taken", password=PASSWORD, role=Role.SOURCE)
    data = {"organisation": "Org", "username": "TAKEN", "password1": STRONG, "password2": STRONG}
    limit = 5  # SPCOMMS_INTAKE_SUBMISSIONS, the default

    statuses = [client.post(NEW, data).status_code for _ in range(limit + 1)]

    assert statuses == [400] * limit + [429]
    assert "Too many accounts were opened" in client.post(NEW, data).content.decode()


def test_a_signed_in_user_who_opens_the_page_goes_to_the_account(
    client: Client, reference: None
) -> None:
    verified_source(client, "ngo-in")

    assert client.get(NEW).headers["Location"] == ACCOUNT


# Signing in -----------------------------------------------------------------------------


def test_an_ngo_signs_in_with_its_password_and_a_code_and_lands_on_its_list(
    client: Client, reference: None
) -> None:
    user = open_account(client)
    client.post(reverse("accounts:logout"))

    first = client.post(
        reverse("accounts:login"),
        {"username": user.username, "password": STRONG, "next": ACCOUNT},
    )
    assert first.headers["Location"].startswith(reverse("accounts:second_step"))
    assert client.get(ACCOUNT).status_code == 302  # held at the code step
    second = client.post(first.headers["Location"], {"code": next_code(user)})

    assert second.headers["Location"] == ACCOUNT
    page = client.get(ACCOUNT)
    assert page.status_code == 200
    assert "Signed in for Marker Org Lima." in page.content.decode()


def test_the_workspace_of_a_source_account_is_its_list(client: Client, reference: None) -> None:
    verified_source(client, "ngo-home")

    assert client.get(reverse("accounts:home")).headers["Location"] == ACCOUNT


def test_a_password_guesser_is_paused_by_the_shared_sign_in_throttle(
    client: Client, reference: None
) -> None:
    user = open_account(client)
    client.post(reverse("accounts:logout"))
    for _ in range(5):  # SPCOMMS_SIGNIN_ACCOUNT_FAILURES
        client.post(reverse("accounts:login"), {"username": user.username, "password": "wrong"})

    paused = client.post(reverse("accounts:login"), {"username": user.username, "password": STRONG})

    assert paused.status_code == 429


def test_an_expired_session_is_signed_out_like_any_other(
    client: Client, reference: None, settings: object
) -> None:
    user = verified_source(client, "ngo-idle")
    session = client.session
    session["spcomms.last_seen"] = session["spcomms.signed_in_at"] = 1.0
    session.save()

    response = client.get(ACCOUNT)

    assert response.status_code == 302
    assert response.headers["Location"].startswith("/accounts/login/")
    assert AuditEvent.objects.filter(action="session.expired", object_id=str(user.pk)).exists()


# Submitting and the list -----------------------------------------------------------------


def test_a_submission_sent_while_signed_in_is_listed_and_still_gets_its_code(
    client: Client, reference: None
) -> None:
    user = verified_source(client, "ngo-send")

    receipt = walk.submit(client, marker="Acc")

    assert receipt.status_code == 200
    assert walk.code_of(receipt)
    assert 'data-testid="linked-to-account"' in receipt.content.decode()
    submission = Submission.objects.get()
    assert submission.source_account == user
    listed = client.get(ACCOUNT).content.decode()
    assert f'data-reference="{submission.public_id.hex[:8]}"' in listed
    assert "Colombia" in listed


def test_an_anonymous_submission_is_linked_to_no_account(client: Client, reference: None) -> None:
    receipt = walk.submit(client, marker="Anon")

    assert 'data-testid="linked-to-account"' not in receipt.content.decode()
    assert Submission.objects.get().source_account is None


def test_a_staff_member_who_submits_while_signed_in_links_nothing(
    client: Client, secretariat_officer: User
) -> None:
    client.force_login(secretariat_officer)

    walk.submit(client, marker="Staff")

    assert Submission.objects.get().source_account is None


def test_a_source_account_without_its_second_factor_links_nothing(
    client: Client, reference: None
) -> None:
    user = User.objects.create_user(username="ngo-no-app", password=PASSWORD, role=Role.SOURCE)
    client.force_login(user)  # no app: the session's state is "none"

    walk.submit(client, marker="NoApp")

    assert Submission.objects.get().source_account is None


def test_a_source_sees_only_its_own_submissions_in_its_list(
    client: Client, reference: None
) -> None:
    user = verified_source(client, "ngo-mine")
    mine = [
        builders.submission(source_account=user),
        builders.submission(source_account=user, status=SubmissionStatus.INFO_REQUESTED),
    ]
    builders.submission()
    builders.submission(source_account=verified_source(Client(), "ngo-theirs"))

    html = client.get(ACCOUNT).content.decode()

    assert sorted(re.findall(r'data-reference="(\w+)"', html)) == sorted(
        s.public_id.hex[:8] for s in mine
    )
    assert builders.SECRET_NAME not in html


def test_the_list_shows_status_last_activity_and_unread_staff_messages(
    client: Client, reference: None, secretariat_officer: User
) -> None:
    user = verified_source(client, "ngo-list")
    quiet = builders.submission(source_account=user)
    asked = builders.submission(source_account=user, status=SubmissionStatus.UNDER_REVIEW)
    info_request(actor=secretariat_officer, submission=asked, body="Marker question one")
    staff_message_send(actor=secretariat_officer, submission=asked, body="Marker note two")

    html = client.get(ACCOUNT).content.decode()

    rows = dict(
        re.findall(r'data-reference="(\w+)">.*?data-testid="row-status">([^<]+)<', html, flags=re.S)
    )
    assert rows == {
        quiet.public_id.hex[:8]: "Received",
        asked.public_id.hex[:8]: "More information requested",
    }
    unread = re.findall(
        r'data-reference="(\w+)">.*?data-testid="row-unread">(?:<strong>)?(\d+)', html, re.S
    )
    assert dict(unread) == {quiet.public_id.hex[:8]: "0", asked.public_id.hex[:8]: "2"}
    assert "You have 2 unread messages" in html
    assert "Marker question one" not in html  # the list unseals nothing

    client.get(f"{ACCOUNT}submissions/{asked.public_id}/")
    after = client.get(ACCOUNT).content.decode()
    assert "unread-total" not in after
    assert SubmissionMessage.objects.filter(read_at__isnull=True).count() == 0


def test_the_list_makes_the_same_few_queries_however_many_submissions(
    client: Client,
    reference: None,
    secretariat_officer: User,
    django_assert_max_num_queries: DjangoAssertNumQueries,
) -> None:
    user = verified_source(client, "ngo-many")
    for _ in range(25):
        submission = builders.submission(source_account=user)
        staff_message_send(actor=secretariat_officer, submission=submission, body="Hello")

    # The session, the user, the synthetic-data mark, the organisation, the list.
    with django_assert_max_num_queries(6):
        response = client.get(ACCOUNT)
    assert response.content.decode().count('data-testid="submission-row"') == 25


# The status page without the code ---------------------------------------------------------


def test_the_ngo_opens_its_submission_and_exchanges_messages_without_the_code(
    client: Client, reference: None, secretariat_officer: User
) -> None:
    user = verified_source(client, "ngo-status")
    submission = builders.submission(source_account=user, status=SubmissionStatus.UNDER_REVIEW)
    staff_message_send(actor=secretariat_officer, submission=submission, body="Marker staff hi")
    url = f"{ACCOUNT}submissions/{submission.public_id}/"

    page = client.get(url)
    html = page.content.decode()
    assert page.status_code == 200
    assert "Marker staff hi" in html
    assert f'action="{url}"' in html
    assert 'data-testid="back-to-account"' in html
    assert "spcomms_source" not in page.cookies  # no receipt-code cookie for an account

    sent = client.post(url, {"kind": MessageKind.REPRISAL, "body": "Marker reprisal"})
    assert sent.headers["Location"] == f"{url}?sent=1"
    message = SubmissionMessage.objects.get(from_source=True)
    assert message.kind == MessageKind.REPRISAL
    assert message.submission == submission

    refused = client.post(url, {"kind": MessageKind.MESSAGE, "body": ""})
    assert refused.status_code == 400
    assert f'action="{url}"' in refused.content.decode()


def test_another_organisations_submission_answers_exactly_like_a_missing_one(
    client: Client, reference: None
) -> None:
    other = verified_source(Client(), "ngo-other")
    theirs = builders.submission(source_account=other)
    anonymous = builders.submission()
    verified_source(client, "ngo-attacker")

    responses = {
        "theirs": client.get(f"{ACCOUNT}submissions/{theirs.public_id}/"),
        "anonymous": client.get(f"{ACCOUNT}submissions/{anonymous.public_id}/"),
        "missing": client.get(f"{ACCOUNT}submissions/{uuid.uuid4()}/"),
    }
    posted = client.post(
        f"{ACCOUNT}submissions/{theirs.public_id}/", {"kind": "message", "body": "Marker"}
    )

    assert {name: r.status_code for name, r in responses.items()} == dict.fromkeys(responses, 404)
    assert _neutral(responses["theirs"]) == _neutral(responses["missing"])
    assert posted.status_code == 404
    assert not SubmissionMessage.objects.exists()
    assert builders.SECRET_NAME not in responses["theirs"].content.decode()


def test_the_receipt_code_path_still_works_for_a_submission_of_an_account(
    client: Client, reference: None
) -> None:
    verified_source(client, "ngo-code")
    code = walk.code_of(walk.submit(client, marker="Code"))
    stranger = Client()

    opened = stranger.post("/submit/status/", {"code": code})

    assert opened.headers["Location"] == "/submit/status/open/"
    assert stranger.get("/submit/status/open/").status_code == 200


# Who may see what ---------------------------------------------------------------------------


def test_the_public_is_sent_to_sign_in_and_sees_no_submission(reference: None) -> None:
    submission = builders.submission(source_account=None)
    public = Client()

    for url in (ACCOUNT, f"{ACCOUNT}submissions/{submission.public_id}/", f"{ACCOUNT}close/"):
        response = public.get(url)
        assert response.status_code == 302
        assert response.headers["Location"].startswith("/accounts/login/")


@pytest.mark.parametrize(
    "persona", ["researcher", "mandate_holder", "secretariat_officer", "administrator"]
)
def test_staff_and_researchers_are_not_source_accounts(
    client: Client, persona: str, request: pytest.FixtureRequest
) -> None:
    user: User = request.getfixturevalue(persona)
    owner = verified_source(Client(), "ngo-owner")
    submission = builders.submission(source_account=owner)
    client.force_login(user)

    listing = client.get(ACCOUNT)
    opened = client.get(f"{ACCOUNT}submissions/{submission.public_id}/")

    assert listing.status_code == opened.status_code == 403
    assert 'data-testid="not-source"' in listing.content.decode()
    assert builders.SECRET_NAME not in opened.content.decode()


@pytest.mark.parametrize(
    "url",
    [
        "/staff/intake/",
        "/staff/communications/",
        "/staff/case-files/",
        "/admin/",
        "/admin/intake/submission/",
        "/admin/accounts/user/",
    ],
)
def test_a_source_account_reaches_no_staff_page_and_no_admin(
    client: Client, reference: None, url: str
) -> None:
    owner = verified_source(client, "ngo-nosy")
    submission = builders.submission(source_account=owner)

    response = client.get(url)

    assert response.status_code in (302, 403, 404)
    if response.status_code == 302:
        assert "/login/" in response.headers["Location"]
    assert builders.SECRET_NAME not in response.content.decode()
    assert client.get(f"/staff/intake/{submission.public_id}/").status_code == 404


# Closing the account --------------------------------------------------------------------------


def test_the_ngo_closes_its_account_and_its_submissions_stay_with_the_staff(
    client: Client, reference: None
) -> None:
    user = open_account(client)
    code = walk.code_of(walk.submit(client, marker="Close"))
    submission = Submission.objects.get()
    assert submission.source_account == user

    wrong = client.post(f"{ACCOUNT}close/", {"password": "not it", "confirm": "on"})
    assert wrong.status_code == 400
    assert "That is not your password" in wrong.content.decode()
    closed = client.post(f"{ACCOUNT}close/", {"password": STRONG, "confirm": "on"})

    assert closed.headers["Location"] == "/submit/"
    assert not User.objects.filter(pk=user.pk).exists()
    assert not SourceOrganisation.objects.exists()
    assert not TOTPDevice.objects.exists()
    assert not RecoveryCode.objects.exists()
    submission.refresh_from_db()
    assert submission.source_account is None
    event = AuditEvent.objects.get(action="source_account.closed")
    assert event.detail == {"submissions_unlinked": 1}
    assert client.get(ACCOUNT).status_code == 302  # signed out
    assert client.post("/submit/status/", {"code": code}).status_code == 302  # the code works


def test_closing_needs_the_box_ticked(client: Client, reference: None) -> None:
    user = verified_source(client, "ngo-keep")

    response = client.post(f"{ACCOUNT}close/", {"password": PASSWORD})

    assert response.status_code == 400
    assert User.objects.filter(pk=user.pk).exists()


# What is kept about the NGO's connection ------------------------------------------------------


def test_no_address_or_user_agent_of_a_source_is_stored_or_logged(
    reference: None, caplog: pytest.LogCaptureFixture
) -> None:
    address, agent = "203.0.113.77", "MarkerAgent/9.9"
    client = Client(REMOTE_ADDR=address, HTTP_USER_AGENT=agent)
    caplog.set_level(logging.DEBUG)

    user = open_account(client)
    client.post(reverse("accounts:logout"))
    sign_in(client, user)
    walk.submit(client, marker="Addr")
    client.get(ACCOUNT)

    for event in AuditEvent.objects.all():
        assert address not in str(event.detail)
        assert agent not in str(event.detail)
    from django.contrib.sessions.models import Session

    for session in Session.objects.filter(expire_date__gt=timezone.now()):
        decoded = str(session.get_decoded())
        assert address not in decoded
        assert agent not in decoded
    assert address not in caplog.text
    assert agent not in caplog.text


# Replies from the government ------------------------------------------------------------------


def test_the_ngo_comments_on_a_public_reply_from_its_submission_page(
    client: Client, reference: None, secretariat_officer: User
) -> None:
    submission, communication = _acted_on(client, "ngo-reply", secretariat_officer)
    reply = factories.reply(to=communication, received_on=dt.date(2016, 4, 1))
    page = client.get(f"{ACCOUNT}submissions/{submission.public_id}/").content.decode()
    link = f"/submit/replies/{submission.public_id}/{reply.pk}/"
    assert f'href="{link}"' in page

    sent = client.post(link, {"body": "Marker comment: the facts are wrong"})

    assert sent.headers["Location"] == f"{link}?sent=1"
    assert ReplyComment.objects.get().submission == submission
    stranger = Client()
    verified_source(stranger, "ngo-stranger")
    assert stranger.get(link).status_code == 404
    assert Client().get(link).status_code == 404


def test_a_message_with_a_file_from_the_account_is_checked_for_its_csrf_token(
    reference: None,
) -> None:
    guarded = Client(enforce_csrf_checks=True)
    user = verified_source(guarded, "ngo-csrf")
    submission = builders.submission(source_account=user)
    url = f"{ACCOUNT}submissions/{submission.public_id}/"
    note = walk.upload("note.txt", b"Marker note in a file\n", "text/plain")

    forged = guarded.post(url, {"kind": "message", "body": "Forged", "file": note})
    page = guarded.get(url).content.decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    assert token is not None
    note = walk.upload("note.txt", b"Marker note in a file\n", "text/plain")
    sent = guarded.post(
        url,
        {"kind": "message", "body": "With a file", "file": note, "csrfmiddlewaretoken": token[1]},
    )

    assert forged.status_code == 403
    assert sent.status_code == 302
    assert SubmissionMessage.objects.get().body == "With a file"
    assert submission.attachments.count() == 1


def test_staff_see_which_organisations_account_sent_a_submission(
    client: Client, reference: None, secretariat_officer: User
) -> None:
    verified_source(client, "ngo-seen")
    walk.submit(client, marker="Seen")
    submission = Submission.objects.get()
    staff = Client()
    staff.force_login(secretariat_officer)

    html = staff.get(f"/staff/intake/{submission.public_id}/").content.decode()

    assert "Org of ngo-seen (ngo-seen)" in html


# Languages -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("language", "heading", "listed"),
    [
        ("fr", "Ouvrir un compte pour votre organisation", "Les envois de votre organisation"),
        ("es", "Abrir una cuenta para su organización", "Los envíos de su organización"),
    ],
)
def test_the_account_pages_speak_french_and_spanish(
    client: Client, reference: None, language: str, heading: str, listed: str
) -> None:
    client.cookies["django_language"] = language
    opening = client.get(NEW).content.decode()
    verified_source(client, f"ngo-{language}")
    builders.submission(source_account=User.objects.get(username=f"ngo-{language}"))

    page = client.get(ACCOUNT).content.decode()

    assert f"<h1>{heading}</h1>" in opening
    assert f'lang="{language}"' in page
    assert f"<h1>{listed}</h1>" in page


def test_the_list_says_acted_on_as_the_status_page_does_once_a_communication_was_sent(
    client: Client, reference: None, secretariat_officer: User
) -> None:
    submission, _communication = _acted_on(client, "ngo-acted", secretariat_officer)

    listed = client.get(ACCOUNT).content.decode()
    status = client.get(f"{ACCOUNT}submissions/{submission.public_id}/").content.decode()

    assert re.search(r'data-testid="row-status">Acted on<', listed)
    assert re.search(r'data-testid="status">Acted on<', status)
