"""The model of seed 000 Table 1 (spcomms.analysis.model): estimates checked against
statsmodels' own results and hand formulas, separation, Firth, and every way a fit can fail."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm
from sklearn.metrics import roc_auc_score

from spcomms.analysis import model
from tests.analysis.model.make_fixtures import cases

HERE = Path(__file__).parent
NAMES = [name for name, _ in model.PREDICTORS]


@pytest.fixture
def frame() -> pd.DataFrame:
    return model.validate(cases(460, seed=2019), source="test")


def design(data: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    x = np.column_stack([data[NAMES].to_numpy(float), np.ones(len(data))])
    return x, data["improved"].to_numpy(float)


def test_the_committed_fixtures_are_what_the_script_makes() -> None:
    made = cases(460, seed=2019)
    committed = pd.read_csv(HERE / "cases.csv", dtype={"country": "string"})
    assert list(committed.columns) == list(made.columns)
    assert committed["improved"].tolist() == made["improved"].tolist()
    assert np.allclose(committed["cy_aid_dependency"], made["cy_aid_dependency"])


def test_maximum_likelihood_matches_statsmodels_and_hand_formulas(frame: pd.DataFrame) -> None:
    fit = model.fit_subset(frame, "all")
    assert fit.status == "fitted"
    assert fit.method == "maximum likelihood"
    assert fit.separation is not None
    assert not fit.separation.found
    x, y = design(frame)
    reference = sm.Logit(y, x).fit(method="bfgs", gtol=1e-10, maxiter=10_000, disp=False)
    coefs = np.array([term.coef for term in fit.terms])
    ses = np.array([term.se for term in fit.terms])
    assert np.allclose(coefs, reference.params, rtol=1e-6, atol=1e-8)
    assert np.allclose(ses, reference.bse, rtol=1e-6)
    assert fit.log_likelihood == pytest.approx(reference.llf, abs=1e-8)
    # statsmodels fits the null model iteratively; its closed form is exact.
    n, rate = len(y), y.mean()
    llnull = n * (rate * math.log(rate) + (1 - rate) * math.log(1 - rate))
    assert fit.log_likelihood_null == pytest.approx(llnull, abs=1e-10)
    assert fit.log_likelihood_null == pytest.approx(reference.llnull, abs=1e-7)
    cox_snell = 1 - math.exp(2 * (llnull - reference.llf) / n)
    assert fit.cox_snell == pytest.approx(cox_snell, abs=1e-9)
    assert fit.nagelkerke == pytest.approx(cox_snell / (1 - math.exp(2 * llnull / n)), abs=1e-9)
    assert fit.observations == 460
    assert fit.events == int(y.sum())
    # Odds ratios and intervals; stars from the p-values.
    for term, p in zip(fit.terms, reference.pvalues, strict=True):
        assert term.odds_ratio == pytest.approx(math.exp(term.coef))
        assert term.or_low == pytest.approx(math.exp(term.coef - 1.959963984540054 * term.se))
        assert term.stars == ("***" if p < 0.001 else "**" if p < 0.01 else "*" if p < 0.05 else "")


def test_beside_the_model_match_independent_computations(frame: pd.DataFrame) -> None:
    fit = model.fit_subset(frame, "all")
    x, y = design(frame)
    result = sm.Logit(y, x).fit(method="newton", tol=1e-12, disp=False)
    groups = pd.factorize(frame["country"])[0]
    clustered = sm.Logit(y, x).fit(
        method="newton", tol=1e-12, disp=False, cov_type="cluster", cov_kwds={"groups": groups}
    )
    assert np.allclose([t.se_cluster for t in fit.terms], clustered.bse, rtol=1e-8)
    assert fit.clusters == 12
    margins = result.get_margeff(at="overall", method="dydx")
    assert np.allclose([t.ame for t in fit.terms[:-1]], margins.margeff, rtol=1e-8)
    assert np.allclose([t.ame_se for t in fit.terms[:-1]], margins.margeff_se, rtol=1e-6)
    p = result.predict(x)
    assert fit.auc == pytest.approx(roc_auc_score(y, p), abs=1e-12)
    assert fit.brier == pytest.approx(np.mean((p - y) ** 2), abs=1e-12)
    assert fit.hosmer_lemeshow is not None
    assert fit.hosmer_lemeshow["df"] == 8


def test_hosmer_lemeshow_by_hand() -> None:
    # Ten groups of two, each with one event; fitted probability 0.5 everywhere but the ties
    # make one group: too few groups, so no test.
    assert model._hosmer_lemeshow(np.array([0.0, 1.0] * 10), np.full(20, 0.5)) is None
    p = np.repeat(np.linspace(0.05, 0.95, 10), 2)
    y = np.array([0.0, 1.0] * 10)
    result = model._hosmer_lemeshow(y, p)
    assert result is not None
    expected = sum(
        (1 - 2 * q) ** 2 / (2 * q) + (1 - 2 * (1 - q)) ** 2 / (2 * (1 - q))
        for q in np.linspace(0.05, 0.95, 10)
    )
    assert result["statistic"] == pytest.approx(expected)
    assert result["df"] == 8


@pytest.mark.parametrize(
    ("x", "y", "kind"),
    [
        ([1, 2, 3, 4], [0, 0, 1, 1], "complete"),
        ([1, 2, 2, 3], [0, 0, 1, 1], "quasi-complete"),
        ([1, 2, 3, 4, 5, 6], [0, 1, 0, 1, 1, 0], "none"),
    ],
)
def test_separation_by_linear_programming(x: list[float], y: list[float], kind: str) -> None:
    design_ = np.column_stack([np.array(x, float), np.ones(len(x))])
    found = model.detect_separation(design_, np.array(y, float), ["x", "const"])
    assert found.kind == kind
    assert found.found == (kind != "none")
    if found.found:
        assert found.directions["x"] == 1


def test_firth_on_a_two_by_two_table_adds_a_half_to_each_cell() -> None:
    # One binary predictor: Firth's estimate of the log odds ratio is that of the table with
    # 0.5 added to each cell. Cells: x=1: 5 events, 0 non-events; x=0: 3 events, 6 non-events.
    x = np.array([1] * 5 + [0] * 9, float)
    y = np.array([1] * 5 + [1] * 3 + [0] * 6, float)
    beta, _, converged, _ = model._firth(np.column_stack([x, np.ones(len(x))]), y, 100)
    assert converged
    assert beta[0] == pytest.approx(math.log((5.5 / 0.5) / (3.5 / 6.5)), abs=1e-7)
    assert beta[1] == pytest.approx(math.log(3.5 / 6.5), abs=1e-7)


def test_complete_separation_is_found_and_never_reported_as_numbers(frame: pd.DataFrame) -> None:
    # The outcome is exactly the detention dummy: complete separation. Firth's estimate exists
    # but with 15 parameters its iterations do not settle here (firthmodels stops at its
    # iteration limit), so the fit is reported as not converged, with no estimates.
    frame["improved"] = frame["v_arbitrary_detention"]
    fit = model.fit_subset(frame, "all")
    assert fit.separation is not None
    assert fit.separation.kind == "complete"
    assert "v_arbitrary_detention" in fit.separation.directions
    assert fit.method == "Firth penalised likelihood"
    assert any("complete separation" in warning for warning in fit.warnings)
    if fit.status == "fitted":
        assert all(math.isfinite(term.coef) and math.isfinite(term.se) for term in fit.terms)
    else:
        assert fit.terms == []
        assert fit.log_likelihood is None
        assert any("did not converge" in reason for reason in fit.reasons)


def test_quasi_separation_names_the_predictor_and_fits_firth(frame: pd.DataFrame) -> None:
    frame.loc[frame["business"] == 1, "improved"] = 0
    fit = model.fit_subset(frame, "all")
    assert fit.separation is not None
    assert fit.separation.kind == "quasi-complete"
    assert fit.separation.directions == {"business": -1}
    assert fit.method == "Firth penalised likelihood"
    assert fit.status == "fitted"
    assert any("quasi-complete separation" in warning for warning in fit.warnings)
    assert all(math.isfinite(term.coef) and math.isfinite(term.se) for term in fit.terms)
    # Conventional standard errors: the inverse Fisher information at the Firth estimate.
    x, _y = design(frame)
    beta = np.array([term.coef for term in fit.terms])
    p = 1 / (1 + np.exp(-x @ beta))
    information = x.T @ (x * (p * (1 - p))[:, None])
    assert np.allclose(
        [term.se for term in fit.terms], np.sqrt(np.diag(np.linalg.inv(information)))
    )
    assert fit.penalised_log_likelihood is not None
    # The penalised estimate of business is finite and negative.
    business = next(term for term in fit.terms if term.name == "business")
    assert -15 < business.coef < 0


def test_a_constant_predictor_is_not_fitted_with_its_reason(frame: pd.DataFrame) -> None:
    frame["business"] = 0.0
    fit = model.fit_subset(frame, "all")
    assert fit.status == "not fitted"
    assert fit.terms == []
    assert fit.reasons == ["predictor business (Business involved) has no variance: every row is 0"]


def test_too_few_events_is_not_fitted(frame: pd.DataFrame) -> None:
    frame["improved"] = 0.0
    frame.loc[:13, "improved"] = 1.0  # 14 events for 15 parameters
    fit = model.fit_subset(frame, "all")
    assert fit.status == "not fitted"
    assert any("too few events: 14 cases" in reason for reason in fit.reasons)


def test_an_outcome_without_variance_is_not_fitted(frame: pd.DataFrame) -> None:
    frame["improved"] = 1.0
    fit = model.fit_subset(frame, "all")
    assert fit.reasons == ["the outcome has no variance: every case improved"]


def test_non_convergence_is_reported_without_estimates(frame: pd.DataFrame) -> None:
    fit = model.fit_subset(frame, "all", max_iterations=2)
    assert fit.status == "not fitted"
    assert fit.converged is False
    assert fit.terms == []
    assert any("did not converge in 2 iterations" in reason for reason in fit.reasons)
    assert fit.log_likelihood is None


def test_few_events_per_variable_warns_with_its_source(frame: pd.DataFrame) -> None:
    fit = model.fit_subset(frame, "all")
    assert fit.events_per_variable is not None
    assert fit.events_per_variable < 10
    assert any("Peduzzi" in warning for warning in fit.warnings)


def test_subsets_and_missing_values(frame: pd.DataFrame) -> None:
    frame.loc[:9, "cy_fragility"] = np.nan
    fits = model.fit_all(frame)
    assert [fit.subset for fit in fits] == ["all", "closed", "open"]
    assert fits[0].dropped_missing == 10
    assert fits[0].observations == 450
    closed = int((frame["regime"] == 1).sum())
    assert fits[1].rows == closed
    assert (
        fits[1].observations
        + fits[2].observations
        + int((frame["regime"] == 3).sum())
        - (frame.loc[frame["regime"] == 3, "cy_fragility"].isna().sum())
        == 450
    )


def test_the_json_has_no_nan_and_every_field(frame: pd.DataFrame) -> None:
    frame["business"] = 0.0
    result = model.to_json(model.fit_all(frame))
    assert result["predictors"] == NAMES
    assert {fit["subset"] for fit in result["fits"]} == {"all", "closed", "open"}
    assert result["fits"][0]["status"] == "not fitted"


def test_the_table_reads_in_the_readers_language_and_the_json_stays_english(
    frame: pd.DataFrame,
) -> None:
    from django.utils import translation

    without_business = frame.copy()
    without_business["business"] = 0.0
    fits = [*model.fit_all(frame, ["all"]), model.fit_subset(without_business, "open")]
    with translation.override("fr"):
        french = model.table(fits, translation.gettext)
    assert "Log-vraisemblance" in french
    assert "Entreprise impliquée" in french
    assert "(2) Régimes ouverts : non estimé" not in french  # the colon is the table's own
    assert "(2) Régimes ouverts: non estimé" in french
    assert (
        "le prédicteur business (Entreprise impliquée) n'a pas de variance : chaque ligne vaut 0"
        in french
    )
    assert "Intercept aléatoire par pays" in french
    assert "Log Likelihood" not in french
    with translation.override("es"):
        spanish = model.table(fits, translation.gettext)
    assert "Log-verosimilitud" in spanish
    assert "el predictor business (Empresa implicada) no tiene varianza" in spanish
    english = model.table(fits)
    assert "Log Likelihood" in english
    assert "predictor business (Business involved) has no variance: every row is 0" in english
    assert model.to_json(fits)["fits"][1]["reasons"] == [
        "predictor business (Business involved) has no variance: every row is 0"
    ]
