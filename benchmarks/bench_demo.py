"""How fast the demonstration dataset builds, and how much memory it takes.

Builds the demo at scale 1 (about 4,500 communications, 12,000 mentions,
120,000 rows) into a temporary SQLite database, then into the PostgreSQL
database ``spcomms_bench`` when a server answers (created before and dropped
after). Prints the seconds of the build (migrations and reference data apart),
rows per second and the peak memory of the process.

Each measurement runs in a child process of its own, with its own settings and
database, so that its peak memory is its own. ``SPCOMMS_BENCH_SCALE`` changes
the scale (10 gives the 45,000-letter case).
"""

from __future__ import annotations

import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import psycopg
from psycopg import sql

from benchmarks.run import postgres_admin_url

REPOSITORY = Path(__file__).resolve().parents[1]
CHILD_FLAG = "--measure"
BENCH_DATABASE = "spcomms_bench"
SEED = 0


def scale() -> float:
    return float(os.environ.get("SPCOMMS_BENCH_SCALE", "1"))


def _child_environment(folder: str, database_url: str) -> dict[str, str]:
    environ = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith("SPCOMMS_") and key != "DATABASE_URL"
    }
    environ.update(
        {
            "SPCOMMS_VAR_DIR": folder,
            "SPCOMMS_ENV": "demo",
            "SPCOMMS_BENCH_SCALE": str(scale()),
            "DATABASE_URL": database_url,
            "DJANGO_SETTINGS_MODULE": "spcomms.settings",
        }
    )
    return environ


def _run_child(folder: str, database_url: str) -> None:
    subprocess.run(  # noqa: S603  # our own interpreter running this module
        [sys.executable, "-m", "benchmarks.bench_demo", CHILD_FLAG],
        cwd=REPOSITORY,
        env=_child_environment(folder, database_url),
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


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="spcomms-bench-demo-") as folder:
        _run_child(folder, f"sqlite:///{Path(folder) / 'bench.sqlite3'}")
    admin = _postgres_admin()
    if admin is None:
        print(f"  PostgreSQL: skipped, no server answers at {postgres_admin_url()}")
        return
    drop = sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(BENCH_DATABASE))
    with admin:
        admin.execute(drop)
        admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(BENCH_DATABASE)))
        try:
            with tempfile.TemporaryDirectory(prefix="spcomms-bench-demo-") as folder:
                _run_child(folder, _with_database(postgres_admin_url(), BENCH_DATABASE))
        finally:
            admin.execute(drop)


def measure() -> None:
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from spcomms.demo.services import demo_build
    from spcomms.reference.services import reference_load

    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    reference_load()
    prepared = time.perf_counter() - started
    baseline = _peak_megabytes()
    report = demo_build(seed=SEED, scale=scale())
    print(
        f"  demo build at scale {report.scale:g} (seed {report.seed}) into a fresh "
        f"{connection.display_name} database (migrate and reference data: {prepared:.1f} s)"
    )
    print(
        f"    {report.communications:,} communications, {report.mentions:,} mentions, "
        f"{report.persons:,} persons, {report.replies:,} replies, "
        f"{report.assessments:,} assessments"
    )
    print(
        f"    {report.rows:,} rows in {report.seconds:.1f} s: "
        f"{report.rows / report.seconds:,.0f} rows/s, "
        f"{report.communications / report.seconds:,.0f} communications/s"
    )
    print(
        f"    peak memory (max RSS): {_peak_megabytes():.0f} MB "
        f"(after migrate and reference data: {baseline:.0f} MB)",
        flush=True,
    )


def _peak_megabytes() -> float:
    # ru_maxrss is in kilobytes on Linux (bytes on macOS).
    divisor = 1024 * 1024 if sys.platform == "darwin" else 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / divisor


if __name__ == "__main__":
    if CHILD_FLAG in sys.argv[1:]:
        measure()
    else:
        main()
