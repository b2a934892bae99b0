"""What every import command shares: a progress bar only on a terminal, and one
way of refusing a file with all its problems listed."""

from __future__ import annotations

import re
import sys
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

from django.core.management.base import BaseCommand, CommandParser
from django.utils.translation import gettext, ngettext
from tqdm import tqdm

PROBLEM_LIMIT = 50
LINE_LIMIT = 1000
_UNPRINTABLE = re.compile("[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff]")
_ESCAPES = {
    code: f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"
    for code in (
        *range(0x20),
        *range(0x7F, 0xA0),
        *range(0x202A, 0x202F),
        *range(0x2066, 0x206A),
        *range(0xD800, 0xE000),
    )
}


class ImportCommand(BaseCommand):
    def add_file_arguments(
        self,
        parser: CommandParser,
        *,
        file_help: str,
        formats: Iterable[str],
        format_help: str,
    ) -> None:
        """The command's description, the file to import and its ``--format`` (as
        ``file_format``), as every import command takes them."""
        parser.description = gettext(self.help)
        parser.add_argument("file", type=Path, help=file_help)
        parser.add_argument("--format", dest="file_format", choices=list(formats), help=format_help)

    @contextmanager
    def progress(
        self, *, description: str, total: int, unit: str
    ) -> Iterator[Callable[[int], object]]:
        """A progress bar on a terminal; nothing when output goes to a file or a CI log."""
        on_terminal = self.stderr.isatty() and sys.stderr.isatty()
        with tqdm(
            total=total,
            desc=description,
            unit=unit,
            unit_scale=True,
            leave=False,
            file=sys.stderr,
            disable=not on_terminal,
        ) as bar:
            yield bar.update


def printable(text: str) -> str:
    """``text`` with its control characters, lone surrogates and bidirectional overrides
    written as escapes (``\\x1b``), so that a hostile file cannot move the cursor, rewrite
    the terminal's title or reorder the text of a message that quotes it."""
    return text.translate(_ESCAPES) if _UNPRINTABLE.search(text) else text


def _shown(problem: str) -> str:
    """A problem as one printable line of at most ``LINE_LIMIT`` characters: a problem may
    quote a name from the file, and a hostile file's names can be megabytes long."""
    text = printable(problem)
    return text if len(text) <= LINE_LIMIT else text[: LINE_LIMIT - 1] + "…"


def refusal(file_name: str, problems: Sequence[object]) -> str:
    """Every problem (up to a limit), one per line, under a line that says nothing was written.
    What the file gave (a cell, a key) is quoted in a problem only as printable text."""
    lines = [
        ngettext(
            "%(file)s was not imported and nothing was written: %(count)d problem.",
            "%(file)s was not imported and nothing was written: %(count)d problems.",
            len(problems),
        )
        % {"file": printable(file_name), "count": len(problems)}
    ]
    lines.extend(f"  {_shown(str(problem))}" for problem in problems[:PROBLEM_LIMIT])
    if len(problems) > PROBLEM_LIMIT:
        lines.append(
            "  " + gettext("… and %(count)d more.") % {"count": len(problems) - PROBLEM_LIMIT}
        )
    lines.append(gettext("Correct the file and import it again."))
    return "\n".join(lines)
