"""The search index follows the public record and finds words whatever their accents."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from pytest_django import DjangoAssertNumQueries

from spcomms.cases.models import Gender, PublicNaming
from spcomms.communications.letters import placeholder
from spcomms.communications.models import Communication, CommunicationPerson
from spcomms.publication.index import (
    publication_changed,
    publication_invalidate,
    publication_sync,
)
from spcomms.publication.mirror import find
from spcomms.publication.models import IndexState, PublishedDocument
from spcomms.reference.models import ViolationType
from tests import factories

pytestmark = pytest.mark.django_db


def _letter(facts: str, *, country: str = "COL", year: int = 2016) -> Communication:
    sent = factories.communication(
        country=country, sent_at=dt.datetime(year, 3, 1, 9, tzinfo=dt.UTC)
    )
    sent.facts = facts
    sent.save()
    return sent


def _found(query: str) -> set[str]:
    ids = find(query, {})[:]
    return set(PublishedDocument.objects.filter(pk__in=ids).values_list("reference", flat=True))


def test_sync_adds_published_communications_once(reference: None) -> None:
    first = _letter("A journalist was detained.")
    factories.communication(sent_at=None)  # a draft
    assert publication_sync().added == 1
    assert publication_sync().added == 0
    assert list(PublishedDocument.objects.values_list("reference", flat=True)) == [first.reference]


def test_a_communication_withheld_later_leaves_the_index(reference: None) -> None:
    sent = _letter("A lawyer was threatened.")
    publication_sync()
    assert _found("lawyer") == {sent.reference}
    sent.withheld = True
    sent.withheld_reason = "Risk to the family"
    sent.save()
    publication_sync()
    assert _found("lawyer") == set()
    assert not PublishedDocument.objects.filter(communication=sent).exists()


def test_the_sync_removes_what_stopped_being_public_without_a_signal(reference: None) -> None:
    sent = _letter("A lawyer was threatened.")
    publication_sync()
    Communication.objects.filter(pk=sent.pk).update(withheld=True, withheld_reason="Risk")
    publication_changed()  # what code that writes in bulk must say
    assert publication_sync().removed == 1
    assert _found("lawyer") == set()


def test_a_saved_change_rebuilds_the_row_with_the_current_text(reference: None) -> None:
    sent = _letter("A lawyer was threatened.")
    publication_sync()
    sent.facts = "A journalist was beaten."
    sent.save()
    assert _found("journalist") == {sent.reference}
    assert _found("lawyer") == set()


def test_invalidation_drops_the_rows_and_the_next_sync_rebuilds_them(reference: None) -> None:
    sent = _letter("A lawyer was threatened.")
    publication_sync()
    Communication.objects.filter(pk=sent.pk).update(subject="A journalist")
    assert publication_invalidate(communication_ids=[sent.pk]) == 1
    assert publication_sync().added == 1
    assert _found("journalist") == {sent.reference}


def test_a_withdrawn_consent_makes_the_name_unfindable_at_once(reference: None) -> None:
    ana = factories.person(name="Ana Lopezwitz", public_naming=PublicNaming.FULL)
    sent = factories.communication(persons=(ana,))
    sent.facts = f"{placeholder(ana)} was detained."
    sent.save()
    assert _found("lopezwitz") == {sent.reference}
    consent = ana.consents.get()
    consent.revoked_at = dt.datetime(2024, 1, 1, tzinfo=dt.UTC)
    consent.save()
    assert _found("lopezwitz") == set()
    assert _found("detained") == {sent.reference}  # the letter stays, the name is withheld


def test_the_clock_reaching_a_deadline_publishes_without_any_change(reference: None) -> None:
    sent = factories.communication(sent_at=dt.datetime(2030, 3, 1, 9, tzinfo=dt.UTC))
    before = dt.datetime(2030, 3, 2, tzinfo=dt.UTC)
    assert publication_sync(now=before).added == 0
    state = IndexState.objects.get()
    assert state.valid_until == sent.reply_due_at
    assert publication_sync(now=before + dt.timedelta(days=1)).version == state.version
    after = sent.reply_due_at + dt.timedelta(seconds=1)
    assert publication_sync(now=after).added == 1
    # The clock going back (a test, a restored server) syncs again rather than trusting
    # what a later moment saw.
    assert publication_sync(now=before).removed == 1


def test_the_sync_query_count_does_not_grow_when_nothing_changed(
    reference: None, django_assert_max_num_queries: DjangoAssertNumQueries
) -> None:
    for _ in range(5):
        _letter("Text.")
    publication_sync()
    with django_assert_max_num_queries(1):
        assert publication_sync().added == 0


def test_search_ignores_accents_and_case_both_ways(reference: None) -> None:
    sent = _letter("La défenseure fue detenida en Bogotá.")
    publication_sync()
    assert _found("DEFENSEURE bogota") == {sent.reference}
    assert _found("défenseure Bogotá") == {sent.reference}


def test_search_supports_phrases_prefixes_and_exclusion(reference: None) -> None:
    land = _letter("The land rights defender was arrested.")
    union = _letter("The trade union leader was arrested.")
    publication_sync()
    assert _found('"land rights"') == {land.reference}
    assert _found('"rights land"') == set()
    assert _found("arrest*") == {land.reference, union.reference}
    assert _found("arrested -union") == {land.reference}
    assert _found("") == {land.reference, union.reference}
    assert _found('"" OR; DROP TABLE') == set()  # punctuation is never syntax


def test_search_finds_a_reference_and_the_addressee_name(reference: None) -> None:
    sent = _letter("Text.", country="MEX")
    publication_sync()
    assert _found(sent.reference) == {sent.reference}
    assert _found("mexico") == {sent.reference}


def test_facet_counts_exclude_a_facets_own_choice(reference: None) -> None:
    woman = factories.person(name="Ana Lopez", public_naming=PublicNaming.FULL)
    woman.gender = Gender.FEMALE
    woman.save()
    in_2016 = factories.communication(persons=(woman,))
    link = CommunicationPerson.objects.get(communication=in_2016)
    link.violations.add(ViolationType.objects.get(code="arbitrary_detention"))
    in_2016.facts = f"{placeholder(woman)} was detained."
    in_2016.save()
    _letter("Other.", country="MEX", year=2017)
    _letter("Other.", country="MEX", year=2017)
    factories.reply(to=in_2016, received_on=dt.date(2016, 3, 20))
    publication_sync()
    everything = find("", {}, with_counts=True).counts
    assert everything["year"] == {"2016": 1, "2017": 2}
    assert everything["addressee"] == {"COL": 1, "MEX": 2}
    assert everything["region"] == {"latin_america_caribbean": 3}
    assert everything["reply"] == {"steps_taken": 1, "no_reply": 2}
    assert everything["gender"] == {"female": 1}
    assert everything["violation"] == {"arbitrary_detention": 1}
    assert everything["mandate"] == {"sr-hrd": 3}
    chosen = find("", {"year": ["2016"]}, with_counts=True).counts
    assert chosen["year"] == {"2016": 1, "2017": 2}  # its own choice does not narrow it
    assert chosen["addressee"] == {"COL": 1}


def test_the_full_text_index_exists_on_this_database() -> None:
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT name FROM sqlite_master WHERE name = 'publication_fts'")
        else:
            cursor.execute(
                "SELECT indexname FROM pg_indexes WHERE indexname = 'publication_document_vector'"
            )
        assert cursor.fetchone() is not None


def test_draft_work_leaves_the_index_in_step(reference: None) -> None:
    _letter("A lawyer was threatened.")
    publication_sync()
    token = IndexState.objects.get().token
    draft = factories.communication(sent_at=None)
    draft.facts = "Still being written."
    draft.save()
    assert IndexState.objects.get().token == token
    draft.delete()  # a deletion always says the record changed
    assert IndexState.objects.get().token != token
