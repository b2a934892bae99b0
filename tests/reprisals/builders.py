"""Builders for the reprisal tests: allegations stored directly, with few arguments."""

from __future__ import annotations

import datetime as dt

from spcomms.cases.models import Person
from spcomms.communications.models import Communication
from spcomms.reference.models import Country, ViolationType
from spcomms.reprisals.models import ReprisalAllegation, ReprisalStatus

REGISTER = "/staff/reprisals/"


def allegation(
    *,
    country: str = "BHR",
    reported_on: dt.date = dt.date(2016, 5, 3),
    status: str = ReprisalStatus.ACTED_ON,
    person: Person | None = None,
    cooperation: str = "communication",
    summary: str = "",
    description: str = "Internal notes",
    action_communication: Communication | None = None,
    sg_report_year: int | None = None,
    raised: bool = False,
    acts: tuple[str, ...] = ("travel_ban",),
) -> ReprisalAllegation:
    created = ReprisalAllegation.objects.create(
        country=Country.objects.get(iso3=country),
        reported_on=reported_on,
        status=status,
        person=person,
        cooperation=cooperation,
        summary=summary,
        description=description,
        action_communication=action_communication,
        sg_report_year=sg_report_year,
        raised_with_senior_official=raised,
    )
    created.acts.set(ViolationType.objects.filter(code__in=acts))
    return created
