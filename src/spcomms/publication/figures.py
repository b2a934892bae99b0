"""The figures of a State and of a mandate in the public record, for the pages and the API.

All are computed from the in-memory copy of the index (``mirror``), so a page costs
no grouping query however large the record is. A State's figures count the
communications addressed to it (copies do not count); its region's and all States'
figures are the same measures over the communications addressed to any State of the
region, or to any State at all.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _

from spcomms.communications.models import CommunicationType
from spcomms.publication.mirror import Mask, Mirror, Totals, public_mirror
from spcomms.publication.models import Facet, PublishedDocument
from spcomms.reference.models import Country, Mandate
from spcomms.visits.public import StateVisits, state_visits

LATEST = 10


def percent(part: int, whole: int) -> int | None:
    return round(100 * part / whole) if whole else None


@dataclass(frozen=True)
class Summary:
    label: str
    communications: int
    replied: int
    reply_rate: int | None
    public_replies: int
    in_time: int
    timeliness: int | None
    reply_groups: dict[str, int]


def summary(label: str, totals: Totals) -> Summary:
    return Summary(
        label=label,
        communications=totals.communications,
        replied=totals.replied,
        reply_rate=percent(totals.replied, totals.communications),
        public_replies=totals.replies_public,
        in_time=totals.replies_in_time,
        timeliness=percent(totals.replies_in_time, totals.replies_public),
        reply_groups=totals.reply_groups,
    )


@dataclass(frozen=True)
class YearRow:
    year: int
    by_type: dict[str, int]

    @property
    def total(self) -> int:
        return sum(self.by_type.values())

    def in_order(self) -> list[int]:
        """The counts in the order of the communication types."""
        return [self.by_type.get(kind, 0) for kind in CommunicationType.values]


def _years(mirror: Mirror, mask: Mask) -> list[YearRow]:
    years = mirror.by_year_and_type(mask)
    return [YearRow(year, years[year]) for year in sorted(years, reverse=True)]


@dataclass(frozen=True)
class StateFigures:
    country: Country
    years: list[YearRow]
    summaries: list[Summary]  # the State, its reporting region when it has one, all States
    visits: StateVisits


def state_figures(country: Country) -> StateFigures:
    mirror = public_mirror()
    own = mirror.having(Facet.ADDRESSEE, [country.iso3])
    summaries = [summary(country.name, mirror.totals(own))]
    if country.reporting_region:
        region_states = Country.objects.filter(
            reporting_region=country.reporting_region
        ).values_list("iso3", flat=True)
        summaries.append(
            summary(
                str(country.get_reporting_region_display()),
                mirror.totals(mirror.having(Facet.ADDRESSEE, region_states)),
            )
        )
    any_state = mirror.having(Facet.ADDRESSEE, mirror.values(Facet.ADDRESSEE))
    summaries.append(summary(_("All States"), mirror.totals(any_state)))
    return StateFigures(
        country=country,
        years=_years(mirror, own),
        summaries=summaries,
        visits=state_visits(country),
    )


@dataclass(frozen=True)
class MandateFigures:
    mandate: Mandate
    years: list[YearRow]
    summaries: list[Summary]  # the mandate, all mandates
    latest: list[PublishedDocument]


def mandate_figures(mandate: Mandate) -> MandateFigures:
    mirror = public_mirror()
    own = mirror.having(Facet.MANDATE, [mandate.code])
    newest = [int(pk) for pk in mirror.document_ids[mirror.ordered(own)[:LATEST]]]
    documents = PublishedDocument.objects.in_bulk(newest)
    return MandateFigures(
        mandate=mandate,
        years=_years(mirror, own),
        summaries=[
            summary(mandate.name, mirror.totals(own)),
            summary(_("All mandates"), mirror.totals(mirror.everything())),
        ],
        latest=[documents[pk] for pk in newest if pk in documents],
    )
