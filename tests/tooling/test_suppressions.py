"""Every silenced security rule says why, where it is silenced (style habit 12)."""

from __future__ import annotations

import re
from pathlib import Path

REPOSITORY = Path(__file__).resolve().parents[2]
# The code that runs, or measures what runs. The tests' own exemptions (assert, literal
# passwords, starting our commands, SQL on their own tables) are per-file ignores in
# pyproject.toml, whose comment gives the reason for all of them.
FOLDERS = ("src", "benchmarks", "tools")
ABOVE = 8
# A noqa comment: its codes, then what follows them on the line.
SUPPRESSION = re.compile(r"#\s*noqa:\s*((?:[A-Z]+\d+[,\s]*)+)(.*)$")


def unexplained(text: str) -> list[int]:
    """The line numbers of security suppressions (``noqa: S...``) with no reason: none after
    the codes on the line, and no comment heading the lines of code just above it (up to
    ``ABOVE`` lines, with no blank line between)."""
    lines = text.splitlines()
    missing = []
    for number, line in enumerate(lines, start=1):
        found = SUPPRESSION.search(line)
        if found is None or not re.search(r"\bS\d+", found.group(1)):
            continue
        if len(found.group(2).strip(" #()")) >= 3:
            continue
        above = []
        for previous in reversed(lines[max(0, number - 1 - ABOVE) : number - 1]):
            if not previous.strip():
                break
            above.append(previous.strip())
        if not any(kept.startswith("#") and len(kept) > 3 for kept in above):
            missing.append(number)
    return missing


def test_a_security_suppression_without_its_reason_is_found() -> None:
    source = (
        "a = 1  # noqa: S101\n"
        "b = 2  # noqa: S608  # names from the model\n"
        "c = 3  # noqa: E501\n"
        "d = 4  # noqa: S311 (a sample, not a secret)\n"
        "e = 5  # noqa: S603, S607\n"
        "\n"
        "# Names from the model's metadata.\n"
        "query = (\n"
        '    f"SELECT {column} FROM {table}"  # noqa: S608\n'
        ")\n"
        "\n"
        'f"DELETE FROM {table}"  # noqa: S608\n'
    )
    assert unexplained(source) == [1, 5, 12]


def test_every_security_suppression_in_the_repository_carries_its_reason() -> None:
    missing = []
    for folder in FOLDERS:
        for path in sorted((REPOSITORY / folder).rglob("*.py")):
            if "migrations" in path.parts:
                continue
            for number in unexplained(path.read_text(encoding="utf-8")):
                missing.append(f"{path.relative_to(REPOSITORY)}:{number}")
    assert missing == [], "give each of these its reason after the code: " + ", ".join(missing)
