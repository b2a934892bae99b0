"""Hostile import files (issue 7): an attacker, or a careless export from another system,
hands staff a file made to break an importer. Whatever the file, ``spcomms import
communications``, ``import assessments`` and ``import covariates`` either import it or
refuse it with a readable message, never a traceback, and a refused file writes nothing:
every table of the project holds exactly the rows it held before.

The files are valid ones mutated by hypothesis (wrong encodings, stray bytes, NUL bytes,
quotes, line breaks, cut short, ragged rows, hostile JSON values and roots, keys given
twice), plus a few extremes run once (nesting 100,000 levels deep, a 10 MB cell, 100,000
columns). ``SPCOMMS_FUZZ_EXAMPLES`` raises the number of examples for a longer run.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
from collections.abc import Callable, Iterator
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.apps import apps
from django.core.management import call_command
from django.core.management.base import CommandError
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.communications.importing.conftest import GOOD_CSV, good
from tests.console import SPCOMMS

pytestmark = pytest.mark.django_db

settings.register_profile(
    "import-fuzz",
    max_examples=int(os.environ.get("SPCOMMS_FUZZ_EXAMPLES", "20")),
    deadline=None,
    derandomize=True,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
    ],
)
FUZZ = settings.get_profile("import-fuzz")

ASSESSMENTS_CSV = (
    "reference,person_key,period_months,development,source,information_level,"
    "impact_attention,impact_communication,negative_impact,assessed_on,basis,comment\n"
    "UA CHN 5/2016,ngo-1,12,somewhat_better,survey,complete,probably_yes,definitely_yes,"
    'false,2017-03-05,,"Released on bail, in May"\n'
    "AL CHN 9/2016,ngo-1,6,much_worse,desk,complete,,,yes,2017-01-20,Trial notes,\n"
)
ASSESSMENTS_JSON: list[dict[str, Any]] = [
    {
        "reference": "UA CHN 5/2016",
        "person_key": "ngo-2",
        "period_months": 12,
        "development": "same",
        "source": "desk",
        "information_level": "limited",
        "negative_impact": False,
        "basis": "Press reports",
    }
]
COVARIATES_CSV = (
    "country,year,polity,fragility,upr_within_year\nKEN,2015,9,12,1\nBRA,2015,8,7,\nCHN,2016,-7,\n"
)

# What a refusal may not hold: control characters (but the line breaks between problems),
# lone surrogates and bidirectional overrides, which would act on the user's terminal.
UNPRINTABLE = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff]")


# The database, before and after --------------------------------------------------------


def database_dump() -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table of the project, by model, in primary key order."""
    return {
        model._meta.label: list(model._base_manager.order_by("pk").values_list())
        for model in apps.get_models(include_auto_created=True)
        if model.__module__.startswith("spcomms.") and model._meta.managed and not model._meta.proxy
    }


def outcome(command: str, path: Path, *args: str) -> str | None:
    """Run ``spcomms import COMMAND PATH`` in-process: None when it imported the file, else
    its refusal, after checking that the refusal is readable and wrote nothing. Any other
    exception (a traceback for the user) fails the test."""
    before = database_dump()
    out, err = StringIO(), StringIO()
    try:
        call_command(f"import_{command}", str(path), *args, stdout=out, stderr=err)
    except CommandError as error:
        message = str(error)
        assert message.startswith(f"{path.name} was not imported and nothing was written"), message[
            :500
        ]
        assert message.rstrip().endswith("Correct the file and import it again.")
        assert not UNPRINTABLE.search(message), ascii(message[:500])
        assert max(len(line) for line in message.splitlines()) <= 1000
        assert "Traceback" not in err.getvalue()
        assert database_dump() == before, "a refused file changed the database"
        return message
    return None


@pytest.fixture
def hostile_file(tmp_path: Path) -> Callable[[bytes, str], Path]:
    def write(content: bytes, name: str) -> Path:
        path = tmp_path / name
        path.write_bytes(content)
        return path

    return write


@pytest.fixture
def communications_imported(reference: None, tmp_path: Path) -> None:
    """The communications the assessments name, imported."""
    path = tmp_path / "communications.json"
    path.write_text(json.dumps(good()), encoding="utf-8")
    call_command("import_communications", str(path), stdout=StringIO(), stderr=StringIO())


# Mutations of a valid file ---------------------------------------------------------------

ODD_BYTES = [
    b"\x00",
    b"\xff",
    b"\xfe\xff",
    b"\xc3",  # the first byte of a two-byte sequence, alone
    b"\xed\xa0\x80",  # a surrogate encoded in UTF-8, which UTF-8 forbids
    b"\xef\xbb\xbf",  # a byte order mark in the middle
    b'"',
    b'""',
    b"\r",
    b"\n",
    b"\r\n",
    b",",
    b";",
    b"\t",
    b"\x1b[2J",
    b"\\",
    b"{",
    b"]",
]
ENCODINGS = ["latin-1", "cp1252", "utf-16", "utf-16-le", "utf-16-be", "utf-32", "utf-8-sig"]


def _encoded(base: bytes) -> st.SearchStrategy[bytes]:
    """The file saved in another encoding, with accents to make the difference show."""
    text = base.decode("utf-8").replace("e", "é", 3)
    return st.sampled_from(ENCODINGS).map(lambda name: text.encode(name, errors="replace"))


def byte_mutations(base: bytes) -> st.SearchStrategy[bytes]:
    """A valid file, changed the way files get broken."""
    at = st.integers(min_value=0, max_value=len(base))
    odd = st.one_of(st.sampled_from(ODD_BYTES), st.binary(min_size=1, max_size=6))
    return st.one_of(
        _encoded(base),
        st.tuples(at, odd).map(lambda m: base[: m[0]] + m[1] + base[m[0] :]),
        st.tuples(at, odd).map(lambda m: base[: m[0]] + m[1] + base[m[0] + 1 :]),
        at.map(lambda cut: base[:cut]),  # cut short: the last row or object broken
        st.tuples(at, at).map(lambda m: base[: min(m)] + base[max(m) :]),
        st.tuples(at, at).map(lambda m: base[: max(m)] + base[min(m) :]),
    )


def csv_mutations(base: bytes) -> st.SearchStrategy[bytes]:
    """A valid CSV file changed as CSV files get broken: ragged rows, a quoted cell that
    spans lines, a last row left unfinished, besides the changes to any file."""
    lines = base.rstrip(b"\n").split(b"\n")
    row = st.integers(min_value=0, max_value=len(lines) - 1)

    def ragged(m: tuple[int, int]) -> bytes:
        changed = list(lines)
        changed[m[0]] += b"," * m[1]
        return b"\n".join(changed) + b"\n"

    def short(m: tuple[int, int]) -> bytes:
        changed = list(lines)
        changed[m[0]] = b",".join(changed[m[0]].split(b",")[: m[1]])
        return b"\n".join(changed) + b"\n"

    def spanning(index: int) -> bytes:
        changed = list(lines)
        changed[index] = changed[index].replace(b",", b',"two\nlines\r\nand ""quotes""",', 1)
        return b"\n".join(changed) + b"\n"

    unfinished = st.sampled_from([b'"never closed', b"a,b", b'x,"y', b"\x00", b"\xff"]).map(
        lambda tail: base + lines[-1][:20] + tail
    )
    return st.one_of(
        byte_mutations(base),
        st.tuples(row, st.integers(min_value=1, max_value=40)).map(ragged),
        st.tuples(row, st.integers(min_value=0, max_value=5)).map(short),
        row.map(spanning),
        unfinished,
    )


HOSTILE_VALUES = [
    "NaN",
    "Infinity",
    "-Infinity",
    "1e999",
    "-1e999",
    "9" * 5000,
    "-" + "9" * 120,
    "12345678901234567890",
    "0.1e-400",
    "-0",
    "true",
    "null",
    "[]",
    "{}",
    "[[[[[[]]]]]]",
    "[" * 800 + "]" * 800,
    '{"a": 1, "a": 2}',
    '"\\u0000"',
    '"before\\u0000after"',
    '"\\ud800"',
    '"\\udfff alone"',
    '"\\ud83d\\ude00 a pair is fine"',
    '"\\u001b]0;owned\\u0007"',
    '"\\u202egnp.exe"',
    "\"=cmd|' /C calc'!A0\"",
    '"@SUM(1+1)"',
    '"' + "x" * 200_000 + '"',
    '"UA CHN 5/2016"',
    '"ngo-1"',
]
HOSTILE_ROOTS = [
    '"communications"',
    "12",
    "null",
    "true",
    "[]",
    "{}",
    "[1, 2]",
    "[[]]",
    '{"communications": {}}',
    '{"assessments": "x"}',
    '{"communications": [], "communications": []}',
    "[{}]",
]
SENTINEL = "__hostile_value__"


def _slots(document: object) -> list[tuple[Any, Any]]:
    """Every place of the document a value stands: (its object or list, its key or index)."""
    found: list[tuple[Any, Any]] = []
    stack = [document]
    while stack:
        value = stack.pop()
        if isinstance(value, dict):
            found.extend((value, key) for key in value)
            stack.extend(value.values())
        elif isinstance(value, list):
            found.extend((value, index) for index in range(len(value)))
            stack.extend(value)
    return found


def json_mutations(base: Callable[[], Any]) -> st.SearchStrategy[bytes]:
    """A valid JSON document with one value made hostile, one key given twice, a hostile
    root, or broken as any file is broken."""
    template = base()
    slot_count = len(_slots(template))

    def with_value(m: tuple[int, str]) -> bytes:
        document = base()
        container, key = _slots(document)[m[0]]
        container[key] = SENTINEL
        return json.dumps(document).replace(f'"{SENTINEL}"', m[1], 1).encode()

    def with_key_twice(m: tuple[int, str]) -> bytes:
        document = base()
        objects = [c for c, k in _slots(document) if isinstance(c, dict)]
        container = objects[m[0] % len(objects)]
        name = sorted(container)[0]
        text = json.dumps(document)
        spot = f'"{name}": '
        return text.replace(spot, f"{spot}{m[1]}, {spot}", 1).encode()

    slot = st.integers(min_value=0, max_value=slot_count - 1)
    return st.one_of(
        st.tuples(slot, st.sampled_from(HOSTILE_VALUES)).map(with_value),
        st.tuples(slot, st.sampled_from(['"x"', "1", "null"])).map(with_key_twice),
        st.sampled_from(HOSTILE_ROOTS).map(str.encode),
        byte_mutations(json.dumps(template, indent=1).encode()),
    )


# The importers, through their commands, for many hostile files --------------------------


@FUZZ
@given(content=json_mutations(good))
def test_a_hostile_communications_json_file_is_imported_or_refused_and_writes_nothing(
    reference: None, hostile_file: Callable[[bytes, str], Path], content: bytes
) -> None:
    outcome("communications", hostile_file(content, "communications.json"))


@FUZZ
@given(content=csv_mutations(GOOD_CSV.encode()))
def test_a_hostile_communications_csv_file_is_imported_or_refused_and_writes_nothing(
    reference: None, hostile_file: Callable[[bytes, str], Path], content: bytes
) -> None:
    outcome("communications", hostile_file(content, "communications.csv"), "--format", "csv")


@FUZZ
@given(content=csv_mutations(ASSESSMENTS_CSV.encode()))
def test_a_hostile_assessments_csv_file_is_imported_or_refused_and_writes_nothing(
    communications_imported: None, hostile_file: Callable[[bytes, str], Path], content: bytes
) -> None:
    outcome("assessments", hostile_file(content, "assessments.csv"))


@FUZZ
@given(content=json_mutations(lambda: json.loads(json.dumps(ASSESSMENTS_JSON))))
def test_a_hostile_assessments_json_file_is_imported_or_refused_and_writes_nothing(
    communications_imported: None, hostile_file: Callable[[bytes, str], Path], content: bytes
) -> None:
    outcome("assessments", hostile_file(content, "assessments.json"))


@FUZZ
@given(content=csv_mutations(COVARIATES_CSV.encode()))
def test_a_hostile_covariates_file_is_imported_or_refused_and_writes_nothing(
    reference: None, hostile_file: Callable[[bytes, str], Path], content: bytes
) -> None:
    outcome("covariates", hostile_file(content, "covariates.csv"))


# The rules the fuzzing relies on, each shown once ---------------------------------------


def test_a_key_given_twice_is_refused_rather_than_the_last_value_silently_winning(
    reference: None, hostile_file: Callable[[bytes, str], Path]
) -> None:
    text = json.dumps(good()).replace(
        '"subject": ', '"subject": "A harmless subject", "subject": ', 1
    )

    message = outcome("communications", hostile_file(text.encode(), "twice.json"))

    assert message is not None
    assert "communications[0].subject: this key appears more than once in one object" in message


def test_a_valid_first_half_and_a_broken_last_row_write_nothing(
    reference: None, hostile_file: Callable[[bytes, str], Path]
) -> None:
    content = GOOD_CSV + '\nAL CHN 12/2016,2016-09-01,,"a letter whose row never ends'

    message = outcome("communications", hostile_file(content.encode(), "half.csv"))

    assert message is not None
    assert "cannot be read as CSV" in message


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("NaN", "NaN is not a number in JSON"),
        ("Infinity", "Infinity is not a number in JSON"),
        ("1e999", "the number 1e999 is too large to be read"),
        ("9" * 5000, "a number of 5000 characters"),
        ('"\\u0000"', "communications[0].subject: this text holds a NUL character"),
        ('"\\udc00"', "communications[0].subject: this text holds a NUL character"),
    ],
)
def test_json_that_python_reads_but_no_column_can_hold_is_refused(
    reference: None, hostile_file: Callable[[bytes, str], Path], value: str, expected: str
) -> None:
    document = good()
    document["communications"][0]["subject"] = SENTINEL
    text = json.dumps(document).replace(f'"{SENTINEL}"', value)

    message = outcome("communications", hostile_file(text.encode(), "odd.json"))

    assert message is not None
    assert expected in message


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (
            "country,year,polity\nKEN,2015,5\n".encode("utf-16"),
            "line 1: the file is not UTF-8 but UTF-16",
        ),
        (
            "country,year,polity\nKEN,2015,5\n".encode("utf-16-le"),
            "line 1: the file is not UTF-8 text: it holds a NUL byte",
        ),
        (
            b"country,year,polity\nKEN,2015,5\x00\n",
            "line 2: the file is not UTF-8 text: it holds a NUL byte",
        ),
        (
            "country,year,polity\nKEN,2015,5\n".encode("latin-1")
            + "CÔTE,2015,5\n".encode("latin-1"),
            "line 3: the file is not UTF-8 (byte 0xD4",
        ),
    ],
    ids=["utf-16 with BOM", "utf-16 without BOM", "a NUL byte", "latin-1"],
)
def test_a_file_in_another_encoding_is_refused_with_the_encoding_named(
    reference: None, hostile_file: Callable[[bytes, str], Path], content: bytes, expected: str
) -> None:
    message = outcome("covariates", hostile_file(content, "encoded.csv"))

    assert message is not None
    assert expected in message


def test_a_refusal_shows_the_control_characters_of_a_hostile_key_as_escapes(
    reference: None, hostile_file: Callable[[bytes, str], Path]
) -> None:
    document = good()
    document["communications"][0]["\x1b]0;owned\x07\u202e"] = "x"

    message = outcome("communications", hostile_file(json.dumps(document).encode(), "k.json"))

    assert message is not None
    assert "communications[0].\\x1b]0;owned\\x07\\u202e: unknown key" in message


# The extremes, once each -----------------------------------------------------------------


@pytest.mark.parametrize("command", ["communications", "assessments"])
def test_json_nested_100000_levels_deep_is_refused_without_a_recursion_error(
    communications_imported: None, hostile_file: Callable[[bytes, str], Path], command: str
) -> None:
    content = b"[" * 100_000 + b"]" * 100_000

    message = outcome(command, hostile_file(content, "deep.json"))

    assert message is not None
    assert "nests lists and objects too deeply" in message


@pytest.fixture(scope="module")
def ten_megabyte_cell() -> bytes:
    return b"x" * 10_000_000


@pytest.mark.parametrize(
    ("command", "header"),
    [
        ("communications", GOOD_CSV.split("\n")[0]),
        ("assessments", ASSESSMENTS_CSV.split("\n")[0]),
        ("covariates", "country,year,polity"),
    ],
)
def test_a_cell_of_ten_megabytes_is_refused_at_its_line(
    communications_imported: None,
    hostile_file: Callable[[bytes, str], Path],
    ten_megabyte_cell: bytes,
    command: str,
    header: str,
) -> None:
    content = header.encode() + b"\n" + ten_megabyte_cell + b",2015,5\n"

    message = outcome(command, hostile_file(content, "big.csv"))

    assert message is not None
    assert "line 2: a cell is longer than 131,072 characters" in message


@pytest.mark.parametrize(
    ("command", "first"),
    [
        ("communications", "reference,"),
        ("assessments", "reference,"),
        ("covariates", "country,year,"),
    ],
)
def test_a_header_of_100000_columns_is_refused_promptly_with_a_bounded_message(
    communications_imported: None,
    hostile_file: Callable[[bytes, str], Path],
    command: str,
    first: str,
) -> None:
    columns = ",".join(f"column_{index}" for index in range(100_000))
    content = f"{first}{columns}\n{'1,' * 100_001}\n".encode()

    message = outcome(command, hostile_file(content, "wide.csv"))

    assert message is not None
    assert "unknown column" in message
    assert "… and " in message  # 50 problems shown, the rest counted
    assert len(message) < 60_000


# As a program: the exit status and what the user sees -------------------------------------


def _hostile_files(folder: Path) -> Iterator[tuple[Path, str]]:
    """Two hostile assessment files, with what the refusal says of each (the in-process
    tests above cover the rest: a process start is slow)."""
    cases = {
        "deep.json": (b"[" * 100_000 + b"]" * 100_000, "nests lists and objects too deeply"),
        "twice.json": (
            json.dumps(ASSESSMENTS_JSON)
            .replace('"source": ', '"source": "x", "source": ')
            .encode(),
            "assessments[0].source: this key appears more than once",
        ),
    }
    for name, (content, expected) in cases.items():
        path = folder / name
        path.write_bytes(content)
        yield path, expected


def test_the_console_script_refuses_hostile_files_with_status_1_and_no_traceback(
    tmp_path: Path,
) -> None:
    """The assessments import reads the whole file before it opens the database, so these run
    against a database that was never created: it must still not exist afterwards."""
    database = tmp_path / "never.sqlite3"
    for path, expected in _hostile_files(tmp_path):
        result = subprocess.run(  # our own console script, on files this test wrote
            [str(SPCOMMS), "import", "assessments", str(path)],
            capture_output=True,
            text=True,
            check=False,
            timeout=120,
            env={
                "PATH": "/usr/bin:/bin",
                "DATABASE_URL": f"sqlite:///{database}",
                "SPCOMMS_VAR_DIR": str(tmp_path / "var"),
            },
        )
        assert result.returncode == 1, (path.name, result.stderr[-2000:])
        assert f"{path.name} was not imported and nothing was written" in result.stderr
        assert expected in result.stderr
        assert "Traceback" not in result.stderr
        assert result.stdout == ""
    assert not database.exists() or database.stat().st_size == 0
