"""What every import command shares: a progress bar only on a terminal, and one
way of refusing a file with all its problems listed."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

from django.core.management.base import BaseCommand, CommandParser
from django.utils.translation import gettext, ngettext
from tqdm import tqdm

PROBLEM_LIMIT = 50


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


def refusal(file_name: str, problems: Sequence[object]) -> str:
    """Every problem (up to a limit), one per line, under a line that says nothing was written."""
    lines = [
        ngettext(
            "%(file)s was not imported and nothing was written: %(count)d problem.",
            "%(file)s was not imported and nothing was written: %(count)d problems.",
            len(problems),
        )
        % {"file": file_name, "count": len(problems)}
    ]
    lines.extend(f"  {problem}" for problem in problems[:PROBLEM_LIMIT])
    if len(problems) > PROBLEM_LIMIT:
        lines.append(
            "  " + gettext("… and %(count)d more.") % {"count": len(problems) - PROBLEM_LIMIT}
        )
    lines.append(gettext("Correct the file and import it again."))
    return "\n".join(lines)
