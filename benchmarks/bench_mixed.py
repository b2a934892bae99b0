"""Parameter recovery of the random-intercept model by country (issue 6).

Simulates samples of 600 cases in 36 invented countries (tests/analysis/model/make_fixtures.py,
``clustered``) with Table 1's all-regimes coefficients as the fixed effects and a country SD of
0.8, fits the main model and the random-intercept model as ``spcomms model improvement`` does
(adaptive Gauss-Hermite quadrature, 25 nodes), and prints the bias of s and of the fixed
effects, the coverage of the fixed effects' Wald 95 % intervals, how often the likelihood-ratio
test rejects at 5 %, and the time per fit; then the same with a country SD of 0, where the
test's rejection rate is its size and about half the samples should put the variance at zero.
Samples with separation (no maximum likelihood estimate) are counted and left out. 200
replications of each (SPCOMMS_BENCH_SCALE multiplies them). No database is needed.
Run: python -m benchmarks.bench_mixed.
"""

from __future__ import annotations

import time

import numpy as np
import pandas as pd
from tests.analysis.model.make_fixtures import CONSTANT, TRUE, clustered

from benchmarks.harness import bench_scale
from spcomms.analysis import mixed, model

SAMPLE = 600
COUNTRIES = 36
REPLICATIONS = 200


def scenario(sd: float, replications: int) -> None:
    names = [name for name, _ in model.PREDICTORS]
    truth = np.array([TRUE[name] for name in names] + [CONSTANT])
    estimates, covered, sds = [], [], []
    separated = zero = failed = rejected = tested = 0
    seconds = 0.0
    for replication in range(replications):
        frame = model.validate(
            clustered(SAMPLE, seed=200_000 + replication, countries=COUNTRIES, sd=sd),
            source="simulation",
        )
        data, _ = model.prepare(frame, "all")
        x = np.column_stack([data[names].to_numpy(float), np.ones(len(data))])
        y = data["improved"].to_numpy(float)
        if model.detect_separation(x, y, [*names, model.CONSTANT]).found:
            separated += 1
            continue
        beta, converged, _ = model._maximum_likelihood(x, y, model.MAX_ITERATIONS)
        if not converged:
            failed += 1
            continue
        p = 1.0 / (1.0 + np.exp(-(x @ beta)))
        log_likelihood = float(np.sum(y * np.log(p) + (1 - y) * np.log1p(-p)))
        codes, _labels = pd.factorize(data["country"].astype(str), sort=True)
        result = mixed.RandomIntercept()
        started = time.perf_counter()
        mixed.estimate(result, x, y, np.asarray(codes, dtype=np.intp), beta, log_likelihood)
        seconds += time.perf_counter() - started
        if result.converged is False:
            failed += 1
            continue
        tested += 1
        if result.status != "fitted":  # the variance estimated at zero
            zero += 1
            sds.append(0.0)
            continue
        coef = np.array([term.coef for term in result.terms])
        se = np.array([term.se for term in result.terms])
        estimates.append(coef)
        covered.append(np.abs(coef - truth) <= model.Z_95 * se)
        sds.append(result.country_sd or 0.0)
        rejected += (result.lr_p or 1.0) < 0.05
    print(f"  country SD {sd}: {replications} samples of {SAMPLE} cases in {COUNTRIES} countries")
    print(
        f"    separated (left out) {separated}; not converged {failed}; variance at zero "
        f"{zero} of {tested}; LR test rejects at 5 % in {rejected} of {tested} "
        f"({100 * rejected / max(1, tested):.1f} %)"
    )
    print(
        f"    s: mean {np.mean(sds):.3f} (bias {np.mean(sds) - sd:+.3f}), median "
        f"{np.median(sds):.3f}; {1000 * seconds / max(1, tested):.0f} ms per fit"
    )
    if not estimates:
        return
    bias = np.mean(estimates, axis=0) - truth
    cover = np.mean(covered, axis=0)
    print(f"    {'coefficient':<30}{'true':>8}{'bias':>9}{'cover':>8}")
    for j, name in enumerate([*names, model.CONSTANT]):
        print(f"    {model.LABELS[name]:<30}{truth[j]:>8.3f}{bias[j]:>+9.3f}{cover[j]:>8.3f}")


def main() -> None:
    replications = max(10, round(REPLICATIONS * bench_scale(1.0)))
    print("Random intercept by country: parameter recovery (seed 000 Table 1 fixed effects)")
    scenario(0.8, replications)
    scenario(0.0, replications)


if __name__ == "__main__":
    main()
