"""What spcomms reports beside the coefficients, against R (issue 6's tolerances).

tests/analysis/r/measures.R computed, with R alone, the log likelihood, the Cox-Snell and
Nagelkerke pseudo-R2, the p-values and stars, the clustered standard errors
(sandwich::vcovCL, HC1), the average marginal effects with delta-method standard errors (the
Jacobian by central differences), the AUC (over every pair) and the Brier score, for the
maximum likelihood fit of cases.csv and the Firth fit of separated.csv. Its output is frozen as
measures.json; the last test reruns the script live when Rscript is installed.
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
# Issue 6: log likelihood 1e-9, pseudo-R2 1e-10, the rest 1e-8; stars identical.
# Measured (cases, then separated): log likelihood 0 and 2e-12 relative; pseudo-R2 2e-16 and
# 2e-12; clustered SEs 5e-13 and 4e-11; AME 5e-15 and 3e-10, their SEs 3e-10 and 1e-10
# (R's Jacobian by differences); AUC 0; Brier 1e-17 and 5e-14.
LOGLIK_RTOL = 1e-9
PSEUDO_R2_ATOL = 1e-10
RTOL = 1e-8
ATOL = 1e-8


def frozen(name: str) -> dict[str, Any]:
    result: dict[str, Any] = json.loads((R_FOLDER / "measures.json").read_text())[name]
    return result


def in_r_order(values: list[Any]) -> list[Any]:
    """spcomms puts the constant last, R first."""
    return [values[-1], *values[:-1]]


@pytest.mark.parametrize(
    ("name", "method"),
    [("cases", "maximum likelihood"), ("separated", "Firth penalised likelihood")],
)
def test_fit_measures_stars_and_effects_agree_with_r(name: str, method: str) -> None:
    expected = frozen(name)
    fit = model.fit_subset(model.read_file(R_FOLDER / f"{name}.csv"), "all")
    assert fit.method == method
    assert expected["terms"][1:] == [term.name for term in fit.terms][:-1]
    assert fit.log_likelihood == pytest.approx(expected["loglik"], rel=LOGLIK_RTOL)
    assert fit.log_likelihood_null == pytest.approx(expected["loglik_null"], rel=LOGLIK_RTOL)
    assert fit.cox_snell == pytest.approx(expected["cox_snell"], abs=PSEUDO_R2_ATOL)
    assert fit.nagelkerke == pytest.approx(expected["nagelkerke"], abs=PSEUDO_R2_ATOL)
    assert in_r_order([term.stars for term in fit.terms]) == expected["stars"]
    assert any(expected["stars"])  # the comparison covers stars, not only blanks
    pvalues = in_r_order([term.p for term in fit.terms])
    assert np.allclose(pvalues, expected["p"], rtol=RTOL, atol=0)
    clustered = in_r_order([term.se_cluster or np.nan for term in fit.terms])
    assert np.allclose(clustered, expected["se_cluster"], rtol=RTOL, atol=0)
    effects = [term.ame or np.nan for term in fit.terms[:-1]]
    assert np.allclose(effects, expected["ame"], rtol=RTOL, atol=0)
    effect_ses = [term.ame_se or np.nan for term in fit.terms[:-1]]
    assert np.allclose(effect_ses, expected["ame_se"], rtol=RTOL, atol=0)
    assert fit.auc == pytest.approx(expected["auc"], abs=ATOL)
    assert fit.brier == pytest.approx(expected["brier"], abs=ATOL)


@needs_r("sandwich")
def test_r_run_live_gives_the_frozen_measures(tmp_path: Path) -> None:
    rerun("measures.R", ("cases.csv", "separated.csv"), tmp_path)
    live = live_json(tmp_path, "measures.json")
    for name in ("cases", "separated"):
        expected = frozen(name)
        assert live[name]["terms"] == expected["terms"]
        assert live[name]["stars"] == expected["stars"]
        for key in ("loglik", "cox_snell", "nagelkerke", "p", "se_cluster", "ame", "ame_se"):
            assert np.allclose(live[name][key], expected[key], rtol=1e-9, atol=0), key
        for key in ("auc", "brier"):
            assert live[name][key] == pytest.approx(expected[key], abs=1e-12), key
