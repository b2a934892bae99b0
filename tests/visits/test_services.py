"""The visit services: every transition, dates in order, web addresses, recommendations,
standing invitations, the right to record, and the audit rows."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from spcomms.accounts.models import User
from spcomms.audit.models import AuditEvent
from spcomms.reference.models import Country, Mandate
from spcomms.visits.models import (
    Recommendation,
    RecommendationStatus,
    StandingInvitation,
    VisitEvent,
    VisitRequest,
    VisitStatus,
)
from spcomms.visits.services import (
    InvalidInput,
    NotAllowed,
    WorkflowError,
    recommendation_add,
    recommendation_review,
    standing_invitation_extend,
    standing_invitation_withdraw,
    today,
    visit_links_set,
    visit_request_create,
    visit_step_record,
)
from tests.visits.conftest import PATHS, REQUESTED, make_visit

pytestmark = pytest.mark.django_db
S = VisitStatus
LATER = dt.date(2016, 1, 4)

# What a step needs besides its status: dated steps their dates, the others a day.
ARGUMENTS: dict[str, dict[str, dt.date]] = {
    S.DATES_PROPOSED: {
        "on": LATER,
        "start_date": dt.date(2016, 5, 2),
        "end_date": dt.date(2016, 5, 9),
    },
    S.CARRIED_OUT: {"start_date": dt.date(2016, 5, 2), "end_date": dt.date(2016, 5, 9)},
}

# The whole table, written out: from each status, the steps staff may record.
ALLOWED = {
    S.REQUESTED: {S.REMINDED, S.ACCEPTED, S.DATES_PROPOSED, S.POSTPONED, S.REFUSED, S.NO_REPLY},
    S.REMINDED: {S.REMINDED, S.ACCEPTED, S.DATES_PROPOSED, S.POSTPONED, S.REFUSED, S.NO_REPLY},
    S.ACCEPTED: {S.REMINDED, S.DATES_PROPOSED, S.POSTPONED, S.CARRIED_OUT, S.REFUSED, S.NO_REPLY},
    S.DATES_PROPOSED: {
        S.REMINDED,
        S.ACCEPTED,
        S.DATES_PROPOSED,
        S.POSTPONED,
        S.CARRIED_OUT,
        S.REFUSED,
        S.NO_REPLY,
    },
    S.POSTPONED: {S.REMINDED, S.ACCEPTED, S.DATES_PROPOSED, S.CARRIED_OUT, S.REFUSED, S.NO_REPLY},
    S.CARRIED_OUT: set(),
    S.REFUSED: {S.REQUESTED},
    S.NO_REPLY: {S.REQUESTED},
}


@pytest.mark.parametrize("start", list(S))
@pytest.mark.parametrize("step", list(S))
def test_each_step_is_allowed_or_refused_from_each_status(
    officer: User, start: VisitStatus, step: VisitStatus
) -> None:
    visit = make_visit(officer, start)
    events_before = visit.events.count()
    arguments = ARGUMENTS.get(step, {"on": LATER})
    if step in ALLOWED[start]:
        event = visit_step_record(actor=officer, visit=visit, status=step, **arguments)
        visit.refresh_from_db()
        assert visit.status == step
        assert event.status == step
        assert visit.events.count() == events_before + 1
    else:
        with pytest.raises(WorkflowError):
            visit_step_record(actor=officer, visit=visit, status=step, **arguments)
        visit.refresh_from_db()
        assert visit.status == start
        assert visit.events.count() == events_before


def test_a_visit_carried_out_takes_no_further_step_and_says_what_to_do(officer: User) -> None:
    visit = make_visit(officer, S.CARRIED_OUT)
    with pytest.raises(WorkflowError, match="open a new request for another visit"):
        visit_step_record(actor=officer, visit=visit, status=S.REMINDED, on=LATER)


def test_a_refused_request_is_reopened_by_a_renewed_request_and_can_then_be_accepted(
    officer: User,
) -> None:
    visit = make_visit(officer, S.REFUSED)
    with pytest.raises(WorkflowError, match="record a renewed request first"):
        visit_step_record(actor=officer, visit=visit, status=S.ACCEPTED, on=LATER)
    visit_step_record(actor=officer, visit=visit, status=S.REQUESTED, on=LATER)
    visit_step_record(actor=officer, visit=visit, status=S.ACCEPTED, on=dt.date(2016, 2, 1))
    visit.refresh_from_db()
    assert visit.status == S.ACCEPTED
    assert visit.accepted_on == dt.date(2016, 2, 1)
    assert visit.requested_on == REQUESTED  # the first request stays the request's date
    assert list(visit.events.values_list("status", flat=True)) == [
        "requested",
        "refused",
        "requested",
        "accepted",
    ]


def test_a_visit_cannot_be_carried_out_before_it_is_accepted(officer: User) -> None:
    visit = make_visit(officer, S.REMINDED)
    with pytest.raises(WorkflowError, match="accepted the visit, or the dates proposed, first"):
        visit_step_record(
            actor=officer, visit=visit, status=S.CARRIED_OUT, **ARGUMENTS["carried_out"]
        )


def test_carrying_out_sets_the_dates_and_dates_the_step_by_the_last_day(officer: User) -> None:
    visit = make_visit(officer, S.DATES_PROPOSED)
    assert (visit.start_date, visit.end_date) == (dt.date(2015, 2, 8), dt.date(2015, 2, 16))
    event = visit_step_record(
        actor=officer,
        visit=visit,
        status=S.CARRIED_OUT,
        on=dt.date(2015, 1, 1),  # ignored: a visit is dated by its last day
        start_date=dt.date(2015, 3, 2),
        end_date=dt.date(2015, 3, 11),
    )
    visit.refresh_from_db()
    assert (visit.start_date, visit.end_date) == (dt.date(2015, 3, 2), dt.date(2015, 3, 11))
    assert event.on == dt.date(2015, 3, 11)
    assert (event.start_date, event.end_date) == (dt.date(2015, 3, 2), dt.date(2015, 3, 11))


@pytest.mark.parametrize(
    ("status", "arguments", "field", "message"),
    [
        (S.REMINDED, {"on": dt.date(2014, 8, 31)}, "on", "cannot come before 2014-09-01"),
        (S.REMINDED, {"on": None}, "on", "Give the date"),
        (S.REMINDED, {"on": dt.date(1979, 12, 31)}, "on", "before 1980"),
        (
            S.REMINDED,
            {"on": LATER, "start_date": dt.date(2016, 5, 2)},
            "start_date",
            "“Dates proposed” and “Carried out” only",
        ),
        (S.CARRIED_OUT, {}, "start_date", r"Give the date \(first day\)"),
        (S.CARRIED_OUT, {"start_date": dt.date(2016, 5, 2)}, "end_date", "Give the date"),
        (
            S.CARRIED_OUT,
            {"start_date": dt.date(2016, 5, 9), "end_date": dt.date(2016, 5, 2)},
            "end_date",
            "The last day comes before the first day",
        ),
        (
            S.CARRIED_OUT,
            {"start_date": dt.date(2014, 2, 1), "end_date": dt.date(2014, 2, 9)},
            "start_date",
            "cannot start before it was requested",
        ),
        (
            S.CARRIED_OUT,
            {"start_date": dt.date(2014, 8, 20), "end_date": dt.date(2014, 8, 28)},
            "end_date",
            "cannot end before the last step recorded",
        ),
        (
            S.DATES_PROPOSED,
            {"on": LATER, "start_date": dt.date(2015, 12, 1), "end_date": dt.date(2015, 12, 9)},
            "start_date",
            "after the day they were proposed",
        ),
        (S.DATES_PROPOSED, {"on": LATER}, "start_date", "Give the date"),
    ],
)
def test_bad_dates_are_refused_with_the_field_and_nothing_is_written(
    officer: User, status: str, arguments: dict[str, dt.date | None], field: str, message: str
) -> None:
    visit = make_visit(officer, S.ACCEPTED)
    with pytest.raises(InvalidInput, match=message) as refused:
        visit_step_record(actor=officer, visit=visit, status=status, **arguments)
    assert refused.value.field == field
    visit.refresh_from_db()
    assert visit.status == S.ACCEPTED
    assert visit.events.count() == 2


def test_no_step_and_no_visit_can_be_in_the_future(officer: User) -> None:
    visit = make_visit(officer, S.ACCEPTED)
    tomorrow = today() + dt.timedelta(days=1)
    with pytest.raises(InvalidInput, match="in the future") as refused:
        visit_step_record(actor=officer, visit=visit, status=S.REMINDED, on=tomorrow)
    assert refused.value.field == "on"
    with pytest.raises(InvalidInput, match="in the future") as refused:
        visit_step_record(
            actor=officer,
            visit=visit,
            status=S.CARRIED_OUT,
            start_date=today(),
            end_date=tomorrow,
        )
    assert refused.value.field == "end_date"
    # Proposed dates may lie ahead: they are a plan.
    visit_step_record(
        actor=officer,
        visit=visit,
        status=S.DATES_PROPOSED,
        on=today(),
        start_date=tomorrow,
        end_date=tomorrow + dt.timedelta(days=8),
    )
    with pytest.raises(InvalidInput, match="in the future"):
        visit_request_create(
            actor=officer,
            mandate=Mandate.objects.get(code="wgad"),
            country=Country.objects.get(iso3="COL"),
            requested_on=tomorrow,
        )


def test_an_unknown_step_is_refused_as_input(officer: User) -> None:
    visit = make_visit(officer)
    with pytest.raises(InvalidInput, match="Choose a step") as refused:
        visit_step_record(actor=officer, visit=visit, status="visited", on=LATER)
    assert refused.value.field == "status"


def test_a_mandate_has_one_open_request_per_state_and_may_ask_again_once_it_is_closed(
    officer: User,
) -> None:
    first = make_visit(officer, S.REMINDED)
    with pytest.raises(WorkflowError, match="already has an open request"):
        make_visit(officer)
    make_visit(officer, country="MEX")  # another State
    make_visit(officer, mandate="wgad")  # another mandate
    visit_step_record(actor=officer, visit=first, status=S.ACCEPTED, on=LATER)
    visit_step_record(actor=officer, visit=first, status=S.CARRIED_OUT, **ARGUMENTS["carried_out"])
    again = make_visit(officer, requested_on=dt.date(2017, 1, 5))
    assert again.pk != first.pk


def test_each_step_is_audited_with_codes_only_and_the_note_is_sealed(officer: User) -> None:
    visit = make_visit(officer)
    note = "Called the mission of Colombia about Ana Lopez"
    event = visit_step_record(actor=officer, visit=visit, status=S.REMINDED, on=LATER, note=note)
    audit = AuditEvent.objects.filter(action="visit_step_record").get()
    assert audit.actor == officer
    assert audit.object_id == str(visit.pk)
    assert audit.detail == {"from_status": "requested", "to_status": "reminded", "event": event.pk}
    assert AuditEvent.objects.filter(action="visit_request_create").count() == 1
    assert VisitEvent.objects.get(pk=event.pk).note == note
    assert event.recorded_by == officer
    with connection.cursor() as cursor:
        cursor.execute("SELECT note FROM visits_visitevent WHERE id = %s", [event.pk])
        (stored,) = cursor.fetchone()
    assert "Ana" not in stored
    assert "Lopez" not in stored


@pytest.mark.parametrize("persona", ["mandate_holder", "researcher", "source_organisation"])
def test_only_the_staff_roles_may_record_anything(
    officer: User, persona: str, request: pytest.FixtureRequest
) -> None:
    outsider: User = request.getfixturevalue(persona)
    visit = make_visit(officer, S.CARRIED_OUT)
    invitation = standing_invitation_extend(
        actor=officer, country=Country.objects.get(iso3="COL"), extended_on=dt.date(2004, 1, 1)
    )
    recommendation = recommendation_add(actor=officer, visit=visit, text="Protect defenders.")
    attempts = [
        lambda: make_visit(outsider, country="MEX"),
        lambda: visit_step_record(
            actor=outsider, visit=make_visit(officer, country="PER"), status=S.REMINDED, on=LATER
        ),
        lambda: visit_links_set(actor=outsider, visit=visit, statement_url="https://ohchr.org/"),
        lambda: recommendation_add(actor=outsider, visit=visit, text="Anything."),
        lambda: recommendation_review(
            actor=outsider, recommendation=recommendation, status="implemented", reviewed_on=LATER
        ),
        lambda: standing_invitation_extend(
            actor=outsider, country=Country.objects.get(iso3="MEX"), extended_on=LATER
        ),
        lambda: standing_invitation_withdraw(
            actor=outsider, invitation=invitation, withdrawn_on=LATER
        ),
    ]
    for attempt in attempts:
        with pytest.raises(NotAllowed):
            attempt()
    assert VisitRequest.objects.filter(country__iso3="MEX").count() == 0
    assert Recommendation.objects.count() == 1
    assert StandingInvitation.objects.get().withdrawn_on is None


def test_an_administrator_may_record_too(administrator: User) -> None:
    visit = make_visit(administrator, S.CARRIED_OUT)
    assert visit.events.count() == 3


# Links -----------------------------------------------------------------------------


def test_links_of_a_visit_carried_out_are_kept_and_audited(officer: User) -> None:
    visit = make_visit(officer, S.CARRIED_OUT)
    visit_links_set(
        actor=officer,
        visit=visit,
        statement_url=" https://www.ohchr.org/en/statements/2015/02/end-mission ",
        report_symbol="A/HRC/31/55/Add.2",
        report_url="http://undocs.org/A/HRC/31/55/Add.2",
    )
    visit.refresh_from_db()
    assert visit.statement_url == "https://www.ohchr.org/en/statements/2015/02/end-mission"
    assert visit.report_symbol == "A/HRC/31/55/Add.2"
    assert visit.report_url == "http://undocs.org/A/HRC/31/55/Add.2"
    audit = AuditEvent.objects.filter(action="visit_links_set").get()
    assert audit.detail == {"statement_changed": True, "report_changed": True}


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("statement_url", "javascript:alert(1)", "starts with https://"),
        ("statement_url", "JavaScript://%0aalert(1)", "starts with https://"),
        ("statement_url", "data:text/html,<script>alert(1)</script>", "starts with https://"),
        ("statement_url", "ftp://ftp.example.org/statement.pdf", "starts with https://"),
        ("statement_url", "file:///etc/passwd", "starts with https://"),
        ("statement_url", "www.ohchr.org/statement", "starts with https://"),
        ("statement_url", "//evil.example/statement", "starts with https://"),
        ("statement_url", "https://", "starts with https://"),
        ("report_url", "https://user:secret@evil.example/report", "user name or password"),
        ("report_url", "https://example.org/" + "a" * 200, "under 200 characters"),
        ("report_url", "https://exa mple.org/report", "starts with https://"),
        ("report_symbol", "<b>A/HRC/31/55</b>", "UN document symbol"),
        ("report_symbol", "A HRC 31 55", "UN document symbol"),
    ],
)
def test_bad_links_are_refused_and_nothing_is_saved(
    officer: User, field: str, value: str, message: str
) -> None:
    visit = make_visit(officer, S.CARRIED_OUT)
    with pytest.raises(InvalidInput, match=message) as refused:
        visit_links_set(actor=officer, visit=visit, **{field: value})
    assert refused.value.field == field
    visit.refresh_from_db()
    assert (visit.statement_url, visit.report_symbol, visit.report_url) == ("", "", "")


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(text=st.text(min_size=1, max_size=60))
def test_no_address_is_kept_unless_it_starts_with_http_or_https(officer: User, text: str) -> None:
    """Whatever is typed, a kept address starts with http:// or https://."""
    visit = VisitRequest.objects.filter(status=S.CARRIED_OUT).first() or make_visit(
        officer, S.CARRIED_OUT
    )
    try:
        visit_links_set(actor=officer, visit=visit, statement_url=text)
    except InvalidInput:
        return
    visit.refresh_from_db()
    kept = visit.statement_url
    assert kept == "" or kept.lower().startswith(("http://", "https://"))


@pytest.mark.parametrize("status", [S.REQUESTED, S.ACCEPTED, S.DATES_PROPOSED, S.REFUSED])
def test_links_and_recommendations_wait_for_the_visit(officer: User, status: str) -> None:
    visit = make_visit(officer, status)
    with pytest.raises(WorkflowError, match="carried out first"):
        visit_links_set(actor=officer, visit=visit, statement_url="https://www.ohchr.org/")
    with pytest.raises(WorkflowError, match="carried out first"):
        recommendation_add(actor=officer, visit=visit, text="Release the defenders.")


# Recommendations ---------------------------------------------------------------------


def test_a_recommendation_is_sealed_and_its_review_recorded_in_order(officer: User) -> None:
    visit = make_visit(officer, S.CARRIED_OUT)
    recommendation = recommendation_add(
        actor=officer, visit=visit, text="Release Ana Lopez and drop the charges."
    )
    assert recommendation.status == RecommendationStatus.NOT_ASSESSED
    with connection.cursor() as cursor:
        cursor.execute("SELECT text FROM visits_recommendation WHERE id = %s", [recommendation.pk])
        (stored,) = cursor.fetchone()
    assert "Lopez" not in stored
    recommendation_review(
        actor=officer, recommendation=recommendation, status="partially", reviewed_on=LATER
    )
    recommendation.refresh_from_db()
    assert (recommendation.status, recommendation.reviewed_on) == ("partially", LATER)
    with pytest.raises(InvalidInput, match="earlier review is recorded on 2016-01-04"):
        recommendation_review(
            actor=officer,
            recommendation=recommendation,
            status="implemented",
            reviewed_on=dt.date(2015, 12, 1),
        )
    audit = AuditEvent.objects.filter(action="recommendation_review").get()
    assert audit.detail == {"from_status": "not_assessed", "to_status": "partially"}


@pytest.mark.parametrize(
    ("text", "status", "reviewed_on", "field", "message"),
    [
        ("   ", "not_assessed", None, "text", "Write the recommendation"),
        ("x" * 4001, "not_assessed", None, "text", "under 4000 characters"),
        ("Protect defenders.", "implemented", None, "reviewed_on", "date of the review"),
        ("Protect defenders.", "done", LATER, "status", "Choose a follow-up status"),
        (
            "Protect defenders.",
            "implemented",
            dt.date(2015, 2, 10),
            "reviewed_on",
            "ended on 2015-02-16",
        ),
    ],
)
def test_bad_recommendations_are_refused(
    officer: User,
    text: str,
    status: str,
    reviewed_on: dt.date | None,
    field: str,
    message: str,
) -> None:
    visit = make_visit(officer, S.CARRIED_OUT)
    with pytest.raises(InvalidInput, match=message) as refused:
        recommendation_add(
            actor=officer, visit=visit, text=text, status=status, reviewed_on=reviewed_on
        )
    assert refused.value.field == field
    assert Recommendation.objects.count() == 0


# Standing invitations ------------------------------------------------------------------


def test_a_standing_invitation_is_extended_withdrawn_and_extended_again(officer: User) -> None:
    colombia = Country.objects.get(iso3="COL")
    first = standing_invitation_extend(
        actor=officer, country=colombia, extended_on=dt.date(2003, 3, 1)
    )
    with pytest.raises(WorkflowError, match="open already"):
        standing_invitation_extend(actor=officer, country=colombia, extended_on=LATER)
    with pytest.raises(InvalidInput, match="cannot be withdrawn before") as refused:
        standing_invitation_withdraw(
            actor=officer, invitation=first, withdrawn_on=dt.date(2003, 2, 1)
        )
    assert refused.value.field == "withdrawn_on"
    standing_invitation_withdraw(actor=officer, invitation=first, withdrawn_on=dt.date(2010, 6, 1))
    with pytest.raises(WorkflowError, match="withdrawn already"):
        standing_invitation_withdraw(actor=officer, invitation=first, withdrawn_on=LATER)
    with pytest.raises(InvalidInput, match="a new one comes after it"):
        standing_invitation_extend(actor=officer, country=colombia, extended_on=dt.date(2009, 1, 1))
    second = standing_invitation_extend(actor=officer, country=colombia, extended_on=LATER)
    assert second.withdrawn_on is None
    assert list(
        AuditEvent.objects.filter(object_type="visits.standinginvitation")
        .order_by("pk")
        .values_list("action", flat=True)
    ) == [
        "standing_invitation_extend",
        "standing_invitation_withdraw",
        "standing_invitation_extend",
    ]


def test_the_paths_used_by_these_tests_reach_every_status(officer: User) -> None:
    assert set(PATHS) == set(S.values)
