"""How long ``spcomms backup`` and ``spcomms restore`` take on the demonstration's record.

Builds the demonstration at scale 1 (4,500 communications, about 9,800 persons;
``SPCOMMS_BENCH_SCALE`` changes it) and 200 sealed intake files of 100 kB, straight into
a fresh temporary SQLite database, then into the PostgreSQL database
``spcomms_bench_backup`` when a server answers. Prints, for each:

- the backup: seconds, rows, file size, and the dump's share of it;
- the restore of that backup with ``--replace`` into the same database (every row
  deleted, then loaded again in one transaction, with every check before it);
- the process's peak memory, which stays flat as the record grows since the dump is
  written and read a row at a time.

No target is set by the issue; the figures say how long an operator waits.
"""

from __future__ import annotations

import io
import os
import tempfile
import time
from pathlib import Path

from benchmarks.harness import bench_scale, main_or_measure, peak_megabytes, run_on_both_databases

BENCH_DATABASE = "spcomms_bench_backup"
FILES = 200
FILE_BYTES = 100_000


def scale() -> float:
    return bench_scale(1)


def main() -> None:
    run_on_both_databases(
        module="benchmarks.bench_backup",
        database=BENCH_DATABASE,
        scale=scale(),
        prefix="spcomms-bench-backup-",
    )


def measure() -> None:
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection

    from spcomms.demo.services import demo_build
    from spcomms.reference.services import reference_load

    call_command("migrate", verbosity=0)
    reference_load()
    demo_build(seed=0, scale=scale())
    intake = Path(settings.SPCOMMS_INTAKE_DIR)
    intake.mkdir(parents=True, exist_ok=True)
    for index in range(FILES):
        (intake / f"{index:032x}.bin").write_bytes(os.urandom(FILE_BYTES))
    print(f"  {connection.vendor}, demonstration at scale {scale():g}", flush=True)
    with tempfile.TemporaryDirectory(prefix="spcomms-bench-backup-out-") as folder:
        archive = Path(folder) / "bench.tar"
        started = time.perf_counter()
        call_command("backup", "--out", str(archive), stdout=io.StringIO())
        backup_seconds = time.perf_counter() - started
        import tarfile

        with tarfile.open(archive) as tar:
            dump_bytes = tar.getmember("database.jsonl.gz").size
        from spcomms.backup.dump import backed_up_models

        rows = sum(model._base_manager.count() for model in backed_up_models())
        print(
            f"    backup   {backup_seconds:7.1f} s   {rows:,} rows   "
            f"{archive.stat().st_size / 1e6:6.1f} MB (dump {dump_bytes / 1e6:.1f} MB, "
            f"{FILES} files of {FILE_BYTES // 1000} kB)",
            flush=True,
        )
        started = time.perf_counter()
        call_command("restore", str(archive), "--replace", stdout=io.StringIO())
        restore_seconds = time.perf_counter() - started
        print(f"    restore  {restore_seconds:7.1f} s   (--replace, checks included)", flush=True)
    print(f"    peak memory {peak_megabytes():.0f} MB", flush=True)


if __name__ == "__main__":
    main_or_measure(main, measure)
