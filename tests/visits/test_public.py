"""Visits in the public record: the State page, the mandate page and the API show the
history, links, invitations and figures, and never a staff note or a recommendation's
text; the figures are counted as docs/visits.md defines them."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from spcomms.accounts.models import User
from spcomms.publication.api import openapi_json
from spcomms.reference.models import Country, Mandate
from spcomms.visits.models import VisitStatus
from spcomms.visits.public import all_states_figures, public_visits, state_visits, visit_figures
from spcomms.visits.services import (
    recommendation_add,
    recommendation_review,
    standing_invitation_extend,
    standing_invitation_withdraw,
    visit_links_set,
    visit_step_record,
)
from tests.visits.conftest import make_visit

pytestmark = pytest.mark.django_db
S = VisitStatus
NOTE = "Quietly met Ana Lopez near the ministry"
RECOMMENDATION = "Release Valentina Ospina without conditions"


def colombia_record(officer: User) -> None:
    """Colombia: a visit carried out (with links and three recommendations), a request
    refused then renewed and still awaiting a reply, and a request of another mandate
    closed without a reply. Mexico: one request accepted (for the all-States figures)."""
    visit = make_visit(officer, S.CARRIED_OUT, requested_on=dt.date(2014, 3, 1))
    visit_links_set(
        actor=officer,
        visit=visit,
        statement_url="https://www.ohchr.org/en/statements/2015/02/colombia",
        report_symbol="A/HRC/31/55/Add.2",
        report_url="https://undocs.org/A/HRC/31/55/Add.2",
    )
    for status in ("implemented", "partially", "not_assessed"):
        made = recommendation_add(actor=officer, visit=visit, text=RECOMMENDATION)
        if status != "not_assessed":
            recommendation_review(
                actor=officer, recommendation=made, status=status, reviewed_on=dt.date(2016, 3, 1)
            )
    renewed = make_visit(officer, S.REFUSED, mandate="wgad", requested_on=dt.date(2010, 1, 10))
    visit_step_record(
        actor=officer, visit=renewed, status=S.REQUESTED, on=dt.date(2015, 1, 5), note=NOTE
    )
    make_visit(officer, S.NO_REPLY, mandate="sr-freedex", requested_on=dt.date(2012, 6, 1))
    make_visit(officer, S.ACCEPTED, country="MEX", requested_on=dt.date(2013, 1, 1))
    invitation = standing_invitation_extend(
        actor=officer, country=Country.objects.get(iso3="COL"), extended_on=dt.date(2003, 3, 1)
    )
    standing_invitation_withdraw(
        actor=officer, invitation=invitation, withdrawn_on=dt.date(2009, 5, 1)
    )
    standing_invitation_extend(
        actor=officer, country=Country.objects.get(iso3="COL"), extended_on=dt.date(2011, 2, 1)
    )


def test_the_figures_count_replies_acceptances_and_requests_awaiting_a_reply(
    officer: User,
) -> None:
    colombia_record(officer)
    record = state_visits(Country.objects.get(iso3="COL"))
    figures = record.figures
    assert figures.requests == 3
    # Carried out (accepted on 2014-09-01) and refused (2014-09-01): two replies.
    assert figures.replied == 2
    assert figures.reply_rate == 67
    assert figures.accepted == 1
    assert figures.acceptance_rate == 33
    assert figures.carried_out == 1
    assert figures.refused == 0  # the refused request was renewed
    assert figures.no_reply == 1
    # A renewed request that was refused before has had a reply: it is not "awaiting".
    assert figures.awaiting_reply == 0
    assert figures.awaiting_since is None
    assert figures.accepted_not_carried_out == 0
    # Days to the first reply: 2014-03-01 -> 2014-09-01 (184), 2010-01-10 -> 2014-09-01 (1695).
    assert figures.median_days_to_reply == round((184 + 1695) / 2)
    assert figures.recommendations == {
        "not_assessed": 1,
        "not_implemented": 0,
        "partially": 1,
        "implemented": 1,
    }
    everywhere = record.all_states
    assert everywhere.requests == 4
    assert everywhere.accepted == 2
    assert everywhere.acceptance_rate == 50
    assert everywhere.accepted_not_carried_out == 1
    assert [group.mandate.code for group in record.by_mandate] == sorted(
        ["sr-hrd", "wgad", "sr-freedex"],
        key=lambda code: Mandate.objects.get(code=code).name,
    )
    assert [(i.extended_on, i.withdrawn_on) for i in record.invitations] == [
        (dt.date(2011, 2, 1), None),
        (dt.date(2003, 3, 1), dt.date(2009, 5, 1)),
    ]


def test_requests_awaiting_a_reply_give_the_oldest_date(officer: User) -> None:
    make_visit(officer, S.REMINDED, requested_on=dt.date(2008, 4, 2))
    make_visit(officer, mandate="wgad", requested_on=dt.date(2012, 1, 1))
    make_visit(officer, S.DATES_PROPOSED, mandate="sr-freedex", requested_on=dt.date(2013, 1, 1))
    figures = state_visits(Country.objects.get(iso3="COL")).figures
    assert figures.awaiting_reply == 3  # dates proposed by a mandate are not a reply
    assert figures.awaiting_since == dt.date(2008, 4, 2)
    assert figures.replied == 0
    assert figures.reply_rate == 0
    assert figures.median_days_to_reply is None


def test_a_state_without_requests_shows_empty_figures_not_zero_shares(
    client: Client, reference: None
) -> None:
    record = state_visits(Country.objects.get(iso3="FRA"))
    assert record.figures.reply_rate is None
    assert record.figures.acceptance_rate is None
    html = client.get("/states/fra/").content.decode()
    assert "No visit request is recorded for this State." in html
    assert "This State has not extended a standing invitation." in html


def test_the_state_page_shows_visits_per_mandate_with_history_links_and_counts(
    client: Client, officer: User
) -> None:
    colombia_record(officer)
    response = client.get("/states/col/")
    assert response.status_code == 200
    html = response.content.decode()
    visits = html[html.index('data-testid="state-visits"') :]
    assert (
        "This State has extended a standing invitation to all thematic mandates since 2011-02-01."
        in visits
    )
    assert "Standing invitation extended on 2003-03-01, withdrawn on 2009-05-01" in visits
    assert visits.count('data-testid="visits"') == 3  # one table per mandate
    assert 'href="https://www.ohchr.org/en/statements/2015/02/colombia"' in visits
    assert 'href="https://undocs.org/A/HRC/31/55/Add.2"' in visits
    assert ">A/HRC/31/55/Add.2</a>" in visits
    assert "Request renewed 2015-01-05" in visits
    assert "Carried out 2015-02-16" in visits
    assert "3: 1 implemented, 1 partially" in visits
    figures = visits[visits.index('data-testid="visit-figures"') :]
    accepted = figures[figures.index(">Accepted</th>") :].split("</tr>")[0]
    assert re.findall(r'<td data-testid="accepted">([^<]+)</td>', accepted) == [
        "1 (33 %)",
        "2 (50 %)",
    ]


def test_no_staff_note_or_recommendation_text_reaches_the_public(
    client: Client, officer: User
) -> None:
    colombia_record(officer)
    answers = [
        client.get("/states/col/").content.decode(),
        client.get("/mandates/sr-hrd/").content.decode(),
        client.get("/mandates/wgad/").content.decode(),
        client.get("/api/v1/states/COL").content.decode(),
    ]
    for text in answers:
        for word in ("Quietly", "Lopez", "ministry", "Valentina", "Ospina", "officer"):
            assert word not in text
        assert "sofia.secretariat" not in text


def test_the_mandate_page_lists_its_visits_with_their_state(client: Client, officer: User) -> None:
    colombia_record(officer)
    html = client.get("/mandates/sr-hrd/").content.decode()
    visits = html[html.index('data-testid="mandate-visits"') :]
    assert 'href="/states/COL/"' in visits
    assert 'href="/states/MEX/"' in visits
    assert "Carried out" in visits
    assert "Accepted 2014-09-01" in visits
    empty = client.get("/mandates/sr-torture/").content.decode()
    assert "No visit request of this mandate is recorded." in empty


def test_the_api_state_answer_gives_the_visits_history_links_and_figures(
    client: Client, officer: User
) -> None:
    colombia_record(officer)
    body = json.loads(client.get("/api/v1/states/COL").content)
    assert body["standing_invitation_since"] == "2011-02-01"
    assert body["standing_invitation_withdrawn_on"] is None
    assert body["standing_invitations"] == [
        {"extended_on": "2011-02-01", "withdrawn_on": None},
        {"extended_on": "2003-03-01", "withdrawn_on": "2009-05-01"},
    ]
    carried = next(v for v in body["visits"] if v["status"] == "carried_out")
    assert carried["mandate"] == "sr-hrd"
    assert carried["statement_url"] == "https://www.ohchr.org/en/statements/2015/02/colombia"
    assert carried["report_symbol"] == "A/HRC/31/55/Add.2"
    assert carried["accepted_on"] == "2014-09-01"
    assert [step["status"] for step in carried["history"]] == [
        "requested",
        "accepted",
        "carried_out",
    ]
    assert carried["history"][-1] == {
        "status": "carried_out",
        "on": "2015-02-16",
        "start_date": "2015-02-08",
        "end_date": "2015-02-16",
        "renewed": False,
    }
    assert carried["recommendations"] == {
        "not_assessed": 1,
        "not_implemented": 0,
        "partially": 1,
        "implemented": 1,
    }
    renewed = next(v for v in body["visits"] if v["mandate"] == "wgad")
    assert [step["renewed"] for step in renewed["history"]] == [False, False, True]
    assert body["visit_figures"]["requests"] == 3
    assert body["visit_figures"]["acceptance_rate"] == 33
    assert body["visit_figures"]["median_days_to_reply"] == 940
    assert body["visit_figures_all_states"]["requests"] == 4


def test_the_state_page_query_count_does_not_grow_with_the_visits(
    client: Client, officer: User
) -> None:
    def queries() -> int:
        with CaptureQueriesContext(connection) as context:
            assert client.get("/states/col/").status_code == 200
        return len(context)

    make_visit(officer, S.CARRIED_OUT)
    client.get("/states/col/")  # builds the public index
    few = queries()
    for code in ("wgad", "sr-freedex", "sr-foaa"):
        visit = make_visit(officer, S.CARRIED_OUT, mandate=code)
        recommendation_add(actor=officer, visit=visit, text="Protect defenders.")
    assert queries() == few


def test_the_committed_schema_describes_the_visits_of_a_state() -> None:
    schema = json.loads(openapi_json())
    state = schema["components"]["schemas"]["StateOut"]["properties"]
    for name in ("visits", "visit_figures", "visit_figures_all_states", "standing_invitations"):
        assert name in state
    visit = schema["components"]["schemas"]["VisitOut"]["properties"]
    assert {"history", "statement_url", "report_url", "report_symbol", "recommendations"} <= set(
        visit
    )
    assert "note" not in json.dumps(schema["components"]["schemas"]["VisitStepOut"])
    assert (Path(__file__).resolve().parents[2] / "docs" / "openapi-v1.json").read_text(
        encoding="utf-8"
    ) == openapi_json()


def test_the_all_states_figures_agree_with_the_figures_of_every_request(officer: User) -> None:
    """Two ways to the same numbers: plain values for the comparison column, the public
    records for a State's own column."""
    colombia_record(officer)
    make_visit(officer, S.POSTPONED, country="PER", requested_on=dt.date(2011, 4, 4))
    make_visit(officer, S.DATES_PROPOSED, country="BRA", requested_on=dt.date(2009, 2, 2))
    assert all_states_figures() == visit_figures(public_visits())
    assert all_states_figures().requests == 6
