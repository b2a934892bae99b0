"""Writing covariates: the built-in variables, file imports and aid dependency.

An import reads and checks the whole file first (``formats.parse_file``) and
writes nothing unless every row is valid; then it stores the values in one
transaction with bulk operations, recomputes aid dependency where ODA or GDP
changed, and writes one audit row per variable it touched.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterator, Mapping
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from django.db import IntegrityError, connection, transaction
from django.utils import timezone, translation
from django.utils.functional import Promise
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from spcomms.accounts.models import User
from spcomms.audit.services import audit_record
from spcomms.covariates.formats import (
    Bounds,
    FileFormat,
    Lookups,
    Observation,
    Parsed,
    Problem,
    Skipped,
    SkipReason,
    parse_file,
)
from spcomms.covariates.models import CountryYearValue, Variable
from spcomms.reference.models import Country

ODA = "oda_net_usd"
GDP = "gdp_usd"
AID_DEPENDENCY = "aid_dependency"
AID_DEPENDENCY_ORIGIN = "computed: 100 * oda_net_usd / gdp_usd"
BINARY_VARIABLES = frozenset({"upr_within_year"})
BATCH_SIZE = 1000
# The columns of a new value, in the order _insert writes them.
INSERT_FIELDS = ("country", "year", "variable", "value", "imported_at", "origin")
NewValue = tuple[int, int, int, float]
ORIGIN_LENGTH = 200


@dataclass(frozen=True)
class VariableSpec:
    code: str
    label: Promise
    source: str
    description: Promise
    minimum: float | None = None
    maximum: float | None = None


VDEM_SOURCE = "V-Dem Institute, Varieties of Democracy (V-Dem) dataset"
WDI_SOURCE = "World Bank, World Development Indicators"

BUILTIN_VARIABLES = (
    VariableSpec(
        "polity",
        _("Polity score"),
        "Center for Systemic Peace, Polity IV / Polity5 (polity2)",
        _(
            "Combined polity score, from -10 (strongly autocratic) to 10 (strongly democratic). "
            "Negative scores are closed regimes, positive scores open ones. Import the polity2 "
            "column; its special codes (-66, -77, -88) are not scores."
        ),
        -10,
        10,
    ),
    VariableSpec(
        "fragility",
        _("State Fragility Index"),
        "Center for Systemic Peace, State Fragility Index (sfi)",
        _("State fragility, from 0 (no fragility) to 25 (extreme fragility)."),
        0,
        25,
    ),
    VariableSpec(
        ODA,
        _("Net ODA received (current US$)"),
        f"{WDI_SOURCE}, DT.ODA.ODAT.CD",
        _(
            "Net official development assistance received, in current US dollars; negative when "
            "repayments exceed disbursements."
        ),
    ),
    VariableSpec(
        GDP,
        _("GDP (current US$)"),
        f"{WDI_SOURCE}, NY.GDP.MKTP.CD",
        _("Gross domestic product in current US dollars."),
        0,
    ),
    VariableSpec(
        "oda_pct_gni",
        _("Net ODA received (% of GNI)"),
        f"{WDI_SOURCE}, DT.ODA.ODAT.GN.ZS",
        _("Net official development assistance received as a percentage of gross national income."),
    ),
    VariableSpec(
        AID_DEPENDENCY,
        _("Aid dependency (net ODA received, % of GDP)"),
        f"computed by spcomms from {WDI_SOURCE}",
        _(
            "100 * net ODA received / GDP, for the same country and year. Computed whenever net "
            "ODA or GDP is imported; never imported itself."
        ),
    ),
    VariableSpec(
        "upr_within_year",
        _("UPR review within one year"),
        "UN Human Rights Council, Universal Periodic Review calendar",
        _("1 if the State had a Universal Periodic Review within one year, else 0."),
        0,
        1,
    ),
    VariableSpec(
        "vdem_polyarchy",
        _("V-Dem electoral democracy index"),
        f"{VDEM_SOURCE}, v2x_polyarchy",
        _("Electoral democracy index, from 0 to 1."),
        0,
        1,
    ),
    VariableSpec(
        "vdem_libdem",
        _("V-Dem liberal democracy index"),
        f"{VDEM_SOURCE}, v2x_libdem",
        _("Liberal democracy index, from 0 to 1."),
        0,
        1,
    ),
    VariableSpec(
        "vdem_partipdem",
        _("V-Dem participatory democracy index"),
        f"{VDEM_SOURCE}, v2x_partipdem",
        _("Participatory democracy index, from 0 to 1."),
        0,
        1,
    ),
    VariableSpec(
        "vdem_delibdem",
        _("V-Dem deliberative democracy index"),
        f"{VDEM_SOURCE}, v2x_delibdem",
        _("Deliberative democracy index, from 0 to 1."),
        0,
        1,
    ),
    VariableSpec(
        "vdem_egaldem",
        _("V-Dem egalitarian democracy index"),
        f"{VDEM_SOURCE}, v2x_egaldem",
        _("Egalitarian democracy index, from 0 to 1."),
        0,
        1,
    ),
)


class Progress(Protocol):
    """Opens a progress display; the context gives a function to advance it."""

    def __call__(
        self, *, description: str, total: int, unit: str
    ) -> AbstractContextManager[Callable[[int], object]]: ...


@contextmanager
def no_progress(*, description: str, total: int, unit: str) -> Iterator[Callable[[int], object]]:
    yield lambda amount: None


class CovariateImportError(Exception):
    """The file was refused; nothing was written."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__(problems)
        self.problems = problems


@dataclass
class Counts:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    removed: int = 0

    def __iadd__(self, other: Counts) -> Counts:
        self.created += other.created
        self.updated += other.updated
        self.unchanged += other.unchanged
        self.removed += other.removed
        return self


@dataclass(frozen=True)
class ImportReport:
    file_name: str
    file_format: FileFormat
    indicator: str | None
    rows: int
    values: int
    by_variable: dict[str, Counts]
    aid_dependency: Counts | None
    skipped: dict[SkipReason, Skipped] = field(default_factory=dict)

    @property
    def totals(self) -> Counts:
        total = Counts()
        for counts in self.by_variable.values():
            total += counts
        return total


@transaction.atomic
def variables_ensure_builtin() -> int:
    """Add the built-in variables that are missing; edits to existing ones are kept.

    Returns how many were added.
    """
    existing = set(Variable.objects.values_list("code", flat=True))
    with translation.override("en"):
        missing = [
            Variable(
                code=spec.code,
                label=str(spec.label),
                description=str(spec.description),
                source=spec.source,
                minimum=spec.minimum,
                maximum=spec.maximum,
                builtin=True,
            )
            for spec in BUILTIN_VARIABLES
            if spec.code not in existing
        ]
    Variable.objects.bulk_create(missing, ignore_conflicts=True)
    return len(missing)


def _computed_message() -> str:
    return gettext("aid_dependency is computed from oda_net_usd and gdp_usd; import those instead.")


def _lookups() -> Lookups:
    countries = list(Country.objects.values_list("pk", "iso3", "iso2"))
    if not countries:
        raise CovariateImportError(
            [
                Problem(
                    None,
                    None,
                    gettext(
                        "there are no countries in the database. Run `spcomms reference load` "
                        "first."
                    ),
                )
            ]
        )
    variables = {
        code: Bounds(code, minimum, maximum, code in BINARY_VARIABLES)
        for code, minimum, maximum in Variable.objects.values_list("code", "minimum", "maximum")
    }
    for spec in BUILTIN_VARIABLES:
        variables.setdefault(
            spec.code, Bounds(spec.code, spec.minimum, spec.maximum, spec.code in BINARY_VARIABLES)
        )
    return Lookups(
        countries_iso3={iso3: pk for pk, iso3, _iso2 in countries},
        countries_iso2={iso2: pk for pk, _iso3, iso2 in countries},
        variables=variables,
        computed={AID_DEPENDENCY: _computed_message()},
    )


def covariates_import(
    *,
    path: Path,
    file_format: FileFormat | None = None,
    indicator: str | None = None,
    variable: str | None = None,
    actor: User | None = None,
    progress: Progress = no_progress,
) -> ImportReport:
    """Import a covariate file, all of it or nothing.

    Raises CovariateImportError with every problem found when the file is not
    valid as a whole.
    """
    if not path.is_file():
        raise CovariateImportError(
            [
                Problem(
                    None,
                    None,
                    gettext("there is no file at %(path)s.") % {"path": str(path)},
                )
            ]
        )
    lookups = _lookups()
    with progress(description=gettext("Checking"), total=path.stat().st_size, unit="B") as advance:
        parsed = parse_file(
            path,
            lookups=lookups,
            file_format=file_format,
            indicator=indicator,
            variable=variable,
            advance=advance,
        )
    if parsed.problems or parsed.file_format is None:
        raise CovariateImportError(parsed.problems)
    origin = path.name[:ORIGIN_LENGTH]
    try:
        by_variable, aid = _write(
            parsed,
            file_format=parsed.file_format,
            origin=origin,
            actor=actor,
            progress=progress,
        )
    except IntegrityError:
        raise CovariateImportError(
            [
                Problem(
                    None,
                    None,
                    gettext(
                        "another change to the same values was saved while this file was being "
                        "imported, so nothing of this file was written. Import it again."
                    ),
                )
            ]
        ) from None
    return ImportReport(
        file_name=path.name,
        file_format=parsed.file_format,
        indicator=parsed.indicator,
        rows=parsed.rows,
        values=len(parsed.observations),
        by_variable=by_variable,
        aid_dependency=aid,
        skipped=parsed.skipped,
    )


def _write(
    parsed: Parsed,
    *,
    file_format: FileFormat,
    origin: str,
    actor: User | None,
    progress: Progress,
) -> tuple[dict[str, Counts], Counts | None]:
    """Store a checked file's values, recompute aid dependency, audit; one transaction."""
    with transaction.atomic():
        variables_ensure_builtin()
        by_variable = _store(parsed.observations, origin=origin, progress=progress)
        aid: Counts | None = None
        if by_variable.keys() & {ODA, GDP}:
            aid = aid_dependency_recompute(
                country_years={
                    (obs.country_id, obs.year)
                    for obs in parsed.observations
                    if obs.variable in (ODA, GDP)
                }
            )
        touched = {**by_variable, **({AID_DEPENDENCY: aid} if aid is not None else {})}
        for code, variable_row in Variable.objects.in_bulk(
            list(touched), field_name="code"
        ).items():
            counts = touched[code]
            audit_record(
                actor=actor,
                action="covariates.import",
                obj=variable_row,
                file_format=file_format.value,
                created=counts.created,
                updated=counts.updated,
                unchanged=counts.unchanged,
                removed=counts.removed,
            )
    return by_variable, aid


def _store(
    observations: list[Observation], *, origin: str, progress: Progress
) -> dict[str, Counts]:
    """Create the new values and update the changed ones, variable by variable.

    A value equal to the stored one is left alone, origin included, so that
    importing the same data twice changes nothing.
    """
    grouped: dict[str, list[Observation]] = defaultdict(list)
    for observation in observations:
        grouped[observation.variable].append(observation)
    variable_ids = dict(Variable.objects.filter(code__in=list(grouped)).values_list("code", "pk"))
    now = timezone.now()
    results: dict[str, Counts] = {}
    with progress(
        description=gettext("Storing"), total=len(observations), unit="values"
    ) as advance:
        for code, items in grouped.items():
            variable_id = variable_ids[code]
            existing = {
                (country_id, year): (pk, value)
                for pk, country_id, year, value in CountryYearValue.objects.filter(
                    variable_id=variable_id
                ).values_list("pk", "country_id", "year", "value")
            }
            targets = {(obs.country_id, obs.year): obs.value for obs in items}
            results[code] = _apply(variable_id, targets, existing, origin=origin, now=now)
            advance(len(items))
    return results


def _apply(
    variable_id: int,
    targets: Mapping[tuple[int, int], float | None],
    existing: Mapping[tuple[int, int], tuple[int, float]],
    *,
    origin: str,
    now: dt.datetime,
) -> Counts:
    """Bring the stored values of one variable to ``targets``; None removes a value."""
    counts = Counts()
    new: list[NewValue] = []
    changed: list[CountryYearValue] = []
    stale: list[int] = []
    for (country_id, year), value in targets.items():
        found = existing.get((country_id, year))
        if value is None:
            if found is not None:
                stale.append(found[0])
        elif found is None:
            new.append((country_id, year, variable_id, value))
        elif found[1] == value:
            counts.unchanged += 1
        else:
            changed.append(
                CountryYearValue(pk=found[0], value=value, origin=origin, imported_at=now)
            )
    _insert(new, origin=origin, now=now)
    CountryYearValue.objects.bulk_update(
        changed, ["value", "origin", "imported_at"], batch_size=BATCH_SIZE
    )
    if stale:
        CountryYearValue.objects.filter(pk__in=stale).delete()
    counts.created, counts.updated, counts.removed = len(new), len(changed), len(stale)
    return counts


def _insert(rows: list[NewValue], *, origin: str, now: dt.datetime) -> None:
    """Insert new values by the fastest bulk path the database offers.

    ``bulk_create`` spends most of its time building and preparing one model
    instance per value; at V-Dem's size (tens of thousands of values) COPY on
    PostgreSQL and a plain ``executemany`` on SQLite are several times faster
    (see benchmarks/bench_covariates.py). The database still checks every
    constraint and foreign key.
    """
    if not rows:
        return
    meta = CountryYearValue._meta
    fields = {field.name: field for field in meta.concrete_fields}
    columns = [fields[name].get_attname_column()[1] for name in INSERT_FIELDS]
    if connection.vendor == "postgresql":
        from psycopg import sql

        statement = sql.SQL("COPY {table} ({columns}) FROM STDIN").format(
            table=sql.Identifier(meta.db_table),
            columns=sql.Composed([sql.Identifier(column) for column in columns]).join(", "),
        )
        # The raw psycopg cursor bypasses Django's error translation; restore it.
        with (
            connection.wrap_database_errors,
            connection.cursor() as cursor,
            cursor.cursor.copy(statement) as copy,
        ):
            for row in rows:
                copy.write_row((*row, now, origin))
    elif connection.vendor == "sqlite":
        quote = connection.ops.quote_name
        # Names come from the model's metadata; values go as parameters.
        insert = "INSERT INTO {table} ({columns}) VALUES ({placeholders})".format(  # noqa: S608  # names from the model
            table=quote(meta.db_table),
            columns=", ".join(quote(column) for column in columns),
            placeholders=", ".join(["%s"] * len(columns)),
        )
        stamp = connection.ops.adapt_datetimefield_value(now)
        with connection.cursor() as cursor:
            cursor.executemany(insert, [(*row, stamp, origin) for row in rows])
    else:
        CountryYearValue.objects.bulk_create(
            [
                CountryYearValue(
                    country_id=country_id,
                    year=year,
                    variable_id=variable_id,
                    value=value,
                    origin=origin,
                )
                for country_id, year, variable_id, value in rows
            ],
            batch_size=BATCH_SIZE,
        )


@transaction.atomic
def aid_dependency_recompute(*, country_years: set[tuple[int, int]]) -> Counts:
    """Set aid dependency = 100 * net ODA / GDP for the given (country id, year) pairs.

    Where either value is missing, or GDP is zero, no aid dependency is stored,
    and a stale one is removed: it is never invented.
    """
    variables_ensure_builtin()
    ids = dict(
        Variable.objects.filter(code__in=[ODA, GDP, AID_DEPENDENCY]).values_list("code", "pk")
    )
    years = {year for _country, year in country_years}
    inputs: dict[tuple[int, int], dict[int, float]] = defaultdict(dict)
    for variable_id, country_id, year, value in CountryYearValue.objects.filter(
        variable_id__in=[ids[ODA], ids[GDP]], year__in=years
    ).values_list("variable_id", "country_id", "year", "value"):
        inputs[(country_id, year)][variable_id] = value
    targets: dict[tuple[int, int], float | None] = {}
    for key in country_years:
        oda, gdp = inputs[key].get(ids[ODA]), inputs[key].get(ids[GDP])
        targets[key] = 100 * oda / gdp if oda is not None and gdp else None
    existing = {
        (country_id, year): (pk, value)
        for pk, country_id, year, value in CountryYearValue.objects.filter(
            variable_id=ids[AID_DEPENDENCY], year__in=years
        ).values_list("pk", "country_id", "year", "value")
    }
    return _apply(
        ids[AID_DEPENDENCY],
        targets,
        existing,
        origin=AID_DEPENDENCY_ORIGIN,
        now=timezone.now(),
    )
