"""What every benchmark that builds its own database shares: run the measuring half of a
benchmark module in a child process, once on a temporary SQLite file and once on a
temporary PostgreSQL database when a server answers, each with its own settings."""

from __future__ import annotations

import os
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import psycopg
from psycopg import sql

from benchmarks.run import postgres_admin_url

REPOSITORY = Path(__file__).resolve().parents[1]
CHILD_FLAG = "--measure"


def bench_scale(default: float) -> float:
    return float(os.environ.get("SPCOMMS_BENCH_SCALE", str(default)))


def _child_environment(folder: str, database_url: str, scale: float) -> dict[str, str]:
    environ = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith("SPCOMMS_") and key != "DATABASE_URL"
    }
    environ.update(
        {
            "SPCOMMS_VAR_DIR": folder,
            "SPCOMMS_ENV": "demo",
            "SPCOMMS_BENCH_SCALE": str(scale),
            "DATABASE_URL": database_url,
            "DJANGO_SETTINGS_MODULE": "spcomms.settings",
        }
    )
    return environ


def _run_child(module: str, folder: str, database_url: str, scale: float) -> None:
    subprocess.run(  # noqa: S603  # our own interpreter running our own module
        [sys.executable, "-m", module, CHILD_FLAG],
        cwd=REPOSITORY,
        env=_child_environment(folder, database_url, scale),
        check=True,
    )


def _postgres_admin() -> psycopg.Connection[Any] | None:
    """A connection to the PostgreSQL server in autocommit mode, or None."""
    try:
        return psycopg.connect(postgres_admin_url(), autocommit=True, connect_timeout=3)
    except psycopg.Error:  # no server: the PostgreSQL run is skipped
        return None


def _with_database(url: str, name: str) -> str:
    base, _, _ = url.rpartition("/")
    return f"{base}/{name}"


def run_on_both_databases(*, module: str, database: str, scale: float, prefix: str) -> None:
    """Run ``python -m module --measure`` on SQLite, then on a fresh PostgreSQL database
    named ``database`` (dropped afterwards)."""
    with tempfile.TemporaryDirectory(prefix=prefix) as folder:
        _run_child(module, folder, f"sqlite:///{Path(folder) / 'bench.sqlite3'}", scale)
    admin = _postgres_admin()
    if admin is None:
        print(f"  PostgreSQL: skipped, no server answers at {postgres_admin_url()}")
        return
    drop = sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(database))
    with admin:
        admin.execute(drop)
        admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(database)))
        try:
            with tempfile.TemporaryDirectory(prefix=prefix) as folder:
                _run_child(module, folder, _with_database(postgres_admin_url(), database), scale)
        finally:
            admin.execute(drop)


def peak_megabytes() -> float:
    """The peak memory of this process so far (max RSS), in megabytes."""
    # ru_maxrss is in kilobytes on Linux (bytes on macOS).
    divisor = 1024 * 1024 if sys.platform == "darwin" else 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / divisor


def timed(call: Callable[[], object], *, warm: int, requests: int) -> list[float]:
    """The wall time in milliseconds of each of ``requests`` calls, after ``warm`` calls
    whose time is not kept (caches and connections warmed)."""
    for _warm in range(warm):
        call()
    timings = []
    for _index in range(requests):
        started = time.perf_counter()
        call()
        timings.append((time.perf_counter() - started) * 1000)
    return timings


def p95(timings: list[float]) -> float:
    """The 95th percentile of the timings (the nearest one measured)."""
    ordered = sorted(timings)
    return ordered[round(0.95 * (len(ordered) - 1))]


def target_verdict(p95_ms: float, target_ms: float) -> str:
    """What a benchmark prints after a figure that has a target."""
    return "  (target met)" if p95_ms < target_ms else f"  (MISSED the {target_ms:g} ms target)"


def main_or_measure(main: Callable[[], object], measure: Callable[[], object]) -> None:
    """A benchmark's entry point: its measuring half in the child process that
    ``run_on_both_databases`` starts (given ``CHILD_FLAG``), the whole run otherwise."""
    if CHILD_FLAG in sys.argv[1:]:
        measure()
    else:
        main()


def facet_counts(facet: str) -> list[tuple[str, int]]:
    """The public index's values of ``facet`` with their numbers of communications, the
    commonest first (ties by value)."""
    from django.db.models import Count

    from spcomms.publication.models import PublishedFacet

    return list(
        PublishedFacet.objects.filter(facet=facet)
        .values_list("value")
        .annotate(n=Count("pk"))
        .order_by("-n", "value")
        .values_list("value", "n")
    )


def busiest_year() -> str:
    """The year with the most public communications ("" when there is none): the year facet
    the search benchmarks choose."""
    from spcomms.publication.models import Facet

    years = facet_counts(Facet.YEAR)
    return years[0][0] if years else ""


def state_sample() -> list[tuple[str, int]]:
    """Eight States to time the State page on, with their numbers of communications: the four
    busiest, two from the middle and the two quietest."""
    from spcomms.publication.models import Facet

    by_state = facet_counts(Facet.ADDRESSEE)
    middle = len(by_state) // 2
    return by_state[:4] + by_state[middle : middle + 2] + by_state[-2:]
