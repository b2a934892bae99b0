"""The objects and the signed-in clients the authorization crawl uses, built once.

Seven roles: a visitor who is not signed in, a source holding a receipt code (its status
page open), a source organisation's account (past its two factors), a secretariat
officer, a mandate holder of mandate A, a researcher and an administrator.

For every kind of object a URL takes, :func:`targets` gives what a role asks for:
``own`` (an object of the role's side: its own submission, its mandate's communication;
for a role that may see none, the same object as for the others), ``other`` (someone
else's: another organisation's submission, mandate B's communication, a confidential
communication on the public site) and ``missing`` (an id that names nothing).
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.contrib.admin.sites import site as admin_site
from django.contrib.auth.models import Group
from django.db import models
from django.test import Client
from django.utils import timezone

from spcomms.accounts.models import Role, SourceOrganisation, User
from spcomms.accounts.signin import LAST_SEEN, SECOND_FACTOR, SIGNED_IN_AT
from spcomms.cases.models import CaseFilePerson
from spcomms.cases.services import person_mark_distinct, person_merge
from spcomms.communications.models import (
    Communication,
    CommunicationPerson,
    NonStateActor,
    NonStateKind,
    Reply,
)
from spcomms.covariates.models import Variable
from spcomms.intake.models import Submission, SubmissionAttachment
from spcomms.intake.reply_comments import reply_comment_add
from spcomms.intake.services import decision_open_case_file, staff_message_send
from spcomms.intake.views import STATUS_COOKIE, status_cookie_name
from spcomms.publication.records import reference_slug
from spcomms.publication.reports import reported_sessions
from spcomms.reference.models import Country, Mandate
from spcomms.reference.services import reference_load
from spcomms.reprisals.models import Cooperation
from spcomms.reprisals.services import AllegationValues, reprisal_create
from spcomms.visits.models import VisitStatus
from spcomms.visits.services import (
    recommendation_add,
    standing_invitation_extend,
    visit_request_create,
    visit_step_record,
)
from tests import factories
from tests.accounts.totp import enrol
from tests.conftest import PASSWORD
from tests.intake.triage import submit

ANON = "anon"  # a visitor who is not signed in
CODE = "code"  # a source with its receipt code: its status page is open
ORG = "org"  # a source organisation's account, both factors given
SEC = "sec"  # a secretariat officer
MH = "mh"  # a mandate holder of mandate A (sr-hrd)
RES = "res"  # a researcher
ADMIN = "admin"  # an administrator

ROLES = (ANON, CODE, ORG, SEC, MH, RES, ADMIN)
SIGNED_IN = (ORG, SEC, MH, RES, ADMIN)
SEES_ALL_STAFF_OBJECTS = (SEC, ADMIN)

MANDATE_A = "sr-hrd"
MISSING_PK = 987654321
MISSING_UUID = uuid.UUID("0badc0de-0000-4000-8000-000000000000")
FOLLOW_UP_MONTHS = 3

Kwargs = dict[str, Any]


@dataclass(frozen=True)
class Target:
    which: str  # "own", "other" or "missing"
    kwargs: Kwargs


@dataclass
class World:
    users: dict[str, User]
    clients: dict[str, Client]
    status_cookie: str
    ids: dict[str, Any]
    session_cookies: dict[str, str] = field(default_factory=dict)
    admin_objects: dict[type[models.Model], Any] = field(default_factory=dict)

    def restart_clients(self) -> None:
        """New clients with the same cookies: their handlers load the middleware again."""
        for role, old in list(self.clients.items()):
            self.clients[role] = Client(raise_request_exception=False)
            self.clients[role].cookies = old.cookies

    def client(self, role: str) -> Client:
        """The role's client, as signed in: a URL that signed it out or closed the source's
        status page had its changes undone (``crawl.py``), and the cookie comes back."""
        client = self.clients[role]
        if role in self.session_cookies:
            client.cookies[settings.SESSION_COOKIE_NAME] = self.session_cookies[role]
        if role == CODE:
            # Named as the settings in force name it (`__Secure-` under TLS).
            client.cookies[status_cookie_name()] = self.status_cookie
            client.cookies[status_cookie_name()]["path"] = "/submit/"
        return client


def _user(username: str, role: Role, **extra: Any) -> User:
    return User.objects.create_user(username=username, password=PASSWORD, role=role, **extra)


def _signed_in(user: User) -> Client:
    """A client past both factors, as after the real sign-in (tests/accounts cover that)."""
    client = Client(raise_request_exception=False)
    client.force_login(user)
    session = client.session
    now = timezone.now().timestamp()
    session[SECOND_FACTOR] = "verified"
    session[SIGNED_IN_AT] = session[LAST_SEEN] = now
    session.save()
    return client


def _sent_from(
    submission: Submission, officer: User, *, mandate: str, days_ago: int
) -> tuple[Communication, CommunicationPerson, Reply]:
    """A communication sent ``days_ago`` days ago from the submission's case file, naming
    its victim, with one reply."""
    case_file = decision_open_case_file(actor=officer, submission=submission)
    entry = CaseFilePerson.objects.filter(case_file=case_file).first()
    persons = (entry.person,) if entry else ()
    sent_at = timezone.now() - dt.timedelta(days=days_ago)
    communication = factories.communication(sent_at=sent_at, mandate=mandate, persons=persons)
    communication.case_files.add(case_file)
    mention = CommunicationPerson.objects.get(communication=communication)
    reply = factories.reply(to=communication, received_on=(sent_at + dt.timedelta(days=9)).date())
    return communication, mention, reply


def build_world() -> World:
    reference_load()
    mandate_b = Mandate.objects.exclude(code=MANDATE_A).order_by("code").first()
    assert mandate_b is not None
    users = {
        SEC: _user("sofia.secretariat", Role.SECRETARIAT, is_staff=True),
        MH: _user("mara.rapporteur", Role.MANDATE_HOLDER),
        RES: _user("rafael.researcher", Role.RESEARCHER),
        ADMIN: _user("ada.admin", Role.ADMINISTRATOR, is_staff=True, is_superuser=True),
        ORG: _user("ngo-lima", Role.SOURCE),
    }
    users[MH].mandates.add(Mandate.objects.get(code=MANDATE_A))
    other_org = _user("ngo-quito", Role.SOURCE)
    for owner in (users[ORG], other_org):
        SourceOrganisation.objects.create(user=owner, name=f"Org {owner.pk}")
    for user in users.values():
        enrol(user)
    officer = users[SEC]

    # Three sources' cases, each sent (4 months ago: published, follow-up due) with a reply.
    by_code = submit(marker="Code", with_file=True)
    by_org = submit(marker="Org").submission
    by_other = submit(marker="Other").submission
    by_org.source_account = users[ORG]
    by_org.save(update_fields=["source_account"])
    by_other.source_account = other_org
    by_other.save(update_fields=["source_account"])
    code_comm, code_mention, code_reply = _sent_from(
        by_code.submission, officer, mandate=MANDATE_A, days_ago=125
    )
    _, org_mention, org_reply = _sent_from(by_org, officer, mandate=MANDATE_A, days_ago=125)
    _, other_mention, other_reply = _sent_from(
        by_other, officer, mandate=mandate_b.code, days_ago=125
    )
    # Mandate B's confidential communication (its reply period runs), and two drafts.
    confidential = factories.communication(
        sent_at=timezone.now() - dt.timedelta(days=5), mandate=mandate_b.code
    )
    confidential_reply = factories.reply(to=confidential, received_on=timezone.now().date())
    draft_a = factories.communication(sent_at=None, mandate=MANDATE_A)
    draft_b = factories.communication(sent_at=None, mandate=mandate_b.code)

    first, second = (factories.person(name=f"Crawl Person {n}") for n in (1, 2))
    merge = person_merge(actor=officer, survivor=first, absorbed=second)
    allegation = reprisal_create(
        actor=officer,
        values=AllegationValues(
            country=Country.objects.get(iso3="COL"),
            reported_on=dt.date(2024, 5, 1),
            cooperation=Cooperation.OTHER,
        ),
    )
    visit = visit_request_create(
        actor=officer,
        mandate=Mandate.objects.get(code=MANDATE_A),
        country=Country.objects.get(iso3="COL"),
        requested_on=dt.date(2014, 3, 1),
    )
    visit_step_record(
        actor=officer, visit=visit, status=VisitStatus.ACCEPTED, on=dt.date(2014, 9, 1)
    )
    visit_step_record(
        actor=officer,
        visit=visit,
        status=VisitStatus.CARRIED_OUT,
        start_date=dt.date(2015, 2, 8),
        end_date=dt.date(2015, 2, 16),
    )
    recommendation = recommendation_add(actor=officer, visit=visit, text="Crawl recommendation")
    invitation = standing_invitation_extend(
        actor=officer, country=Country.objects.get(iso3="PER"), extended_on=dt.date(2010, 1, 1)
    )

    clients = {role: _signed_in(user) for role, user in users.items()}
    clients[ANON] = Client(raise_request_exception=False)
    code_client = Client(raise_request_exception=False)
    opened = code_client.post("/submit/status/", {"code": by_code.code})
    assert opened.status_code == 302, opened.status_code
    clients[CODE] = code_client
    session = reported_sessions()[0]
    attachment = SubmissionAttachment.objects.get(submission=by_code.submission)

    ids: dict[str, Any] = {
        "draft_a": draft_a.pk,
        "draft_b": draft_b.pk,
        "sent_a": code_comm.pk,
        "reply_a": code_reply.pk,
        "confidential": confidential.pk,
        "confidential_reply": confidential_reply.pk,
        "published_slug": reference_slug(code_comm),
        "confidential_slug": reference_slug(confidential),
        "code_submission": by_code.submission.public_id,
        "code_file": attachment.public_id,
        "code_mention": code_mention.pk,
        "code_reply": code_reply.pk,
        "org_submission": by_org.public_id,
        "org_mention": org_mention.pk,
        "org_reply": org_reply.pk,
        "other_submission": by_other.public_id,
        "other_mention": other_mention.pk,
        "other_reply": other_reply.pk,
        "person": first.pk,
        "merge": merge.pk,
        "allegation": allegation.pk,
        "visit": visit.pk,
        "recommendation": recommendation.pk,
        "invitation": invitation.pk,
        "report_year": session.year,
        "report_session": session.session,
    }
    # One row for each model the admin lists that the objects above leave empty.
    Group.objects.create(name="Crawl group")
    person_mark_distinct(actor=officer, first=first, second=factories.person(name="Crawl Person 3"))
    staff_message_send(actor=officer, submission=by_code.submission, body="Crawl message")
    reply_comment_add(submission=by_code.submission, reply=code_reply, body="Crawl comment")
    NonStateActor.objects.create(name="Crawl company", kind=NonStateKind.values[0])
    Variable.objects.create(code="crawl-variable", label="Crawl variable")

    world = World(users, clients, code_client.cookies[STATUS_COOKIE].value, ids)
    for role in SIGNED_IN:
        world.session_cookies[role] = clients[role].cookies[settings.SESSION_COOKIE_NAME].value
    for model in admin_site._registry:
        world.admin_objects[model] = model._default_manager.order_by("pk").first()
    return world


# What each kind of URL parameter is filled with -----------------------------------------

Maker = Callable[[World, str], list[Target]]


def _simple(own: Callable[[World], Kwargs], missing: Kwargs) -> Maker:
    """An object every role asks for alike: visible to some roles, to no one's side in
    particular (a person, an allegation, a visit, a public page)."""
    return lambda world, role: [Target("own", own(world)), Target("missing", missing)]


def _staff_communication(world: World, role: str) -> list[Target]:
    found = [Target("own", {"pk": world.ids["draft_a"]})]
    if role not in SEES_ALL_STAFF_OBJECTS:
        found.append(Target("other", {"pk": world.ids["draft_b"]}))
    return [*found, Target("missing", {"pk": MISSING_PK})]


def _staff_reply(world: World, role: str) -> list[Target]:
    ids = world.ids
    found = [Target("own", {"pk": ids["sent_a"], "reply_pk": ids["reply_a"]})]
    if role not in SEES_ALL_STAFF_OBJECTS:
        found += [
            Target("other", {"pk": ids["confidential"], "reply_pk": ids["confidential_reply"]}),
            Target("other", {"pk": ids["sent_a"], "reply_pk": ids["confidential_reply"]}),
        ]
    return [*found, Target("missing", {"pk": MISSING_PK, "reply_pk": MISSING_PK})]


def _source_reply(world: World, role: str) -> list[Target]:
    ids = world.ids
    return [
        Target("own", {"reply_pk": ids["code_reply"]}),
        Target("other", {"reply_pk": ids["other_reply"]}),
        Target("other", {"reply_pk": ids["confidential_reply"]}),
        Target("missing", {"reply_pk": MISSING_PK}),
    ]


def _account_reply(world: World, role: str) -> list[Target]:
    ids = world.ids
    return [
        Target("own", {"public_id": ids["org_submission"], "reply_pk": ids["org_reply"]}),
        Target("other", {"public_id": ids["other_submission"], "reply_pk": ids["other_reply"]}),
        Target("other", {"public_id": ids["org_submission"], "reply_pk": ids["other_reply"]}),
        Target("missing", {"public_id": MISSING_UUID, "reply_pk": MISSING_PK}),
    ]


def _source_questionnaire(world: World, role: str) -> list[Target]:
    ids = world.ids
    months = FOLLOW_UP_MONTHS
    return [
        Target("own", {"mention_pk": ids["code_mention"], "period": months}),
        Target("other", {"mention_pk": ids["other_mention"], "period": months}),
        Target("missing", {"mention_pk": MISSING_PK, "period": months}),
    ]


def _account_questionnaire(world: World, role: str) -> list[Target]:
    ids = world.ids
    months = FOLLOW_UP_MONTHS
    own, other = ids["org_submission"], ids["other_submission"]
    return [
        Target("own", {"public_id": own, "mention_pk": ids["org_mention"], "period": months}),
        Target("other", {"public_id": other, "mention_pk": ids["other_mention"], "period": months}),
        Target("other", {"public_id": own, "mention_pk": ids["other_mention"], "period": months}),
        Target("missing", {"public_id": MISSING_UUID, "mention_pk": MISSING_PK, "period": months}),
    ]


def _account_submission(world: World, role: str) -> list[Target]:
    return [
        Target("own", {"public_id": world.ids["org_submission"]}),
        Target("other", {"public_id": world.ids["other_submission"]}),
        Target("missing", {"public_id": MISSING_UUID}),
    ]


def _intake_file(world: World, role: str) -> list[Target]:
    submission, attachment = world.ids["code_submission"], world.ids["code_file"]
    return [
        Target("own", {"public_id": submission, "file_id": attachment}),
        Target("other", {"public_id": world.ids["org_submission"], "file_id": attachment}),
        Target("missing", {"public_id": submission, "file_id": MISSING_UUID}),
    ]


def _public_communication(world: World, role: str) -> list[Target]:
    """On the public site, a confidential communication is no one's to see."""
    return [
        Target("own", {"slug": world.ids["published_slug"]}),
        Target("other", {"slug": world.ids["confidential_slug"]}),
        Target("missing", {"slug": "ua-zzz-999-1999"}),
    ]


def _follow_up(world: World, role: str) -> list[Target]:
    mention = world.ids["code_mention"]
    return [
        Target("own", {"mention_pk": mention, "period": FOLLOW_UP_MONTHS}),
        Target("missing", {"mention_pk": MISSING_PK, "period": FOLLOW_UP_MONTHS}),
        Target("missing", {"mention_pk": mention, "period": 5}),
    ]


def _ids(**names: str) -> Callable[[World], Kwargs]:
    return lambda world: {key: world.ids[name] for key, name in names.items()}


OBJECTS: dict[str, Maker] = {
    "communication": _staff_communication,
    "staff_reply": _staff_reply,
    "source_reply": _source_reply,
    "account_reply": _account_reply,
    "source_questionnaire": _source_questionnaire,
    "account_questionnaire": _account_questionnaire,
    "account_submission": _account_submission,
    "intake_file": _intake_file,
    "public_communication": _public_communication,
    "follow_up": _follow_up,
    "submission": _simple(_ids(public_id="code_submission"), {"public_id": MISSING_UUID}),
    "person": _simple(_ids(pk="person"), {"pk": MISSING_PK}),
    "merge": _simple(_ids(pk="merge"), {"pk": MISSING_PK}),
    "allegation": _simple(_ids(pk="allegation"), {"pk": MISSING_PK}),
    "visit": _simple(_ids(pk="visit"), {"pk": MISSING_PK}),
    "recommendation": _simple(_ids(pk="visit", rec="recommendation"), {"pk": MISSING_PK, "rec": 1}),
    "invitation": _simple(_ids(pk="invitation"), {"pk": MISSING_PK}),
    "state": _simple(lambda world: {"iso3": "COL"}, {"iso3": "ZZZ"}),
    "mandate": _simple(lambda world: {"code": MANDATE_A}, {"code": "no-such-mandate"}),
    "report": _simple(
        _ids(year="report_year", session="report_session"),
        {"year": 1990, "session": "no-such-session"},
    ),
    "statistics_table": _simple(lambda world: {"key": "replies-overall"}, {"key": "no-such-table"}),
}


def targets(world: World, kind: str | None, role: str) -> list[Target]:
    if kind is None:
        return [Target("own", {})]
    return OBJECTS[kind](world, role)
