"""spcomms' separation check against R: the same verdicts on thirty invented samples.

tests/analysis/r/separation.R solves Konis's linear programmes with R's lpSolve on every sample
of tests/analysis/r/separation_samples.csv (made by make_separation_fixtures.py: drawn samples
from 40 to 461 cases, and samples separated completely or quasi-completely by construction).
Its verdicts are frozen beside it as JSON, so this comparison runs without R; when Rscript and
lpSolve are installed (Debian: r-base-core r-cran-lpsolve; `make system-deps`), the last test
reruns the script live and checks that R still gives the frozen verdicts.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

from spcomms.analysis import model
from tests.analysis.model.rlive import live_json, needs_r, rerun

R_FOLDER = Path(__file__).parent.parent / "r"
NAMES = [name for name, _ in model.PREDICTORS]


def frozen() -> dict[str, Any]:
    verdicts: dict[str, Any] = json.loads((R_FOLDER / "separation.json").read_text())["samples"]
    return verdicts


def samples() -> dict[str, pd.DataFrame]:
    every = pd.read_csv(R_FOLDER / "separation_samples.csv")
    return {str(name): group for name, group in every.groupby("sample", sort=False)}


def spcomms_verdict(data: pd.DataFrame) -> model.Separation:
    x = np.column_stack([data[NAMES].to_numpy(float), np.ones(len(data))])
    return model.detect_separation(x, data["improved"].to_numpy(float), [*NAMES, model.CONSTANT])


def in_spcomms_names(directions: dict[str, int]) -> dict[str, int]:
    return {
        (model.CONSTANT if name == "(Intercept)" else name): way for name, way in directions.items()
    }


def test_the_fixtures_hold_every_kind_of_verdict() -> None:
    kinds = [verdict["kind"] for verdict in frozen().values()]
    assert len(kinds) == len(samples()) == 30
    assert kinds.count("none") >= 5
    assert kinds.count("quasi-complete") >= 5
    assert kinds.count("complete") >= 3


@pytest.mark.parametrize("name", sorted(samples()))
def test_spcomms_gives_r_verdict_kind_and_directions(name: str) -> None:
    expected = frozen()[name]
    found = spcomms_verdict(samples()[name])
    assert found.found is expected["found"]
    assert found.kind == expected["kind"]
    assert found.directions == in_spcomms_names(expected["directions"])


@needs_r("lpSolve")
def test_r_run_live_gives_the_frozen_verdicts(tmp_path: Path) -> None:
    rerun("separation.R", ("separation_samples.csv",), tmp_path)
    assert live_json(tmp_path, "separation.json")["samples"] == frozen()
