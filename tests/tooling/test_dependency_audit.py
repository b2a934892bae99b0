"""The dependency audit of ``make check`` (tools/dependency_audit.py): it fails on a known
vulnerability, and never reports "no known vulnerabilities" when it could look none up."""

from __future__ import annotations

import pytest
from tools.dependency_audit import (
    IGNORE_FILE,
    IgnoreFileError,
    read_ignored,
    read_report,
    verdict,
)


def _report(*dependencies: dict[str, object]) -> dict[str, object]:
    return {"dependencies": list(dependencies), "fixes": []}


AUDITED = {"name": "django", "version": "5.2.19", "vulns": []}
SKIPPED = {"name": "tqdm", "skip_reason": "Dependency not found on PyPI and could not be audited"}
VULNERABLE = {
    "name": "pillow",
    "version": "9.0.0",
    "vulns": [{"id": "PYSEC-2022-0001", "fix_versions": ["9.0.1"], "aliases": []}],
}


def test_a_known_vulnerability_fails_the_check_and_names_the_fix() -> None:
    status, lines = verdict(read_report(_report(AUDITED, VULNERABLE)), required=False)
    assert status == 1
    assert "pillow 9.0.0: PYSEC-2022-0001 (fixed in 9.0.1)" in lines


def test_an_audit_that_could_look_nothing_up_says_skipped_not_safe() -> None:
    status, lines = verdict(read_report(_report(SKIPPED, SKIPPED)), required=False)
    assert status == 0
    assert "SKIPPED" in lines[0]
    assert "no known vulnerability" not in " ".join(lines)


def test_an_audit_that_could_look_nothing_up_fails_when_it_is_required() -> None:
    status, _lines = verdict(read_report(_report(SKIPPED)), required=True)
    assert status == 1


def test_a_clean_audit_names_the_dependencies_it_could_not_look_up() -> None:
    status, lines = verdict(read_report(_report(AUDITED, SKIPPED)), required=True)
    assert status == 0
    assert lines[0] == "Dependency audit: 1 dependencies, no known vulnerability."
    assert "tqdm" in lines[1]


def test_an_ignored_vulnerability_must_give_its_reason() -> None:
    assert read_ignored("# a comment\n\nGHSA-1234-abcd  # only the admin CLI uses it\n") == {
        "GHSA-1234-abcd": "only the admin CLI uses it"
    }
    with pytest.raises(IgnoreFileError, match="line 1"):
        read_ignored("GHSA-1234-abcd\n")
    with pytest.raises(IgnoreFileError, match="line 2"):
        read_ignored("# fine\nGHSA-1 GHSA-2  # two ids on one line\n")


def test_the_committed_ignore_file_gives_every_reason() -> None:
    read_ignored(IGNORE_FILE.read_text(encoding="utf-8"))
