"""Keeping the public search index in step with the record, and searching it (ADR 4).

``publication_sync`` is called before every public answer. When nothing changed it
reads one row (``IndexState``) and returns. Otherwise it removes the rows of
communications that are no longer public and adds rows for published ones that have
none. Two things make the index fall out of step: a change to the record, which
calls ``publication_changed`` (directly, through ``publication_invalidate``, or
through the signals of ``spcomms.publication.signals``), and the clock reaching the
next reply deadline, which the last sync noted.

Search syntax: words must all appear (any case, any accents); ``"two words"``
must appear together in that order; ``defend*`` matches words that start with
``defend``; ``-word`` excludes documents containing the word.
"""

from __future__ import annotations

import datetime as dt
import re
import secrets
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from django.db import IntegrityError, connection, transaction
from django.db.models import Exists, Min, OuterRef, Q
from django.utils import timezone, translation

from spcomms.communications.models import Communication, CommunicationStatus, NonStateKind
from spcomms.publication.models import Facet, IndexState, PublishedDocument, PublishedFacet
from spcomms.publication.records import PublicCommunication, public_communications
from spcomms.reference.models import Country

BATCH = 200
# After a sync that added this many documents, PostgreSQL's planner statistics of the
# index tables are refreshed at once rather than at autovacuum's next visit.
ANALYZE_AFTER = 1000
NO_REPLY = "no_reply"
REPLY_CONFIDENTIAL = "confidential"
REPLY_UNCLASSIFIED = "unclassified"
REGION_BUSINESS = "business"
REGION_OTHER = "other"
WORD = re.compile(r"[^\W_]+")
TERM = re.compile(r'(-?)"([^"]*)"?|(-?)(\S+)')


@dataclass(frozen=True)
class SyncResult:
    added: int
    removed: int
    version: int


def fold(text: str) -> str:
    """Lower-case words without accents, separated by single spaces."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(WORD.findall(plain))


def _regions(records: Sequence[PublicCommunication]) -> dict[str, str]:
    codes = {entry.iso3 for record in records for entry in record.addressees if entry.iso3}
    return dict(Country.objects.filter(iso3__in=codes).values_list("iso3", "reporting_region"))


def _region(record: PublicCommunication, regions: Mapping[str, str]) -> str:
    if record.states:
        return regions.get(record.states[0].iso3) or REGION_OTHER
    if any(entry.non_state_kind == NonStateKind.BUSINESS for entry in record.addressees):
        return REGION_BUSINESS
    return REGION_OTHER


def _reply_group(record: PublicCommunication) -> str:
    if not record.replies:
        return NO_REPLY
    public = [reply for reply in record.replies if not reply.confidential]
    if not public:
        return REPLY_CONFIDENTIAL
    classified = [reply.class_group for reply in public if reply.class_group]
    return classified[0] if classified else REPLY_UNCLASSIFIED


def facet_values(record: PublicCommunication, regions: Mapping[str, str]) -> list[tuple[str, str]]:
    values = {
        (Facet.YEAR.value, str(record.sent_on.year)),
        (Facet.TYPE.value, record.type),
        (Facet.REGION.value, _region(record, regions)),
        (Facet.REPLY.value, _reply_group(record)),
    }
    values.update((Facet.ADDRESSEE.value, entry.iso3) for entry in record.states)
    values.update((Facet.MANDATE.value, mandate.code) for mandate in record.mandates)
    values.update((Facet.VIOLATION.value, violation.code) for violation in record.violations)
    values.update((Facet.GENDER.value, gender) for gender in record.genders)
    return sorted(values)


def _document(record: PublicCommunication, built_at: dt.datetime) -> PublishedDocument:
    body = record.searchable_text()
    public_replies = [reply for reply in record.replies if not reply.confidential]
    return PublishedDocument(
        communication_id=record.pk,
        slug=record.slug,
        reference=record.reference,
        subject=record.subject,
        type=record.type,
        sent_on=record.sent_on,
        year=record.sent_on.year,
        body=body,
        search_text=fold(body),
        replied=bool(record.replies),
        replies_public=len(public_replies),
        replies_in_time=sum(1 for reply in public_replies if not reply.late),
        built_at=built_at,
    )


def _add(ids: list[int], now: dt.datetime) -> int:
    # The index is built in English, so that it does not depend on the language
    # of whichever request happened to build it.
    with translation.override("en"):
        records = public_communications(ids=ids, now=now)
        regions = _regions(records)
        documents = PublishedDocument.objects.bulk_create(
            [_document(record, now) for record in records]
        )
        PublishedFacet.objects.bulk_create(
            [
                PublishedFacet(document=document, facet=facet, value=value)
                for document, record in zip(documents, records, strict=True)
                for facet, value in facet_values(record, regions)
            ]
        )
    return len(documents)


def _new_token() -> int:
    return secrets.randbits(62)


def publication_changed() -> None:
    """Say that the record changed in a way that may alter what is public: the next
    public request runs a whole sync. Cheap: it writes one row."""
    token = _new_token()
    if IndexState.objects.filter(pk=1).update(token=token):
        return
    try:
        with transaction.atomic():
            IndexState.objects.create(pk=1, token=token)
    except IntegrityError:  # created by another request in the meantime
        IndexState.objects.filter(pk=1).update(token=token)


def _in_step(state: IndexState, now: dt.datetime) -> bool:
    return (
        state.synced_token == state.token
        and state.synced_at is not None
        and state.synced_at <= now
        and (state.valid_until is None or now < state.valid_until)
    )


def _next_deadline(now: dt.datetime) -> dt.datetime | None:
    """The next moment a sent communication becomes public by the clock alone."""
    upcoming = Communication.objects.filter(
        status=CommunicationStatus.SENT, withheld=False, reply_due_at__gt=now
    )
    due: dt.datetime | None = upcoming.aggregate(next=Min("reply_due_at"))["next"]
    return due


def publication_sync(*, now: dt.datetime | None = None) -> SyncResult:
    """Bring the index up to date with what is public at ``now``.

    The whole sync is one transaction: a reader, or a process killed half-way, sees the
    index as it was before or as it is after, never a part of the change.
    """
    now = now or timezone.now()
    state = IndexState.objects.filter(pk=1).first()
    if state is not None and _in_step(state, now):
        return SyncResult(added=0, removed=0, version=state.version)
    with transaction.atomic():
        result = _sync(now)
    if result.added >= ANALYZE_AFTER and connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            tables = (PublishedDocument._meta.db_table, PublishedFacet._meta.db_table)
            cursor.execute("ANALYZE " + ", ".join(tables))
    return result


def _sync(now: dt.datetime) -> SyncResult:
    state = IndexState.objects.filter(pk=1).first()
    if state is None:
        publication_changed()
        state = IndexState.objects.get(pk=1)
    elif _in_step(state, now):  # another process synced while this one waited for the lock
        return SyncResult(added=0, removed=0, version=state.version)
    seen = state.token
    published = Communication.objects.published(now)
    _total, removed = PublishedDocument.objects.filter(
        ~Exists(published.filter(pk=OuterRef("communication_id")))
    ).delete()
    missing = list(
        published.filter(
            ~Exists(PublishedDocument.objects.filter(communication_id=OuterRef("pk")))
        ).values_list("pk", flat=True)
    )
    added = 0
    for start in range(0, len(missing), BATCH):
        try:
            with transaction.atomic():
                added += _add(missing[start : start + BATCH], now)
        except IntegrityError:
            # Another process indexed some of them at the same moment; the next
            # sync adds whatever is still missing.
            continue
    version = _new_token()
    IndexState.objects.filter(pk=1).update(version=version)
    # In step only if nothing changed while this sync ran; otherwise the next request
    # syncs again.
    IndexState.objects.filter(pk=1, token=seen).update(
        synced_token=seen, synced_at=now, valid_until=_next_deadline(now)
    )
    return SyncResult(
        added=added, removed=removed.get(PublishedDocument._meta.label, 0), version=version
    )


def publication_invalidate(*, communication_ids: Iterable[int]) -> int:
    """Drop the index rows of these communications, so the next public request rebuilds
    them from the current record. Returns how many rows were dropped."""
    _total, deleted = PublishedDocument.objects.filter(
        communication_id__in=list(communication_ids)
    ).delete()
    publication_changed()
    return deleted.get(PublishedDocument._meta.label, 0)


@dataclass(frozen=True)
class Term:
    words: tuple[str, ...]
    prefix: bool
    excluded: bool


def parse_query(query: str) -> list[Term]:
    terms: list[Term] = []
    for match in TERM.finditer(query):
        phrase_minus, phrase, word_minus, word = match.groups()
        raw = phrase if phrase is not None else word
        words = tuple(fold(raw).split())
        if not words:
            continue
        prefix = phrase is None and raw.endswith("*")
        terms.append(Term(words, prefix, bool(phrase_minus or word_minus)))
    return terms


def _fts5(terms: list[Term]) -> str:
    def one(term: Term) -> str:
        return '"' + " ".join(term.words) + '"' + ("*" if term.prefix else "")

    wanted = " AND ".join(one(term) for term in terms if not term.excluded)
    unwanted = [one(term) for term in terms if term.excluded]
    return " NOT ".join([f"({wanted})", *unwanted]) if unwanted else wanted


def _tsquery(terms: list[Term]) -> str:
    def one(term: Term) -> str:
        words = [f"'{word}'" for word in term.words]
        if term.prefix:
            words[-1] += ":*"
        joined = " <-> ".join(words)
        return f"!({joined})" if term.excluded else f"({joined})"

    return " & ".join(one(term) for term in terms)


def text_matches(query: str) -> list[int] | None:
    """The ids of the documents matching the words of ``query``, or None when it has
    no words to look for (then every document matches)."""
    terms = parse_query(query)
    if not terms:
        return None
    if all(term.excluded for term in terms):
        return []
    if connection.vendor == "sqlite":
        sql = "SELECT rowid FROM publication_fts WHERE publication_fts MATCH %s"
        parameter = _fts5(terms)
    elif connection.vendor == "postgresql":
        # search_vector is the stored column of migration 0004.
        sql = (
            "SELECT id FROM publication_publisheddocument "
            "WHERE search_vector @@ to_tsquery('simple'::regconfig, %s)"
        )
        parameter = _tsquery(terms)
    else:  # any other database: a plain substring search on the folded text
        documents = PublishedDocument.objects.all()
        for term in terms:
            condition = Q(search_text__contains=" ".join(term.words))
            documents = (
                documents.exclude(condition) if term.excluded else documents.filter(condition)
            )
        return list(documents.values_list("pk", flat=True))
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # The planner does not count the cost of reading each row's long vector, and
            # scans the whole table for a word found in a sixth of it; the GIN index is
            # several times faster there too.
            cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute(sql, (parameter,))
        return [row[0] for row in cursor.fetchall()]
