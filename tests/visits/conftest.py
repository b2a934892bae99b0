"""Fixtures and builders for the visit tests: a request brought to any status through
the services, as staff would record it."""

from __future__ import annotations

import datetime as dt

import pytest

from spcomms.accounts.models import User
from spcomms.reference.models import Country, Mandate
from spcomms.visits.models import VisitRequest, VisitStatus
from spcomms.visits.services import visit_request_create, visit_step_record
from tests.web.conftest import source_organisation

__all__ = ["source_organisation"]  # the persona fixture, shared with the web tests

REQUESTED = dt.date(2014, 3, 1)
S = VisitStatus

# The steps that bring a new request to each status, with their dates.
PATHS: dict[str, list[dict[str, object]]] = {
    S.REQUESTED: [],
    S.REMINDED: [{"status": S.REMINDED, "on": dt.date(2014, 9, 1)}],
    S.ACCEPTED: [{"status": S.ACCEPTED, "on": dt.date(2014, 9, 1)}],
    S.DATES_PROPOSED: [
        {
            "status": S.DATES_PROPOSED,
            "on": dt.date(2014, 9, 1),
            "start_date": dt.date(2015, 2, 8),
            "end_date": dt.date(2015, 2, 16),
        }
    ],
    S.POSTPONED: [{"status": S.POSTPONED, "on": dt.date(2014, 9, 1)}],
    S.CARRIED_OUT: [
        {"status": S.ACCEPTED, "on": dt.date(2014, 9, 1)},
        {
            "status": S.CARRIED_OUT,
            "start_date": dt.date(2015, 2, 8),
            "end_date": dt.date(2015, 2, 16),
        },
    ],
    S.REFUSED: [{"status": S.REFUSED, "on": dt.date(2014, 9, 1)}],
    S.NO_REPLY: [{"status": S.NO_REPLY, "on": dt.date(2014, 9, 1)}],
}


def make_visit(
    actor: User,
    status: str = S.REQUESTED,
    *,
    country: str = "COL",
    mandate: str = "sr-hrd",
    requested_on: dt.date = REQUESTED,
) -> VisitRequest:
    visit = visit_request_create(
        actor=actor,
        mandate=Mandate.objects.get(code=mandate),
        country=Country.objects.get(iso3=country),
        requested_on=requested_on,
    )
    for step in PATHS[status]:
        visit_step_record(actor=actor, visit=visit, **step)  # type: ignore[arg-type]  # the dicts above hold the right types
    visit.refresh_from_db()
    assert visit.status == status
    return visit


@pytest.fixture
def officer(secretariat_officer: User) -> User:
    return secretariat_officer
