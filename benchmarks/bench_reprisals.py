"""The public reprisals page and its world map, the API's counts, the staff register and
the year's export.

Builds ten times the demonstration's reprisal allegations (about 3,000, spread over the
States with a few named often, as seed 003's map shows; ``SPCOMMS_BENCH_SCALE``
changes it) straight into a fresh temporary SQLite database, then into the PostgreSQL
database ``spcomms_bench_reprisals`` when a server answers. Prints:

- the time to decode and project Natural Earth's 50m countries once (cold; later
  requests use the cached shapes), and the size of the page it gives;
- the median and 95th percentile in milliseconds of the public page ``/reprisals/``,
  ``GET /api/v1/reprisals``, a State's page section, the staff register's first page and
  the export of the busiest year.

The public page's target is a 95th percentile under 100 ms once the shapes are cached.
"""

from __future__ import annotations

import datetime as dt
import os
import random
import statistics
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from benchmarks.harness import (
    REPOSITORY,
    bench_scale,
    main_or_measure,
    p95,
    peak_megabytes,
    run_on_both_databases,
    target_verdict,
)

BENCH_DATABASE = "spcomms_bench_reprisals"
BASE_ALLEGATIONS = 300
REQUESTS = 100
TARGET_MS = 100.0
GEOMETRY = REPOSITORY / "var" / "npm" / "node_modules" / "world-atlas" / "countries-50m.json"


def scale() -> float:
    return bench_scale(10)


def main() -> None:
    if not GEOMETRY.exists():
        print(f"  skipped: {GEOMETRY} is missing (run `make world-map`)")
        return
    run_on_both_databases(
        module="benchmarks.bench_reprisals",
        database=BENCH_DATABASE,
        scale=scale(),
        prefix="spcomms-bench-reprisals-",
    )


def _timed(call: Callable[[], Any], requests: int = REQUESTS) -> tuple[list[float], float]:
    """Wall times in milliseconds, and the median processor time of this process (the
    machine may be shared: the processor time says what one request costs)."""
    for _warm in range(3):
        call()
    timings = []
    processor = []
    for _index in range(requests):
        started, started_cpu = time.perf_counter(), time.process_time()
        call()
        timings.append((time.perf_counter() - started) * 1000)
        processor.append((time.process_time() - started_cpu) * 1000)
    return timings, statistics.median(processor)


def _print(kind: str, measured: tuple[list[float], float], *, target: bool = False) -> None:
    timings, processor = measured
    slowest = p95(timings)
    verdict = target_verdict(slowest, TARGET_MS) if target else ""
    print(
        f"    {kind:<36} n={len(timings):<4} median {statistics.median(timings):7.1f} ms"
        f"   p95 {slowest:7.1f} ms   processor {processor:6.1f} ms{verdict}",
        flush=True,
    )


def _build(count: int) -> None:
    from spcomms.reference.models import Country, ViolationType
    from spcomms.reprisals.models import ReprisalAllegation

    rng = random.Random(3)  # noqa: S311  # synthetic data, not secrets
    countries = list(Country.objects.all())
    busy = [c for c in countries if c.iso3 in ("CHN", "SAU", "BHR", "EGY", "VEN")]
    acts = list(ViolationType.objects.all())
    rows = []
    for _index in range(count):
        country = rng.choice(busy) if rng.random() < 0.3 else rng.choice(countries)
        reported = dt.date(2010, 1, 1) + dt.timedelta(days=rng.randint(0, 14 * 365))
        rows.append(
            ReprisalAllegation(
                country=country,
                reported_on=reported,
                occurred_on=reported - dt.timedelta(days=rng.randint(0, 30)),
                cooperation=rng.choice(("submission", "communication", "council_session")),
                status=rng.choice(("alleged", "under_review", "acted_on", "acted_on", "closed")),
                sg_report_year=reported.year + 1 if rng.random() < 0.6 else None,
                summary="A defender was harassed after cooperating with the United Nations.",
                description="Internal notes.",
            )
        )
    created = ReprisalAllegation.objects.bulk_create(rows, batch_size=500)
    through = ReprisalAllegation.acts.through
    through.objects.bulk_create(
        [
            through(reprisalallegation_id=a.pk, violationtype_id=rng.choice(acts).pk)
            for a in created
        ],
        batch_size=1000,
    )


def measure() -> None:
    os.environ["SPCOMMS_WORLD_GEOMETRY"] = str(GEOMETRY)
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import setup_test_environment

    from spcomms.accounts.models import Role, User
    from spcomms.reprisals import worldmap
    from spcomms.reprisals.export import export_cases, export_csv
    from spcomms.reprisals.models import ReprisalAllegation
    from spcomms.reprisals.public import public_allegations, public_counts

    setup_test_environment()
    call_command("migrate", verbosity=0)
    call_command("reference_load", verbosity=0)
    started = time.perf_counter()
    _build(round(BASE_ALLEGATIONS * scale()))
    counted = public_allegations().count()
    busiest = public_counts().states[0].country.iso3
    print(
        f"  {connection.display_name}: {ReprisalAllegation.objects.count():,} allegations "
        f"({counted:,} counted in public), built in {time.perf_counter() - started:.1f} s; "
        f"most counted State {busiest}",
        flush=True,
    )
    cold = time.perf_counter()
    geometry = worldmap.read_geometry(Path(GEOMETRY))
    print(
        f"    decode and project the 50m countries    {time.perf_counter() - cold:7.2f} s "
        f"({len(geometry.shapes)} countries, "
        f"{sum(len(s.path) for s in geometry.shapes) / 1000:.0f} kB of path data)",
        flush=True,
    )
    client = Client()
    page = client.get("/reprisals/")
    print(f"    page /reprisals/ size                   {len(page.content) / 1000:7.0f} kB")
    _print("public page /reprisals/", _timed(lambda: client.get("/reprisals/")), target=True)
    _print("API /api/v1/reprisals", _timed(lambda: client.get("/api/v1/reprisals")))
    _print(
        f"API /api/v1/reprisals?state={busiest}",
        _timed(lambda: client.get("/api/v1/reprisals", {"state": busiest})),
    )
    staff = User.objects.create_user(username="bench.staff", password=None, role=Role.SECRETARIAT)
    client.force_login(staff)
    _print("staff register /staff/reprisals/", _timed(lambda: client.get("/staff/reprisals/")))
    years: dict[int, int] = {}
    for reported in ReprisalAllegation.objects.values_list("reported_on", flat=True):
        years[reported.year] = years.get(reported.year, 0) + 1
    year = max(years, key=lambda y: years[y])
    _print(
        f"export of {year} (CSV, {len(export_cases(year))} cases)",
        _timed(lambda: export_csv(export_cases(year)), requests=20),
    )
    print(f"    peak memory {peak_megabytes():.0f} MB", flush=True)


if __name__ == "__main__":
    main_or_measure(main, measure)
