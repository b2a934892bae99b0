"""Profile-likelihood intervals of a Firth fit against an independent computation in R.

tests/analysis/r/firth_profile.R fits separated.csv with brglm2 (Firth's penalty) and profiles
the penalised log likelihood with optim and uniroot; its output is frozen beside it as JSON, so
this comparison runs without R. When Rscript and brglm2 are installed the script is rerun live.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from spcomms.analysis import model

R_FOLDER = Path(__file__).parent.parent / "r"
PROFILE_ATOL = 1e-8  # measured: about 1e-13


def frozen() -> dict[str, Any]:
    result: dict[str, Any] = json.loads((R_FOLDER / "firth_profile.json").read_text())
    return result


def in_r_order(values: list[float | None]) -> np.ndarray:
    """spcomms puts the constant last, R first; an end not reached is None (NaN here)."""
    numbers = [np.nan if value is None else value for value in values]
    return np.array([numbers[-1], *numbers[:-1]])


def test_firth_profile_intervals_agree_with_r() -> None:
    expected = frozen()
    fit = model.fit_subset(model.read_file(R_FOLDER / "separated.csv"), "all")
    assert fit.method == "Firth penalised likelihood"
    assert fit.penalised_log_likelihood == pytest.approx(expected["penalised_loglik"], rel=1e-10)
    low = in_r_order([term.profile_low for term in fit.terms])
    high = in_r_order([term.profile_high for term in fit.terms])
    assert np.allclose(low, expected["profile_low"], rtol=0, atol=PROFILE_ATOL)
    assert np.allclose(high, expected["profile_high"], rtol=0, atol=PROFILE_ATOL)
    # The separated coefficient (business: no improved case) has a finite penalised interval
    # that reaches farther below its estimate than the symmetric Wald interval, and more than
    # twice as far below it as above.
    business = next(term for term in fit.terms if term.name == "business")
    assert business.profile_low is not None
    assert business.profile_high is not None
    assert business.profile_low < business.coef - model.Z_95 * business.se
    assert business.coef - business.profile_low > 2 * (business.profile_high - business.coef)


def _r_with_brglm2() -> bool:
    if shutil.which("Rscript") is None:
        return False
    probe = subprocess.run(
        ["Rscript", "-e", "library(brglm2)"], capture_output=True, timeout=60, check=False
    )
    return probe.returncode == 0


@pytest.mark.skipif(not _r_with_brglm2(), reason="Rscript with brglm2 is not installed")
def test_r_run_live_gives_the_frozen_intervals(tmp_path: Path) -> None:
    for name in ("firth_profile.R", "separated.csv"):
        shutil.copy(R_FOLDER / name, tmp_path / name)
    subprocess.run(
        ["Rscript", str(tmp_path / "firth_profile.R"), str(tmp_path)],
        check=True,
        capture_output=True,
        timeout=600,
    )
    live = json.loads((tmp_path / "firth_profile.json").read_text())
    for key in ("coef", "profile_low", "profile_high"):
        assert np.allclose(live[key], frozen()[key], rtol=0, atol=1e-9), key
