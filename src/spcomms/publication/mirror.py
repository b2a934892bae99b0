"""A copy of the search index's figures and facets in memory, as arrays.

Counting facet values, ordering results and the figures of the State and mandate
pages would otherwise group hundreds of thousands of facet rows in SQL at every
request. Here each document has a position; each facet value holds the sorted
positions of its documents, and a set of documents is a boolean mask over the
positions, so a count is a sum over a mask.

The copy belongs to one version of the index (``IndexState.version``). When a sync
gives the index a new version, the next request brings the copy up to date: index
rows are never edited, only deleted and added with higher ids, so the copy marks the
deleted ones dead and appends the new ones. When too many are dead or new it is
loaded again whole (0.6 to 2 s for 45,000 communications). The copy holds no
text, only ids, dates, counts and facet values, which are all public.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections import OrderedDict, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any, overload

import numpy as np
import numpy.typing as npt
from django.db import connection

from spcomms.communications.models import CommunicationType
from spcomms.publication.index import publication_sync, text_matches
from spcomms.publication.models import Facet, PublishedDocument, PublishedFacet

Mask = npt.NDArray[np.bool_]
Positions = npt.NDArray[np.int64]
TYPES = tuple(CommunicationType.values)
EMPTY: Positions = np.zeros(0, dtype=np.int64)
# A copy with more dead or new documents than this share of its size is loaded again.
RELOAD_SHARE = 0.25
DOCUMENT_COLUMNS = (
    "id, communication_id, sent_on, year, type, replied, replies_public, replies_in_time"
)


@dataclass(frozen=True)
class Totals:
    """Figures of a set of documents."""

    communications: int
    replied: int
    replies_public: int
    replies_in_time: int
    reply_groups: dict[str, int]


@dataclass(frozen=True)
class Mirror:
    version: int
    document_ids: npt.NDArray[np.int64]  # ascending: a document's position is its index
    alive: Mask  # False for documents deleted from the index since the copy was loaded
    communication_ids: npt.NDArray[np.int64]
    sent: npt.NDArray[np.int64]  # the day sent as YYYYMMDD
    newest_first: Positions
    year: npt.NDArray[np.int32]
    type: npt.NDArray[np.int8]  # index into TYPES
    replied: npt.NDArray[np.bool_]
    replies_public: npt.NDArray[np.int64]
    replies_in_time: npt.NDArray[np.int64]
    postings: Mapping[str, Mapping[str, Positions]] = field(repr=False)

    @property
    def size(self) -> int:
        return len(self.document_ids)

    def everything(self) -> Mask:
        return self.alive.copy()

    def of_documents(self, document_ids: Iterable[int]) -> Mask:
        """The mask of these documents; ids the copy does not hold are ignored."""
        wanted = np.fromiter(document_ids, dtype=np.int64)
        mask = np.zeros(self.size, dtype=np.bool_)
        if not self.size or not len(wanted):
            return mask
        at = np.searchsorted(self.document_ids, wanted)
        inside = at < self.size
        at = at[inside]
        mask[at[self.document_ids[at] == wanted[inside]]] = True
        return mask & self.alive

    def having(self, facet: str, values: Iterable[str]) -> Mask:
        """Documents with any of these values of the facet."""
        mask = np.zeros(self.size, dtype=np.bool_)
        of_facet = self.postings.get(facet, {})
        for value in values:
            mask[of_facet.get(value, EMPTY)] = True
        return mask & self.alive

    def values(self, facet: str) -> Mapping[str, Positions]:
        return self.postings.get(facet, {})

    def counts(self, mask: Mask, facet: str) -> dict[str, int]:
        """For each value of the facet, how many documents of the mask have it."""
        found = {
            value: int(np.count_nonzero(mask[positions]))
            for value, positions in self.values(facet).items()
        }
        return {value: n for value, n in found.items() if n}

    def ordered(self, mask: Mask, *, newest: bool = True) -> Positions:
        order = self.newest_first if newest else self.newest_first[::-1]
        return order[mask[order]]

    def totals(self, mask: Mask) -> Totals:
        return Totals(
            communications=int(np.count_nonzero(mask)),
            replied=int(np.count_nonzero(self.replied & mask)),
            replies_public=int(self.replies_public[mask].sum()),
            replies_in_time=int(self.replies_in_time[mask].sum()),
            reply_groups=self.counts(mask, Facet.REPLY),
        )

    def by_year_and_type(self, mask: Mask) -> dict[int, dict[str, int]]:
        """Documents of the mask per year sent and type."""
        years: dict[int, dict[str, int]] = defaultdict(dict)
        pairs, counts = np.unique(
            np.stack([self.year[mask], self.type[mask].astype(np.int32)]),
            axis=1,
            return_counts=True,
        )
        for (year, kind), n in zip(pairs.T.tolist(), counts.tolist(), strict=True):
            years[year][TYPES[kind]] = n
        return dict(years)


def _day(value: dt.date | str) -> int:
    """A date as YYYYMMDD; SQLite hands dates over as ISO text."""
    if isinstance(value, str):
        return int(value[:10].replace("-", ""))
    return value.year * 10000 + value.month * 100 + value.day


def _ids(text: str | None) -> Positions:
    return np.array(text.split(","), dtype=np.int64) if text else EMPTY


def _read(where: str = "", parameters: Sequence[Any] = ()) -> tuple[list[Any], list[Any]]:
    """Document rows and facet rows grouped per value, one
    comma-separated list of document ids per value: far fewer Python objects than one
    row per facet value per document."""
    documents = PublishedDocument._meta.db_table
    facets = PublishedFacet._meta.db_table
    joined = (
        "string_agg(document_id::text, ',')"
        if connection.vendor == "postgresql"
        else "group_concat(document_id, ',')"
    )
    with connection.cursor() as cursor:
        # Table names come from the models, the condition from this module.
        cursor.execute(
            f"SELECT {DOCUMENT_COLUMNS} FROM {documents} {where.format(id='id')} "  # noqa: S608  # see above
            "ORDER BY sent_on, id",  # the order of the covering index: no long text is read
            parameters,
        )
        rows = cursor.fetchall()
        cursor.execute(
            f"SELECT facet, value, {joined} FROM {facets} "  # noqa: S608  # see above
            f"{where.format(id='document_id')} GROUP BY facet, value",
            parameters,
        )
        return rows, cursor.fetchall()


def _newest_first(document_ids: Positions, sent: Positions) -> Positions:
    # Newest first, and among documents of one day the later-indexed first.
    return np.lexsort((-document_ids, -sent)).astype(np.int64)


def _build(version: int, rows: list[Any], grouped: list[Any], base: Mirror | None) -> Mirror:
    """A copy from document and facet rows, appended to ``base`` when given."""
    size = len(rows)
    rows = sorted(rows, key=lambda row: row[0])
    columns = list(zip(*rows, strict=True)) if rows else [()] * 8
    types = {kind: index for index, kind in enumerate(TYPES)}
    new: dict[str, npt.NDArray[Any]] = {
        "document_ids": np.fromiter(columns[0], dtype=np.int64, count=size),
        "alive": np.ones(size, dtype=np.bool_),
        "communication_ids": np.fromiter(columns[1], dtype=np.int64, count=size),
        "sent": np.fromiter((_day(day) for day in columns[2]), dtype=np.int64, count=size),
        "year": np.fromiter(columns[3], dtype=np.int32, count=size),
        "type": np.fromiter((types.get(kind, 0) for kind in columns[4]), dtype=np.int8, count=size),
        "replied": np.fromiter(columns[5], dtype=np.bool_, count=size),
        "replies_public": np.fromiter(columns[6], dtype=np.int64, count=size),
        "replies_in_time": np.fromiter(columns[7], dtype=np.int64, count=size),
    }
    offset = base.size if base is not None else 0
    if base is not None:
        new = {name: np.concatenate([getattr(base, name), array]) for name, array in new.items()}
    postings: dict[str, dict[str, Positions]] = defaultdict(dict)
    if base is not None:
        for facet, values in base.postings.items():
            postings[facet].update(values)
    fresh_ids = new["document_ids"][offset:]
    for facet, value, ids in grouped:
        positions = np.sort(np.searchsorted(fresh_ids, _ids(ids))) + offset
        kept = postings[facet].get(value)
        postings[facet][value] = positions if kept is None else np.concatenate([kept, positions])
    return Mirror(
        version=version,
        newest_first=_newest_first(new["document_ids"], new["sent"]),
        postings=dict(postings),
        **new,
    )


def _load(version: int) -> Mirror:
    return _build(version, *_read(), base=None)


def _refresh(old: Mirror, version: int) -> Mirror:
    """``old`` brought up to date with the index tables: the documents deleted since
    marked dead, the new ones (all with higher ids) appended. A document whose id the
    copy knows for another communication means the ids were reused (a database
    restored, say): then the copy is loaded whole."""
    table = PublishedDocument._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT id, communication_id FROM {table} ORDER BY id")  # noqa: S608  # the model's table
        pairs = np.array(cursor.fetchall(), dtype=np.int64).reshape(-1, 2)
    current, communications = pairs[:, 0], pairs[:, 1]
    highest = int(old.document_ids[-1]) if old.size else 0
    fresh = int(np.count_nonzero(current > highest))
    at = np.searchsorted(current, old.document_ids)
    found = at < len(current)
    found[found] = current[at[found]] == old.document_ids[found]
    reused = np.any(communications[at[found]] != old.communication_ids[found])
    alive = old.alive & found
    dead = old.size - int(np.count_nonzero(alive))
    if reused or not old.size or dead + fresh > RELOAD_SHARE * old.size:
        return _load(version)
    base = replace(old, alive=alive)
    if not fresh:
        return replace(base, version=version)
    return _build(version, *_read("WHERE {id} > %s", [highest]), base=base)


_lock = threading.Lock()
_current: Mirror | None = None


def public_mirror() -> Mirror:
    """Bring the index up to date, then the copy of it in memory."""
    global _current
    version = publication_sync().version
    mirror = _current
    if mirror is not None and mirror.version == version:
        return mirror
    with _lock:
        if _current is None:
            _current = _load(version)
        elif _current.version != version:
            _current = _refresh(_current, version)
        return _current


_matches_lock = threading.Lock()
_matches: OrderedDict[tuple[int, str], Mask] = OrderedDict()
KEEP_MATCHES = 64  # searches whose matches are kept, per index version, newest used last


def _matched(mirror: Mirror, query: str) -> Mask:
    """The documents matching the words of ``query``. The masks of the last
    ``KEEP_MATCHES`` searches are kept for the copy's version: a common word costs the
    full-text index tens of milliseconds, and the same searches come back often."""
    key = (mirror.version, query)
    with _matches_lock:
        kept = _matches.get(key)
        if kept is not None:
            _matches.move_to_end(key)
            return kept.copy()
    matches = text_matches(query)
    mask = mirror.everything() if matches is None else mirror.of_documents(matches)
    with _matches_lock:
        _matches[key] = mask
        while len(_matches) > KEEP_MATCHES:
            _matches.popitem(last=False)
    return mask.copy()


class Found(Sequence[int]):
    """The documents a search found, in the order asked, with the facet counts when
    they were asked for. As a sequence it holds document ids, so a Paginator can page
    it without loading them all."""

    def __init__(self, mirror: Mirror, positions: Positions, counts: dict[str, dict[str, int]]):
        self.mirror = mirror
        self.positions = positions
        self.counts = counts

    def __len__(self) -> int:
        return len(self.positions)

    @overload
    def __getitem__(self, index: int) -> int: ...

    @overload
    def __getitem__(self, index: slice) -> list[int]: ...

    def __getitem__(self, index: int | slice) -> int | list[int]:
        if isinstance(index, slice):
            return [int(pk) for pk in self.mirror.document_ids[self.positions[index]]]
        return int(self.mirror.document_ids[self.positions[index]])

    def communication_ids(self) -> list[int]:
        return [int(pk) for pk in self.mirror.communication_ids[self.positions]]


def find(
    query: str,
    selected: Mapping[str, Sequence[str]],
    *,
    newest: bool = True,
    with_counts: bool = False,
) -> Found:
    """The published documents matching the words of ``query`` and the chosen facet
    values: values of one facet are alternatives (OR), facets combine (AND).

    The count of a facet's values is taken over the documents matching the query and
    the other facets' choices, so that choosing a value does not hide its siblings.
    """
    mirror = public_mirror()
    matched = _matched(mirror, query)
    chosen = {facet: mirror.having(facet, values) for facet, values in selected.items() if values}
    result = matched.copy()
    for mask in chosen.values():
        result &= mask
    counts: dict[str, dict[str, int]] = {}
    if with_counts:
        for facet in Facet.values:
            base = result
            if facet in chosen:
                base = matched.copy()
                for other, mask in chosen.items():
                    if other != facet:
                        base &= mask
            counts[facet] = mirror.counts(base, facet)
    return Found(mirror, mirror.ordered(result, newest=newest), counts)
