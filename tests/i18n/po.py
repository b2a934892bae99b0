"""A small reader of gettext ``.po`` files, enough to check the committed catalogues.

It reads what ``makemessages`` writes: comments and flags, ``msgctxt``,
``msgid``, ``msgid_plural``, ``msgstr`` and ``msgstr[n]``, strings continued
over several lines, and obsolete entries (``#~``), which it skips.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass, field
from pathlib import Path


@dataclass
class Entry:
    msgid: str = ""
    msgid_plural: str | None = None
    msgctxt: str | None = None
    msgstr: dict[int, str] = field(default_factory=dict)
    flags: set[str] = field(default_factory=set)
    line: int = 0

    @property
    def is_header(self) -> bool:
        return self.msgid == "" and self.msgctxt is None

    @property
    def is_fuzzy(self) -> bool:
        return "fuzzy" in self.flags

    @property
    def is_translated(self) -> bool:
        return bool(self.msgstr) and all(self.msgstr.values())

    @property
    def key(self) -> str:
        """The key gettext stores it under in a compiled catalogue."""
        return self.msgid if self.msgctxt is None else f"{self.msgctxt}\x04{self.msgid}"


class PoSyntaxError(ValueError):
    pass


def _string(text: str, path: Path, number: int) -> str:
    text = text.strip()
    if len(text) < 2 or text[0] != '"' or text[-1] != '"':
        raise PoSyntaxError(f"{path}:{number}: expected a quoted string, found {text!r}")
    # A .po string uses C escapes, which Python's string literals understand.
    value = ast.literal_eval(text)
    assert isinstance(value, str)
    return value


def parse(path: Path) -> list[Entry]:
    entries: list[Entry] = []
    entry = Entry()
    started = False
    target: tuple[str, int] | None = None

    def finish() -> None:
        nonlocal entry, started, target
        if started:
            entries.append(entry)
        entry, started, target = Entry(), False, None

    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        line = raw.strip()
        if not line:
            finish()
        elif line.startswith("#~"):
            continue
        elif line.startswith("#,"):
            if started and target is not None and target[0] == "msgstr":
                finish()
            entry.flags.update(flag.strip() for flag in line[2:].split(","))
        elif line.startswith("#"):
            if started and target is not None and target[0] == "msgstr":
                finish()
        elif line.startswith('"'):
            if target is None:
                raise PoSyntaxError(f"{path}:{number}: a string continues nothing")
            value = _string(line, path, number)
            name, index = target
            if name == "msgstr":
                entry.msgstr[index] += value
            elif name == "msgid":
                entry.msgid += value
            elif name == "msgid_plural":
                entry.msgid_plural = (entry.msgid_plural or "") + value
            else:
                entry.msgctxt = (entry.msgctxt or "") + value
        else:
            keyword, _, rest = line.partition(" ")
            if keyword in ("msgctxt", "msgid") and started and target and target[0] == "msgstr":
                finish()
            if not started:
                entry.line = number
            started = True
            value = _string(rest, path, number)
            if keyword == "msgctxt":
                entry.msgctxt, target = value, ("msgctxt", 0)
            elif keyword == "msgid":
                entry.msgid, target = value, ("msgid", 0)
            elif keyword == "msgid_plural":
                entry.msgid_plural, target = value, ("msgid_plural", 0)
            elif keyword == "msgstr":
                entry.msgstr[0], target = value, ("msgstr", 0)
            elif keyword.startswith("msgstr[") and keyword.endswith("]"):
                index = int(keyword[7:-1])
                entry.msgstr[index], target = value, ("msgstr", index)
            else:
                raise PoSyntaxError(f"{path}:{number}: unknown keyword {keyword!r}")
    finish()
    return entries
