"""The random-intercept model by country, beside the main model of seed 000 Table 1.

``logit P(improved = 1) = x'b + u_country``, ``u ~ N(0, s^2)``, on the same rows as the main
maximum likelihood fit, by maximum likelihood with adaptive Gauss-Hermite quadrature (25
nodes), as R's ``lme4::glmer(..., family = binomial, nAGQ = 25)``:

- with ``u = s z``, ``z ~ N(0, 1)``, each country's likelihood is the integral over z of the
  product of its cases' Bernoulli likelihoods times the normal density;
- for each country the conditional mode of z and the curvature there come from Newton's method
  (the log integrand is strictly concave), and the 25 Gauss-Hermite nodes are centred on the
  mode and scaled by the curvature (Liu and Pierce 1994);
- the marginal log likelihood (the sum over countries) is maximised over (b, s) by Newton's
  method from the main fit's estimates and s = 1, with step-halving; its gradient and Hessian
  are those of the integral (the posterior mean of the score and Louis' identity), by the
  same quadrature;
- the fixed effects' standard errors come from the inverse of that Hessian over (b, s), the
  b block, as lme4 computes them for glmer fits (``vcov`` with ``use.hessian``, from its
  finite-difference Hessian of the deviance over (theta, beta)).

s is a free real number (the likelihood is even in s), so a country variance of zero is an
ordinary maximum at s = 0, reached by the same iterations, and reported as such. See
docs/analysis.md, "Random intercept by country".
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
from scipy import special, stats

from spcomms.analysis import model
from spcomms.analysis.words import Text, Translate, english, gettext_noop, translated

if TYPE_CHECKING:
    from spcomms.analysis.model import Fit

NODES = 25
METHOD = gettext_noop("maximum likelihood, adaptive Gauss-Hermite quadrature, 25 nodes")
# Fewer levels than this give a very imprecise variance: Bolker BM, Brooks ME, Clark CJ,
# Geange SW, Poulsen JR, Stevens MHH, White JSS (2009), "Generalized linear mixed models: a
# practical guide for ecology and evolution", Trends in Ecology & Evolution 24(3):127-135,
# advise at least five or six levels for a random effect.
MIN_COUNTRIES = 5
MIN_COUNTRIES_SOURCE = "Bolker et al. (2009), Trends Ecol Evol 24(3):127-135"
# An s below this is a variance estimated at zero: lme4's isSingular() tolerance on theta.
ZERO_SD = 1e-4
GRADIENT_TOLERANCE = 1e-7  # largest entry of the gradient of the log likelihood at the end
STEP_TOLERANCE = 1e-10
MAX_NEWTON = 50
LR_SOURCE = "Self and Liang (1987), J Am Stat Assoc 82(398):605-610"
ROOT2 = math.sqrt(2.0)
_HERMITE_X, _HERMITE_W = np.polynomial.hermite.hermgauss(NODES)
_LOG_HERMITE = np.log(_HERMITE_W) + _HERMITE_X**2 + math.log(ROOT2)
_LOG_ROOT_2PI = 0.5 * math.log(2.0 * math.pi)


@dataclass
class RandomIntercept:
    status: str = "not fitted"  # "fitted" or "not fitted"
    method: str = METHOD
    reasons: list[str] = field(default_factory=list)
    countries: int | None = None
    observations: int | None = None
    converged: bool | None = None
    iterations: int | None = None
    terms: list[model.Estimate] = field(default_factory=list)
    country_sd: float | None = None
    icc: float | None = None  # s^2 / (s^2 + pi^2/3), on the latent scale
    log_likelihood: float | None = None
    aic: float | None = None
    lr_statistic: float | None = None  # against the main model (no random intercept)
    lr_p: float | None = None  # chi-bar-square: half the chi-square(1) tail


class Quadrature:
    """The marginal log likelihood of the random-intercept logit, its gradient and Hessian."""

    def __init__(self, x: np.ndarray, y: np.ndarray, groups: np.ndarray) -> None:
        order = np.argsort(groups, kind="stable")
        self.x, self.y, self.groups = x[order], y[order], groups[order]
        self.g = int(groups.max()) + 1
        self.starts = np.flatnonzero(np.r_[True, np.diff(self.groups) != 0])

    def _per_group(self, values: np.ndarray) -> np.ndarray:
        summed: np.ndarray = np.add.reduceat(values, self.starts, axis=0)
        return summed

    def modes(self, eta0: np.ndarray, s: float) -> tuple[np.ndarray, np.ndarray]:
        """Each country's conditional mode of z and the curvature of the log integrand there
        (Newton's method with step-halving; the log integrand is strictly concave)."""
        z = np.zeros(self.g)

        def log_integrand(zz: np.ndarray) -> np.ndarray:
            eta = eta0 + s * zz[self.groups]
            return self._per_group(self.y * eta - np.logaddexp(0.0, eta)) - zz**2 / 2

        current = log_integrand(z)
        for _ in range(100):
            p = special.expit(eta0 + s * z[self.groups])
            slope = s * self._per_group(self.y - p) - z
            curvature = s * s * self._per_group(p * (1.0 - p)) + 1.0
            step = slope / curvature
            for _ in range(50):
                trial = log_integrand(z + step)
                worse = trial < current - 1e-12 * (1.0 + np.abs(current))
                if not worse.any():
                    break
                step = np.where(worse, step / 2.0, step)
            z, current = z + step, trial
            if np.max(np.abs(step)) < 1e-12:
                break
        p = special.expit(eta0 + s * z[self.groups])
        curvature = s * s * self._per_group(p * (1.0 - p)) + 1.0
        return z, curvature

    def evaluate(self, theta: np.ndarray) -> tuple[float, np.ndarray, np.ndarray]:
        """The log likelihood at theta = (b, s), its gradient and its Hessian. The gradient
        and Hessian are those of the integral (the posterior mean of the score, and Louis'
        identity), by the same quadrature, the nodes held where the modes put them."""
        b, s = theta[:-1], float(theta[-1])
        eta0 = self.x @ b
        mode, curvature = self.modes(eta0, s)
        spread = 1.0 / np.sqrt(curvature)
        nodes = mode[:, None] + ROOT2 * spread[:, None] * _HERMITE_X[None, :]  # G x K
        log_weight = np.log(spread)[:, None] + _LOG_HERMITE[None, :] - nodes**2 / 2 - _LOG_ROOT_2PI
        at = nodes[self.groups]  # n x K
        eta = eta0[:, None] + s * at
        terms = log_weight + self._per_group(self.y[:, None] * eta - np.logaddexp(0.0, eta))
        top = terms.max(axis=1)
        per_group = top + np.log(np.exp(terms - top[:, None]).sum(axis=1))
        weight = np.exp(terms - per_group[:, None])  # G x K, each country's posterior weights
        p = special.expit(eta)
        residual = self.y[:, None] - p
        # The score of each node: G x K x (k + 1), the last entry for s (column by column, so
        # that no n x K x (k + 1) array is made).
        columns = self.x.shape[1]
        score = np.empty((self.g, len(_HERMITE_X), columns + 1))
        for j in range(columns):
            score[:, :, j] = self._per_group(residual * self.x[:, j : j + 1])
        score[:, :, columns] = self._per_group(residual * at)
        mean = np.einsum("gk,gkj->gj", weight, score)
        gradient = mean.sum(axis=0)
        hessian = np.einsum("gk,gki,gkj->ij", weight, score, score) - mean.T @ mean
        q = weight[self.groups] * p * (1.0 - p)  # n x K
        k = self.x.shape[1]
        hessian[:k, :k] -= self.x.T @ (self.x * q.sum(axis=1)[:, None])
        cross = self.x.T @ (q * at).sum(axis=1)
        hessian[:k, k] -= cross
        hessian[k, :k] -= cross
        hessian[k, k] -= float(np.sum(q * at * at))
        return float(per_group.sum()), gradient, hessian


def maximise(
    quadrature: Quadrature, start: np.ndarray
) -> tuple[np.ndarray, float, np.ndarray, bool, int]:
    """Newton's method from ``start`` with step-halving (and, where the Hessian is not negative
    definite, shifted until it is): the estimate, the log likelihood, the Hessian there,
    whether it converged (small step and gradient, negative definite Hessian) and the number
    of Newton steps."""
    theta = start.astype(float)
    value, gradient, hessian = quadrature.evaluate(theta)
    converged = False
    steps = 0
    for steps in range(1, MAX_NEWTON + 1):  # noqa: B007 (the count is reported)
        eigen = np.linalg.eigvalsh(hessian)
        shift = 0.0
        if eigen.max() >= 0:
            shift = eigen.max() + 1e-3 * max(1.0, float(np.abs(eigen).max()))
        try:
            step = -np.linalg.solve(hessian - shift * np.eye(len(theta)), gradient)
        except np.linalg.LinAlgError:
            break
        if not np.all(np.isfinite(step)):
            break
        for _ in range(60):
            trial = quadrature.evaluate(theta + step)
            if trial[0] >= value - 1e-12 * (1.0 + abs(value)):
                break
            step = step / 2.0
        theta = theta + step
        value, gradient, hessian = trial
        if (
            shift == 0.0
            and np.max(np.abs(step)) < STEP_TOLERANCE
            and np.max(np.abs(gradient)) < GRADIENT_TOLERANCE
        ):
            converged = True
            break
    converged = converged and bool(np.all(np.linalg.eigvalsh(hessian) < 0))
    return theta, value, hessian, converged, steps


def random_intercept(frame: pd.DataFrame, fit: Fit) -> RandomIntercept:
    """The random-intercept model by country for the rows of ``fit`` (a main model fit from
    ``model.fit_subset`` on ``frame``), or the reason it is not fitted."""
    result = RandomIntercept()
    if fit.status != "fitted":
        result.reasons.append(Text(gettext_noop("the main model is not fitted")))
        return result
    if fit.method != "maximum likelihood":
        result.reasons.append(
            Text(
                gettext_noop(
                    "the data are separated (the main model is Firth's): the maximum likelihood "
                    "estimates of the random-intercept model would be infinite too"
                )
            )
        )
        return result
    if model.COUNTRY not in frame.columns:
        result.reasons.append(Text(gettext_noop("the data have no country column")))
        return result
    data, _ = model.prepare(frame, fit.subset)
    country = data[model.COUNTRY]
    missing = int(country.isna().sum())
    if missing:
        result.reasons.append(
            Text(
                gettext_noop("{missing} of {rows} rows have no country"),
                missing=missing,
                rows=len(data),
            )
        )
        return result
    codes, labels = pd.factorize(country.astype(str), sort=True)
    result.countries = len(labels)
    result.observations = len(data)
    if len(labels) < MIN_COUNTRIES:
        result.reasons.append(
            Text(
                gettext_noop(
                    "{countries} countries, fewer than {minimum} ({source}): too few to estimate "
                    "a variance between countries"
                ),
                countries=len(labels),
                minimum=MIN_COUNTRIES,
                source=MIN_COUNTRIES_SOURCE,
            )
        )
        return result
    if len(labels) == len(data):
        result.reasons.append(
            Text(
                gettext_noop(
                    "every country has a single case: a variance between countries cannot be "
                    "told apart from the cases' own variation"
                )
            )
        )
        return result
    names = [name for name, _ in model.PREDICTORS]
    x = np.column_stack([data[names].to_numpy(dtype=float), np.ones(len(data))])
    y = data[model.OUTCOME].to_numpy(dtype=float)
    beta = np.array([term.coef for term in fit.terms])
    estimate(result, x, y, np.asarray(codes, dtype=np.intp), beta, fit.log_likelihood)
    return result


def estimate(
    result: RandomIntercept,
    x: np.ndarray,
    y: np.ndarray,
    groups: np.ndarray,
    beta: np.ndarray,
    log_likelihood: float | None,
) -> None:
    """Fits the model to the design ``x`` (the predictors in model.PREDICTORS' order, the
    constant last), outcome ``y`` and country codes ``groups`` (0, 1, ...), from the main
    fit's estimate ``beta`` and log likelihood, and fills ``result``: the estimates, or the
    reason there are none."""
    start = np.r_[beta, 1.0]
    quadrature = Quadrature(x, y, groups)
    theta, value, hessian, converged, steps = maximise(quadrature, start)
    result.converged, result.iterations = converged, steps
    if not converged:
        result.reasons.append(
            Text(
                gettext_noop(
                    "the maximisation did not converge in {steps} Newton steps (gradient "
                    "tolerance {tolerance:g}, negative definite Hessian); no estimates are "
                    "reported"
                ),
                steps=MAX_NEWTON,
                tolerance=GRADIENT_TOLERANCE,
            )
        )
        return
    s = abs(float(theta[-1]))
    if s < ZERO_SD:
        result.reasons.append(
            Text(
                gettext_noop(
                    "the country variance is estimated at zero (s below {limit:g}): the model "
                    "is the main model, and the random intercept does not raise the likelihood"
                ),
                limit=ZERO_SD,
            )
        )
        return
    covariance = np.linalg.inv(-hessian)
    se = np.sqrt(np.diag(covariance))[:-1]
    beta = theta[:-1]
    zvalues = beta / se
    pvalues = 2.0 * stats.norm.sf(np.abs(zvalues))
    result.status = "fitted"
    columns = [*(name for name, _ in model.PREDICTORS), model.CONSTANT]
    for j, name in enumerate(columns):
        result.terms.append(
            model.Estimate(
                name=name,
                label=model.LABELS[name],
                coef=float(beta[j]),
                se=float(se[j]),
                z=float(zvalues[j]),
                p=float(pvalues[j]),
                stars=model.stars(float(pvalues[j])),
                odds_ratio=float(np.exp(beta[j])),
            )
        )
    result.country_sd = s
    result.icc = s * s / (s * s + math.pi**2 / 3.0)
    result.log_likelihood = value
    result.aic = -2.0 * value + 2.0 * len(theta)
    if log_likelihood is not None:
        statistic = max(0.0, 2.0 * (value - log_likelihood))
        result.lr_statistic = statistic
        result.lr_p = float(0.5 * stats.chi2.sf(statistic, 1))


def _number(value: float | None, spec: str) -> str:
    return "-" if value is None else format(value, spec)


def lines(
    result: RandomIntercept | None, label_width: int, translate: Translate = english
) -> list[str]:
    """The random-intercept model's lines under a fit in ``model.table``, in the words of
    ``translate``."""
    if result is None:
        return []
    t = translate
    title = "  " + t(gettext_noop("Random intercept by country ({method})")).format(
        method=t(METHOD)
    )
    if result.status != "fitted":
        reasons = "; ".join(translated(reason, t) for reason in result.reasons)
        return [f"{title}: {t(gettext_noop('not fitted'))}: {reasons}"]
    out = [
        title + ", " + t(gettext_noop("{countries} countries")).format(countries=result.countries)
    ]
    out.append(
        f"    {'':<{label_width}}{t(gettext_noop('Coefficient')):>14}{'(SE)':>10}"
        f"{t(gettext_noop('Odds ratio')):>12}"
    )
    for term in result.terms:
        out.append(
            f"    {t(term.label):<{label_width}}{term.coef:>11.3f}{term.stars:<3}"
            f"{f'({term.se:.3f})':>10}{term.odds_ratio:>12.3g}"
        )
    out.append(
        "    "
        + t(gettext_noop("Country SD {sd}; ICC {icc}; Log Likelihood {loglik}; AIC {aic}")).format(
            sd=_number(result.country_sd, ".3f"),
            icc=_number(result.icc, ".3f"),
            loglik=_number(result.log_likelihood, ".2f"),
            aic=_number(result.aic, ".2f"),
        )
    )
    if result.lr_statistic is not None and result.lr_p is not None:
        out.append(
            "    "
            + t(
                gettext_noop(
                    "Against the model without it: LR chi2 {statistic:.2f}, p {p:.4f} (half "
                    "the chi-square(1) tail: {source})"
                )
            ).format(statistic=result.lr_statistic, p=result.lr_p, source=LR_SOURCE)
        )
    return out
