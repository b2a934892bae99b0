"""The country visits in the API's answer about a State (``/api/v1/states/{iso3}``).

Built from ``spcomms.visits.public``: staff notes, who recorded a step and the text of
recommendations are never part of it.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from ninja import Field, Schema

from spcomms.visits.public import PublicVisit, StateVisits, VisitFigures


class VisitStepOut(Schema):
    status: str = Field(
        description="requested, reminded, accepted, dates_proposed, carried_out, postponed, "
        "refused or no_reply"
    )
    on: dt.date
    start_date: dt.date | None = Field(description="First day of the dates proposed or visited")
    end_date: dt.date | None = Field(description="Last day of the dates proposed or visited")
    renewed: bool = Field(description="A request made again after a refusal or no reply")


class VisitOut(Schema):
    mandate: str = Field(description="The mandate's code")
    requested_on: dt.date
    status: str = Field(description="The latest step")
    start_date: dt.date | None
    end_date: dt.date | None
    accepted_on: dt.date | None
    statement_url: str = Field(description="End-of-mission statement; empty when none")
    report_symbol: str = Field(description="UN document symbol of the report; may be empty")
    report_url: str = Field(description="The report; empty when none")
    history: list[VisitStepOut] = Field(description="Every step, oldest first")
    recommendations: dict[str, int] = Field(
        description="Recommendations of the visit's report per follow-up status "
        "(not_assessed, not_implemented, partially, implemented)"
    )


class VisitFiguresOut(Schema):
    requests: int
    replied: int = Field(
        description="Requests the State accepted, refused or asked to postpone, or visited"
    )
    reply_rate: int | None = Field(description="Percentage replied; null with no request")
    accepted: int = Field(description="Requests accepted at some point, visits included")
    acceptance_rate: int | None = Field(description="Percentage accepted; null with no request")
    carried_out: int
    refused: int
    no_reply: int = Field(description="Requests closed without a reply")
    awaiting_reply: int = Field(description="Open requests the State has not answered yet")
    awaiting_since: dt.date | None = Field(description="The oldest of those requests")
    accepted_not_carried_out: int = Field(description="Accepted, still open, not yet visited")
    median_days_to_reply: int | None = Field(
        description="Median days from the request to the State's first reply; null when none"
    )
    recommendations: dict[str, int] = Field(description="Recommendations per follow-up status")


class StandingInvitationOut(Schema):
    extended_on: dt.date
    withdrawn_on: dt.date | None


def _visit(visit: PublicVisit) -> dict[str, Any]:
    return {
        "mandate": visit.mandate.code,
        "requested_on": visit.requested_on,
        "status": visit.status.value,
        "start_date": visit.start_date,
        "end_date": visit.end_date,
        "accepted_on": visit.accepted_on,
        "statement_url": visit.statement_url,
        "report_symbol": visit.report_symbol,
        "report_url": visit.report_url,
        "history": [
            {
                "status": step.status.value,
                "on": step.on,
                "start_date": step.start_date,
                "end_date": step.end_date,
                "renewed": step.renewed,
            }
            for step in visit.steps
        ],
        "recommendations": visit.recommendations,
    }


def _figures(figures: VisitFigures) -> dict[str, Any]:
    return {name: getattr(figures, name) for name in VisitFiguresOut.model_fields}


def state_visits_out(record: StateVisits) -> dict[str, Any]:
    """The visit fields of a State's answer."""
    invitation = record.invitation
    return {
        "standing_invitation_since": invitation.extended_on if invitation else None,
        "standing_invitation_withdrawn_on": invitation.withdrawn_on if invitation else None,
        "standing_invitations": [
            {"extended_on": i.extended_on, "withdrawn_on": i.withdrawn_on}
            for i in record.invitations
        ],
        "visits": [_visit(visit) for visit in record.visits],
        "visit_figures": _figures(record.figures),
        "visit_figures_all_states": _figures(record.all_states),
    }
