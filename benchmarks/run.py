"""``python -m benchmarks.run`` (``make bench``): every benchmark, in name order.

Prints the machine first (CPU, cores, memory, Python, SQLite and PostgreSQL
versions), then runs ``main()`` of each ``benchmarks/bench_*.py`` under a
header. A benchmark that fails is reported and the others still run; the exit
status is non-zero if any failed.
"""

from __future__ import annotations

import importlib
import os
import platform
import sqlite3
import sys
import time
import traceback
from pathlib import Path

import psycopg

HERE = Path(__file__).resolve().parent
DEFAULT_PG_URL = "postgres://postgres@127.0.0.1:5432/postgres"


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text(encoding="utf-8").splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def memory() -> str:
    try:
        for line in Path("/proc/meminfo").read_text(encoding="utf-8").splitlines():
            if line.startswith("MemTotal:"):
                return f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB"
    except OSError:
        pass
    return "unknown"


def postgres_version(url: str) -> str:
    try:
        with psycopg.connect(url, connect_timeout=3) as connection:
            row = connection.execute("SHOW server_version").fetchone()
            return str(row[0]) if row else "unknown"
    except psycopg.Error as error:
        return f"not reachable ({type(error).__name__})"


def postgres_admin_url() -> str:
    """The PostgreSQL server the benchmarks may use: SPCOMMS_BENCH_PG_URL, else local."""
    return os.environ.get("SPCOMMS_BENCH_PG_URL", DEFAULT_PG_URL)


def machine() -> list[str]:
    return [
        f"CPU: {cpu_model()} ({os.cpu_count()} logical cores)",
        f"memory: {memory()}",
        f"OS: {platform.system()} {platform.release()}",
        f"Python: {platform.python_implementation()} {platform.python_version()}",
        f"SQLite: {sqlite3.sqlite_version}",
        f"PostgreSQL: {postgres_version(postgres_admin_url())}",
    ]


def benchmark_modules() -> list[str]:
    return sorted(path.stem for path in HERE.glob("bench_*.py"))


def main() -> int:
    print("== machine ==")
    for line in machine():
        print(f"  {line}")
    failed = []
    for name in benchmark_modules():
        print(f"\n== {name} ==", flush=True)
        started = time.perf_counter()
        try:
            importlib.import_module(f"benchmarks.{name}").main()
        except Exception:  # report it and go on with the other benchmarks
            traceback.print_exc()
            failed.append(name)
        print(f"  ({name}: {time.perf_counter() - started:.1f} s in all)", flush=True)
    if failed:
        print(f"\nFailed: {', '.join(failed)}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
