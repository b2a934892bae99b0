"""Every record of every table, read with plain SQL (not with the backup's own code), in a
form both engines share, and every stored file, to compare an instance with its restore.

Text columns are compared exactly as stored, so a sealed value must come back byte for
byte. Only the engine's spelling of a type is put in common: a SQLite date is text, a
PostgreSQL one a date; a PostgreSQL ``jsonb`` is read as text and parsed.
"""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
import uuid
from pathlib import Path
from typing import Any

from django.apps import apps
from django.core.management import call_command
from django.db import connection, models

# Tables that are not records: the migrations' log (its times are those of each database's
# own ``migrate``), SQLite's counters, and SQLite's full-text index, which triggers rebuild
# from the documents (the tests compare a search instead).
NOT_RECORDS = ("django_migrations", "sqlite_sequence", "sqlite_stat1")
# Sessions are left out of backups on purpose (a session's key is the sign-in cookie).
SESSIONS = "django_session"
FTS_PREFIX = "publication_fts"


def model_tables() -> list[tuple[str, type[models.Model]]]:
    chosen = [
        model
        for model in apps.get_models(include_auto_created=True)
        if model._meta.managed and not model._meta.proxy
    ]
    return sorted(
        (model._meta.db_table, model) for model in chosen if model._meta.db_table != SESSIONS
    )


def is_record_table(name: str) -> bool:
    return name not in (*NOT_RECORDS, SESSIONS) and not name.startswith(FTS_PREFIX)


def _normal(value: Any, field: models.Field[Any, Any]) -> Any:
    if value is None:
        return None
    kind = field.get_internal_type()
    if kind == "DateTimeField":
        moment = value if isinstance(value, dt.datetime) else dt.datetime.fromisoformat(value)
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=dt.UTC)
        return moment.astimezone(dt.UTC)
    if kind == "DateField":
        return value if isinstance(value, dt.date) else dt.date.fromisoformat(value)
    if kind == "BooleanField":
        return bool(value)
    if kind == "JSONField":
        return json.loads(value)
    if kind == "UUIDField":
        return uuid.UUID(str(value))
    if kind == "FloatField":
        return float(value)
    return value


def records(cursor: Any, vendor: str) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every model's table, in primary-key order, column by column."""
    found: dict[str, list[tuple[Any, ...]]] = {}
    for table, model in model_tables():
        fields = list(model._meta.concrete_fields)
        columns = []
        for field in fields:
            quoted = f'"{field.column}"'
            if field.get_internal_type() == "JSONField" and vendor == "postgresql":
                quoted += "::text"
            columns.append(quoted)
        order = f'"{model._meta.pk.column}"'
        cursor.execute(f'SELECT {", ".join(columns)} FROM "{table}" ORDER BY {order}')  # noqa: S608  # names from the models
        found[table] = [
            tuple(_normal(value, field) for value, field in zip(row, fields, strict=True))
            for row in cursor.fetchall()
        ]
    return found


def sqlite_records(path: Path) -> dict[str, list[tuple[Any, ...]]]:
    database = sqlite3.connect(path)
    try:
        return records(database.cursor(), "sqlite")
    finally:
        database.close()


def stored_files(root: Path) -> dict[str, bytes]:
    """Every file under ``root`` by its path relative to it."""
    return {
        path.relative_to(root).as_posix(): path.read_bytes()
        for path in sorted(root.rglob("*"))
        if path.is_file()
    }


def flush() -> None:
    """Empty the test's database as ``spcomms flush`` does, inside the test's transaction.

    PostgreSQL will not TRUNCATE tables whose foreign-key checks are still pending in the
    transaction (the test's own inserts): they are run first.
    """
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    call_command("flush", "--no-input")
