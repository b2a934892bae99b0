"""Profile-likelihood intervals of a Firth fit against an independent computation in R.

tests/analysis/r/firth_profile.R fits separated.csv with brglm2 (Firth's penalty) and profiles
the penalised log likelihood with optim and uniroot; its output is frozen beside it as JSON, so
this comparison runs without R. When Rscript and brglm2 are installed the script is rerun live.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from spcomms.analysis import model
from tests.analysis.model.rlive import live_json, needs_r, rerun

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


@needs_r("brglm2")
def test_r_run_live_gives_the_frozen_intervals(tmp_path: Path) -> None:
    rerun("firth_profile.R", ("separated.csv",), tmp_path)
    live = live_json(tmp_path, "firth_profile.json")
    for key in ("coef", "profile_low", "profile_high"):
        assert np.allclose(live[key], frozen()[key], rtol=0, atol=1e-9), key
