"""The committed R scripts rerun live, where R and the packages they need are installed.

Each R agreement test compares spcomms with R's outputs frozen beside the scripts, so it runs
without R; its live test reruns the script in a temporary folder and checks that R still gives
the frozen figures. ``make system-deps`` installs R and the packages from Debian.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

R_FOLDER = Path(__file__).parent.parent / "r"


def _r_has(packages: tuple[str, ...]) -> bool:
    if shutil.which("Rscript") is None:
        return False
    loads = "; ".join(f"library({package})" for package in packages) or "invisible(0)"
    probe = subprocess.run(["Rscript", "-e", loads], capture_output=True, timeout=60, check=False)
    return probe.returncode == 0


def needs_r(*packages: str) -> pytest.MarkDecorator:
    """Skip the test unless Rscript runs with ``packages``."""
    wanted = ", ".join(packages) or "base R"
    return pytest.mark.skipif(
        not _r_has(packages), reason=f"Rscript with {wanted} is not installed"
    )


def rerun(script: str, inputs: tuple[str, ...], folder: Path) -> Path:
    """Copy ``script``, the ``common.R`` it reads and its ``inputs`` from tests/analysis/r into
    ``folder`` and run it there; its outputs are then in ``folder``."""
    for name in (script, "common.R", *inputs):
        shutil.copy(R_FOLDER / name, folder / name)
    subprocess.run(
        ["Rscript", str(folder / script), str(folder)],
        check=True,
        capture_output=True,
        timeout=600,
    )
    return folder


def live_json(folder: Path, name: str) -> dict[str, Any]:
    result: dict[str, Any] = json.loads((folder / name).read_text())
    return result
