"""Keeping the public search index in step with the record, and searching it (ADR 4).

``publication_sync`` is called before every public answer: it removes the rows of
communications that are no longer public and adds rows for published ones that
have none. Both steps are one query each when nothing changed. A staff change
that alters the public text calls ``publication_invalidate`` and the next public
request rebuilds the row.

Search syntax: words must all appear (any case, any accents); ``"two words"``
must appear together in that order; ``defend*`` matches words that start with
``defend``; ``-word`` excludes documents containing the word.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from django.db import IntegrityError, connection, transaction
from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.db.models.expressions import RawSQL
from django.utils import timezone, translation

from spcomms.communications.models import Communication, NonStateKind
from spcomms.publication.models import Facet, PublishedDocument, PublishedFacet
from spcomms.publication.records import PublicCommunication, public_communications
from spcomms.reference.models import Country

BATCH = 200
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


def publication_sync(*, now: dt.datetime | None = None) -> SyncResult:
    """Bring the index up to date with what is public at ``now``."""
    now = now or timezone.now()
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
            # Another request indexed some of them at the same moment; the next
            # request adds whatever is still missing.
            continue
    return SyncResult(added=added, removed=removed.get(PublishedDocument._meta.label, 0))


def publication_invalidate(*, communication_ids: Iterable[int]) -> int:
    """Drop the index rows of these communications, so the next public request rebuilds
    them from the current record. Returns how many rows were dropped."""
    _total, deleted = PublishedDocument.objects.filter(
        communication_id__in=list(communication_ids)
    ).delete()
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


def search(query: str) -> QuerySet[PublishedDocument]:
    """The documents matching ``query`` (all of them when it has no words)."""
    documents = PublishedDocument.objects.all()
    terms = parse_query(query)
    if not any(not term.excluded for term in terms):
        return documents if not terms else documents.none()
    if connection.vendor == "sqlite":
        match = RawSQL(
            "SELECT rowid FROM publication_fts WHERE publication_fts MATCH %s", (_fts5(terms),)
        )
        return documents.filter(pk__in=match)
    if connection.vendor == "postgresql":
        match = RawSQL(
            "SELECT id FROM publication_publisheddocument WHERE "
            "to_tsvector('simple'::regconfig, search_text) @@ to_tsquery('simple'::regconfig, %s)",
            (_tsquery(terms),),
        )
        return documents.filter(pk__in=match)
    for term in terms:  # any other database: a plain substring search on the folded text
        condition = Q(search_text__contains=" ".join(term.words))
        documents = documents.exclude(condition) if term.excluded else documents.filter(condition)
    return documents


def filter_by_facets(
    documents: QuerySet[PublishedDocument],
    selected: Mapping[str, Iterable[str]],
    *,
    skip: str = "",
) -> QuerySet[PublishedDocument]:
    """Values of one facet are alternatives (OR); facets combine (AND)."""
    for facet, values in selected.items():
        chosen = list(values)
        if facet == skip or not chosen:
            continue
        documents = documents.filter(
            Exists(
                PublishedFacet.objects.filter(
                    document=OuterRef("pk"), facet=facet, value__in=chosen
                )
            )
        )
    return documents


def facet_counts(
    documents: QuerySet[PublishedDocument], selected: Mapping[str, Iterable[str]]
) -> dict[str, dict[str, int]]:
    """Per facet and value, how many documents match the query and the other facets'
    choices: one query for the facets without a choice, one more per facet with one."""
    chosen = {facet for facet, values in selected.items() if list(values)}
    counts: dict[str, dict[str, int]] = defaultdict(dict)

    def count(base: QuerySet[PublishedDocument], facets: Iterable[str]) -> None:
        rows = (
            PublishedFacet.objects.filter(document__in=base, facet__in=list(facets))
            .values_list("facet", "value")
            .annotate(n=Count("document"))
            .order_by()
        )
        for facet, value, n in rows:
            counts[facet][value] = n

    count(filter_by_facets(documents, selected), [f for f in Facet.values if f not in chosen])
    for facet in sorted(chosen):
        count(filter_by_facets(documents, selected, skip=facet), [facet])
    return dict(counts)
