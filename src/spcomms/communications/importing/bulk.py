"""Inserting many rows fast: ids taken in advance, then COPY or executemany.

``bulk_create`` builds and prepares one model instance per row; an import of
tens of thousands of communications writes about a million rows, and that
path alone would take longer than the whole import may. Here the ids of new
rows are taken from the database first (the identity sequence on PostgreSQL;
on SQLite, inside the write lock the import holds, after the highest id ever
given), so rows can point to each other before they are written; then each
table is filled with ``COPY`` on PostgreSQL and ``executemany`` on SQLite,
as the covariates import does. Values still pass through each field's own
preparation (encryption, dates, UUIDs), and the database checks every
constraint and foreign key.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from django.db import connection, models

from spcomms.encryption import EncryptedTextField

INSERT_BATCH = 10_000
# Fields whose Python value is not what the database takes; every other
# field (integers, flags, text, foreign keys) is passed as it is.
PREPARED_FIELDS = (
    EncryptedTextField,
    models.DateTimeField,
    models.DateField,
    models.UUIDField,
    models.JSONField,
)


def allocate_ids(model: type[models.Model], count: int) -> list[int]:
    """Ids for ``count`` new rows of ``model``, never given before and never to be given again.

    Must run inside the import's transaction: on SQLite that transaction holds
    the write lock (``transaction_mode`` IMMEDIATE), so no other writer can take
    the same ids.
    """
    if count == 0:
        return []
    table = model._meta.db_table
    column = model._meta.pk.column
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                [connection.ops.quote_name(table), column, count],
            )
            return [row[0] for row in cursor.fetchall()]
        quote = connection.ops.quote_name
        # Names come from the model's metadata.
        cursor.execute(f"SELECT MAX({quote(column)}) FROM {quote(table)}")  # noqa: S608  # names from the model
        (highest,) = cursor.fetchone() or (None,)
        given = highest or 0
        if connection.vendor == "sqlite":
            # AUTOINCREMENT never gives an id twice, even after the row is deleted.
            cursor.execute("SELECT seq FROM sqlite_sequence WHERE name = %s", [table])
            found = cursor.fetchone()
            if found is not None:
                given = max(given, found[0])
    start = int(given) + 1
    return list(range(start, start + count))


def _sqlite_datetime(value: object) -> object:
    """What Django stores on SQLite for an aware datetime: naive UTC, as text."""
    if isinstance(value, dt.datetime):
        return str(value.astimezone(dt.UTC).replace(tzinfo=None))
    return value


def _sqlite_date(value: object) -> object:
    return value.isoformat() if isinstance(value, dt.date) else value


def _sqlite_uuid(value: object) -> object:
    return value.hex if isinstance(value, uuid.UUID) else value


def _remembered(prepare: Callable[[object], object]) -> Callable[[object], object]:
    """``prepare`` with the values it has seen remembered: most dates repeat."""
    seen: dict[object, object] = {}

    def remembered(value: object) -> object:
        found = seen.get(value, seen)
        if found is seen:
            found = seen[value] = prepare(value)
        return found

    return remembered


def _preparer(field: models.Field[Any, Any]) -> Callable[[object], object] | None:
    """How a field's values reach the database; None when they go as they are.

    Dates, times and UUIDs are prepared here as Django would (its own path
    reads settings and the connection for every value, which costs more than
    the insert). Encrypted text is sealed by the field itself, value by value.
    """
    if isinstance(field, EncryptedTextField):
        return lambda value: field.get_prep_value(value)
    if connection.vendor == "postgresql" and isinstance(
        field, models.DateTimeField | models.DateField | models.UUIDField
    ):
        return None  # psycopg sends these Python values as they are
    if connection.vendor == "sqlite":
        if isinstance(field, models.DateTimeField):
            return _remembered(_sqlite_datetime)
        if isinstance(field, models.DateField):
            return _remembered(_sqlite_date)
        if isinstance(field, models.UUIDField):
            return _sqlite_uuid
    if isinstance(field, PREPARED_FIELDS):
        return lambda value: field.get_db_prep_save(value, connection)
    return None


def insert_rows(
    model: type[models.Model], names: Sequence[str], rows: Iterable[Sequence[object]]
) -> int:
    """Insert ``rows`` (values in the order of ``names``, field names or attnames) into
    ``model``'s table, as they come (a large table is never held prepared in memory all at
    once); returns how many were written."""
    meta = model._meta
    concrete = [field for field in map(meta.get_field, names) if isinstance(field, models.Field)]
    columns = [field.column for field in concrete]
    converters = [
        (index, prepare)
        for index, prepare in enumerate(map(_preparer, concrete))
        if prepare is not None
    ]

    def prepared(row: Sequence[object]) -> tuple[object, ...]:
        values = list(row)
        for index, prepare in converters:
            values[index] = prepare(values[index])
        return tuple(values)

    # Rows of plain values go as they are (tuple() of a tuple is the tuple itself).
    prepare_row: Callable[[Sequence[object]], tuple[object, ...]] = (
        prepared if converters else tuple
    )
    count = 0
    if connection.vendor == "postgresql":
        from psycopg import sql

        statement = sql.SQL("COPY {table} ({columns}) FROM STDIN").format(
            table=sql.Identifier(meta.db_table),
            columns=sql.SQL(", ").join(sql.Identifier(column) for column in columns),
        )
        # The raw psycopg cursor bypasses Django's error translation; restore it.
        with (
            connection.wrap_database_errors,
            connection.cursor() as cursor,
            cursor.cursor.copy(statement) as copy,
        ):
            for row in rows:
                copy.write_row(prepare_row(row))
                count += 1
        return count
    quote = connection.ops.quote_name
    # Names come from the model's metadata; values go as parameters.
    insert = "INSERT INTO {table} ({columns}) VALUES ({placeholders})".format(  # noqa: S608  # names from the model
        table=quote(meta.db_table),
        columns=", ".join(quote(column) for column in columns),
        placeholders=", ".join(["%s"] * len(columns)),
    )
    with connection.cursor() as cursor:
        batch: list[Any] = []
        for row in rows:
            batch.append(prepare_row(row))
            if len(batch) >= INSERT_BATCH:
                cursor.executemany(insert, batch)
                count += len(batch)
                batch = []
        if batch:
            cursor.executemany(insert, batch)
            count += len(batch)
    return count
