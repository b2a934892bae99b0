"""How fast the reply, outcome and reprisal statistics are at the benchmark scale.

Builds the demo at scale 10 (about 45,000 communications and 120,000 mentions, with
their replies, one-year assessments and reprisal allegations; ``SPCOMMS_BENCH_SCALE``
changes it) into a fresh temporary SQLite database, then into the PostgreSQL database
``spcomms_bench_statistics`` when a server answers. Adds a Polity score for every
country and year (random, fixed seed) so that the regime split joins real rows. Then
times ``research_statistics`` for each part (replies, outcomes, reprisals) over one
reporting year, the same year for one mandate, and every year; the researchers' page
with every table; and one table's CSV download. Prints the median and the slowest of
``RUNS`` runs in milliseconds, and the queries each made.
"""

from __future__ import annotations

import datetime as dt
import random
import statistics
import sys
import time
from collections.abc import Callable
from typing import Any

from benchmarks.harness import CHILD_FLAG, bench_scale, peak_megabytes, run_on_both_databases

BENCH_DATABASE = "spcomms_bench_statistics"
SEED = 0
RUNS = 5
YEAR = (dt.date(2014, 12, 1), dt.date(2015, 11, 30))
EVERY_YEAR = (dt.date(1990, 1, 1), dt.date(2030, 12, 31))


def scale() -> float:
    return bench_scale(10)


def main() -> None:
    run_on_both_databases(
        module="benchmarks.bench_statistics",
        database=BENCH_DATABASE,
        scale=scale(),
        prefix="spcomms-bench-statistics-",
    )


def _timed(name: str, call: Callable[[], Any]) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    call()  # warm up
    timings = []
    for _run in range(RUNS):
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            call()
            timings.append((time.perf_counter() - started) * 1000)
    print(
        f"    {name:<52} median {statistics.median(timings):8.1f} ms   "
        f"slowest {max(timings):8.1f} ms   {len(queries):>3} queries",
        flush=True,
    )


def _polity_scores() -> int:
    from spcomms.covariates.models import CountryYearValue, Variable
    from spcomms.covariates.services import variables_ensure_builtin
    from spcomms.reference.models import Country

    variables_ensure_builtin()
    polity = Variable.objects.get(code="polity")
    rng = random.Random(SEED)  # noqa: S311  # synthetic benchmark data, not a secret
    rows = [
        CountryYearValue(country_id=country, year=year, variable=polity, value=rng.randint(-10, 10))
        for country in Country.objects.values_list("pk", flat=True)
        for year in range(1995, 2021)
    ]
    CountryYearValue.objects.bulk_create(rows, batch_size=2000)
    return len(rows)


def measure() -> None:
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import setup_test_environment

    from spcomms.accounts.models import Role, User
    from spcomms.communications.research_statistics import (
        OUTCOMES,
        REPLIES,
        REPRISALS,
        research_statistics,
    )
    from spcomms.demo.services import demo_build
    from spcomms.reference.services import reference_load

    setup_test_environment()  # lets the test Client's host through ALLOWED_HOSTS
    call_command("migrate", verbosity=0)
    reference_load()
    started = time.perf_counter()
    built = demo_build(seed=SEED, scale=scale())
    scores = _polity_scores()
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    print(
        f"  {connection.display_name}: demo at scale {scale():g}: "
        f"{built.communications:,} communications, {built.mentions:,} mentions, "
        f"{scores:,} Polity scores (built in {time.perf_counter() - started:.0f} s)",
        flush=True,
    )
    periods = {
        "one reporting year": {"start": YEAR[0], "end": YEAR[1]},
        "the same year, mandate sr-hrd": {"start": YEAR[0], "end": YEAR[1], "mandate": "sr-hrd"},
        "every year": {"start": EVERY_YEAR[0], "end": EVERY_YEAR[1]},
    }
    for part in (REPLIES, OUTCOMES, REPRISALS):
        for label, period in periods.items():
            _timed(
                f"{part}, {label}",
                lambda period=period, part=part: research_statistics(  # type: ignore[misc]
                    **period, parts=[part]
                ),
            )
    researcher = User.objects.create_user(username="bench-researcher", role=Role.RESEARCHER)
    client = Client()
    client.force_login(researcher)
    page = "/staff/communications/statistics/"
    for label, query in (
        ("page, one reporting year", "from=2014-12-01&to=2015-11-30"),
        ("page, every year", "from=1990-01-01&to=2030-12-31"),
        ("CSV of replies by regime per person, every year", None),
    ):
        url = (
            f"{page}?{query}"
            if query
            else f"{page}replies-regime-cases.csv?from=1990-01-01&to=2030-12-31"
        )

        def get(url: str = url) -> None:
            response = client.get(url)
            assert response.status_code == 200, response.status_code  # noqa: S101  # a benchmark's check

        _timed(label, get)
    print(f"    peak memory {peak_megabytes():.0f} MB", flush=True)


if __name__ == "__main__":
    if CHILD_FLAG in sys.argv:
        measure()
    else:
        main()
