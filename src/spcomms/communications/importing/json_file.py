"""Reading a JSON file of communications into raw objects.

The whole document is parsed at once (a line and column are given when it is
not valid JSON); then every object is checked for keys that do not exist, so
that a misspelt key is an error rather than a value silently lost.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable, Sequence
from typing import BinaryIO

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django_stubs_ext import StrOrPromise

from spcomms.communications.importing import schema
from spcomms.communications.importing.problems import Location, Problem, file_problem
from spcomms.communications.importing.raw import (
    Raw,
    RawCommunication,
    RawFile,
    RawPerson,
    suggest,
)
from spcomms.covariates.formats import NotUtf8, check_utf8, encoding_message

# What each JSON object describes, for messages; translated only when a message is written.
A_COMMUNICATION = _("a communication")
THE_MANDATES = _("the mandates (lead and joined)")
AN_ADDRESSEE = _("an addressee")
A_NAMED_PERSON = _("a named person")
THE_CONSENT = _("the consent")
A_REPLY = _("a reply")


# Longest number the file may hold, in characters: no field needs more, and Python refuses
# to read an integer of more than 4,300 digits.
MAX_NUMBER_LENGTH = 100
# A \u escape that may stand for a NUL character or half of a surrogate pair: the values
# holding one are looked for only when the text has such an escape.
_SUSPECT_ESCAPE = re.compile(r"\\u(?:0000|[dD][89a-fA-F][0-9a-fA-F]{2})")


class _Refused(ValueError):
    """A value the JSON grammar of Python accepts but a file for spcomms may not hold."""


class _Repeated(dict[str, object]):
    """An object of the file in which a key appears more than once."""

    repeated: list[str]


def _number_too_long(text: str) -> _Refused:
    return _Refused(
        gettext(
            "the file holds a number of %(length)d characters (%(start)s…): no value takes more "
            "than %(limit)d."
        )
        % {"length": len(text), "start": text[:12], "limit": MAX_NUMBER_LENGTH}
    )


def _int(text: str) -> int:
    if len(text) > MAX_NUMBER_LENGTH:
        raise _number_too_long(text)
    return int(text)


def _float(text: str) -> float:
    if len(text) > MAX_NUMBER_LENGTH:
        raise _number_too_long(text)
    value = float(text)
    if not math.isfinite(value):
        raise _Refused(
            gettext("the number %(number)s is too large to be read.") % {"number": text[:40]}
        )
    return value


def _constant(name: str) -> object:
    raise _Refused(
        gettext(
            "%(name)s is not a number in JSON: write a number, or null (or leave the key out) "
            "for no value."
        )
        % {"name": name}
    )


def _unstorable(text: str) -> bool:
    """Text with a NUL character or a lone surrogate, which no database column takes."""
    if "\x00" in text:
        return True
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def _shown(key: str) -> str:
    """A key as a message may show it: escaped when it holds what cannot be printed."""
    return json.dumps(key)[1:-1] if _unstorable(key) else key


def parse_json(
    handle: BinaryIO,
    root: str,
    problems: list[Problem],
    advance: Callable[[int], object] = lambda size: None,
) -> object | None:
    """The document of a JSON file, or None with what is wrong in ``problems``.

    Stricter than the JSON grammar Python reads: an object with a key twice is refused
    (rather than the last value silently winning), as are NaN and Infinity, numbers of
    more than ``MAX_NUMBER_LENGTH`` characters, text holding a NUL character or half a
    surrogate pair, and nesting deeper than Python can read. ``root`` names the list of
    the file in paths (``communications[3].persons[0]``).
    """
    try:
        text = check_utf8(_read_all(handle, advance))
    except NotUtf8 as error:
        problems.append(file_problem(encoding_message(error), line=error.line))
        return None
    repeated = 0

    def make_object(pairs: list[tuple[str, object]]) -> dict[str, object]:
        nonlocal repeated
        found = dict(pairs)
        if len(found) == len(pairs):
            return found
        marked = _Repeated(found)
        seen: set[str] = set()
        marked.repeated = []
        for name, _value in pairs:
            if name in seen and name not in marked.repeated:
                marked.repeated.append(name)
            seen.add(name)
        repeated += 1
        return marked

    decoder = json.JSONDecoder(
        object_pairs_hook=make_object,
        parse_constant=_constant,
        parse_int=_int,
        parse_float=_float,
    )
    try:
        document: object = decoder.decode(text)
    except json.JSONDecodeError as error:
        problems.append(
            file_problem(
                gettext("the file is not valid JSON: %(error)s at column %(column)d.")
                % {"error": error.msg, "column": error.colno},
                line=error.lineno,
            )
        )
        return None
    except _Refused as error:
        problems.append(file_problem(str(error)))
        return None
    except RecursionError:
        problems.append(
            file_problem(
                gettext(
                    "the file nests lists and objects too deeply to be read: a file for "
                    "spcomms needs only a few levels (a list of objects holding lists of "
                    "objects)."
                )
            )
        )
        return None
    suspect = _SUSPECT_ESCAPE.search(text) is not None
    del text
    if repeated or suspect:
        found = _check_values(document, root)
        if found:
            problems.extend(found)
            return None
    return document


def _read_all(handle: BinaryIO, advance: Callable[[int], object]) -> bytes:
    data = handle.read()
    advance(len(data))
    return data


def _check_values(document: object, root: str) -> list[Problem]:
    """Each repeated key and each text that cannot be stored, by its path."""
    problems: list[Problem] = []
    stack: list[tuple[object, str]] = [(document, root if isinstance(document, list) else "")]
    while stack:
        value, path = stack.pop()
        if isinstance(value, dict):
            for name in getattr(value, "repeated", ()):
                problems.append(
                    Problem(
                        None,
                        None,
                        gettext(
                            "this key appears more than once in one object: give each key "
                            "once (spcomms does not choose between the values)."
                        ),
                        path=f"{path}.{_shown(name)}" if path else _shown(name),
                    )
                )
            for name, item in value.items():
                where = f"{path}.{_shown(name)}" if path else _shown(name)
                if _unstorable(name):
                    problems.append(Problem(None, None, _unstorable_message(), path=where))
                stack.append((item, where))
        elif isinstance(value, list):
            stack.extend((item, f"{path}[{index}]") for index, item in enumerate(value))
        elif isinstance(value, str) and _unstorable(value):
            problems.append(Problem(None, None, _unstorable_message(), path=path))
    return sorted(problems, key=lambda problem: problem.path or "")


def _unstorable_message() -> str:
    return gettext(
        "this text holds a NUL character (\\u0000) or half of a surrogate pair (\\ud800 to "
        "\\udfff alone), which cannot be stored: remove it."
    )


def read_json(handle: BinaryIO, raw: RawFile, advance: Callable[[int], object]) -> None:
    """Parse the file; the bytes and the text are let go as soon as they are read, and the
    parsed objects are kept as they are (not copied), to keep a large file's memory down."""
    document = parse_json(handle, "communications", raw.problems, advance)
    if document is None:
        return
    if isinstance(document, dict) and "communications" in document:
        for name in document:
            if name != "communications":
                raw.problems.append(
                    Problem(
                        None,
                        None,
                        gettext("unknown key: the file holds only the key communications."),
                        path=name,
                    )
                )
        document = document["communications"]
    if not isinstance(document, list):
        raw.problems.append(
            file_problem(
                gettext(
                    "the file must hold a list of communications, [{...}, ...], or an object "
                    '{"communications": [{...}, ...]}.'
                )
            )
        )
        return
    if not document:
        raw.problems.append(file_problem(gettext("the file holds no communications.")))
        return
    for index, item in enumerate(document):
        communication = _json_communication(item, f"communications[{index}]", raw.problems)
        if communication is not None:
            raw.communications.append(communication)


def json_object(
    value: object,
    path: str,
    allowed: Sequence[str],
    problems: list[Problem],
    what: StrOrPromise,
) -> dict[str, object] | None:
    """The object at ``path`` with its unknown keys reported, or None if it is no object."""
    if not isinstance(value, dict):
        problems.append(
            Problem(
                None,
                None,
                gettext("this must be an object, {...}, describing %(what)s.")
                % {"what": str(what)},
                path=path,
            )
        )
        return None
    for name in value:
        if name not in allowed:
            problems.append(
                Problem(
                    None,
                    None,
                    (
                        gettext("unknown key for %(what)s. %(hint)s")
                        % {
                            "what": str(what),
                            "hint": suggest(str(name), allowed, found=len(problems)),
                        }
                    ).rstrip(),
                    path=f"{path}.{name}",
                )
            )
    return value


def _json_list(value: object, path: str, problems: list[Problem]) -> list[object]:
    if value is None:
        return []
    if not isinstance(value, list):
        problems.append(Problem(None, None, gettext("this must be a list, [...]."), path=path))
        return []
    return value


def _json_communication(
    item: object, path: str, problems: list[Problem]
) -> RawCommunication | None:
    data = json_object(
        item,
        path,
        (*schema.COMMUNICATION_FIELDS, *schema.COMMUNICATION_NESTED),
        problems,
        A_COMMUNICATION,
    )
    if data is None:
        return None
    mandates_path = f"{path}.mandates"
    mandates = (
        json_object(
            data["mandates"],
            mandates_path,
            schema.MANDATE_FIELDS,
            problems,
            THE_MANDATES,
        )
        if data.get("mandates") is not None
        else {}
    )
    addressees = []
    for index, entry in enumerate(
        _json_list(data.get("addressees"), f"{path}.addressees", problems)
    ):
        where = f"{path}.addressees[{index}]"
        found = json_object(entry, where, schema.ADDRESSEE_FIELDS, problems, AN_ADDRESSEE)
        if found is not None:
            addressees.append(Raw(found, Location(path=where)))
    persons = []
    for index, entry in enumerate(_json_list(data.get("persons"), f"{path}.persons", problems)):
        where = f"{path}.persons[{index}]"
        found = json_object(
            entry,
            where,
            (*schema.PERSON_FIELDS, *schema.PERSON_NESTED),
            problems,
            A_NAMED_PERSON,
        )
        if found is None:
            continue
        consent: Raw | None = None
        if found.get("consent") is not None:
            given = json_object(
                found["consent"],
                f"{where}.consent",
                schema.CONSENT_FIELDS,
                problems,
                THE_CONSENT,
            )
            if given is not None:
                consent = Raw(given, Location(path=f"{where}.consent"))
        persons.append(RawPerson(Raw(found, Location(path=where)), consent))
    replies: list[Raw] | None = None
    if "replies" in data:
        replies = []
        for index, entry in enumerate(_json_list(data["replies"], f"{path}.replies", problems)):
            where = f"{path}.replies[{index}]"
            found = json_object(entry, where, schema.REPLY_FIELDS, problems, A_REPLY)
            if found is not None:
                replies.append(Raw(found, Location(path=where)))
    return RawCommunication(
        fields=Raw(data, Location(path=path)),
        mandates=Raw(mandates or {}, Location(path=mandates_path)),
        addressees=addressees,
        persons=persons,
        replies=replies,
    )
