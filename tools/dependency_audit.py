"""``python -m tools.dependency_audit`` (in ``make check``): known vulnerabilities in the
installed dependencies, with pip-audit asking PyPI's vulnerability data.

pip-audit prints "No known vulnerabilities found" even when it could look none up (it only
warns about each dependency it skipped), so this reads its JSON and says what it really did:

- a vulnerability that is not ignored: listed with the fixed versions, exit 1;
- every dependency audited, or a few skipped: "audited N", the skipped ones named, exit 0;
- none could be looked up (PyPI's vulnerability data does not answer, as on a machine that
  reaches only a mirror of the package files): "SKIPPED", exit 0, or exit 1 when
  ``SPCOMMS_REQUIRE_AUDIT=1``.

Ignored vulnerabilities are in ``tools/pip-audit-ignore.txt``, each with its reason.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

IGNORE_FILE = Path(__file__).resolve().parent / "pip-audit-ignore.txt"


class IgnoreFileError(ValueError):
    """A line of the ignore file without an id or without its reason."""


def read_ignored(text: str) -> dict[str, str]:
    """The ignored vulnerability ids of the ignore file's text, each with its reason."""
    ignored: dict[str, str] = {}
    for number, line in enumerate(text.splitlines(), start=1):
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        identifier, _, reason = stripped.partition("#")
        identifier, reason = identifier.strip(), reason.strip()
        if not identifier or " " in identifier or not reason:
            raise IgnoreFileError(
                f"line {number}: write the vulnerability id, then '#' and why it is ignored"
            )
        ignored[identifier] = reason
    return ignored


@dataclass
class Audit:
    audited: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    found: list[str] = field(default_factory=list)  # "name version: id (fixed in ...)"


def read_report(report: dict[str, Any]) -> Audit:
    """What pip-audit's JSON report says was audited, skipped and found."""
    audit = Audit()
    for dependency in report.get("dependencies", []):
        name = str(dependency.get("name", "?"))
        if "skip_reason" in dependency:
            audit.skipped.append(name)
            continue
        audit.audited.append(name)
        for vulnerability in dependency.get("vulns", []):
            fixed = ", ".join(vulnerability.get("fix_versions", [])) or "no fixed version"
            audit.found.append(
                f"{name} {dependency.get('version', '?')}: {vulnerability.get('id', '?')}"
                f" (fixed in {fixed})"
            )
    return audit


def verdict(audit: Audit, *, required: bool) -> tuple[int, list[str]]:
    """The exit status and the lines to print."""
    if audit.found:
        return 1, ["Known vulnerabilities in the dependencies:", *audit.found]
    if not audit.audited:
        lines = [
            f"Dependency audit SKIPPED: none of the {len(audit.skipped)} dependencies could be"
            " looked up in PyPI's vulnerability data (set SPCOMMS_REQUIRE_AUDIT=1 to make"
            " this an error)."
        ]
        return (1 if required else 0), lines
    lines = [f"Dependency audit: {len(audit.audited)} dependencies, no known vulnerability."]
    if audit.skipped:
        lines.append(f"  not audited (not found on PyPI): {', '.join(sorted(audit.skipped))}")
    return 0, lines


def main() -> int:
    try:
        ignored = read_ignored(IGNORE_FILE.read_text(encoding="utf-8"))
    except IgnoreFileError as error:
        print(f"{IGNORE_FILE.name}: {error}")
        return 2
    command = [
        str(Path(sys.executable).parent / "pip-audit"),
        "--vulnerability-service",
        "pypi",
        "--skip-editable",  # spcomms itself
        "--format",
        "json",
        "--progress-spinner",
        "off",
    ]
    for identifier in ignored:
        command += ["--ignore-vuln", identifier]
    completed = subprocess.run(  # noqa: S603  # pip-audit from our own virtual environment
        command, capture_output=True, text=True, check=False
    )
    try:
        report = json.loads(completed.stdout)
    except json.JSONDecodeError:
        print("pip-audit gave no report:", completed.stderr.strip()[-2000:])
        return 2
    status, lines = verdict(
        read_report(report), required=os.environ.get("SPCOMMS_REQUIRE_AUDIT") == "1"
    )
    print("\n".join(lines))
    if ignored:
        print(f"  ignored ({IGNORE_FILE.name}): {', '.join(sorted(ignored))}")
    return status


if __name__ == "__main__":
    sys.exit(main())
