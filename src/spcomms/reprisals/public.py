"""What the public record says about reprisals: counts per State and year, and the map.

**What is counted** (docs/reprisals.md). An allegation counts in public only when all of
these hold:

- staff have taken it up and acted on it: its status is *acted on* or *closed*, never
  *alleged* or *under review* (an unverified allegation is not published);
- the action is itself public: the allegation was included in a Secretary-General's
  report of this year or before, or a communication sent about it is published (sent,
  past its reply deadline, not withheld). A communication still confidential, or a
  matter raised only with the senior official on reprisals, is not counted, so a count
  never reveals a confidential step;
- its State is recorded.

It is counted in the year it was reported to the mandates. Only counts are published:
no name, no date, no description, nothing from the register's texts. Every counted
allegation is already public through a published letter or the Secretary-General's
report, so a count of one adds nothing that identifies anyone, and no small-cell rule
hides it (hiding it would make the map contradict those public documents).
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Count, Q, QuerySet
from django.db.models.functions import ExtractYear
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from spcomms.communications.models import Communication
from spcomms.reference.models import Country
from spcomms.reprisals.models import ReprisalAllegation, ReprisalStatus
from spcomms.reprisals.worldmap import GeometryMissing, read_geometry

COUNTED_STATUSES = (ReprisalStatus.ACTED_ON, ReprisalStatus.CLOSED)
CLASSES = 5  # colour classes above zero on the map


def public_allegations(now: dt.datetime | None = None) -> QuerySet[ReprisalAllegation]:
    """The allegations the public record counts (see the module's docstring)."""
    now = now or timezone.now()
    published = Communication.objects.published(now).values("pk")
    return ReprisalAllegation.objects.filter(
        Q(sg_report_year__isnull=False, sg_report_year__lte=now.year)
        | Q(action_communication__in=published),
        status__in=COUNTED_STATUSES,
        country__isnull=False,
    )


@dataclass(frozen=True)
class StateCounts:
    country: Country
    by_year: dict[int, int]

    @property
    def total(self) -> int:
        return sum(self.by_year.values())


@dataclass(frozen=True)
class PublicCounts:
    years: list[int]  # every year with a count, oldest first
    states: list[StateCounts]  # most named first, then by name

    @property
    def total(self) -> int:
        return sum(state.total for state in self.states)

    def row(self, state: StateCounts) -> list[int]:
        return [state.by_year.get(year, 0) for year in self.years]

    def table_body(self) -> SafeString:
        """The rows of the public table (a State's link, a cell per year, empty for none,
        and the total), built here rather than in a template loop: with every State and
        fifteen years that loop alone took a hundred milliseconds."""
        link = reverse("publication:state", args=["ZZZ"])
        rows = []
        for state in self.states:
            iso3 = escape(state.country.iso3)
            cells = "".join(f"<td>{n or ''}</td>" for n in self.row(state))
            rows.append(
                f'<tr data-iso3="{iso3}"><th scope="row"><a href="{link.replace("ZZZ", iso3)}">'
                f"{escape(state.country.name)}</a></th>{cells}<td>{state.total}</td></tr>"
            )
        return mark_safe("".join(rows))  # noqa: S308  # every value above is escaped


def public_counts(
    *, country: Country | None = None, now: dt.datetime | None = None
) -> PublicCounts:
    """Counts per State and year; for one State when ``country`` is given."""
    found = public_allegations(now)
    if country is not None:
        found = found.filter(country=country)
    rows = (
        found.annotate(year=ExtractYear("reported_on"))
        .values("country", "year")
        .annotate(n=Count("pk"))
        .order_by()
    )
    cells: dict[int, dict[int, int]] = {}
    for row in rows:
        cells.setdefault(row["country"], {})[row["year"]] = row["n"]
    countries = Country.objects.in_bulk(list(cells))
    states = [
        StateCounts(country=countries[pk], by_year=by_year)
        for pk, by_year in cells.items()
        if pk in countries
    ]
    states.sort(key=lambda s: (-s.total, s.country.name))
    years = sorted({year for state in states for year in state.by_year})
    return PublicCounts(years=years, states=states)


def state_reprisal_years(country: Country) -> list[tuple[int, int]]:
    """For a State's page: (year, count) for each year with a count, newest first."""
    counts = public_counts(country=country)
    if not counts.states:
        return []
    return sorted(counts.states[0].by_year.items(), reverse=True)


# The map ------------------------------------------------------------------------------


def colour_class(count: int, largest: int) -> int:
    """0 for none; else 1..CLASSES on a logarithmic scale up to the largest count."""
    if count <= 0 or largest <= 0:
        return 0
    if largest == 1:
        return CLASSES
    share = math.log(count) / math.log(largest)
    return min(CLASSES, 1 + int(share * (CLASSES - 1) + 0.5))


def class_bounds(largest: int) -> list[tuple[int, int, int]]:
    """For the legend: (class, lowest count, highest count) of each class in use."""
    members: dict[int, list[int]] = {}
    for count in range(1, largest + 1):
        members.setdefault(colour_class(count, largest), []).append(count)
    return [(cls, values[0], values[-1]) for cls, values in sorted(members.items())]


@dataclass(frozen=True)
class MapShape:
    path: str
    css_class: str
    label: str
    iso3: str
    marker: tuple[float, float] | None


@dataclass(frozen=True)
class WorldMap:
    width: float
    height: float
    shapes: list[MapShape]
    legend: list[tuple[str, str]]  # (class, label)
    missing: str = ""  # why the geometry could not be used; the page then shows a note

    def svg_body(self) -> SafeString:
        """The paths and markers inside the ``<svg>`` element, built here rather than in a
        template loop: 235 shapes and 265 kB of path data render in a few milliseconds.
        Path data holds only digits, signs, commas and letters; labels are escaped."""
        parts = []
        for shape in self.shapes:
            label = escape(shape.label)
            iso3 = f' data-iso3="{escape(shape.iso3)}"' if shape.iso3 else ""
            parts.append(
                f'<path d="{escape(shape.path)}" class="{shape.css_class}"{iso3}>'
                f"<title>{label}</title></path>"
            )
        for shape in self.shapes:
            if shape.marker is not None:
                x, y = shape.marker
                parts.append(
                    f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3" class="marker {shape.css_class}"'
                    f' data-marker="{escape(shape.iso3)}"><title>{escape(shape.label)}</title>'
                    "</circle>"
                )
        return mark_safe("".join(parts))  # noqa: S308  # every value above is escaped


def world_map(counts: PublicCounts) -> WorldMap:
    """The map of ``counts`` per State, or an empty map that says why it is missing."""
    path = settings.SPCOMMS_WORLD_GEOMETRY
    try:
        geometry = read_geometry(path)
    except GeometryMissing as missing:
        return WorldMap(0, 0, [], [], missing=str(missing))
    totals = {state.country.numeric: state.total for state in counts.states}
    largest = max(totals.values(), default=0)
    names = dict(Country.objects.values_list("numeric", "iso3"))
    by_iso3 = {c.iso3: c for c in Country.objects.filter(iso3__in=names.values())}
    shapes = []
    for shape in geometry.shapes:
        count = totals.get(shape.numeric, 0)
        iso3 = names.get(shape.numeric, "")
        country = by_iso3.get(iso3)
        name = country.name if country is not None else shape.name
        cls = colour_class(count, largest)
        shapes.append(
            MapShape(
                path=shape.path,
                css_class=f"q{cls}",
                label=_("%(state)s: %(count)d") % {"state": name, "count": count},
                iso3=iso3,
                marker=shape.centre if shape.small and count else None,
            )
        )
    legend = [("q0", _("none counted"))] + [
        (f"q{cls}", str(low) if low == high else f"{low}\u2013{high}")
        for cls, low, high in class_bounds(largest)
    ]
    return WorldMap(geometry.width, geometry.height, shapes, legend)
