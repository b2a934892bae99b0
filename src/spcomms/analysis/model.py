"""The model of seed 000 Table 1: improvement within one year as a logistic regression.

``improved ~ cy_polity + cy_fragility + upr_1y + cy_aid_dependency + reply + n_mentions +
business + v_arbitrary_detention + v_torture + v_conviction + v_disciplinary_measures +
v_administrative_harassment + minority + female_trans``, on all rows, on the closed regimes
(``regime == 1``) and on the open ones (``regime == 2``), rows with a missing value left out
(and counted).

Each subset is checked before it is fitted (rows, events, predictors without variance, events
per variable), then checked for separation by linear programming (as R's detectseparation
does); a separated subset is fitted by Firth's penalised likelihood (firthmodels) and labelled
so, with conventional standard errors from the inverse Fisher information at the Firth
estimate. Otherwise maximum likelihood (statsmodels, Newton, tolerance 1e-12). Beside the main
estimates: standard errors clustered by country (HC1, as sandwich::vcovCL), average marginal
effects, AUC, Brier score and the Hosmer-Lemeshow test. See docs/analysis.md, "The model".
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
from scipy import optimize, special, stats

from spcomms.analysis.words import Text, Translate, english, gettext_noop, translated

if TYPE_CHECKING:
    from spcomms.analysis.mixed import RandomIntercept

OUTCOME = "improved"
REGIME = "regime"
COUNTRY = "country"
CONSTANT = "const"
# Table 1 of seed 000, in the paper's order: (dataset column, the paper's row label).
PREDICTORS: tuple[tuple[str, str], ...] = (
    ("cy_polity", gettext_noop("Polity IV score")),
    ("cy_fragility", gettext_noop("State Fragility score")),
    ("upr_1y", gettext_noop("Upcoming UPR")),
    ("cy_aid_dependency", gettext_noop("Aid dependency")),
    ("reply", gettext_noop("Reply received")),
    ("n_mentions", gettext_noop("Number of mentions by SR")),
    ("business", gettext_noop("Business involved")),
    ("v_arbitrary_detention", gettext_noop("Viol: detention")),
    ("v_torture", gettext_noop("Viol: torture")),
    ("v_conviction", gettext_noop("Viol: conviction")),
    ("v_disciplinary_measures", gettext_noop("Viol: discipl. measures")),
    ("v_administrative_harassment", gettext_noop("Viol: admin. harass.")),
    ("minority", gettext_noop("Issue: minority")),
    ("female_trans", gettext_noop("Female/trans*")),
)
LABELS = dict(PREDICTORS) | {CONSTANT: gettext_noop("Constant")}
REQUIRED = (OUTCOME, REGIME, *(name for name, _ in PREDICTORS))
BINARY = (
    OUTCOME,
    "upr_1y",
    "reply",
    "business",
    "minority",
    "female_trans",
    *(name for name, _ in PREDICTORS if name.startswith("v_")),
)
SUBSETS = ("all", "closed", "open")
SUBSET_REGIME = {"closed": 1, "open": 2}
# What the JSON says (stable, English) and the text a reader sees for it.
SEPARATION_KINDS = {
    "complete": gettext_noop("complete"),
    "quasi-complete": gettext_noop("quasi-complete"),
}
METHODS = {
    "maximum likelihood": gettext_noop("maximum likelihood"),
    "Firth penalised likelihood": gettext_noop("Firth penalised likelihood"),
}
STATUSES = {"fitted": gettext_noop("fitted"), "not fitted": gettext_noop("not fitted")}
SUBSET_TITLES = {
    "all": gettext_noop("All regime types"),
    "closed": gettext_noop("Closed regimes"),
    "open": gettext_noop("Open regimes"),
}

TOLERANCE = 1e-12
# firthmodels stops on the largest gradient entry and the largest step; below about 1e-8 the
# penalised likelihood cannot improve in double precision and its step-halving gives up.
FIRTH_TOLERANCE = 1e-8
MAX_ITERATIONS = 100
Z_95 = float(stats.norm.ppf(0.975))
# Peduzzi P, Concato J, Kemper E, Holford TR, Feinstein AR (1996). A simulation study of the
# number of events per variable in logistic regression analysis. Journal of Clinical
# Epidemiology 49(12): 1373-1379. Below 10 events per variable the fit is reported with a
# warning; with fewer events than parameters it is not fitted at all.
EPV_WARNING = 10
EPV_SOURCE = "Peduzzi et al. (1996), J Clin Epidemiol 49(12):1373-1379"
HOSMER_LEMESHOW_GROUPS = 10
SEPARATION_TOLERANCE = 1e-7


class ModelDataError(Exception):
    """The data cannot be modelled: a missing column, a wrong type, an empty file."""


def stars(p: float) -> str:
    """The stars of seed 000 Table 1: * p<.05, ** p<.01, *** p<.001."""
    if not math.isfinite(p):
        return ""
    if p < 0.001:
        return "***"
    if p < 0.01:
        return "**"
    if p < 0.05:
        return "*"
    return ""


# --- reading and checking the data ------------------------------------------------------


def read_file(path: Path) -> pd.DataFrame:
    """A dataset file (CSV or Parquet, as ``spcomms dataset cases`` writes it), checked."""
    suffix = path.suffix.lower()
    if suffix not in (".csv", ".parquet"):
        raise ModelDataError(
            f"{path}: unknown file type {suffix or '(none)'}; use .csv or .parquet."
        )
    if not path.is_file():
        raise ModelDataError(f"{path}: no such file.")
    try:
        if suffix == ".csv":
            frame = pd.read_csv(path, dtype={COUNTRY: "string"}, keep_default_na=True)
        else:
            frame = pd.read_parquet(path)
    except pd.errors.EmptyDataError:
        raise ModelDataError(f"{path}: the file is empty.") from None
    except (ValueError, OSError, UnicodeDecodeError, pd.errors.ParserError) as failed:
        raise ModelDataError(f"{path}: not a readable {suffix[1:]} file ({failed}).") from None
    return validate(frame, source=str(path))


def validate(frame: pd.DataFrame, *, source: str) -> pd.DataFrame:
    """The columns the model needs, as numbers; 0/1 where they must be 0/1."""
    missing = [name for name in REQUIRED if name not in frame.columns]
    if missing:
        raise ModelDataError(f"{source}: missing column(s): {', '.join(missing)}.")
    if len(frame) == 0:
        raise ModelDataError(f"{source}: the file has no rows.")
    out = pd.DataFrame(index=frame.index)
    for name in REQUIRED:
        column = frame[name]
        numeric = pd.to_numeric(column, errors="coerce")
        bad = numeric.isna() & column.notna()
        if bad.any():
            row = int(np.flatnonzero(bad.to_numpy())[0])
            raise ModelDataError(
                f"{source}: column {name} must hold numbers; row {row + 1} has "
                f"{str(column.iloc[row])[:40]!r}."
            )
        numeric = numeric.astype("float64")
        if name in BINARY:
            wrong = numeric.notna() & ~numeric.isin([0.0, 1.0])
            if wrong.any():
                row = int(np.flatnonzero(wrong.to_numpy())[0])
                raise ModelDataError(
                    f"{source}: column {name} must be 0 or 1 (or empty); row {row + 1} has "
                    f"{numeric.iloc[row]:g}."
                )
        out[name] = numeric
    if COUNTRY in frame.columns:
        out[COUNTRY] = frame[COUNTRY].astype("string")
    return out.reset_index(drop=True)


def frame_of_chunks(chunks: Iterable[dict[str, list[object]]]) -> pd.DataFrame:
    parts = [pd.DataFrame(chunk) for chunk in chunks]
    return pd.concat(parts, ignore_index=True) if parts else pd.DataFrame()


# --- results ----------------------------------------------------------------------------


@dataclass
class Estimate:
    """A coefficient as every model reports it (the random-intercept model's terms are these)."""

    name: str
    label: str
    coef: float
    se: float
    z: float
    p: float
    stars: str
    odds_ratio: float


@dataclass
class Term(Estimate):
    """A coefficient of the main model, with what is reported beside it."""

    or_low: float
    or_high: float
    se_cluster: float | None = None
    p_cluster: float | None = None
    ame: float | None = None
    ame_se: float | None = None
    profile_low: float | None = None  # profile-likelihood 95 % interval of the coefficient
    profile_high: float | None = None


@dataclass
class Separation:
    found: bool
    kind: str  # "none", "quasi-complete" or "complete"
    directions: dict[str, int] = field(default_factory=dict)  # +1 / -1: towards +/- infinity


@dataclass
class Fit:
    subset: str
    title: str
    rows: int  # rows of the subset before missing values are left out
    dropped_missing: int
    observations: int = 0
    events: int = 0
    status: str = "not fitted"  # "fitted" or "not fitted"
    method: str = ""  # "maximum likelihood" or "Firth penalised likelihood"
    reasons: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    separation: Separation | None = None
    converged: bool | None = None
    iterations: int | None = None
    terms: list[Term] = field(default_factory=list)
    log_likelihood: float | None = None
    log_likelihood_null: float | None = None
    penalised_log_likelihood: float | None = None
    cox_snell: float | None = None
    nagelkerke: float | None = None
    events_per_variable: float | None = None
    clusters: int | None = None
    auc: float | None = None
    brier: float | None = None
    hosmer_lemeshow: dict[str, float] | None = None
    # The random-intercept model by country (spcomms.analysis.mixed), set by fit_all.
    random_intercept: RandomIntercept | None = None


def to_json(fits: list[Fit]) -> dict[str, Any]:
    def clean(value: Any) -> Any:
        if isinstance(value, float) and not math.isfinite(value):
            return None
        if isinstance(value, dict):
            return {key: clean(item) for key, item in value.items()}
        if isinstance(value, list):
            return [clean(item) for item in value]
        return value

    return {
        "model": "logit",
        "outcome": OUTCOME,
        "predictors": [name for name, _ in PREDICTORS],
        "source": "Spannagel (2019), seed 000, Table 1",
        "stars": {"*": 0.05, "**": 0.01, "***": 0.001},
        "fits": [clean(asdict(fit)) for fit in fits],
    }


# --- the checks -------------------------------------------------------------------------


def detect_separation(x: np.ndarray, y: np.ndarray, names: list[str]) -> Separation:
    """Linear programming as in Konis (2007) and R's detectseparation: separation exists when
    some b != 0 has s_i x_i'b >= 0 for every row (s_i = +1 for an event, -1 otherwise). With
    b bounded to [-1, 1] (after scaling each column to at most 1 in absolute value),
    maximise sum_i s_i x_i'b: a positive optimum means separation, and the non-zero entries of
    b give the coefficients that run to infinity and their sign. A second programme asks
    for a strictly positive margin t in every row: complete separation."""
    signs = np.where(y > 0.5, 1.0, -1.0)
    scale = np.max(np.abs(x), axis=0)
    scale[scale == 0] = 1.0
    a = (x / scale) * signs[:, None]
    k = a.shape[1]
    found = optimize.linprog(
        -a.sum(axis=0),
        A_ub=-a,
        b_ub=np.zeros(len(a)),
        bounds=[(-1.0, 1.0)] * k,
        method="highs",
    )
    if found.status != 0 or -found.fun <= SEPARATION_TOLERANCE * len(a):
        return Separation(False, "none")
    directions = {
        names[j]: int(np.sign(found.x[j]))
        for j in range(k)
        if abs(found.x[j]) > SEPARATION_TOLERANCE
    }
    # maximise t subject to a b >= t, |b| <= 1, t <= 1
    margin = optimize.linprog(
        np.r_[np.zeros(k), -1.0],
        A_ub=np.c_[-a, np.ones(len(a))],
        b_ub=np.zeros(len(a)),
        bounds=[(-1.0, 1.0)] * k + [(None, 1.0)],
        method="highs",
    )
    complete = margin.status == 0 and -margin.fun > SEPARATION_TOLERANCE
    return Separation(True, "complete" if complete else "quasi-complete", directions)


def prepare(frame: pd.DataFrame, subset: str) -> tuple[pd.DataFrame, int]:
    """The rows of the subset with every variable present, and how many rows the subset had."""
    rows = frame if subset == "all" else frame[frame[REGIME] == SUBSET_REGIME[subset]]
    total = len(rows)
    complete = rows.dropna(subset=list(REQUIRED))
    return complete, total


def fit_subset(frame: pd.DataFrame, subset: str, *, max_iterations: int = MAX_ITERATIONS) -> Fit:
    data, total = prepare(frame, subset)
    fit = Fit(subset, SUBSET_TITLES[subset], rows=total, dropped_missing=total - len(data))
    names = [name for name, _ in PREDICTORS]
    fit.observations = n = len(data)
    y = data[OUTCOME].to_numpy(dtype=float)
    fit.events = events = int(y.sum())
    if n == 0:
        fit.reasons.append(Text(gettext_noop("no row with every variable present")))
        return fit
    if events in (0, n):
        fit.reasons.append(
            Text(gettext_noop("the outcome has no variance: every case improved"))
            if events == n
            else Text(gettext_noop("the outcome has no variance: no case improved"))
        )
    constant = [name for name in names if data[name].nunique() < 2]
    for name in constant:
        value = data[name].iloc[0]
        fit.reasons.append(
            Text(
                gettext_noop("predictor {name} ({label}) has no variance: every row is {value:g}"),
                name=name,
                label=Text(LABELS[name]),
                value=value,
            )
        )
    parameters = len(names) + 1
    fewer = min(events, n - events)
    fit.events_per_variable = fewer / len(names)
    if 0 < fewer < parameters:
        fit.reasons.append(
            Text(
                gettext_noop(
                    "too few events: {fewer} cases in the smaller outcome class for "
                    "{parameters} parameters (fewer events than parameters)"
                ),
                fewer=fewer,
                parameters=parameters,
            )
        )
    if fit.reasons:
        return fit
    if fit.events_per_variable < EPV_WARNING:
        fit.warnings.append(
            Text(
                gettext_noop(
                    "{epv:.1f} events per variable, below {limit} ({source}): estimates may "
                    "be biased and intervals too narrow"
                ),
                epv=fit.events_per_variable,
                limit=EPV_WARNING,
                source=EPV_SOURCE,
            )
        )
    x = np.column_stack([data[names].to_numpy(dtype=float), np.ones(n)])
    columns = [*names, CONSTANT]
    if np.linalg.matrix_rank(x) < x.shape[1]:
        fit.reasons.append(
            Text(
                gettext_noop("the predictors are collinear (the design matrix is not of full rank)")
            )
        )
        return fit
    fit.separation = detect_separation(x, y, columns)
    if fit.separation.found:
        fit.warnings.append(
            Text(
                gettext_noop(
                    "{kind} separation: maximum likelihood estimates of {names} do not exist "
                    "(infinite); Firth's penalised likelihood is reported instead"
                ),
                kind=Text(SEPARATION_KINDS[fit.separation.kind]),
                names=", ".join(sorted(fit.separation.directions)),
            )
        )
        beta, penalised, converged, iterations = _firth(x, y, max_iterations)
        fit.method = "Firth penalised likelihood"
        fit.penalised_log_likelihood = penalised
    else:
        beta, converged, iterations = _maximum_likelihood(x, y, max_iterations)
        fit.method = "maximum likelihood"
    fit.converged, fit.iterations = converged, iterations
    if not converged:
        tolerance = TOLERANCE if fit.method == "maximum likelihood" else FIRTH_TOLERANCE
        fit.reasons.append(
            Text(
                gettext_noop(
                    "{method} did not converge in {iterations} iterations (tolerance "
                    "{tolerance:g}); no estimates are reported"
                ),
                method=Text(METHODS[fit.method]),
                iterations=max_iterations,
                tolerance=tolerance,
            )
        )
        return fit
    fit.status = "fitted"
    _describe(fit, data, x, y, beta, columns)
    penalised = fit.method != "maximum likelihood"
    maximum = _penalised_log_likelihood(x, y, beta) if penalised else fit.log_likelihood
    if maximum is not None:
        for j, term in enumerate(fit.terms):
            term.profile_low, term.profile_high = _profile_interval(
                x, y, j, beta, maximum, term.se, penalised=penalised
            )
    return fit


def _maximum_likelihood(
    x: np.ndarray, y: np.ndarray, max_iterations: int
) -> tuple[np.ndarray, bool, int]:
    import statsmodels.api as sm

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            result = sm.Logit(y, x).fit(
                method="newton", tol=TOLERANCE, maxiter=max_iterations, disp=False
            )
        except (np.linalg.LinAlgError, ValueError):
            return np.full(x.shape[1], np.nan), False, max_iterations
    converged = bool(result.mle_retvals.get("converged", False))
    beta = np.asarray(result.params, dtype=float)
    if not np.all(np.isfinite(beta)):
        converged = False
    return beta, converged, int(result.mle_retvals.get("iterations", max_iterations))


def _firth(
    x: np.ndarray, y: np.ndarray, max_iterations: int
) -> tuple[np.ndarray, float, bool, int]:
    from firthmodels import FirthLogisticRegression

    model = FirthLogisticRegression(
        backend="numpy",
        fit_intercept=False,
        max_iter=max_iterations,
        gtol=FIRTH_TOLERANCE,
        xtol=FIRTH_TOLERANCE,
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model.fit(x, y)
    beta = np.asarray(model.coef_, dtype=float)
    converged = bool(model.converged_) and bool(np.all(np.isfinite(beta)))
    return beta, float(model.loglik_), converged, int(model.n_iter_)


PROFILE_CRITICAL = float(stats.chi2.ppf(0.95, 1))


def _penalised_log_likelihood(x: np.ndarray, y: np.ndarray, beta: np.ndarray) -> float:
    """Firth's penalised log likelihood: the log likelihood plus half the log determinant of
    the Fisher information X'WX (Firth 1993; what logistf and brglm2 maximise)."""
    eta = x @ beta
    p = special.expit(eta)
    information = x.T @ (x * (p * (1.0 - p))[:, None])
    sign, log_determinant = np.linalg.slogdet(information)
    if sign <= 0:
        return -math.inf
    return float(np.sum(y * eta - np.logaddexp(0.0, eta)) + 0.5 * log_determinant)


def _profile_log_likelihood(
    x: np.ndarray,
    y: np.ndarray,
    j: int,
    value: float,
    *,
    penalised: bool = False,
    start: np.ndarray | None = None,
) -> float:
    """The log likelihood (Firth's penalised one with ``penalised``) maximised over the other
    coefficients with coefficient j fixed: Newton-Raphson with the fixed term as an offset and
    step-halving, tolerance 1e-12. For the penalised likelihood the score of the others is
    Firth's modified score X'(y - p + h(1/2 - p)), h the leverages of the whole model, with
    the same Fisher information as step."""
    others = np.delete(x, j, axis=1)
    offset = x[:, j] * value
    gamma = np.zeros(others.shape[1]) if start is None else np.delete(start, j)

    def full(g: np.ndarray) -> np.ndarray:
        return np.insert(g, j, value)

    def objective(g: np.ndarray) -> float:
        if penalised:
            return _penalised_log_likelihood(x, y, full(g))
        eta = others @ g + offset
        return float(np.sum(y * eta - np.logaddexp(0.0, eta)))

    current = objective(gamma)
    for _ in range(200):
        p = special.expit(others @ gamma + offset)
        weights = p * (1.0 - p)
        information = others.T @ (others * weights[:, None])
        residual = y - p
        try:
            if penalised:
                whole = x.T @ (x * weights[:, None])
                leverage = weights * np.einsum("ij,ij->i", x @ np.linalg.inv(whole), x)
                residual = residual + leverage * (0.5 - p)
            step = np.linalg.solve(information, others.T @ residual)
        except np.linalg.LinAlgError:
            return -math.inf
        for _ in range(30):
            trial = gamma + step
            value_trial = objective(trial)
            if value_trial >= current - 1e-12:
                break
            step = step / 2.0
        gamma, previous, current = trial, current, value_trial
        if np.max(np.abs(step)) < 1e-12 or abs(current - previous) < 1e-13:
            break
    return current


def _profile_interval(
    x: np.ndarray,
    y: np.ndarray,
    j: int,
    beta: np.ndarray,
    maximum: float,
    se: float,
    *,
    penalised: bool = False,
) -> tuple[float | None, float | None]:
    """The 95 % profile-likelihood interval of coefficient j: the values where twice the drop
    of the profile log likelihood (penalised for a Firth fit, as logistf's intervals) from its
    maximum reaches the chi-square(1) 95 % point. An end that is not reached within 20
    standard errors is left empty (None)."""

    def excess(value: float) -> float:
        profile = _profile_log_likelihood(x, y, j, value, penalised=penalised, start=beta)
        return 2.0 * (maximum - profile) - PROFILE_CRITICAL

    ends: list[float | None] = []
    for direction in (-1.0, 1.0):
        step = se
        inner, outer = beta[j], beta[j] + direction * step
        found: float | None = None
        while abs(outer - beta[j]) <= 20 * se:
            if excess(outer) > 0:
                found = float(
                    optimize.brentq(excess, min(inner, outer), max(inner, outer), xtol=1e-12)
                )
                break
            inner, outer = outer, outer + direction * step
        ends.append(found)
    return ends[0], ends[1]


def _log_likelihood(y: np.ndarray, p: np.ndarray) -> float:
    with np.errstate(divide="ignore"):
        return float(np.sum(np.where(y > 0.5, np.log(p), np.log1p(-p))))


def _describe(
    fit: Fit, data: pd.DataFrame, x: np.ndarray, y: np.ndarray, beta: np.ndarray, columns: list[str]
) -> None:
    n = len(y)
    eta = x @ beta
    p = 1.0 / (1.0 + np.exp(-eta))
    w = p * (1.0 - p)
    information = x.T @ (x * w[:, None])
    covariance = np.linalg.inv(information)
    se = np.sqrt(np.diag(covariance))
    z = beta / se
    pvalues = 2.0 * stats.norm.sf(np.abs(z))
    # Clustered by country (sandwich::vcovCL, type HC1: G/(G-1) * (n-1)/(n-k)).
    se_cluster: np.ndarray | None = None
    if COUNTRY in data.columns and data[COUNTRY].notna().all():
        groups = data[COUNTRY].astype(str).to_numpy()
        labels = np.unique(groups)
        if len(labels) > 1:
            scores = x * (y - p)[:, None]
            meat = np.zeros_like(information)
            for label in labels:
                total = scores[groups == label].sum(axis=0)
                meat += np.outer(total, total)
            g, k = len(labels), x.shape[1]
            adjust = g / (g - 1) * (n - 1) / (n - k)
            se_cluster = np.sqrt(np.diag(covariance @ meat @ covariance) * adjust)
            fit.clusters = g
    # Average marginal effects (derivative of the probability, averaged) with delta-method SEs.
    slope = w.mean()
    ame = beta * slope
    dw = w * (1.0 - 2.0 * p)  # d w / d eta
    jacobian = np.eye(len(beta)) * slope + np.outer(beta, (dw[:, None] * x).mean(axis=0))
    ame_se = np.sqrt(np.diag(jacobian @ covariance @ jacobian.T))
    for j, name in enumerate(columns):
        low, high = beta[j] - Z_95 * se[j], beta[j] + Z_95 * se[j]
        term = Term(
            name=name,
            label=LABELS[name],
            coef=float(beta[j]),
            se=float(se[j]),
            z=float(z[j]),
            p=float(pvalues[j]),
            stars=stars(float(pvalues[j])),
            odds_ratio=float(np.exp(beta[j])),
            or_low=float(np.exp(low)),
            or_high=float(np.exp(high)),
        )
        if se_cluster is not None:
            term.se_cluster = float(se_cluster[j])
            term.p_cluster = float(2.0 * stats.norm.sf(abs(beta[j] / se_cluster[j])))
        if name != CONSTANT:
            term.ame, term.ame_se = float(ame[j]), float(ame_se[j])
        fit.terms.append(term)
    fit.log_likelihood = _log_likelihood(y, p)
    rate = y.mean()
    fit.log_likelihood_null = float(n * (rate * math.log(rate) + (1 - rate) * math.log1p(-rate)))
    fit.cox_snell = float(1.0 - math.exp(2.0 * (fit.log_likelihood_null - fit.log_likelihood) / n))
    fit.nagelkerke = float(fit.cox_snell / (1.0 - math.exp(2.0 * fit.log_likelihood_null / n)))
    fit.auc = _auc(y, p)
    fit.brier = float(np.mean((p - y) ** 2))
    fit.hosmer_lemeshow = _hosmer_lemeshow(y, p)


def _auc(y: np.ndarray, p: np.ndarray) -> float:
    """The area under the ROC curve: the Mann-Whitney probability, ties counted half."""
    ranks = stats.rankdata(p)
    events = y > 0.5
    n1, n0 = int(events.sum()), int((~events).sum())
    return float((ranks[events].sum() - n1 * (n1 + 1) / 2) / (n1 * n0))


def _hosmer_lemeshow(y: np.ndarray, p: np.ndarray) -> dict[str, float] | None:
    """Hosmer-Lemeshow: groups cut at the deciles of the fitted probabilities (as R's
    ResourceSelection::hoslem.test, g = 10), chi-square with g - 2 degrees of freedom."""
    cuts = np.unique(np.quantile(p, np.linspace(0, 1, HOSMER_LEMESHOW_GROUPS + 1)))
    if len(cuts) < 3:
        return None
    group = np.clip(np.searchsorted(cuts, p, side="left") - 1, 0, len(cuts) - 2)
    group[p <= cuts[0]] = 0
    statistic = 0.0
    used = 0
    for g in range(len(cuts) - 1):
        inside = group == g
        count = int(inside.sum())
        if count == 0:
            continue
        used += 1
        expected = p[inside].sum()
        observed = y[inside].sum()
        expected_no = count - expected
        observed_no = count - observed
        statistic += (observed - expected) ** 2 / expected
        statistic += (observed_no - expected_no) ** 2 / expected_no
    df = used - 2
    if df < 1:
        return None
    return {"statistic": statistic, "df": float(df), "p": float(stats.chi2.sf(statistic, df))}


def fit_all(frame: pd.DataFrame, subsets: Iterable[str] = SUBSETS) -> list[Fit]:
    """Each subset's main model and, beside it, its random-intercept model by country."""
    from spcomms.analysis.mixed import random_intercept

    fits = [fit_subset(frame, subset) for subset in subsets]
    for fit in fits:
        fit.random_intercept = random_intercept(frame, fit)
    return fits


# --- the table ---------------------------------------------------------------------------


def _number(value: float, places: int = 2) -> str:
    return f"{value:.{places}f}"


def table(fits: list[Fit], translate: Translate = english) -> str:
    """The layout of seed 000 Table 1: a column per subset, coefficients with stars and
    standard errors in parentheses, then observations, log likelihood and pseudo-R2; then the
    odds ratios and the checks of each subset. ``translate`` (Django's ``gettext`` where a
    reader's language is active) puts the words in the reader's language; numbers, stars and
    variable names stay as they are."""
    t = translate
    labels = {name: t(label) for name, label in LABELS.items()}
    label_width = max(len(label) for label in labels.values()) + 2
    width = 18
    outcome = t(gettext_noop("Outcome: improvement of the defender's situation within one year"))
    lines = [f"{outcome} ({OUTCOME})"]
    lines.append(" " * label_width + "".join(f"{t(fit.title):>{width}}" for fit in fits))
    lines.append(
        " " * label_width + "".join(f"{f'({i})':>{width}}" for i in range(1, len(fits) + 1))
    )
    method = [
        t(gettext_noop("ML"))
        if fit.method == "maximum likelihood"
        else t(gettext_noop("Firth"))
        if fit.method
        else "-"
        for fit in fits
    ]
    lines.append(
        f"{t(gettext_noop('Estimator')):<{label_width}}" + "".join(f"{m:>{width}}" for m in method)
    )
    lines.append("-" * (label_width + width * len(fits)))
    for name in [*(n for n, _ in PREDICTORS), CONSTANT]:
        coefs, ses = [], []
        for fit in fits:
            term = next((t for t in fit.terms if t.name == name), None)
            coefs.append(f"{_number(term.coef)}{term.stars:<3}" if term else "-   ")
            ses.append(f"({_number(term.se)})   " if term else "")
        lines.append(f"{labels[name]:<{label_width}}" + "".join(f"{c:>{width}}" for c in coefs))
        lines.append(" " * label_width + "".join(f"{s:>{width}}" for s in ses))
    lines.append("-" * (label_width + width * len(fits)))

    def row(label: str, values: list[str]) -> None:
        lines.append(f"{label:<{label_width}}" + "".join(f"{v:>{width}}" for v in values))

    def numbers(values: list[float | None]) -> list[str]:
        return [_number(value) if value is not None else "-" for value in values]

    row(t(gettext_noop("Observations")), [str(fit.observations) for fit in fits])
    row(t(gettext_noop("Log Likelihood")), numbers([fit.log_likelihood for fit in fits]))
    row(t(gettext_noop("Pseudo-R2 (Cox-Snell)")), numbers([fit.cox_snell for fit in fits]))
    row(t(gettext_noop("Pseudo-R2 (Nagelkerke)")), numbers([fit.nagelkerke for fit in fits]))
    lines.append("-" * (label_width + width * len(fits)))
    lines.append(
        t(
            gettext_noop(
                "Estimated coefficients (standard errors) of logit models; *p<.05; **p<.01;"
            )
        )
    )
    lines.append(
        t(gettext_noop("***p<.001. ML: maximum likelihood; Firth: Firth's penalised likelihood."))
    )
    for number, fit in enumerate(fits, start=1):
        lines.append("")
        lines.append(f"({number}) {t(fit.title)}: {t(STATUSES[fit.status])}")
        if fit.dropped_missing:
            lines.append(
                "  "
                + t(gettext_noop("{dropped} of {rows} rows left out for a missing value")).format(
                    dropped=fit.dropped_missing, rows=fit.rows
                )
            )
        for reason in fit.reasons:
            lines.append(f"  {t(gettext_noop('NOT FITTED'))}: {translated(reason, t)}")
        for warning in fit.warnings:
            lines.append(f"  {t(gettext_noop('Warning'))}: {translated(warning, t)}")
        if fit.status != "fitted":
            continue
        lines.append(
            f"  {'':<{label_width}}{t(gettext_noop('Odds ratio')):>12}"
            f"{t(gettext_noop('95% interval')):>20}{t(gettext_noop('SE (country)')):>14}"
            f"{t(gettext_noop('AME')):>9}{'(SE)':>9}{t(gettext_noop('Profile 95% (OR)')):>22}"
        )
        for term in fit.terms:
            interval = f"[{term.or_low:.3g}, {term.or_high:.3g}]"
            cluster = f"{term.se_cluster:.3f}" if term.se_cluster is not None else "-"
            ame = f"{term.ame:.3f}" if term.ame is not None else ""
            ame_se = f"({term.ame_se:.3f})" if term.ame_se is not None else ""
            profile = "-"
            if term.profile_low is not None and term.profile_high is not None:
                profile = f"[{math.exp(term.profile_low):.3g}, {math.exp(term.profile_high):.3g}]"
            lines.append(
                f"  {labels[term.name]:<{label_width}}{term.odds_ratio:>12.3g}{interval:>20}"
                f"{cluster:>14}{ame:>9}{ame_se:>9}{profile:>22}"
            )
        extra = t(gettext_noop("Events {events}; AUC {auc:.3f}; Brier {brier:.4f}")).format(
            events=fit.events, auc=fit.auc, brier=fit.brier
        )
        if fit.hosmer_lemeshow:
            hl = fit.hosmer_lemeshow
            extra += "; " + t(
                gettext_noop("Hosmer-Lemeshow chi2 {statistic:.2f}, df {df:g}, p {p:.3f}")
            ).format(**hl)
        if fit.clusters:
            extra += "; " + t(gettext_noop("{countries} countries")).format(countries=fit.clusters)
        lines.append("  " + extra)
        from spcomms.analysis.mixed import lines as random_intercept_lines

        lines.extend(random_intercept_lines(fit.random_intercept, label_width, translate))
    return "\n".join(lines) + "\n"


def record_frame(selection: Any) -> tuple[pd.DataFrame, bool]:
    """The live record as the dataset builder gives it (``spcomms.analysis.dataset.build``),
    checked like a file; and whether it is synthetic."""
    from spcomms.analysis.dataset import build

    dataset = build(selection)
    frame = frame_of_chunks(dataset.chunks)
    if len(frame) == 0:
        raise ModelDataError(Text(gettext_noop("the record has no case in this selection.")))
    return validate(frame, source="the record"), dataset.synthetic


def missing_covariates(frame: pd.DataFrame) -> list[str]:
    """The model's covariates with no value at all (the demonstration record has none)."""
    return [name for name, _ in PREDICTORS if frame[name].isna().all()]
