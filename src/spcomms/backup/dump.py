"""The database as JSON lines that any supported engine can load again.

Each table is a header line, ``{"model": "app.model", "columns": [...]}``, followed by
one JSON array per row, in primary-key order. Values are read as the ORM reads them
(so a SQLite date and a PostgreSQL date come out the same) except the sealed columns,
which are read and written as stored: a backup never opens a sealed value, and a
restore never seals one again. Loading writes rows with plain ``INSERT`` statements,
so no signal, ``save()`` or default runs: the rows come back exactly as they were.
"""

from __future__ import annotations

import base64
import datetime as dt
import decimal
import json
import uuid
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any, Protocol

from django.apps import apps
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.contrib.sessions.models import Session
from django.core.management.color import no_style
from django.db import models
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models.functions import Cast
from django.utils.duration import duration_iso_string
from django.utils.translation import gettext as _

from spcomms.core.crypto import PREFIX
from spcomms.encryption import EncryptedTextField
from spcomms.intake.fields import SealedTextField

CHUNK = 2000
INSERT_BATCH = 500
# Tables that ``migrate`` fills by itself: a fresh database holds them and still counts as empty.
FILLED_BY_MIGRATE = (ContentType, Permission)
# Tables left out of every backup and emptied by every restore: a session's key is the
# sign-in cookie itself, so a backup must not carry live sign-ins, and after a restore a
# session could name an account that is now someone else's.
LEFT_OUT = (Session,)


def all_models() -> list[type[models.Model]]:
    """Every table the ORM manages, the many-to-many tables included, in a stable order."""
    chosen = [
        model
        for model in apps.get_models(include_auto_created=True)
        if model._meta.managed and not model._meta.proxy and not model._meta.swapped
    ]
    return sorted(chosen, key=lambda model: model._meta.label_lower)


def backed_up_models() -> list[type[models.Model]]:
    """Every table a backup holds: all of them but those ``LEFT_OUT``."""
    return [model for model in all_models() if model not in LEFT_OUT]


def model_by_label(label: str) -> type[models.Model] | None:
    for model in backed_up_models():
        if model._meta.label_lower == label:
            return model
    return None


def _sealed(column: models.Field[Any, Any]) -> bool:
    return isinstance(column, EncryptedTextField | SealedTextField)


def _encode(value: Any) -> Any:
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, dt.timedelta):
        return duration_iso_string(value)
    if isinstance(value, decimal.Decimal | uuid.UUID):
        return str(value)
    if isinstance(value, bytes | memoryview):
        return base64.b64encode(bytes(value)).decode("ascii")
    return value


def _master_key_id(value: Any) -> str | None:
    """The master key id of a value sealed by the instance keyring, if it is one."""
    if isinstance(value, str) and value.startswith(PREFIX + "$"):
        parts = value.split("$", 2)
        if len(parts) == 3:
            return parts[1]
    return None


class Writable(Protocol):
    def write(self, data: bytes, /) -> int: ...


@dataclass
class DumpReport:
    counts: dict[str, int] = field(default_factory=dict)
    key_ids: set[str] = field(default_factory=set)


def dump(connection: BaseDatabaseWrapper, out: Writable) -> DumpReport:
    """Write every row of every table to ``out``; count them and note the master keys used.

    Values sealed by a submission's data key are not counted as master-key values:
    only the data key itself, which the master key wraps, is.
    """
    report = DumpReport()
    for model in backed_up_models():
        columns = list(model._meta.concrete_fields)
        selected: list[Any] = [
            Cast(column.attname, output_field=models.TextField())
            if _sealed(column)
            else column.attname
            for column in columns
        ]
        # Text columns other than those sealed by a data key may hold master-key values.
        scanned = [
            index
            for index, column in enumerate(columns)
            if isinstance(column, models.TextField | models.CharField)
            and not isinstance(column, SealedTextField)
        ]
        label = model._meta.label_lower
        header = {"model": label, "columns": [column.attname for column in columns]}
        out.write(json.dumps(header, separators=(",", ":")).encode() + b"\n")
        rows = (
            model._base_manager.using(connection.alias)
            .order_by("pk")
            .values_list(*selected)
            .iterator(chunk_size=CHUNK)
        )
        count = 0
        for row in rows:
            for index in scanned:
                kid = _master_key_id(row[index])
                if kid is not None:
                    report.key_ids.add(kid)
            line = json.dumps(
                [_encode(value) for value in row], ensure_ascii=False, separators=(",", ":")
            )
            out.write(line.encode("utf-8") + b"\n")
            count += 1
        report.counts[label] = count
    return report


@dataclass(frozen=True)
class TableRows:
    model: type[models.Model]
    columns: list[str]
    rows: Iterator[list[Any]]


class DumpError(Exception):
    """The dump does not fit this database's tables; the message says how."""


def read_tables(lines: Iterable[bytes]) -> Iterator[TableRows]:
    """The tables of a dump, each with its rows, read lazily in one pass."""
    iterator = iter(lines)
    pending: bytes | None = next(iterator, None)
    while pending is not None:
        header = json.loads(pending)
        if not isinstance(header, dict):
            raise DumpError(_("a row comes before its table's header"))
        model = model_by_label(str(header.get("model")))
        if model is None:
            raise DumpError(
                _("table %(table)s is not a table of this version") % {"table": header.get("model")}
            )
        columns = [str(name) for name in header.get("columns", [])]
        expected = {column.attname for column in model._meta.concrete_fields}
        if set(columns) != expected or len(columns) != len(expected):
            raise DumpError(
                _("table %(table)s has other columns in this version")
                % {"table": model._meta.label_lower}
            )
        pending = None

        def rows() -> Iterator[list[Any]]:
            nonlocal pending
            for line in iterator:
                if line.startswith(b"{"):
                    pending = line
                    return
                yield json.loads(line)

        yield TableRows(model, columns, rows())


def _decoder(column: models.Field[Any, Any], connection: BaseDatabaseWrapper) -> Any:
    if _sealed(column):
        return lambda value: value
    if isinstance(column, models.JSONField):
        return lambda value: column.get_db_prep_save(value, connection)
    return lambda value: (
        None if value is None else column.get_db_prep_save(column.to_python(value), connection)
    )


def empty_tables(connection: BaseDatabaseWrapper) -> None:
    """Delete every row of every table, those left out of backups included (``TRUNCATE``
    on PostgreSQL), inside the caller's transaction."""
    tables = [model._meta.db_table for model in all_models()]
    postgresql = connection.vendor == "postgresql"
    with connection.cursor() as cursor:
        if postgresql:
            # PostgreSQL will not TRUNCATE a table with foreign-key checks still pending in
            # the transaction: run them now, then defer them again for the load.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        for statement in connection.ops.sql_flush(no_style(), tables, allow_cascade=False):
            cursor.execute(statement)
        if postgresql:
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")


def load(connection: BaseDatabaseWrapper, lines: Iterable[bytes]) -> dict[str, int]:
    """Insert every row of the dump into empty tables, inside the caller's transaction."""
    quote = connection.ops.quote_name
    counts: dict[str, int] = {}
    for table in read_tables(lines):
        by_name = {column.attname: column for column in table.model._meta.concrete_fields}
        fields = [by_name[name] for name in table.columns]
        decoders = [_decoder(column, connection) for column in fields]
        sql = "INSERT INTO {} ({}) VALUES ({})".format(  # noqa: S608  # names from the model
            quote(table.model._meta.db_table),
            ", ".join(quote(column.column) for column in fields),
            ", ".join(["%s"] * len(fields)),
        )
        batch: list[list[Any]] = []
        count = 0
        with connection.cursor() as cursor:
            for row in table.rows:
                if len(row) != len(fields):
                    raise DumpError(
                        _("a row of %(table)s is malformed")
                        % {"table": table.model._meta.label_lower}
                    )
                batch.append([decode(value) for decode, value in zip(decoders, row, strict=True)])
                if len(batch) >= INSERT_BATCH:
                    cursor.executemany(sql, batch)
                    count += len(batch)
                    batch = []
            if batch:
                cursor.executemany(sql, batch)
                count += len(batch)
        counts[table.model._meta.label_lower] = count
    # Every foreign key is checked now, not at the commit: a dump whose rows do not hold
    # together is refused inside the transaction, as any other load error.
    connection.check_constraints()
    sequences = connection.ops.sequence_reset_sql(no_style(), backed_up_models())
    with connection.cursor() as cursor:
        for statement in sequences:
            cursor.execute(statement)
    return counts


def holds_records(connection: BaseDatabaseWrapper) -> list[str]:
    """The tables that hold rows, leaving out those ``migrate`` fills by itself (and the
    sessions, which a restore ends anyway)."""
    return [
        model._meta.label_lower
        for model in backed_up_models()
        if model not in FILLED_BY_MIGRATE and model._base_manager.using(connection.alias).exists()
    ]
