"""Reading a JSON file of communications into raw objects.

The whole document is parsed at once (a line and column are given when it is
not valid JSON); then every object is checked for keys that do not exist, so
that a misspelt key is an error rather than a value silently lost.
"""

from __future__ import annotations

import codecs
import json
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
    not_utf8_message,
    suggest,
)

# What each JSON object describes, for messages; translated only when a message is written.
A_COMMUNICATION = _("a communication")
THE_MANDATES = _("the mandates (lead and joined)")
AN_ADDRESSEE = _("an addressee")
A_NAMED_PERSON = _("a named person")
THE_CONSENT = _("the consent")
A_REPLY = _("a reply")


def read_json(handle: BinaryIO, raw: RawFile, advance: Callable[[int], object]) -> None:
    """Parse the file; the bytes and the text are let go as soon as they are read, and the
    parsed objects are kept as they are (not copied), to keep a large file's memory down."""
    data = handle.read().removeprefix(codecs.BOM_UTF8)
    advance(len(data))
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        raw.problems.append(file_problem(not_utf8_message(data[error.start]), line=line))
        return
    del data
    try:
        document = json.loads(text)
    except json.JSONDecodeError as error:
        raw.problems.append(
            file_problem(
                gettext("the file is not valid JSON: %(error)s at column %(column)d.")
                % {"error": error.msg, "column": error.colno},
                line=error.lineno,
            )
        )
        return
    del text
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
                    gettext("unknown key for %(what)s. %(hint)s")
                    % {"what": str(what), "hint": suggest(str(name), allowed)},
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
