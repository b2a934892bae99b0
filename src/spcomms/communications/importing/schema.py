"""The schema of an import: which fields each object has, in JSON and in CSV, and
how each value is read.

Both formats are read into the same objects and checked by the same parsers,
so a rule holds whatever the format. A parser takes a value as the file gives
it (text from a CSV cell; text, a number, a boolean or a list from JSON) and
returns the value spcomms stores, or raises ``Invalid`` with a message that
says what to write instead. Messages quote codes, dates and flags only, never
a name or a text of a letter.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
from collections.abc import Callable, Collection, Mapping, Sequence
from typing import TypeVar

from django.utils.translation import gettext

T = TypeVar("T")
Parser = Callable[[object], T]

# Longest value quoted back in a message.
QUOTE_LIMIT = 40
# Up to this many codes, a message about an unknown code lists them all.
LIST_CODES_UP_TO = 20
LIST_SEPARATOR = ";"

TRUE_WORDS = frozenset({"true", "yes", "y", "1"})
FALSE_WORDS = frozenset({"false", "no", "n", "0"})

REFERENCE = re.compile(
    r"^\s*(UA|AL|OL)\s+([A-Z]{3})\s+0*(\d{1,6})\s*/\s*(\d{4})\s*$", re.IGNORECASE
)

# -- JSON: the keys of each object --------------------------------------------------------

COMMUNICATION_FIELDS = (
    "reference",
    "sent_on",
    "reply_due_on",
    "subject",
    "language",
    "facts",
    "concerns",
    "questions",
    "norms",
    "follow_up_of",
    "concerns_reprisal",
)
COMMUNICATION_NESTED = ("mandates", "addressees", "persons", "replies")
MANDATE_FIELDS = ("lead", "joined")
ADDRESSEE_FIELDS = ("state", "non_state_actor", "kind", "home_state", "copy")
PERSON_FIELDS = (
    "key",
    "name",
    "kind",
    "gender",
    "country",
    "affiliation",
    "issue_areas",
    "violations",
    "perpetrators",
)
PERSON_NESTED = ("consent",)
CONSENT_FIELDS = ("given_by", "transmit_to_state", "public_naming", "written", "recorded_on")
REPLY_FIELDS = ("received_on", "language", "class", "confidential", "persons")

# -- CSV: columns and the fields they hold -------------------------------------------------

COMMUNICATION_COLUMNS = {name: name for name in COMMUNICATION_FIELDS}
MANDATE_COLUMNS = {"lead_mandate": "lead", "joined_mandates": "joined"}
STATES_COLUMN = "states"
COPIED_STATES_COLUMN = "copied_states"
NON_STATE_COLUMNS = {
    "non_state_actor": "non_state_actor",
    "non_state_kind": "kind",
    "non_state_home_state": "home_state",
}
PERSON_COLUMNS = {
    "person_key": "key",
    "person_name": "name",
    "person_kind": "kind",
    "person_gender": "gender",
    "person_country": "country",
    "person_affiliation": "affiliation",
    "issue_areas": "issue_areas",
    "violations": "violations",
    "perpetrators": "perpetrators",
}
CONSENT_COLUMNS = {
    "consent_given_by": "given_by",
    "consent_transmit_to_state": "transmit_to_state",
    "consent_public_naming": "public_naming",
    "consent_written": "written",
    "consent_recorded_on": "recorded_on",
}
# The columns that describe the communication: the same on every row of one reference.
SHARED_COLUMNS = (
    *COMMUNICATION_COLUMNS,
    *MANDATE_COLUMNS,
    STATES_COLUMN,
    COPIED_STATES_COLUMN,
    *NON_STATE_COLUMNS,
)
CSV_COLUMNS = (*SHARED_COLUMNS, *PERSON_COLUMNS, *CONSENT_COLUMNS)
CSV_REQUIRED = ("reference", "sent_on", "subject", "lead_mandate")

REPLY_COLUMNS = {
    "reference": "reference",
    "received_on": "received_on",
    "language": "language",
    "class": "class",
    "confidential": "confidential",
    "person_keys": "persons",
}
REPLY_REQUIRED = ("reference", "received_on", "language")


class Invalid(Exception):
    """A value that cannot be read; the message says why and what to write instead."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def quote(value: object) -> str:
    """A short, quoted form of a value for a message (codes, dates and flags only)."""
    text = str(value).strip()
    if len(text) > QUOTE_LIMIT:
        text = text[: QUOTE_LIMIT - 1] + "…"
    return repr(text)


def is_blank(value: object) -> bool:
    """Nothing given: a missing key, null, an empty cell or spaces, an empty list."""
    if value is None:
        return True
    if type(value) is str:
        return not value or value.isspace()
    return isinstance(value, list) and not value


def text(max_length: int | None = None) -> Parser[str]:
    def parse(value: object) -> str:
        if not isinstance(value, str):
            raise Invalid(gettext("this must be text, in quotes."))
        cleaned = value.strip()
        if max_length is not None and len(cleaned) > max_length:
            raise Invalid(
                gettext("this is %(length)d characters long; at most %(limit)d are allowed.")
                % {"length": len(cleaned), "limit": max_length}
            )
        return cleaned

    return parse


def key(value: object) -> str:
    """The organisation's own key for a person: text or a whole number, up to 100 characters."""
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    return text(100)(value)


def boolean(value: object) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, str):
        word = value.strip().lower()
        if word in TRUE_WORDS:
            return True
        if word in FALSE_WORDS:
            return False
    raise Invalid(
        gettext("%(value)s is not a yes or no: write true or false.") % {"value": quote(value)}
    )


def day(value: object) -> dt.date:
    if isinstance(value, str):
        cleaned = value.strip()
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", cleaned):
            try:
                return dt.date.fromisoformat(cleaned)
            except ValueError:
                raise Invalid(
                    gettext("%(value)s is not a date that exists.") % {"value": quote(cleaned)}
                ) from None
    raise Invalid(
        gettext("%(value)s is not a date: write it as YYYY-MM-DD (2016-03-01).")
        % {"value": quote(value)}
    )


def midnight(date: dt.date) -> dt.datetime:
    return dt.datetime(date.year, date.month, date.day, tzinfo=dt.UTC)


def moment(value: object) -> dt.datetime:
    """A date (at 00:00 UTC) or an ISO 8601 date and time (UTC when no offset is given)."""
    if isinstance(value, str) and re.fullmatch(r"\s*\d{4}-\d{2}-\d{2}\s*", value):
        return midnight(day(value))
    if isinstance(value, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}[T ].+", value.strip()):
        try:
            parsed = dt.datetime.fromisoformat(value.strip())
        except ValueError:
            raise Invalid(
                gettext(
                    "%(value)s is not a date and time that exists: write 2016-03-01 or "
                    "2016-03-01T09:30:00Z."
                )
                % {"value": quote(value)}
            ) from None
        if parsed.tzinfo is None:
            parsed = parsed.replace(tzinfo=dt.UTC)
        return parsed.astimezone(dt.UTC)
    raise Invalid(
        gettext("%(value)s is not a date: write 2016-03-01, or 2016-03-01T09:30:00Z with a time.")
        % {"value": quote(value)}
    )


def _hint(code: str, known: Collection[str]) -> str:
    close = difflib.get_close_matches(code, list(known), n=1)
    if close:
        return gettext("Did you mean %(suggestion)s?") % {"suggestion": close[0]}
    if len(known) <= LIST_CODES_UP_TO:
        return gettext("Known codes: %(codes)s.") % {"codes": ", ".join(sorted(known))}
    return ""


def unknown_code(what: str, code: str, known: Collection[str]) -> str:
    return (
        gettext("unknown %(what)s code %(code)s.") % {"what": what, "code": quote(code)}
        + " "
        + _hint(code, known)
    ).strip()


def choice(what: str, choices: Sequence[str]) -> Parser[str]:
    """One of a fixed list of values (kinds, genders, languages), in any case."""
    allowed = frozenset(choices)

    def parse(value: object) -> str:
        if isinstance(value, str):
            cleaned = value.strip().lower()
            if cleaned in allowed:
                return cleaned
        raise Invalid(
            gettext("%(value)s is not a %(what)s: use one of %(choices)s.")
            % {"value": quote(value), "what": what, "choices": ", ".join(choices)}
        )

    return parse


def code(what: str, known: Mapping[str, int], *, upper: bool = False) -> Parser[int]:
    """The primary key of a reference row given by its code, in any case."""

    def parse(value: object) -> int:
        if not isinstance(value, str):
            raise Invalid(gettext("this must be a code, in quotes."))
        cleaned = value.strip().upper() if upper else value.strip().lower()
        found = known.get(cleaned)
        if found is None:
            raise Invalid(unknown_code(what, cleaned, known))
        return found

    return parse


def country(known: Mapping[str, int]) -> Parser[int]:
    def parse(value: object) -> int:
        if not isinstance(value, str):
            raise Invalid(gettext("this must be a code, in quotes."))
        cleaned = value.strip().upper()
        found = known.get(cleaned)
        if found is None:
            raise Invalid(
                gettext(
                    "unknown State code %(code)s: use an ISO 3166-1 alpha-3 code, such as KEN. "
                    "%(hint)s"
                )
                % {"code": quote(cleaned), "hint": _hint(cleaned, known)}
            )
        return found

    return parse


def items(value: object) -> list[str]:
    """The entries of a list: a JSON list of text, or ``;``-separated text."""
    if isinstance(value, str):
        parts: list[object] = list(value.split(LIST_SEPARATOR))
    elif isinstance(value, list):
        parts = value
    else:
        parts = [None]
    entries: list[str] = []
    for part in parts:
        if type(part) is not str:
            if not isinstance(part, int) or isinstance(part, bool):
                raise Invalid(
                    gettext('this must be a list of codes, such as ["a", "b"], or text a;b.')
                )
            part = str(part)
        cleaned = part.strip()
        if cleaned:
            entries.append(cleaned)
    return entries


def codes(what: str, known: Mapping[str, int]) -> Parser[frozenset[int]]:
    """Several codes of one vocabulary, in any case; every unknown one is named."""

    def parse(value: object) -> frozenset[int]:
        found: set[int] = set()
        unknown: list[str] = []
        for entry in items(value):
            cleaned = entry.lower()
            pk = known.get(cleaned)
            if pk is None:
                unknown.append(unknown_code(what, cleaned, known))
            else:
                found.add(pk)
        if unknown:
            raise Invalid(" ".join(unknown))
        return frozenset(found)

    return parse


def reference(value: object) -> tuple[str, str, int, int]:
    """A reference such as ``UA CHN 5/2016``: type, addressee code, running number, year."""
    if isinstance(value, str):
        match = REFERENCE.match(value)
        if match:
            kind, code_, number, year = match.groups()
            if int(number) >= 1:
                return kind.upper(), code_.upper(), int(number), int(year)
    raise Invalid(
        gettext(
            "%(value)s is not a reference: write the type (UA, AL or OL), the addressee code "
            "(ISO 3166-1 alpha-3, or OTH), the running number and the year, as in UA CHN 5/2016."
        )
        % {"value": quote(value)}
    )


def reference_text(kind: str, code_: str, number: int, year: int) -> str:
    return f"{kind} {code_} {number}/{year}"
