"""Rendering a communication's text for one audience, with its named persons
replaced as that audience may see them (ADR 4).

Staff see names; the State sees the names of persons who consented to be named
to it, and rendering is refused otherwise; the public sees each person as their
consent allows, and the result passes a guard that refuses the whole text if any
name that should be hidden still appears in it.
"""

from __future__ import annotations

import enum
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

from django.utils.translation import gettext as _

from spcomms.cases.models import ConsentRecord, Person, PersonKind, PublicNaming
from spcomms.communications.models import Communication, CommunicationPerson

PLACEHOLDER = re.compile(r"\[\[person:([0-9a-f]{32})\]\]")
TEXT_FIELDS = ("facts", "concerns", "questions", "norms")
GUARD_MIN_WORD = 4


class Audience(enum.Enum):
    STAFF = "staff"
    STATE = "state"
    PUBLIC = "public"


class RenderRefused(Exception):
    """The text cannot be rendered for this audience; ``person_keys`` says who is concerned."""

    def __init__(self, message: str, person_keys: list[str]) -> None:
        super().__init__(message)
        self.person_keys = person_keys


@dataclass(frozen=True)
class NamedPerson:
    key: str
    shown_as: str
    hidden_name: str | None  # the real name when the audience must not see it in full


@dataclass(frozen=True)
class RenderedLetter:
    texts: dict[str, str]
    persons: list[NamedPerson]
    withheld_by_guard: bool = False


def placeholder(person: Person) -> str:
    return f"[[person:{person.key.hex}]]"


def initials(name: str) -> str:
    return " ".join(f"{word[0]}." for word in name.split() if word[:1].isalpha())


def withheld_phrase(kind: str) -> str:
    if kind == PersonKind.INDIVIDUAL:
        return _("a human rights defender (name withheld)")
    return _("an organisation (name withheld)")


def public_form(person: Person, consent: ConsentRecord | None) -> str:
    """How the public record names ``person`` under ``consent`` (None: no consent)."""
    naming = consent.public_naming if consent is not None else PublicNaming.WITHHELD
    name = str(person.name)
    if naming == PublicNaming.FULL:
        return name
    if naming == PublicNaming.INITIALS:
        return initials(name)
    return withheld_phrase(person.kind)


def _fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def guard_terms(hidden_names: Iterable[str]) -> set[str]:
    """The folded strings that must not appear: each hidden name and its longer words."""
    terms: set[str] = set()
    for name in hidden_names:
        folded = _fold(name).strip()
        if folded:
            terms.add(folded)
        terms.update(word for word in re.findall(r"\w+", folded) if len(word) >= GUARD_MIN_WORD)
    return terms


def guard_trips(texts: Iterable[str], hidden_names: Iterable[str]) -> bool:
    """True when any hidden name, or one of its words of four letters or more, appears."""
    terms = guard_terms(hidden_names)
    if not terms:
        return False
    for text in texts:
        folded = _fold(text)
        words = set(re.findall(r"\w+", folded))
        if any((term in words) if " " not in term else (term in folded) for term in terms):
            return True
    return False


def _named_persons(
    communication: Communication, named: Iterable[CommunicationPerson] | None
) -> dict[str, Person]:
    links = named if named is not None else communication.named.select_related("person")
    return {link.person.key.hex: link.person for link in links}


def _shown(person: Person, audience: Audience) -> NamedPerson:
    consent = person.current_consent()
    if audience is Audience.STAFF:
        return NamedPerson(person.key.hex, person.name, None)
    if audience is Audience.STATE:
        if consent is None or not consent.transmit_to_state:
            raise RenderRefused(
                _("This person has not consented to be named to the State."),
                [person.key.hex],
            )
        return NamedPerson(person.key.hex, person.name, None)
    shown = public_form(person, consent)
    return NamedPerson(person.key.hex, shown, None if shown == person.name else person.name)


def letter_render(
    *,
    communication: Communication,
    audience: Audience,
    named: Iterable[CommunicationPerson] | None = None,
) -> RenderedLetter:
    """The communication's text fields for ``audience``.

    ``named`` may pass the communication's named persons already loaded (with
    their persons and consents prefetched) to spare the queries when rendering
    many communications. Raises ``RenderRefused`` when the text names someone
    not named in the communication, or, for the State, someone who did not
    consent to it.
    """
    persons = _named_persons(communication, named)
    unknown = sorted(
        {
            key
            for field in TEXT_FIELDS
            for key in PLACEHOLDER.findall(getattr(communication, field) or "")
            if key not in persons
        }
    )
    if unknown:
        raise RenderRefused(
            _("The text names a person who is not named in this communication."), unknown
        )
    refused: list[str] = []
    shown: dict[str, NamedPerson] = {}
    for key, person in persons.items():
        try:
            shown[key] = _shown(person, audience)
        except RenderRefused as error:
            refused.extend(error.person_keys)
    if refused:
        raise RenderRefused(
            _("Persons named in this communication have not consented to be named to the State."),
            sorted(refused),
        )
    texts = {
        field: PLACEHOLDER.sub(
            lambda match: shown[match.group(1)].shown_as, getattr(communication, field) or ""
        )
        for field in TEXT_FIELDS
    }
    ordered = [shown[key] for key in persons]
    if audience is Audience.PUBLIC:
        hidden = [entry.hidden_name for entry in ordered if entry.hidden_name]
        if guard_trips(texts.values(), hidden):
            notice = _("This text is withheld while it is reviewed.")
            return RenderedLetter(dict.fromkeys(TEXT_FIELDS, notice), ordered, True)
    return RenderedLetter(texts, ordered)
