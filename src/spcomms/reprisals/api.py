"""The reprisal counts in the public API, version 1 (added to ``publication.api.api``).

The same counts as the public page (``public.public_counts``): allegations whose action
is public, per State and year of report. No name, date or text of the register.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema
from ninja.errors import HttpError

from spcomms.publication.api_schemas import ValidationErrorOut
from spcomms.reference.models import Country
from spcomms.reprisals.public import public_counts

router = Router(tags=["reprisals"])


class ReprisalQuery(Schema):
    state: str = Field(
        "",
        pattern=r"^([A-Za-z]{3})?$",
        description="ISO 3166-1 alpha-3 code: only this State's counts",
    )


class StateReprisalsOut(Schema):
    iso3: str
    name: str
    total: int = Field(description="Allegations counted, all years")
    by_year: dict[int, int] = Field(
        description="Allegations counted per year of report; a year without any is left out"
    )


class ReprisalCountsOut(Schema):
    counted: str = Field(description="What is counted, in words")
    years: list[int] = Field(description="Every year with at least one allegation counted")
    total: int
    states: list[StateReprisalsOut] = Field(description="States with a count, most first")


class ReprisalErrorOut(Schema):
    detail: str


COUNTED = (
    "Allegations of reprisals for cooperation with the UN that the mandates acted on, where "
    "the action is public (a published communication, or inclusion in the Secretary-"
    "General's report of that year or before), by State and by the year they were reported."
)


@router.get(
    "",
    response={200: ReprisalCountsOut, 404: ReprisalErrorOut, 422: ValidationErrorOut},
    summary="Reprisals counted per State and year",
    operation_id="reprisals_counts",
    url_name="reprisals_counts",
)
def reprisals_counts(request: HttpRequest, filters: Query[ReprisalQuery]) -> dict[str, Any]:
    """The counts of the public reprisals page; ``state`` narrows them to one State."""
    country = None
    if filters.state:
        country = Country.objects.filter(iso3=filters.state.upper()).first()
        if country is None:
            raise HttpError(404, _("There is no State with this code."))
    counts = public_counts(country=country)
    return {
        "counted": COUNTED,
        "years": counts.years,
        "total": counts.total,
        "states": [
            {
                "iso3": state.country.iso3,
                "name": state.country.name,
                "total": state.total,
                "by_year": dict(sorted(state.by_year.items())),
            }
            for state in counts.states
        ],
    }
