"""Letters name persons as each audience may see them, and the public text is guarded."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from spcomms.cases.models import PersonKind, PublicNaming
from spcomms.communications.letters import (
    Audience,
    RenderRefused,
    guard_trips,
    initials,
    letter_render,
    placeholder,
)
from spcomms.communications.models import Communication
from tests import factories

pytestmark = pytest.mark.django_db


def _letter_naming(
    *people_and_naming: tuple[str, PublicNaming | None, PersonKind],
) -> Communication:
    persons = [
        factories.person(name=name, public_naming=naming, kind=kind)
        for name, naming, kind in people_and_naming
    ]
    sent = factories.communication(persons=tuple(persons))
    sent.facts = " and ".join(placeholder(person) for person in persons) + " were detained."
    sent.save()
    return sent


def test_staff_see_every_name(reference: None) -> None:
    sent = _letter_naming(
        ("Ana Lopez", PublicNaming.FULL, PersonKind.INDIVIDUAL),
        ("Omar Haddad", None, PersonKind.INDIVIDUAL),
    )
    letter = letter_render(communication=sent, audience=Audience.STAFF)
    assert letter.texts["facts"] == "Ana Lopez and Omar Haddad were detained."


def test_the_public_sees_each_person_as_their_consent_allows(reference: None) -> None:
    sent = _letter_naming(
        ("Ana Lopez", PublicNaming.FULL, PersonKind.INDIVIDUAL),
        ("Omar Haddad", PublicNaming.INITIALS, PersonKind.INDIVIDUAL),
        ("Kuva Rights Centre", PublicNaming.WITHHELD, PersonKind.ORGANISATION),
    )
    letter = letter_render(communication=sent, audience=Audience.PUBLIC)
    assert letter.texts["facts"] == (
        "Ana Lopez and O. H. and an organisation (name withheld) were detained."
    )
    assert not letter.withheld_by_guard


def test_the_state_text_is_refused_when_someone_did_not_consent_to_transmission(
    reference: None,
) -> None:
    sent = _letter_naming(
        ("Ana Lopez", PublicNaming.FULL, PersonKind.INDIVIDUAL),
        ("Omar Haddad", None, PersonKind.INDIVIDUAL),
    )
    with pytest.raises(RenderRefused) as refusal:
        letter_render(communication=sent, audience=Audience.STATE)
    omar = sent.named.get(person__kind=PersonKind.INDIVIDUAL, person__consents__isnull=True)
    assert refusal.value.person_keys == [omar.person.key.hex]


def test_a_placeholder_for_someone_not_named_is_refused(reference: None) -> None:
    sent = _letter_naming(("Ana Lopez", PublicNaming.FULL, PersonKind.INDIVIDUAL))
    stranger = factories.person(name="Not In This Letter")
    sent.concerns = f"We are concerned about {placeholder(stranger)}."
    sent.save()
    with pytest.raises(RenderRefused, match="not named in this communication"):
        letter_render(communication=sent, audience=Audience.STAFF)


def test_the_guard_withholds_a_text_that_names_a_hidden_person_outside_a_placeholder(
    reference: None,
) -> None:
    sent = _letter_naming(("Omar Haddad", PublicNaming.WITHHELD, PersonKind.INDIVIDUAL))
    sent.concerns = "The family of Mr. HADDAD was threatened."
    sent.save()
    letter = letter_render(communication=sent, audience=Audience.PUBLIC)
    assert letter.withheld_by_guard
    assert all("Haddad".casefold() not in text.casefold() for text in letter.texts.values())
    assert letter.texts["facts"] == "This text is withheld while it is reviewed."


def test_the_guard_ignores_accents_and_case_but_not_short_common_words() -> None:
    assert guard_trips(["Visit of JOSE"], ["José Ñuñez"])
    assert guard_trips(["nunez attended"], ["José Ñuñez"])
    assert not guard_trips(["Ana went home"], ["Li Ana"])  # words under four letters alone


def test_initials_take_the_first_letter_of_each_word() -> None:
    assert initials("Ana María López") == "A. M. L."


NAMES = st.lists(
    st.from_regex(r"[A-Z][a-z]{3,8} [A-Z][a-z]{3,10}", fullmatch=True),
    min_size=1,
    max_size=4,
    unique=True,
)
NAMINGS = st.sampled_from([PublicNaming.FULL, PublicNaming.INITIALS, PublicNaming.WITHHELD, None])


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(names=NAMES, data=st.data())
def test_no_hidden_name_ever_reaches_the_public_text(
    reference: None, names: list[str], data: st.DataObject
) -> None:
    """Property: whatever the consents, a name not consented for full public naming,
    and each of its long words, is absent from the public rendering."""
    namings = [data.draw(NAMINGS) for _ in names]
    sent = _letter_naming(
        *[(n, m, PersonKind.INDIVIDUAL) for n, m in zip(names, namings, strict=True)]
    )
    sent.concerns = data.draw(st.sampled_from(["", f"Also, {names[0]} spoke out."]))
    sent.save()
    public = " ".join(letter_render(communication=sent, audience=Audience.PUBLIC).texts.values())
    for name, naming in zip(names, namings, strict=True):
        if naming != PublicNaming.FULL:
            assert all(word.casefold() not in public.casefold() for word in name.split())
