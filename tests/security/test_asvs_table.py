"""The OWASP ASVS 5.0 table of docs/security.md cannot rot (issue 7).

It fails when a level 1 or 2 requirement is missing, listed twice or out of order, when a
status is not one of the four, when a "met" or "partly" row cites no test, when a cited
test no longer exists, or when the summary's counts or its short list of what is not met
disagree with the rows.
"""

from __future__ import annotations

import ast
import re
from collections import Counter
from dataclasses import dataclass
from functools import cache
from pathlib import Path

REPOSITORY = Path(__file__).resolve().parents[2]
DOC = REPOSITORY / "docs" / "security.md"
HEADING = "## OWASP ASVS 5.0 level 2"
STATUSES = ("met", "partly", "not met", "n/a")
MAX_WORDS = 12

# The identifiers of every ASVS 5.0.0 requirement of level 1 or 2, in the standard's order
# (identifiers only: the standard's text stays in the standard).
_IDENTIFIERS = """
    V1.1.1 V1.1.2 V1.2.1 V1.2.2 V1.2.3 V1.2.4 V1.2.5 V1.2.6 V1.2.7 V1.2.8 V1.2.9 V1.3.1 V1.3.2
    V1.3.3 V1.3.4 V1.3.5 V1.3.6 V1.3.7 V1.3.8 V1.3.9 V1.3.10 V1.3.11 V1.4.1 V1.4.2 V1.4.3
    V1.5.1 V1.5.2 V2.1.1 V2.1.2 V2.1.3 V2.2.1 V2.2.2 V2.2.3 V2.3.1 V2.3.2 V2.3.3 V2.3.4 V2.4.1
    V3.2.1 V3.2.2 V3.3.1 V3.3.2 V3.3.3 V3.3.4 V3.4.1 V3.4.2 V3.4.3 V3.4.4 V3.4.5 V3.4.6 V3.5.1
    V3.5.2 V3.5.3 V3.5.4 V3.5.5 V3.7.1 V3.7.2 V4.1.1 V4.1.2 V4.1.3 V4.2.1 V4.3.1 V4.3.2 V4.4.1
    V4.4.2 V4.4.3 V4.4.4 V5.1.1 V5.2.1 V5.2.2 V5.2.3 V5.3.1 V5.3.2 V5.4.1 V5.4.2 V5.4.3 V6.1.1
    V6.1.2 V6.1.3 V6.2.1 V6.2.2 V6.2.3 V6.2.4 V6.2.5 V6.2.6 V6.2.7 V6.2.8 V6.2.9 V6.2.10
    V6.2.11 V6.2.12 V6.3.1 V6.3.2 V6.3.3 V6.3.4 V6.4.1 V6.4.2 V6.4.3 V6.4.4 V6.5.1 V6.5.2
    V6.5.3 V6.5.4 V6.5.5 V6.6.1 V6.6.2 V6.6.3 V6.8.1 V6.8.2 V6.8.3 V6.8.4 V7.1.1 V7.1.2 V7.1.3
    V7.2.1 V7.2.2 V7.2.3 V7.2.4 V7.3.1 V7.3.2 V7.4.1 V7.4.2 V7.4.3 V7.4.4 V7.4.5 V7.5.1 V7.5.2
    V7.6.1 V7.6.2 V8.1.1 V8.1.2 V8.2.1 V8.2.2 V8.2.3 V8.3.1 V8.4.1 V9.1.1 V9.1.2 V9.1.3 V9.2.1
    V9.2.2 V9.2.3 V9.2.4 V10.1.1 V10.1.2 V10.2.1 V10.2.2 V10.3.1 V10.3.2 V10.3.3 V10.3.4
    V10.4.1 V10.4.2 V10.4.3 V10.4.4 V10.4.5 V10.4.6 V10.4.7 V10.4.8 V10.4.9 V10.4.10 V10.4.11
    V10.5.1 V10.5.2 V10.5.3 V10.5.4 V10.5.5 V10.6.1 V10.6.2 V10.7.1 V10.7.2 V10.7.3 V11.1.1
    V11.1.2 V11.2.1 V11.2.2 V11.2.3 V11.3.1 V11.3.2 V11.3.3 V11.4.1 V11.4.2 V11.4.3 V11.4.4
    V11.5.1 V11.6.1 V12.1.1 V12.1.2 V12.1.3 V12.2.1 V12.2.2 V12.3.1 V12.3.2 V12.3.3 V12.3.4
    V13.1.1 V13.2.1 V13.2.2 V13.2.3 V13.2.4 V13.2.5 V13.3.1 V13.3.2 V13.4.1 V13.4.2 V13.4.3
    V13.4.4 V13.4.5 V14.1.1 V14.1.2 V14.2.1 V14.2.2 V14.2.3 V14.2.4 V14.3.1 V14.3.2 V14.3.3
    V15.1.1 V15.1.2 V15.1.3 V15.2.1 V15.2.2 V15.2.3 V15.3.1 V15.3.2 V15.3.3 V15.3.4 V15.3.5
    V15.3.6 V15.3.7 V16.1.1 V16.2.1 V16.2.2 V16.2.3 V16.2.4 V16.2.5 V16.3.1 V16.3.2 V16.3.3
    V16.3.4 V16.4.1 V16.4.2 V16.4.3 V16.5.1 V16.5.2 V16.5.3 V17.1.1 V17.2.1 V17.2.2 V17.2.3
    V17.2.4 V17.3.1 V17.3.2
"""
LEVEL_2_IDS = _IDENTIFIERS.split()

ROW = re.compile(r"^\|\s*(V\d+\.\d+\.\d+)\s*\|(.*)\|\s*$")
CITED = re.compile(r"`(tests/[^`\s]+?\.py)(::[^`\s]+)?`")
SUMMARY = re.compile(
    r"\*\*Summary\*\*: (\d+) met, (\d+) partly met, (\d+) not met, (\d+) not applicable "
    r"\((\d+) requirements\)"
)


@dataclass(frozen=True)
class Row:
    id: str
    asks: str
    status: str
    shown: str


def section(text: str) -> str:
    """The ASVS section: from its heading to the next heading of the same level."""
    start = text.index(HEADING)
    following = re.search(r"^## ", text[start + len(HEADING) :], re.M)
    return text[start : start + len(HEADING) + following.start()] if following else text[start:]


def rows_of(text: str) -> list[Row]:
    rows = []
    for line in section(text).splitlines():
        found = ROW.match(line)
        if found:
            cells = [cell.strip() for cell in found.group(2).split("|")]
            asks, status, shown = cells[0], cells[1], "|".join(cells[2:])
            rows.append(Row(found.group(1), asks, status, shown))
    return rows


@cache
def _definitions(path: Path) -> frozenset[str]:
    """``name`` for every module-level function and ``Class::name`` for every method."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in tree.body:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            names.add(node.name)
        elif isinstance(node, ast.ClassDef):
            names.add(node.name)
            for item in node.body:
                if isinstance(item, ast.FunctionDef | ast.AsyncFunctionDef):
                    names.add(f"{node.name}::{item.name}")
    return frozenset(names)


def citation_problem(path: str, node: str | None) -> str | None:
    """Why ``path::node`` is not a test of this repository, or None when it is."""
    if node is None:
        return f"{path} names no test (write {path}::test_name)"
    file = REPOSITORY / path
    if not file.is_file():
        return f"{path} does not exist"
    name = re.sub(r"\[.*\]$", "", node.removeprefix("::"))  # a parametrised case
    if not name.rsplit("::", 1)[-1].startswith("test"):
        return f"{path}::{name} is not a test"
    if name not in _definitions(file):
        return f"{path} defines no {name}"
    return None


def problems(text: str, ids: list[str]) -> list[str]:
    """Everything wrong with the table in ``text``; empty when it is sound."""
    rows = rows_of(text)
    found: list[str] = []
    listed = [row.id for row in rows]
    counts = Counter(listed)
    found += [f"{id} is listed {n} times" for id, n in counts.items() if n > 1]
    found += [f"{id} is missing" for id in ids if id not in counts]
    found += [
        f"{id} is not a level 1 or 2 requirement of ASVS 5.0.0" for id in counts if id not in ids
    ]
    if not found and listed != ids:
        first = next(i for i, (a, b) in enumerate(zip(listed, ids, strict=True)) if a != b)
        found.append(f"out of the standard's order at {listed[first]} (expected {ids[first]})")
    for row in rows:
        if row.status not in STATUSES:
            found.append(f"{row.id}: status {row.status!r} is not one of {', '.join(STATUSES)}")
        if len(row.asks.split()) > MAX_WORDS:
            found.append(f"{row.id}: more than {MAX_WORDS} words in the second column")
        cited = CITED.findall(row.shown)
        if row.status in ("met", "partly") and not cited:
            found.append(f"{row.id}: {row.status} but no test is cited")
        if row.status != "met" and not CITED.sub("", row.shown).strip(" ,;:"):
            found.append(f"{row.id}: {row.status} but no reason is given")
        for path, node in cited:
            problem = citation_problem(path, node or None)
            if problem:
                found.append(f"{row.id}: {problem}")
    in_short = re.search(r"^Not met, in short:(.*?)(?:\n\n|\Z)", section(text), re.M | re.S)
    if in_short is None:
        found.append("no short list of what is not met")
    else:
        named = set(re.findall(r"V\d+\.\d+\.\d+", in_short.group(1)))
        not_met = {row.id for row in rows if row.status == "not met"}
        if named != not_met:
            found.append(
                f"the short list names {sorted(named - not_met)} wrongly "
                f"and leaves out {sorted(not_met - named)}"
            )
    summary = SUMMARY.search(section(text))
    if summary is None:
        found.append("no summary line of counts")
    else:
        statuses = Counter(row.status for row in rows)
        wanted = [statuses[s] for s in STATUSES] + [len(rows)]
        if [int(n) for n in summary.groups()] != wanted:
            found.append(f"the summary says {summary.group(0)!r}, the rows count {wanted}")
    return found


def test_the_asvs_table_lists_every_level_2_requirement_with_a_live_test_or_a_reason() -> None:
    assert len(LEVEL_2_IDS) == len(set(LEVEL_2_IDS)) == 253
    assert problems(DOC.read_text(encoding="utf-8"), LEVEL_2_IDS) == []


TABLE = """
## OWASP ASVS 5.0 level 2

**Summary**: 2 met, 1 partly met, 1 not met, 1 not applicable (5 requirements).

Not met, in short: the reason (V1.2.2).

| ID | what it asks (our words) | status | shown by / reason |
|---|---|---|---|
| V1.1.1 | one | met | `tests/audit/test_audit.py::test_it_refuses_free_text_in_the_detail` |
| V1.1.2 | two | met | `tests/web/test_headers.py::test_https_responses_carry_hsts_when_tls_is_on` |
| V1.2.1 | three | partly | `tests/core/test_settings.py::test_production_refuses_debug`; the rest |
| V1.2.2 | four | not met | the reason |
| V1.2.3 | five | n/a | no such feature |

## Next section
"""
IDS = ["V1.1.1", "V1.1.2", "V1.2.1", "V1.2.2", "V1.2.3"]


def test_the_check_passes_a_sound_table() -> None:
    assert problems(TABLE, IDS) == []


def test_the_check_finds_a_missing_a_doubled_and_an_unknown_requirement() -> None:
    broken = TABLE.replace("| V1.1.2 | two", "| V1.1.1 | two").replace("| V1.2.3 |", "| V9.9.9 |")
    found = problems(broken, IDS)
    assert "V1.1.1 is listed 2 times" in found
    assert "V1.1.2 is missing" in found
    assert "V1.2.3 is missing" in found
    assert "V9.9.9 is not a level 1 or 2 requirement of ASVS 5.0.0" in found


def test_the_check_finds_rows_out_of_order() -> None:
    assert problems(TABLE, ["V1.1.2", "V1.1.1", *IDS[2:]]) == [
        "out of the standard's order at V1.1.1 (expected V1.1.2)"
    ]


def test_the_check_finds_a_renamed_test_a_missing_file_and_a_bare_file() -> None:
    broken = (
        TABLE.replace("carry_hsts_when_tls_is_on", "carry_hsts_renamed")
        .replace("tests/core/test_settings.py::", "tests/core/test_gone.py::")
        .replace("the reason", "`tests/audit/test_audit.py`")
    )
    found = problems(broken, IDS)
    assert (
        "V1.1.2: tests/web/test_headers.py defines no test_https_responses_carry_hsts_renamed"
        in found
    )
    assert "V1.2.1: tests/core/test_gone.py does not exist" in found
    assert any(line.startswith("V1.2.2: tests/audit/test_audit.py names no test") for line in found)


def test_a_parametrised_case_and_a_method_of_a_test_class_count_as_existing() -> None:
    assert (
        citation_problem(
            "tests/security/test_asvs_checks.py",
            "::test_a_password_from_the_common_list_is_refused[password1234]",
        )
        is None
    )
    assert citation_problem("tests/security/test_asvs_table.py", "::TestNothing::test_it") == (
        "tests/security/test_asvs_table.py defines no TestNothing::test_it"
    )


def test_the_check_finds_a_bad_status_a_met_row_without_a_test_and_no_reason() -> None:
    broken = (
        TABLE.replace("| four | not met | the reason |", "| four | done |  |")
        .replace("| five | n/a | no such feature |", "| five | n/a | |")
        .replace("| two | met | `tests/web/test_headers.py::", "| two | met | see `src/")
    )
    found = problems(broken, IDS)
    assert "V1.2.2: status 'done' is not one of met, partly, not met, n/a" in found
    assert "V1.1.2: met but no test is cited" in found
    assert "V1.2.3: n/a but no reason is given" in found


def test_the_check_finds_a_summary_that_disagrees_and_a_long_description() -> None:
    broken = TABLE.replace("2 met, 1 partly", "3 met, 1 partly").replace(
        "| one |", "| " + " ".join(["word"] * 13) + " |"
    )
    found = problems(broken, IDS)
    assert "V1.1.1: more than 12 words in the second column" in found
    assert any(line.startswith("the summary says") for line in found)


def test_the_check_finds_a_short_list_that_disagrees_with_the_rows() -> None:
    broken = TABLE.replace("the reason (V1.2.2)", "the reason (V1.2.3)")
    assert problems(broken, IDS) == [
        "the short list names ['V1.2.3'] wrongly and leaves out ['V1.2.2']"
    ]
