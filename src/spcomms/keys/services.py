"""Which values the master keyring seals, which key seals each, and rotating the master key.

A rotation is three steps, in this order (ADR 10):

1. the current master key is written as ``retired-<id>.key``;
2. a new key replaces ``master.key``;
3. every value sealed by the master keyring is opened and sealed again with the new
   key, in short transactions, each row changed only if it still holds the value read.

Each file is written whole or not at all (``spcomms.keys.files``), and every step
leaves every value openable: before step 2 the old key is still the current one;
after it, the old key is retired and still opens what it sealed. A run that finds
values under a retired key finishes step 3 for the current key instead of starting
a new rotation, so running the command again after a crash completes the job.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.db import connection, transaction
from django.utils.translation import gettext

from spcomms.core.crypto import KEY_BYTES, PREFIX, DecryptionError, Keyring, key_id, new_key
from spcomms.encryption import EncryptedTextField, keyring, load_keyring
from spcomms.keys.files import RotationLocked, key_file_write, leftovers_remove, rotation_lock

BATCH = 500
# Passes over the columns: a process that read the keyring before the rotation may seal
# new values with the old key meanwhile; a later pass re-seals those too.
PASSES = 3
# The census's name for a value that is not a ciphertext of the expected form.
NOT_SEALED = ""
KEY_ID_LENGTH = len(key_id(bytes(KEY_BYTES)))


class RotationError(Exception):
    """A rotation refused to start or could not finish; the message says what to do."""

    def __init__(self, message: str, *, returncode: int = 2) -> None:
        super().__init__(message)
        self.returncode = returncode


@dataclass(frozen=True)
class SealedColumn:
    table: str
    pk: str
    column: str
    context: str

    @property
    def label(self) -> str:
        return f"{self.table}.{self.column}"


def sealed_columns() -> list[SealedColumn]:
    """Every column whose values the master keyring seals: each ``EncryptedTextField`` of
    every model, and the wrapped data key of each intake submission."""
    from spcomms.intake.crypto import WRAP_CONTEXT
    from spcomms.intake.models import Submission

    found: list[SealedColumn] = []
    for model in apps.get_models():
        meta = model._meta
        if meta.proxy or not meta.managed:
            continue
        for field in meta.local_concrete_fields:
            if isinstance(field, EncryptedTextField):
                context = f"{meta.db_table}.{field.column}"
                found.append(SealedColumn(meta.db_table, meta.pk.column, field.column, context))
    wrapped = Submission._meta
    found.append(
        SealedColumn(
            wrapped.db_table,
            wrapped.pk.column,
            wrapped.get_field("data_key").column,
            WRAP_CONTEXT,
        )
    )
    return sorted(found, key=lambda column: column.label)


@dataclass(frozen=True)
class Census:
    """How many values of each sealed column each key id seals (``NOT_SEALED`` for values
    that are no ciphertext). Counts only: nothing is opened."""

    by_column: dict[str, Counter[str]]

    def totals(self) -> Counter[str]:
        total: Counter[str] = Counter()
        for counts in self.by_column.values():
            total.update(counts)
        return total

    def pending(self, ring: Keyring) -> int:
        """Values sealed with any key but the current one."""
        return sum(n for kid, n in self.totals().items() if kid != ring.current_id)

    def unopenable(self, ring: Keyring) -> dict[str, Counter[str]]:
        """Per column, the values under a key the keyring does not hold (or no key at all)."""
        held = ring.key_ids
        return {
            label: Counter({kid: n for kid, n in counts.items() if kid not in held})
            for label, counts in self.by_column.items()
            if any(kid not in held for kid in counts)
        }


def keys_census(columns: list[SealedColumn] | None = None) -> Census:
    quote = connection.ops.quote_name
    marker = f"{PREFIX}$"
    start = len(marker) + 1  # SQL positions count from 1
    by_column: dict[str, Counter[str]] = {}
    with connection.cursor() as cursor:
        for column in columns if columns is not None else sealed_columns():
            value = quote(column.column)
            # Identifiers come from the models' metadata, numbers from constants here.
            cursor.execute(
                f"SELECT CASE WHEN SUBSTR({value}, 1, {len(marker)}) = %s "  # noqa: S608
                f"AND SUBSTR({value}, {start + KEY_ID_LENGTH}, 1) = '$' "
                f"THEN SUBSTR({value}, {start}, {KEY_ID_LENGTH}) ELSE %s END, COUNT(*) "
                f"FROM {quote(column.table)} WHERE {value} IS NOT NULL GROUP BY 1",
                [marker, NOT_SEALED],
            )
            by_column[column.label] = Counter({kid: int(n) for kid, n in cursor.fetchall()})
    return Census(by_column)


@dataclass(frozen=True)
class KeyStatus:
    current_id: str
    from_environment: bool
    retired_ids: tuple[str, ...]
    census: Census


def keys_status() -> KeyStatus:
    ring = load_keyring(Path(settings.SPCOMMS_KEY_DIR), settings.SPCOMMS_MASTER_KEY)
    return KeyStatus(
        current_id=ring.current_id,
        from_environment=bool(settings.SPCOMMS_MASTER_KEY),
        retired_ids=tuple(sorted({key_id(key) for key in ring.retired} - {ring.current_id})),
        census=keys_census(),
    )


@dataclass(frozen=True)
class RotationReport:
    current_id: str
    # The key this run retired; None when it finished a rotation an earlier run began.
    retired_id: str | None
    resealed: int
    # Values still under a retired key: written meanwhile by a process with the old keyring.
    left: int
    # Per column, how many values failed to open (tampered or damaged); left as they were.
    damaged: dict[str, int]


def _reseal_column(column: SealedColumn, ring: Keyring, *, batch: int) -> tuple[int, set[int]]:
    """Re-seal with the current key every value of ``column`` sealed with another key."""
    quote = connection.ops.quote_name
    table, pk, value = quote(column.table), quote(column.pk), quote(column.column)
    current = f"{PREFIX}${ring.current_id}$"
    # Identifiers come from the models' metadata; values go as parameters.
    wanted = f"{value} IS NOT NULL AND SUBSTR({value}, 1, {len(current)}) <> %s"
    first = f"SELECT {pk}, {value} FROM {table} WHERE {wanted} ORDER BY {pk} LIMIT %s"  # noqa: S608
    after = (
        f"SELECT {pk}, {value} FROM {table} WHERE {pk} > %s AND {wanted} "  # noqa: S608
        f"ORDER BY {pk} LIMIT %s"
    )
    update = f"UPDATE {table} SET {value} = %s WHERE {pk} = %s AND {value} = %s"  # noqa: S608
    resealed = 0
    damaged: set[int] = set()
    last: int | None = None
    while True:
        with transaction.atomic(), connection.cursor() as cursor:
            if last is None:
                cursor.execute(first, [current, batch])
            else:
                cursor.execute(after, [last, current, batch])
            rows = cursor.fetchall()
            for row_pk, sealed in rows:
                try:
                    clear = ring.open(sealed, context=column.context)
                except DecryptionError:
                    damaged.add(row_pk)
                    continue
                cursor.execute(update, [ring.seal(clear, context=column.context), row_pk, sealed])
                resealed += cursor.rowcount
        if len(rows) < batch:
            return resealed, damaged
        last = rows[-1][0]


def _unopenable_message(unopenable: dict[str, Counter[str]]) -> str:
    parts = []
    for label, counts in sorted(unopenable.items()):
        for kid, n in sorted(counts.items()):
            if kid == NOT_SEALED:
                parts.append(
                    gettext("%(column)s: %(count)d not sealed") % {"column": label, "count": n}
                )
            else:
                parts.append(
                    gettext("%(column)s: %(count)d under key %(key)s")
                    % {"column": label, "count": n, "key": kid}
                )
    return gettext(
        "Nothing was changed: some values cannot be opened with the keys in the key folder "
        "(%(where)s). Put each missing key back in the key folder as retired-<key id>.key and "
        "run the command again."
    ) % {"where": "; ".join(parts)}


def _master_replace(key_dir: Path, ring: Keyring) -> Keyring:
    """Steps 1 and 2: keep the current key as a retired one, then put a new key in its place."""
    old = ring.current
    retired = key_dir / f"retired-{key_id(old)}.key"
    if retired.exists():
        if old not in ring.retired:
            raise RotationError(
                gettext(
                    "Nothing was changed: %(file)s exists but holds another key. Move it out "
                    "of the key folder only if no value needs it (spcomms keys status), then run "
                    "the command again."
                )
                % {"file": str(retired)}
            )
    else:
        key_file_write(retired, old)
    fresh = new_key()
    key_file_write(key_dir / "master.key", fresh)
    reread = load_keyring(key_dir)
    if reread.current_id != key_id(fresh) or key_id(old) not in reread.key_ids:
        raise RotationError(
            gettext(
                "The key folder %(folder)s does not read back as written; no value was "
                "re-sealed. Check the disk and the folder's permissions, then run the command "
                "again."
            )
            % {"folder": str(key_dir)},
            returncode=1,
        )
    return reread


def _rotate(key_dir: Path, environ_key: str | None, batch: int) -> RotationReport:
    leftovers_remove(key_dir)
    ring = load_keyring(key_dir, environ_key)
    columns = sealed_columns()
    census = keys_census(columns)
    unopenable = census.unopenable(ring)
    if unopenable:
        raise RotationError(_unopenable_message(unopenable))
    retired_id: str | None = None
    if not census.pending(ring):
        if environ_key:
            raise RotationError(
                gettext(
                    "Nothing was changed: the master key comes from SPCOMMS_MASTER_KEY, which "
                    "this command cannot replace. Save the current key in the key folder as "
                    "retired-%(key)s.key, set SPCOMMS_MASTER_KEY to a new key, restart every "
                    "spcomms process, and run the command again to re-seal every value."
                )
                % {"key": ring.current_id}
            )
        retired_id = ring.current_id
        ring = _master_replace(key_dir, ring)
    # This process opens and seals with the new keyring from now on.
    keyring.cache_clear()
    resealed = 0
    damaged: dict[str, set[int]] = {}
    for _pass in range(PASSES):
        for column in columns:
            count, bad = _reseal_column(column, ring, batch=batch)
            resealed += count
            if bad:
                damaged.setdefault(column.label, set()).update(bad)
        left = keys_census(columns).pending(ring) - sum(map(len, damaged.values()))
        if left <= 0:
            break
    return RotationReport(
        current_id=ring.current_id,
        retired_id=retired_id,
        resealed=resealed,
        left=max(left, 0),
        damaged={label: len(pks) for label, pks in sorted(damaged.items())},
    )


def keys_rotate(*, batch: int = BATCH) -> RotationReport:
    """Rotate the master key, or finish a rotation an earlier run left unfinished."""
    key_dir = Path(settings.SPCOMMS_KEY_DIR)
    try:
        with rotation_lock(key_dir):
            return _rotate(key_dir, settings.SPCOMMS_MASTER_KEY, batch)
    except RotationLocked:
        raise RotationError(
            gettext(
                "Another key rotation is running on %(folder)s; wait for it to finish, then run "
                "the command again if it did not."
            )
            % {"folder": str(key_dir)}
        ) from None
