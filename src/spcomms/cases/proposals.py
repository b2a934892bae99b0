"""Persons who may be the same, proposed to staff: the matcher run on the record.

Names are decrypted in memory only, for the caller that is allowed to see them (the
staff pages check the role first; the command runs on the server). Nothing here logs
or stores a name: a proposal holds two persons and a score.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass

from spcomms.cases import matching
from spcomms.cases.models import Person, PersonDistinct


@dataclass(frozen=True)
class Proposal:
    first: Person
    second: Person
    score: matching.Score


def _record(person: Person) -> matching.Record:
    return matching.Record(
        id=person.pk,
        name=person.name,
        country=person.country.iso3 if person.country is not None else "",
        organisation=person.affiliation,
    )


def _canonical() -> list[Person]:
    return list(Person.objects.canonical().select_related("country").order_by("pk"))


def _distinct() -> set[tuple[int, int]]:
    return set(PersonDistinct.objects.values_list("first_id", "second_id"))


def proposals(
    *,
    threshold: float = matching.THRESHOLD,
    involving: Collection[int] | None = None,
    workers: int = 2,
) -> list[Proposal]:
    """Pairs of persons (not merged, not told apart) who may be one, best first; with
    ``involving``, only pairs with at least one of those persons."""
    persons = _canonical()
    by_pk = {person.pk: person for person in persons}
    told_apart = _distinct()
    found = []
    for match in matching.duplicates(
        [_record(person) for person in persons],
        threshold=threshold,
        workers=workers,
        among=involving,
    ):
        pair = (min(match.first, match.second), max(match.first, match.second))
        if pair in told_apart:
            continue
        found.append(Proposal(by_pk[match.first], by_pk[match.second], match.score))
    return found


def proposals_for(
    person: Person, *, threshold: float = matching.THRESHOLD, limit: int = 10
) -> list[Proposal]:
    """The persons who may be ``person``, best first."""
    if person.merged_into_id is None:
        found = [
            proposal
            if proposal.first.pk == person.pk
            else Proposal(proposal.second, proposal.first, proposal.score)
            for proposal in proposals(threshold=threshold, involving={person.pk})
        ]
        return found[:limit]
    return []


def persons_with_proposals(person_ids: Iterable[int]) -> dict[int, int]:
    """For each of these persons who has possible duplicates, how many."""
    wanted = set(person_ids)
    counts: dict[int, int] = {}
    for proposal in proposals(involving=wanted):
        for pk in (proposal.first.pk, proposal.second.pk):
            if pk in wanted:
                counts[pk] = counts.get(pk, 0) + 1
    return counts


def created_since_proposals(since: dt.datetime) -> tuple[int, int]:
    """After an import: how many persons created since ``since`` may be the same as
    another person, and in how many pairs."""
    created = set(Person.objects.filter(created_at__gte=since).values_list("pk", flat=True))
    if not created:
        return 0, 0
    found = proposals(involving=created)
    concerned = {
        pk for proposal in found for pk in (proposal.first.pk, proposal.second.pk) if pk in created
    }
    return len(concerned), len(found)


def lookalikes(persons: Sequence[Person]) -> list[tuple[Person, int]]:
    """Each of ``persons`` with how many other persons may be the same, for the pages where
    a case file names them."""
    counts = persons_with_proposals(person.pk for person in persons)
    return [(person, counts.get(person.pk, 0)) for person in persons]
