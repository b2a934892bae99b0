"""How fast the covariate import is on the real files, and how much memory it takes.

Imports the V-Dem file and the two WDI files (ODA, GDP; the second recomputes
aid dependency) into a fresh temporary SQLite database, then the V-Dem file a
second time (everything unchanged), and prints rows and values per second and
the peak memory of the process.

``main()`` runs the measurement in a child process of its own, so that it gets
its own Django settings and database and its peak memory is its own.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchmarks.harness import main_or_measure, peak_megabytes

REPOSITORY = Path(__file__).resolve().parents[1]
DEFAULT_SHARED_DATA = REPOSITORY.parent / "shared" / "data"
FILES = (
    "vdem_simple_1946_2024.csv",
    "wdi/dt.oda.odat.cd.csv",
    "wdi/ny.gdp.mktp.cd.csv",
    "vdem_simple_1946_2024.csv",
)
CHILD_FLAG = "--measure"


def shared_data() -> Path:
    return Path(os.environ.get("SPCOMMS_SHARED_DATA", DEFAULT_SHARED_DATA))


def main() -> None:
    data = shared_data()
    if not (data / FILES[0]).is_file():
        print(f"bench_covariates: skipped, the public data files are not at {data}")
        return
    with tempfile.TemporaryDirectory(prefix="spcomms-bench-covariates-") as folder:
        environ = {
            key: value
            for key, value in os.environ.items()
            if not key.startswith("SPCOMMS_") and key != "DATABASE_URL"
        }
        environ.update(
            {
                "SPCOMMS_VAR_DIR": folder,
                "SPCOMMS_SHARED_DATA": str(data),
                "DATABASE_URL": f"sqlite:///{Path(folder) / 'bench.sqlite3'}",
                "DJANGO_SETTINGS_MODULE": "spcomms.settings",
            }
        )
        subprocess.run(  # noqa: S603  # our own interpreter running this module
            [sys.executable, "-m", "benchmarks.bench_covariates", CHILD_FLAG],
            cwd=REPOSITORY,
            env=environ,
            check=True,
        )


def measure() -> None:
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from spcomms.covariates.services import covariates_import
    from spcomms.reference.services import reference_load

    call_command("migrate", verbosity=0)
    reference_load()
    baseline = peak_megabytes()
    print(f"covariates import, fresh {connection.display_name} database")
    print(f"  {'file':<36}{'rows':>8}{'values':>9}{'seconds':>9}{'rows/s':>10}{'values/s':>10}")
    seen: set[str] = set()
    for name in FILES:
        path = shared_data() / name
        started = time.perf_counter()
        report = covariates_import(path=path)
        seconds = time.perf_counter() - started
        label = path.name + (" (again)" if name in seen else "")
        seen.add(name)
        aid = report.aid_dependency.created if report.aid_dependency else 0
        print(
            f"  {label:<36}{report.rows:>8,}{report.values:>9,}{seconds:>9.2f}"
            f"{report.rows / seconds:>10,.0f}{report.values / seconds:>10,.0f}"
            + (f"  +{aid:,} aid dependency" if aid else "")
            + (f"  ({report.totals.unchanged:,} unchanged)" if report.totals.unchanged else "")
        )
    print(
        f"  peak memory (max RSS): {peak_megabytes():.0f} MB "
        f"(after migrate and reference data: {baseline:.0f} MB)"
    )


if __name__ == "__main__":
    main_or_measure(main, measure)
