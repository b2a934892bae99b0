"""Parameter recovery of the model of seed 000 Table 1 (issue 6).

Simulates samples of 461 cases (the size of Table 1's all-regimes model) from invented but
plausible predictor distributions (tests/analysis/model/make_fixtures.py) with Table 1's
all-regimes coefficients as the truth, fits each by maximum likelihood and by Firth's
penalised likelihood exactly as ``spcomms model improvement`` does, and prints per coefficient
the bias and the coverage of the Wald 95 % interval, the share of samples with separation, and
the time per fit. Maximum likelihood figures are over the samples without separation (where
its estimate exists); Firth's over all samples. 1,000 replications (SPCOMMS_BENCH_SCALE
multiplies them). No database is needed. Run: python -m benchmarks.bench_model.
"""

from __future__ import annotations

import time

import numpy as np
from tests.analysis.model.make_fixtures import CONSTANT, TRUE, cases

from benchmarks.harness import bench_scale
from spcomms.analysis import model

SAMPLE = 461
REPLICATIONS = 1000


def main() -> None:
    replications = max(10, round(REPLICATIONS * bench_scale(1.0)))
    names = [name for name, _ in model.PREDICTORS]
    truth = np.array([TRUE[name] for name in names] + [CONSTANT])
    estimates: dict[str, list[np.ndarray]] = {"ml": [], "firth": []}
    covered: dict[str, list[np.ndarray]] = {"ml": [], "firth": []}
    separated = failed = 0
    seconds = {"ml": 0.0, "firth": 0.0, "separation": 0.0}
    for replication in range(replications):
        frame = model.validate(cases(SAMPLE, seed=100_000 + replication), source="simulation")
        data, _ = model.prepare(frame, "all")
        x = np.column_stack([data[names].to_numpy(float), np.ones(len(data))])
        y = data["improved"].to_numpy(float)
        if np.linalg.matrix_rank(x) < x.shape[1]:
            failed += 1
            continue
        started = time.perf_counter()
        separation = model.detect_separation(x, y, [*names, model.CONSTANT])
        seconds["separation"] += time.perf_counter() - started
        separated += separation.found
        for method in ("ml", "firth"):
            if method == "ml" and separation.found:
                continue
            started = time.perf_counter()
            if method == "ml":
                beta, converged, _ = model._maximum_likelihood(x, y, model.MAX_ITERATIONS)
            else:
                beta, _, converged, _ = model._firth(x, y, model.MAX_ITERATIONS)
            seconds[method] += time.perf_counter() - started
            if not converged:
                failed += 1
                continue
            p = 1.0 / (1.0 + np.exp(-(x @ beta)))
            information = x.T @ (x * (p * (1.0 - p))[:, None])
            se = np.sqrt(np.diag(np.linalg.inv(information)))
            estimates[method].append(beta)
            covered[method].append(np.abs(beta - truth) <= model.Z_95 * se)
    print(f"Parameter recovery, {replications} samples of {SAMPLE} (seed 000 Table 1 truth)")
    print(
        f"  separation in {separated} samples ({100 * separated / replications:.1f} %); "
        f"fits not converged or rank-deficient: {failed}"
    )
    print(
        f"  time per fit: separation check {1000 * seconds['separation'] / replications:.1f} ms, "
        f"ML {1000 * seconds['ml'] / max(1, len(estimates['ml'])):.1f} ms, "
        f"Firth {1000 * seconds['firth'] / max(1, len(estimates['firth'])):.1f} ms"
    )
    print(
        f"  {'coefficient':<30}{'true':>8}{'ML bias':>10}{'ML cover':>10}"
        f"{'Firth bias':>12}{'Firth cover':>12}"
    )
    ml_bias = np.mean(estimates["ml"], axis=0) - truth
    firth_bias = np.mean(estimates["firth"], axis=0) - truth
    ml_cover = np.mean(covered["ml"], axis=0)
    firth_cover = np.mean(covered["firth"], axis=0)
    for j, name in enumerate([*names, model.CONSTANT]):
        print(
            f"  {name:<30}{truth[j]:>8.3f}{ml_bias[j]:>10.3f}{ml_cover[j]:>10.3f}"
            f"{firth_bias[j]:>12.3f}{firth_cover[j]:>12.3f}"
        )
    print(
        f"  ML samples: {len(estimates['ml'])}; Firth samples: {len(estimates['firth'])}. "
        "Coverage has a Monte Carlo standard error of about "
        f"{np.sqrt(0.95 * 0.05 / max(1, len(estimates['firth']))):.3f}."
    )


if __name__ == "__main__":
    main()
