"""Checking the values of a communications file, and the rules that span it.

Every object of the file goes through the same parsers whether it came from
JSON or CSV (``schema``). Then the file is checked as a whole: a reference
used twice, a follow-up that points to a later letter, a person key given
different names or attributes, a name that would reach public text. What can
only be checked against the database (a follow-up of an earlier import,
existing consent) is checked when the import is planned.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from functools import cache
from typing import TypeVar

import pycountry
from django.utils.translation import gettext

from spcomms.cases.models import PublicNaming
from spcomms.communications.importing import schema
from spcomms.communications.importing.names import PLACEHOLDER_START, names_in
from spcomms.communications.importing.problems import Location, Problem
from spcomms.communications.importing.raw import Raw, RawCommunication, RawFile, RawPerson
from spcomms.communications.importing.records import (
    MAX_YEAR,
    MIN_NAME_LENGTH,
    MIN_YEAR,
    AddresseeData,
    Checked,
    CommunicationData,
    Consent,
    Lookups,
    Mention,
    Parsers,
    PersonData,
    Reference,
    ReplyData,
)
from spcomms.communications.models import (
    DEFAULT_REPLY_DAYS,
    NON_STATE_CODE,
)
from spcomms.intake.models import Language

T = TypeVar("T")


@cache
def iso_639_1() -> frozenset[str]:
    return frozenset(
        language.alpha_2 for language in pycountry.languages if hasattr(language, "alpha_2")
    )


class Fields:
    """Reads the fields of one raw object, recording each problem where it stands."""

    def __init__(self, raw: Raw, problems: list[Problem]) -> None:
        self.raw = raw
        self.problems = problems
        self.ok = True

    def problem(self, name: str | None, message: str) -> None:
        self.ok = False
        self.problems.append(self.raw.at.problem(name, message))

    def get(self, name: str, parse: Callable[[object], T], default: T) -> T:
        value = self.raw.values.get(name)
        if value is None or schema.is_blank(value):
            return default
        try:
            return parse(value)
        except schema.Invalid as error:
            self.problem(name, error.message)
            return default

    def require(self, name: str, parse: Callable[[object], T]) -> T | None:
        value = self.raw.values.get(name)
        if schema.is_blank(value):
            self.problem(name, gettext("this is required and is empty or missing."))
            return None
        try:
            return parse(value)
        except schema.Invalid as error:
            self.problem(name, error.message)
            return None

    def given(self, name: str) -> bool:
        return not schema.is_blank(self.raw.values.get(name))


def check_file(
    raw: RawFile, lookups: Lookups, *, advance: Callable[[int], object] = lambda amount: None
) -> Checked:
    """Check every communication of the file, then the rules that span the file.

    Consumes ``raw.communications``: each is let go once checked, so that a large
    file is not held twice in memory, raw and checked.
    """
    checked = Checked(problems=list(raw.problems))
    parsers = Parsers.build(lookups)
    pending = raw.communications
    pending.reverse()
    while pending:
        communication = _communication(pending.pop(), parsers, checked)
        if communication is not None:
            checked.communications.append(communication)
        advance(1)
    _check_references(checked)
    _check_names(checked)
    checked.problems.sort(key=lambda problem: problem.order)
    return checked


# -- one communication --------------------------------------------------------------------


def _communication(
    item: RawCommunication, parsers: Parsers, checked: Checked
) -> CommunicationData | None:
    problems = checked.problems
    fields = Fields(item.fields, problems)
    reference = fields.require("reference", schema.reference)
    if reference is not None and not MIN_YEAR <= reference[3] <= MAX_YEAR:
        fields.problem(
            "reference",
            gettext("the year %(year)d is not from %(minimum)d to %(maximum)d.")
            % {"year": reference[3], "minimum": MIN_YEAR, "maximum": MAX_YEAR},
        )
    sent_at = fields.require("sent_on", schema.moment)
    if sent_at is not None:
        if sent_at.date() > parsers.lookups.today:
            fields.problem(
                "sent_on",
                gettext("%(date)s is in the future: an imported communication has been sent.")
                % {"date": sent_at.date().isoformat()},
            )
        if reference is not None and sent_at.year != reference[3]:
            fields.problem(
                "sent_on",
                gettext(
                    "the communication was sent in %(sent)d, but its reference is of %(year)d: "
                    "the year of a reference is the year of sending (UTC)."
                )
                % {"sent": sent_at.year, "year": reference[3]},
            )
    reply_due_at = fields.get("reply_due_on", schema.moment, None)
    if reply_due_at is not None and sent_at is not None and reply_due_at <= sent_at:
        fields.problem(
            "reply_due_on",
            gettext("the reply deadline %(due)s is not after the sending (%(sent)s).")
            % {"due": reply_due_at.isoformat(), "sent": sent_at.isoformat()},
        )
    subject = fields.require("subject", parsers.subject)
    language = fields.get("language", parsers.language, Language.ENGLISH.value)
    facts = fields.get("facts", parsers.text, "")
    concerns = fields.get("concerns", parsers.text, "")
    questions = fields.get("questions", parsers.text, "")
    norms = fields.get("norms", parsers.text, "")
    for name, value in (("facts", facts), ("concerns", concerns), ("questions", questions)):
        if PLACEHOLDER_START in value:
            fields.problem(
                name,
                gettext(
                    "the text already holds a person placeholder ([[person:...]]): write the "
                    "person's name instead; the import puts the placeholders in."
                ),
            )
    follow_up_of = fields.get("follow_up_of", schema.reference, None)
    concerns_reprisal = fields.get("concerns_reprisal", schema.boolean, False)
    mandates = _mandates(item.mandates, parsers, problems)
    addressees = _addressees(item, parsers, checked)
    if reference is not None and addressees:
        _check_code(fields, reference, addressees, parsers)
    mentions = _mentions(item.persons, parsers, checked)
    replies = None
    if item.replies is not None:
        replies = [
            reply
            for reply in (
                _reply(entry, parsers, sent_at, {m.person_key for m in mentions}, problems)
                for entry in item.replies
            )
            if reply is not None
        ]
    if (
        not fields.ok
        or reference is None
        or sent_at is None
        or subject is None
        or mandates is None
        or not addressees
    ):
        return None
    kind, code, number, year = reference
    return CommunicationData(
        type=kind,
        code=code,
        number=number,
        year=year,
        sent_at=sent_at,
        reply_due_at=reply_due_at or sent_at + dt.timedelta(days=DEFAULT_REPLY_DAYS),
        subject=subject,
        language=language,
        facts=facts,
        concerns=concerns,
        questions=questions,
        norms=norms,
        follow_up_of=follow_up_of,
        concerns_reprisal=concerns_reprisal,
        lead_mandate_id=mandates[0],
        joined_mandate_ids=mandates[1],
        addressees=tuple(addressees),
        mentions=mentions,
        replies=replies,
        at=item.fields.at,
    )


def _mandates(
    raw: Raw, parsers: Parsers, problems: list[Problem]
) -> tuple[int, tuple[int, ...]] | None:
    fields = Fields(raw, problems)
    lead = fields.require("lead", parsers.mandate)
    joined = fields.get("joined", parsers.mandates, frozenset[int]())
    if lead is not None and lead in joined:
        fields.problem("joined", gettext("the lead mandate is also among the joined ones."))
    if lead is None or not fields.ok:
        return None
    return lead, tuple(sorted(joined))


def _addressees(item: RawCommunication, parsers: Parsers, checked: Checked) -> list[AddresseeData]:
    found: list[AddresseeData] = []
    seen: set[tuple[int | None, tuple[str, str] | None]] = set()
    all_ok = True
    for raw in item.addressees:
        fields = Fields(raw, checked.problems)
        state = fields.get("state", parsers.country, None)
        name = fields.get("non_state_actor", parsers.actor_name, "")
        is_copy = fields.get("copy", schema.boolean, False)
        actor: tuple[str, str] | None = None
        if fields.given("state") and fields.given("non_state_actor"):
            fields.problem(
                "non_state_actor",
                gettext("an addressee is a State or a non-State actor, not both: split it in two."),
            )
        elif fields.given("state"):
            for extra in ("kind", "home_state"):
                if fields.given(extra):
                    fields.problem(
                        extra,
                        gettext("this describes a non-State actor, not a State: leave it out."),
                    )
        elif fields.given("non_state_actor"):
            kind = fields.require("kind", parsers.actor_kind)
            home = fields.get("home_state", parsers.country, None)
            if kind is not None and name:
                actor = (name, kind)
                _record_actor(actor, home, fields, checked)
        else:
            fields.problem(
                None,
                gettext(
                    "an addressee needs a State (state) or a non-State actor (non_state_actor)."
                ),
            )
        if not fields.ok:
            all_ok = False
            continue
        identity = (state, actor)
        if identity in seen:
            fields.problem(
                "state" if state is not None else "non_state_actor",
                gettext("this addressee appears twice in one communication."),
            )
            all_ok = False
            continue
        seen.add(identity)
        found.append(AddresseeData(state, actor, is_copy))
    if all_ok and not any(not addressee.is_copy for addressee in found):
        checked.problems.append(
            item.fields.at.problem(
                "addressees",
                gettext(
                    "the communication is addressed to no one: give at least one State or "
                    "non-State actor that is not only copied."
                ),
            )
        )
        return []
    return found if all_ok else []


def _record_actor(
    actor: tuple[str, str], home: int | None, fields: Fields, checked: Checked
) -> None:
    if actor not in checked.actors or checked.actors[actor] is None:
        checked.actors[actor] = home
    elif home is not None and checked.actors[actor] != home:
        fields.problem(
            "home_state",
            gettext(
                "this non-State actor is given another home State elsewhere in the file; a "
                "non-State actor has one home State."
            ),
        )


def _check_code(
    fields: Fields,
    reference: tuple[str, str, int, int],
    addressees: list[AddresseeData],
    parsers: Parsers,
) -> None:
    codes = parsers.lookups.country_codes
    addressed_states = [a.country_id for a in addressees if not a.is_copy and a.country_id]
    expected = codes[addressed_states[0]] if addressed_states else NON_STATE_CODE
    if reference[1] != expected:
        fields.problem(
            "reference",
            gettext(
                "the addressee code is %(code)s but should be %(expected)s: the code is the "
                "ISO 3166-1 alpha-3 code of the first State addressed (not copied), or OTH when "
                "only non-State actors are addressed."
            )
            % {"code": reference[1], "expected": expected},
        )


def _mentions(persons: list[RawPerson], parsers: Parsers, checked: Checked) -> list[Mention]:
    mentions: list[Mention] = []
    seen: dict[str, Location] = {}
    for raw in persons:
        fields = Fields(raw.fields, checked.problems)
        key = fields.require("key", schema.key)
        violations = fields.get("violations", parsers.violations, frozenset[int]())
        perpetrators = fields.get(
            "perpetrators",
            parsers.perpetrators,
            frozenset[int](),
        )
        person = _person(raw, key, parsers, checked)
        if key is None or person is None or not fields.ok:
            continue
        if key in seen:
            fields.problem(
                "key",
                gettext(
                    "person key %(key)s is named twice in this communication (also at %(first)s)."
                )
                % {"key": key, "first": seen[key].describe()},
            )
            continue
        seen[key] = raw.fields.at
        mentions.append(Mention(key, violations, perpetrators, raw.fields.at))
    return mentions


PERSON_ATTRIBUTES = ("kind", "gender", "country", "affiliation", "issue_areas", "consent")


def _person(
    raw: RawPerson, key: str | None, parsers: Parsers, checked: Checked
) -> PersonData | None:
    """Read the person's own attributes and gather them with the other places they are named."""
    problems = checked.problems
    fields = Fields(raw.fields, problems)
    name = fields.require("name", parsers.text)
    if name is not None and len(name) < MIN_NAME_LENGTH:
        fields.problem(
            "name",
            gettext(
                "a name must be at least %(length)d characters long, so that it is found in the "
                "text and nowhere else."
            )
            % {"length": MIN_NAME_LENGTH},
        )
    values: dict[str, object] = {
        "kind": fields.get("kind", parsers.person_kind, None),
        "gender": fields.get("gender", parsers.gender, None),
        "country": fields.get("country", parsers.country, None),
        "affiliation": fields.get("affiliation", parsers.text, None),
        "issue_areas": fields.get("issue_areas", parsers.issue_areas, None),
        "consent": _consent(raw.consent, parsers, problems) if raw.consent is not None else None,
    }
    consent_ok = raw.consent is None or values["consent"] is not None
    if key is None or name is None or not fields.ok or not consent_ok:
        return None
    person = checked.persons.get(key)
    if person is None:
        person = PersonData(key=key, name=name, at=raw.fields.at)
        checked.persons[key] = person
    elif person.name != name:
        fields.problem(
            "name",
            gettext(
                "person key %(key)s has another name at %(first)s: one key is one person, with "
                "one name, in the whole file."
            )
            % {"key": key, "first": person.at.describe()},
        )
        return None
    for attribute in PERSON_ATTRIBUTES:
        value = values[attribute]
        if value is None:
            continue
        first = person.given_at.get(attribute)
        if first is None:
            _set_attribute(person, attribute, value)
            person.given_at[attribute] = (
                raw.consent.at if attribute == "consent" and raw.consent else raw.fields.at
            )
        elif _attribute(person, attribute) != value:
            where = raw.consent.at if attribute == "consent" and raw.consent else raw.fields.at
            problems.append(
                where.problem(
                    None if attribute == "consent" else attribute,
                    gettext(
                        "person key %(key)s is given another %(attribute)s at %(first)s: a "
                        "person's attributes are the same wherever they are named in one file."
                    )
                    % {"key": key, "attribute": attribute, "first": first.describe()},
                )
            )
    return person


def _attribute(person: PersonData, attribute: str) -> object:
    if attribute == "country":
        return person.country_id
    if attribute == "issue_areas":
        return person.issue_area_ids
    return getattr(person, attribute)


def _set_attribute(person: PersonData, attribute: str, value: object) -> None:
    if attribute == "country":
        assert isinstance(value, int)  # noqa: S101  # the country parser returns a key
        person.country_id = value
    elif attribute == "issue_areas":
        assert isinstance(value, frozenset)  # noqa: S101  # the codes parser returns a set
        person.issue_area_ids = value
    else:
        setattr(person, attribute, value)


def _consent(raw: Raw, parsers: Parsers, problems: list[Problem]) -> Consent | None:
    fields = Fields(raw, problems)
    given_by = fields.require("given_by", parsers.consent_giver)
    transmit = fields.get("transmit_to_state", schema.boolean, False)
    naming = fields.get(
        "public_naming",
        parsers.public_naming,
        PublicNaming.WITHHELD.value,
    )
    written = fields.get("written", schema.boolean, False)
    recorded_on = fields.get("recorded_on", schema.day, None)
    if naming != PublicNaming.WITHHELD and not transmit:
        fields.problem(
            "public_naming",
            gettext(
                "naming in public (%(naming)s) needs consent to transmit the name to the State: "
                "set transmit_to_state to true, or public_naming to withheld."
            )
            % {"naming": naming},
        )
    if recorded_on is not None and recorded_on > parsers.lookups.today:
        fields.problem(
            "recorded_on",
            gettext("%(date)s is in the future.") % {"date": recorded_on.isoformat()},
        )
    if given_by is None or not fields.ok:
        return None
    return Consent(given_by, transmit, naming, written, recorded_on)


def _language(value: object) -> str:
    if isinstance(value, str) and value.strip().lower() in iso_639_1():
        return value.strip().lower()
    raise schema.Invalid(
        gettext("%(value)s is not an ISO 639-1 language code, such as en, fr, es, ru, ar or zh.")
        % {"value": schema.quote(value)}
    )


def _reply(
    raw: Raw,
    parsers: Parsers,
    sent_at: dt.datetime | None,
    named: set[str],
    problems: list[Problem],
) -> ReplyData | None:
    fields = Fields(raw, problems)
    received_on = fields.require("received_on", schema.day)
    language = fields.require("language", _language)
    class_id = fields.get("class", parsers.reply_class, None)
    confidential = fields.get("confidential", schema.boolean, False)
    keys = fields.get("persons", schema.items, list[str]())
    unknown = [key for key in keys if key not in named]
    if unknown:
        fields.problem(
            "persons",
            gettext(
                "person key %(keys)s is not named in this communication: a reply addresses "
                "persons the communication names."
            )
            % {"keys": ", ".join(unknown)},
        )
    if received_on is not None:
        if received_on > parsers.lookups.today:
            fields.problem(
                "received_on",
                gettext("%(date)s is in the future.") % {"date": received_on.isoformat()},
            )
        if sent_at is not None and received_on < sent_at.date():
            fields.problem(
                "received_on",
                gettext(
                    "the reply is dated %(received)s, before the communication was sent (%(sent)s)."
                )
                % {"received": received_on.isoformat(), "sent": sent_at.date().isoformat()},
            )
    if received_on is None or language is None or not fields.ok:
        return None
    return ReplyData(received_on, language, class_id, confidential, frozenset(keys), raw.at)


# -- the file as a whole ----------------------------------------------------------------------


def _check_references(checked: Checked) -> None:
    by_identity: dict[Reference, CommunicationData] = {}
    unique: list[CommunicationData] = []
    for communication in checked.communications:
        first = by_identity.get(communication.identity)
        if first is not None:
            checked.problems.append(
                communication.at.problem(
                    "reference",
                    gettext(
                        "%(reference)s is already in the file at %(first)s (%(other)s): a "
                        "running number is given once per addressee code and year, whatever "
                        "the type."
                    )
                    % {
                        "reference": communication.reference,
                        "first": first.at.describe(),
                        "other": first.reference,
                    },
                )
            )
            continue
        by_identity[communication.identity] = communication
        unique.append(communication)
    checked.communications = unique
    for communication in unique:
        target = communication.follow_up_of
        if target is None:
            continue
        _kind, code, number, year = target
        if (code, year, number) == communication.identity:
            checked.problems.append(
                communication.at.problem(
                    "follow_up_of", gettext("a communication cannot follow up on itself.")
                )
            )
            continue
        followed = by_identity.get((code, year, number))
        if followed is None:
            checked.follow_ups_elsewhere.setdefault(target, []).append(communication)
            continue
        follow_up_problem = followed_problem(
            schema.reference_text(*target), followed.reference, followed.sent_at, communication
        )
        if follow_up_problem:
            checked.problems.append(communication.at.problem("follow_up_of", follow_up_problem))


def followed_problem(
    given: str, found: str, found_sent_at: dt.datetime, communication: CommunicationData
) -> str | None:
    """What is wrong with following up on ``found``, if anything."""
    if given != found:
        return gettext(
            "the communication followed up on is %(found)s, not %(given)s: write its reference "
            "as it is."
        ) % {"found": found, "given": given}
    if found_sent_at > communication.sent_at:
        return gettext(
            "%(found)s was sent after this communication (%(date)s): a follow-up comes after "
            "the communication it follows up on."
        ) % {"found": found, "date": found_sent_at.date().isoformat()}
    return None


def _check_names(checked: Checked) -> None:
    """A name must not reach public text, and two persons of one letter need different names."""
    for communication in checked.communications:
        persons = [checked.persons[m.person_key] for m in communication.mentions]
        by_name: dict[str, str] = {}
        for person in persons:
            other = by_name.setdefault(person.name, person.key)
            if other != person.key:
                checked.problems.append(
                    communication.at.problem(
                        None,
                        gettext(
                            "person keys %(first)s and %(second)s have the same name in this "
                            "communication, so the text cannot say which one is meant."
                        )
                        % {"first": other, "second": person.key},
                    )
                )
        for name_field in ("subject", "norms"):
            found = names_in(getattr(communication, name_field), by_name)
            if found:
                checked.problems.append(
                    communication.at.problem(
                        name_field,
                        gettext(
                            "this names person key %(keys)s; the %(field)s is public and not "
                            "encrypted, so it must name no one: write the name in facts, "
                            "concerns or questions."
                        )
                        % {"keys": ", ".join(by_name[name] for name in found), "field": name_field},
                    )
                )
