"""Exit 0 when the PostgreSQL server of a database URL answers, 1 otherwise.

Used by ``make test`` to decide whether to run the PostgreSQL pass. It connects
to the maintenance database, since the test run creates its own databases.
"""

from __future__ import annotations

import sys
from urllib.parse import urlsplit


def answers(url: str, timeout: int = 3) -> bool:
    import psycopg

    parts = urlsplit(url)
    try:
        with psycopg.connect(
            host=parts.hostname or "127.0.0.1",
            port=parts.port or 5432,
            user=parts.username or "postgres",
            password=parts.password or None,
            dbname="postgres",
            connect_timeout=timeout,
        ):
            return True
    except psycopg.Error:
        return False


if __name__ == "__main__":
    sys.exit(0 if answers(sys.argv[1]) else 1)
