"""spcomms' model against R (glm, brglm2's Firth, sandwich's clustered standard errors).

tests/analysis/r/model.R fitted the invented fixtures tests/analysis/r/*.csv; its outputs are
frozen beside it as JSON, so this comparison runs without R. When Rscript is installed
(Debian: r-base-core r-cran-brglm2 r-cran-sandwich; `make system-deps`), the last test reruns
the script live and checks that R still gives the frozen figures.
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
COEF_RTOL = 1e-8  # issue 6 asks 1e-8; measured 1e-14 (ML) and 3e-10 (Firth)
SE_RTOL = 1e-8


def frozen(name: str) -> dict[str, Any]:
    result: dict[str, Any] = json.loads((R_FOLDER / f"{name}.json").read_text())
    return result


def in_r_order(values: list[float]) -> np.ndarray:
    """spcomms puts the constant last, R first."""
    return np.array([values[-1], *values[:-1]])


def test_maximum_likelihood_agrees_with_glm_and_vcovcl() -> None:
    expected = frozen("cases")
    fit = model.fit_subset(model.read_file(R_FOLDER / "cases.csv"), "all")
    assert fit.method == expected["method"] == "maximum likelihood"
    assert fit.separation is not None
    assert not fit.separation.found
    assert expected["terms"][1:] == [name for name, _ in model.PREDICTORS]
    coefs = in_r_order([term.coef for term in fit.terms])
    assert np.allclose(coefs, expected["coef"], rtol=COEF_RTOL, atol=0)
    ses = in_r_order([term.se for term in fit.terms])
    assert np.allclose(ses, expected["se"], rtol=SE_RTOL, atol=0)
    assert fit.log_likelihood == pytest.approx(expected["loglik"], rel=1e-9)
    clustered = in_r_order([term.se_cluster or np.nan for term in fit.terms])
    assert np.allclose(clustered, expected["se_cluster"], rtol=SE_RTOL, atol=0)
    # R's (MASS's) profile intervals interpolate the profile on a grid with a spline: they
    # agree to about 2e-4; spcomms finds the ends by root-finding (checked exactly below).
    low = in_r_order([term.profile_low or np.nan for term in fit.terms])
    high = in_r_order([term.profile_high or np.nan for term in fit.terms])
    assert np.allclose(low, expected["profile_low"], rtol=0, atol=1e-3)
    assert np.allclose(high, expected["profile_high"], rtol=0, atol=1e-3)


def test_profile_interval_ends_are_where_the_likelihood_drops_by_the_chi_square_point() -> None:
    frame = model.read_file(R_FOLDER / "cases.csv")
    fit = model.fit_subset(frame, "all")
    data, _ = model.prepare(frame, "all")
    names = [name for name, _ in model.PREDICTORS]
    x = np.column_stack([data[names].to_numpy(float), np.ones(len(data))])
    y = data["improved"].to_numpy(float)
    assert fit.log_likelihood is not None
    for j, term in enumerate(fit.terms):
        assert term.profile_low is not None
        assert term.profile_high is not None
        assert term.profile_low < term.coef < term.profile_high
        for end in (term.profile_low, term.profile_high):
            drop = 2 * (fit.log_likelihood - model._profile_log_likelihood(x, y, j, end))
            assert drop == pytest.approx(3.841458820694124, abs=1e-7)


def test_firth_agrees_with_brglm2_where_glm_runs_off() -> None:
    expected = frozen("separated")
    # R's glm "converges" to a huge coefficient for business: the separation it cannot see.
    assert expected["glm_converged"] is True
    assert expected["glm_largest_abs_coef"] > 15
    fit = model.fit_subset(model.read_file(R_FOLDER / "separated.csv"), "all")
    assert fit.separation is not None
    assert fit.separation.kind == "quasi-complete"
    assert fit.separation.directions == {"business": -1}
    assert fit.method == expected["method"] == "Firth penalised likelihood"
    coefs = in_r_order([term.coef for term in fit.terms])
    assert np.allclose(coefs, expected["coef"], rtol=COEF_RTOL, atol=0)
    ses = in_r_order([term.se for term in fit.terms])
    assert np.allclose(ses, expected["se"], rtol=SE_RTOL, atol=0)


@needs_r("brglm2", "sandwich")
def test_r_run_live_gives_the_frozen_figures(tmp_path: Path) -> None:
    rerun("model.R", ("cases.csv", "separated.csv"), tmp_path)
    for name in ("cases", "separated"):
        live = live_json(tmp_path, f"{name}.json")
        expected = frozen(name)
        assert live["terms"] == expected["terms"]
        assert live["method"] == expected["method"]
        for key in ("coef", "se", "se_cluster", "profile_low", "profile_high"):
            if key in expected:
                assert np.allclose(live[key], expected[key], rtol=1e-9, atol=0), key
