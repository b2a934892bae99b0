"""How long ``spcomms dataset cases`` takes, and how much memory, on the benchmark corpus.

Builds the demo at scale 10 (about 45,000 communications and 120,000 named persons, with
their assessments, replies and covariates; ``SPCOMMS_BENCH_SCALE`` changes it) into a
temporary SQLite database, then into the PostgreSQL database ``spcomms_bench_dataset``
when a server answers. Then runs the console script ``spcomms dataset cases`` once per
format (CSV, Parquet, Stata, SPSS), each in a process of its own, and prints its
seconds, rows per second, the size of the file and the peak memory (max RSS) of that
process alone, so the build's memory does not hide the export's.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from pathlib import Path

from benchmarks.harness import bench_scale, main_or_measure, run_on_both_databases

BENCH_DATABASE = "spcomms_bench_dataset"
SEED = 0
FORMATS = ("csv", "parquet", "dta", "sav")


def scale() -> float:
    return bench_scale(10)


def main() -> None:
    run_on_both_databases(
        module="benchmarks.bench_dataset",
        database=BENCH_DATABASE,
        scale=scale(),
        prefix="spcomms-bench-dataset-",
    )


# A small interpreter runs each export and reports its peak memory: a process forked from
# the benchmark (which holds the 500 MB demo build) would inherit that high-water mark.
_WAITER = """
import json, os, subprocess, sys, time
started = time.perf_counter()
with open(sys.argv[1], "w") as output, open(sys.argv[2], "w") as errors:
    process = subprocess.Popen(sys.argv[3:], stdout=output, stderr=errors)
    _pid, status, usage = os.wait4(process.pid, 0)
print(json.dumps({"seconds": time.perf_counter() - started, "peak_kb": usage.ru_maxrss,
                  "status": os.waitstatus_to_exitcode(status)}))
"""


def _export(out: Path, *args: str) -> tuple[float, float, str]:
    """Seconds, peak megabytes and the first line of output of one export process."""
    spcomms = Path(sys.executable).with_name("spcomms")
    output, errors = out.with_name("stdout.txt"), out.with_name("stderr.txt")
    waiter = subprocess.run(  # noqa: S603  # our own interpreter and console script
        [
            sys.executable,
            "-c",
            _WAITER,
            str(output),
            str(errors),
            str(spcomms),
            "dataset",
            "cases",
            "--out",
            str(out),
            *args,
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    result = json.loads(waiter.stdout)
    if result["status"] != 0:
        raise SystemExit(f"dataset export failed ({result['status']}): {errors.read_text()}")
    lines = output.read_text().splitlines()
    return float(result["seconds"]), result["peak_kb"] / 1024, lines[0] if lines else ""


def measure() -> None:
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from spcomms.demo.services import demo_build
    from spcomms.reference.services import reference_load

    call_command("migrate", verbosity=0)
    reference_load()
    report = demo_build(seed=SEED, scale=scale())
    print(
        f"  demo at scale {report.scale:g}: {report.communications:,} communications, "
        f"{report.mentions:,} mentions, {report.assessments:,} assessments "
        f"({connection.display_name}, built in {report.seconds:.0f} s)",
        flush=True,
    )
    connection.close()
    with tempfile.TemporaryDirectory(prefix="spcomms-dataset-out-") as folder:
        for kind in FORMATS:
            out = Path(folder) / kind / f"cases.{kind}"
            out.parent.mkdir()
            seconds, peak, line = _export(out)
            rows = int(line.split(" ", 1)[0].replace(",", "")) if line else 0
            print(
                f"    {kind:<8} {rows:>9,} rows in {seconds:6.1f} s "
                f"({rows / seconds:8,.0f} rows/s), {out.stat().st_size / 1e6:6.1f} MB, "
                f"peak memory {peak:5.0f} MB",
                flush=True,
            )
        sample = Path(folder) / "sample" / "sample.csv"
        sample.parent.mkdir()
        seconds, peak, line = _export(sample, "--seed000-sample")
        print(
            f"    csv, --seed000-sample: {line.split(' ', 1)[0]} rows in {seconds:.1f} s, "
            f"peak memory {peak:.0f} MB",
            flush=True,
        )


if __name__ == "__main__":
    main_or_measure(main, measure)
