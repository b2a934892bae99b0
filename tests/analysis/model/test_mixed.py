"""The random-intercept model by country beside the main model, against R's lme4.

tests/analysis/r/mixed.R fitted ``glmer(..., family = binomial, nAGQ = 25)`` on three invented
fixtures; its output is frozen beside it as mixed.json, so the comparison runs without R. When
Rscript and lme4 are installed (Debian: r-base-core r-cran-lme4; `make system-deps`), the last
test reruns the script live and checks that R still gives the frozen figures.
"""

from __future__ import annotations

import json
import math
import shutil
from io import StringIO
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from django.core.management import call_command
from scipy import integrate

from spcomms.analysis import mixed, model
from tests.analysis.model.rlive import live_json, needs_r, rerun

R_FOLDER = Path(__file__).parent.parent / "r"
MODEL_FOLDER = Path(__file__).parent
FILES = {
    "clustered": R_FOLDER / "clustered.csv",
    "cases": R_FOLDER / "cases.csv",
    "zero": MODEL_FOLDER / "cases.csv",
}
# Issue 6 asks 1e-4 of glmer with nAGQ = 25. Measured: coefficients 2.5e-5 relative (2.5e-6
# absolute; glmer's bobyqa stops there), standard errors 1.2e-5 relative (lme4 differentiates
# its deviance numerically with steps of 1e-4), s 2.3e-7, log likelihood 1e-11.
RTOL = 1e-4


def frozen() -> dict[str, Any]:
    result: dict[str, Any] = json.loads((R_FOLDER / "mixed.json").read_text())
    return result


def fitted(name: str) -> tuple[model.Fit, mixed.RandomIntercept]:
    frame = model.read_file(FILES[name])
    fit = model.fit_subset(frame, "all")
    return fit, mixed.random_intercept(frame, fit)


def in_r_order(values: list[float]) -> np.ndarray:
    """spcomms puts the constant last, R first."""
    return np.array([values[-1], *values[:-1]])


@pytest.mark.parametrize("name", ["clustered", "cases"])
def test_the_random_intercept_model_agrees_with_glmer_with_25_nodes(name: str) -> None:
    expected = frozen()[name]
    fit, result = fitted(name)
    assert expected["optimizer_code"] == 0
    assert expected["singular"] is False
    assert result.status == "fitted", result.reasons
    assert result.converged is True
    assert result.countries == expected["countries"]
    assert expected["terms"][1:] == [name for name, _ in model.PREDICTORS]
    coefs = in_r_order([term.coef for term in result.terms])
    assert np.allclose(coefs, expected["coef"], rtol=RTOL, atol=0)
    ses = in_r_order([term.se for term in result.terms])
    assert np.allclose(ses, expected["se"], rtol=RTOL, atol=0)
    assert result.country_sd == pytest.approx(expected["country_sd"], rel=RTOL)
    assert result.log_likelihood == pytest.approx(expected["loglik"], rel=1e-9)
    assert result.aic == pytest.approx(expected["aic"], rel=1e-9)
    assert fit.log_likelihood == pytest.approx(expected["loglik_glm"], rel=1e-9)
    assert result.lr_statistic == pytest.approx(expected["lr_statistic"], rel=1e-6)
    assert result.lr_p == pytest.approx(expected["lr_p"], rel=1e-6)
    assert result.icc == pytest.approx(
        expected["country_sd"] ** 2 / (expected["country_sd"] ** 2 + math.pi**2 / 3), rel=RTOL
    )


def test_the_clustered_fixture_has_a_real_country_variance() -> None:
    _, result = fitted("clustered")
    assert result.countries == 36
    assert result.lr_p is not None
    assert result.lr_p < 0.001
    assert result.country_sd == pytest.approx(0.8, abs=0.2)


def test_a_variance_at_zero_is_said_in_words_where_glmer_finds_a_singular_fit() -> None:
    expected = frozen()["zero"]
    assert expected["singular"] is True
    assert expected["country_sd"] == 0
    _, result = fitted("zero")
    assert result.status == "not fitted"
    assert result.converged is True
    assert result.reasons == [
        "the country variance is estimated at zero (s below 0.0001): the model is the main "
        "model, and the random intercept does not raise the likelihood"
    ]
    assert result.terms == []
    assert result.country_sd is None
    assert result.log_likelihood is None


def test_the_quadrature_equals_the_integral_computed_another_way() -> None:
    """The log likelihood by 25-node adaptive quadrature against scipy's adaptive integration
    of each country's integral over the real line: within 1e-8 (measured 2e-10) for s up to
    1; at s = 2.5 countries without an improved case have a skewed posterior and 25 nodes are
    off by about 3e-5 (the same approximation as glmer's)."""
    frame = model.read_file(FILES["clustered"])
    data, _ = model.prepare(frame, "all")
    names = [name for name, _ in model.PREDICTORS]
    x = np.column_stack([data[names].to_numpy(float), np.ones(len(data))])
    y = data["improved"].to_numpy(float)
    codes, _labels = pd.factorize(data["country"].astype(str), sort=True)
    rng = np.random.default_rng(3)
    b = rng.normal(0, 0.1, x.shape[1])
    for s, tolerance in ((0.3, 1e-8), (1.0, 1e-8), (2.5, 1e-4)):
        theta = np.r_[b, s]
        total, _, _ = mixed.Quadrature(x, y, np.asarray(codes)).evaluate(theta)
        direct = 0.0
        for g in range(codes.max() + 1):
            eta0 = x[codes == g] @ b
            yg = y[codes == g]

            def integrand(
                z: float, eta0: np.ndarray = eta0, yg: np.ndarray = yg, s: float = s
            ) -> float:
                eta = eta0 + s * z
                return float(
                    np.exp(np.sum(yg * eta - np.logaddexp(0, eta)) - z * z / 2)
                    / math.sqrt(2 * math.pi)
                )

            value, _error = integrate.quad(integrand, -np.inf, np.inf, epsabs=0, epsrel=1e-12)
            direct += math.log(value)
        assert abs(total - direct) < tolerance


def test_the_gradient_and_hessian_are_those_of_the_quadrature() -> None:
    frame = model.read_file(FILES["cases"])
    data, _ = model.prepare(frame, "all")
    names = [name for name, _ in model.PREDICTORS]
    x = np.column_stack([data[names].to_numpy(float), np.ones(len(data))])
    y = data["improved"].to_numpy(float)
    codes, _labels = pd.factorize(data["country"].astype(str), sort=True)
    quadrature = mixed.Quadrature(x, y, np.asarray(codes))
    theta = np.r_[np.full(x.shape[1], 0.05), 0.7]
    _, gradient, hessian = quadrature.evaluate(theta)
    h = 1e-5
    numeric = np.empty_like(gradient)
    numeric_hessian = np.empty_like(hessian)
    for j in range(len(theta)):
        up, down = theta.copy(), theta.copy()
        up[j] += h
        down[j] -= h
        high, low = quadrature.evaluate(up), quadrature.evaluate(down)
        numeric[j] = (high[0] - low[0]) / (2 * h)
        numeric_hessian[:, j] = (high[1] - low[1]) / (2 * h)
    assert np.allclose(gradient, numeric, rtol=1e-6, atol=1e-6)
    assert np.allclose(hessian, numeric_hessian, rtol=1e-6, atol=1e-5)


def test_fewer_than_five_countries_is_not_fitted_and_the_rule_is_cited() -> None:
    frame = model.read_file(FILES["clustered"])
    frame["country"] = frame["country"].map(lambda code: f"K{int(code[1:]) % 4}").astype("string")
    fit = model.fit_subset(frame, "all")
    result = mixed.random_intercept(frame, fit)
    assert result.status == "not fitted"
    assert result.countries == 4
    assert result.reasons == [
        "4 countries, fewer than 5 (Bolker et al. (2009), Trends Ecol Evol 24(3):127-135): "
        "too few to estimate a variance between countries"
    ]
    assert result.terms == []


def test_a_row_without_a_country_or_no_country_column_is_not_fitted() -> None:
    frame = model.read_file(FILES["clustered"])
    fit = model.fit_subset(frame, "all")
    holed = frame.copy()
    holed.loc[[3, 10], "country"] = pd.NA
    assert mixed.random_intercept(holed, fit).reasons == ["2 of 600 rows have no country"]
    without = frame.drop(columns="country")
    assert mixed.random_intercept(without, fit).reasons == ["the data have no country column"]


def test_one_case_per_country_is_not_fitted() -> None:
    frame = model.read_file(FILES["clustered"])
    frame["country"] = pd.array([f"C{i}" for i in range(len(frame))], dtype="string")
    result = mixed.random_intercept(frame, model.fit_subset(frame, "all"))
    assert result.status == "not fitted"
    assert result.reasons[0].startswith("every country has a single case")


def test_a_country_where_every_case_improved_still_has_finite_estimates() -> None:
    """Unlike a fixed effect per country, the random intercept is shrunk towards zero, so a
    country with no variance in the outcome does not separate the data."""
    frame = model.read_file(FILES["clustered"])
    frame.loc[frame["country"] == "Q01", "improved"] = 1.0
    frame.loc[frame["country"] == "Q02", "improved"] = 0.0
    fit = model.fit_subset(frame, "all")
    assert fit.method == "maximum likelihood"
    result = mixed.random_intercept(frame, fit)
    assert result.status == "fitted", result.reasons
    assert all(math.isfinite(term.coef) and math.isfinite(term.se) for term in result.terms)
    assert result.country_sd is not None
    assert 0.5 < result.country_sd < 2


def test_separated_data_give_no_random_intercept_estimates() -> None:
    frame = model.read_file(R_FOLDER / "separated.csv")
    fit = model.fit_subset(frame, "all")
    assert fit.method == "Firth penalised likelihood"
    result = mixed.random_intercept(frame, fit)
    assert result.status == "not fitted"
    assert result.reasons[0].startswith("the data are separated")
    assert result.terms == []
    assert result.log_likelihood is None


def test_non_convergence_is_reported_without_estimates(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(mixed, "MAX_NEWTON", 1)
    _, result = fitted("clustered")
    assert result.status == "not fitted"
    assert result.converged is False
    assert result.reasons[0].startswith("the maximisation did not converge in 1 Newton steps")
    assert result.terms == []
    assert result.country_sd is None


def test_the_command_shows_it_beside_the_main_model_and_in_json() -> None:
    out = StringIO()
    call_command("model_improvement", "--data", str(FILES["clustered"]), stdout=out)
    text = out.getvalue()
    assert "Random intercept by country (maximum likelihood, adaptive Gauss-Hermite" in text
    assert "Country SD 0.807; ICC 0.165" in text
    assert "LR chi2 11.04, p 0.0004" in text
    out = StringIO()
    call_command(
        "model_improvement", "--data", str(FILES["zero"]), "--subset", "all", "--json", stdout=out
    )
    fit = json.loads(out.getvalue())["fits"][0]
    assert fit["random_intercept"]["status"] == "not fitted"
    assert fit["random_intercept"]["reasons"][0].startswith(
        "the country variance is estimated at zero"
    )
    out = StringIO()
    call_command(
        "model_improvement",
        "--data",
        str(FILES["clustered"]),
        "--subset",
        "all",
        "--json",
        stdout=out,
    )
    result = json.loads(out.getvalue())["fits"][0]["random_intercept"]
    assert result["status"] == "fitted"
    assert result["method"] == mixed.METHOD
    assert result["countries"] == 36
    assert [term["name"] for term in result["terms"]][-1] == "const"
    assert result["country_sd"] == pytest.approx(frozen()["clustered"]["country_sd"], rel=RTOL)


@needs_r("lme4")
def test_r_run_live_gives_the_frozen_figures(tmp_path: Path) -> None:
    (tmp_path / "r").mkdir()
    (tmp_path / "model").mkdir()
    shutil.copy(MODEL_FOLDER / "cases.csv", tmp_path / "model" / "cases.csv")
    rerun("mixed.R", ("clustered.csv", "cases.csv"), tmp_path / "r")
    live = live_json(tmp_path / "r", "mixed.json")
    for name, expected in frozen().items():
        if not isinstance(expected, dict):
            continue
        assert live[name]["terms"] == expected["terms"]
        assert live[name]["singular"] == expected["singular"]
        for key in ("coef", "se", "country_sd", "loglik"):
            assert np.allclose(live[name][key], expected[key], rtol=1e-9, atol=0), (name, key)
