"""Test seam of ``tests/security/test_crash_safety.py``: an spcomms process that kills itself.

Python imports ``sitecustomize`` at start-up from the first folder on its path that has
one; the crash-safety test puts this folder first on ``PYTHONPATH`` of the processes it
starts, and nothing else does: it is not part of the package and is never installed, so
production has no such hook at all.

It counts the steps by which the process changes stored state: SQL statements that write
(``INSERT``, ``UPDATE``, ``DELETE``, PostgreSQL's ``COPY``), commits, and file renames
(``os.replace``, how key files are written). With ``CRASH_TEST_KILL_AT=KIND:N`` (KIND one
of ``write``, ``commit``, ``replace``, ``any``) the process sends itself SIGKILL just
before its N-th step of that kind: a real kill, which no ``finally`` or ``atexit`` sees.
``CRASH_TEST_REPORT`` names a file that receives, as JSON, the steps counted so far when
the process kills itself or exits.
"""

from __future__ import annotations

import atexit
import json
import os
import signal
from collections import Counter
from typing import Any

_KILL_AT = os.environ.get("CRASH_TEST_KILL_AT", "")
_REPORT = os.environ.get("CRASH_TEST_REPORT", "")
_WRITES = ("INSERT", "UPDATE", "DELETE", "COPY")
_counts: Counter[str] = Counter()


def _report(killed: bool) -> None:
    if _REPORT:
        with open(_REPORT, "w", encoding="utf-8") as handle:
            json.dump({"killed": killed, **_counts}, handle)
            handle.flush()
            os.fsync(handle.fileno())


def _step(kind: str) -> None:
    _counts[kind] += 1
    _counts["any"] += 1
    if not _KILL_AT:
        return
    wanted, _, number = _KILL_AT.partition(":")
    if _counts[wanted] == int(number) and (wanted == "any" or wanted == kind):
        _report(killed=True)
        os.kill(os.getpid(), signal.SIGKILL)


def _install() -> None:
    from django.db.backends.base.base import BaseDatabaseWrapper
    from django.db.backends.utils import CursorWrapper

    execute, executemany = CursorWrapper.execute, CursorWrapper.executemany
    commit = BaseDatabaseWrapper.commit
    replace = os.replace

    def counted_execute(self: Any, sql: Any, params: Any = None) -> Any:
        if str(sql).lstrip().upper().startswith(_WRITES):
            _step("write")
        return execute(self, sql, params)

    def counted_executemany(self: Any, sql: Any, param_list: Any) -> Any:
        if str(sql).lstrip().upper().startswith(_WRITES):
            _step("write")
        return executemany(self, sql, param_list)

    def counted_commit(self: Any) -> Any:
        _step("commit")
        return commit(self)

    def counted_replace(source: Any, target: Any, **kwargs: Any) -> None:
        _step("replace")
        replace(source, target, **kwargs)

    CursorWrapper.execute = counted_execute  # type: ignore[method-assign]
    CursorWrapper.executemany = counted_executemany  # type: ignore[method-assign]
    BaseDatabaseWrapper.commit = counted_commit  # type: ignore[method-assign]
    os.replace = counted_replace
    try:
        import psycopg
    except ImportError:
        return
    copy = psycopg.Cursor.copy

    def counted_copy(self: Any, statement: Any, *args: Any, **kwargs: Any) -> Any:
        _step("write")
        return copy(self, statement, *args, **kwargs)

    psycopg.Cursor.copy = counted_copy  # type: ignore[method-assign]


if _KILL_AT or _REPORT:
    _install()
    atexit.register(_report, killed=False)
