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

import time

from benchmarks.harness import (
    bench_scale,
    main_or_measure,
    peak_megabytes,
    run_on_both_databases,
)

BENCH_DATABASE = "spcomms_bench"
SEED = 0


def scale() -> float:
    return bench_scale(1)


def main() -> None:
    run_on_both_databases(
        module="benchmarks.bench_demo",
        database=BENCH_DATABASE,
        scale=scale(),
        prefix="spcomms-bench-demo-",
    )


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
    baseline = peak_megabytes()
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
        f"    peak memory (max RSS): {peak_megabytes():.0f} MB "
        f"(after migrate and reference data: {baseline:.0f} MB)",
        flush=True,
    )


if __name__ == "__main__":
    main_or_measure(main, measure)
