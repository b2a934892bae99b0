"""Writes the invented fixture datasets of the model tests (seeded, so the same every time).

Run: .venv/bin/python tests/analysis/model/make_fixtures.py. The rows are invented: drawn from
plausible distributions with the coefficients of seed 000 Table 1 (all regime types) as the
true model. No real case, person or country-year is in them.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

HERE = Path(__file__).parent
TRUE = {
    "cy_polity": -0.01,
    "cy_fragility": 0.02,
    "upr_1y": 0.12,
    "cy_aid_dependency": 0.003,
    "reply": -0.20,
    "n_mentions": -0.62,
    "business": -1.40,
    "v_arbitrary_detention": 1.02,
    "v_torture": -1.20,
    "v_conviction": 0.97,
    "v_disciplinary_measures": 2.70,
    "v_administrative_harassment": -0.09,
    "minority": -0.35,
    "female_trans": 0.28,
}
CONSTANT = -1.36
COUNTRIES = ["AAA", "BBB", "CCC", "DDD", "EEE", "FFF", "GGG", "HHH", "III", "JJJ", "KKK", "LLL"]


def _countries(
    rng: np.random.Generator, codes: list[str], n: int
) -> tuple[np.ndarray, dict[str, Any], dict[str, Any], dict[str, Any]]:
    """Each case's country, and the country-level covariates, one value per invented country."""
    country = rng.choice(codes, size=n)
    polity = dict(zip(codes, rng.integers(-10, 11, len(codes)), strict=True))
    fragility = dict(zip(codes, rng.integers(0, 25, len(codes)), strict=True))
    aid = dict(zip(codes, np.round(rng.gamma(1.5, 2.0, len(codes)), 2), strict=True))
    return country, polity, fragility, aid


def _cases(
    rng: np.random.Generator,
    country: np.ndarray,
    covariates: tuple[dict[str, Any], dict[str, Any], dict[str, Any]],
    offset: np.ndarray | float = 0.0,
) -> pd.DataFrame:
    """The cases of ``country`` with their own variables drawn, and the outcome drawn from
    Table 1's model (plus ``offset``, a country's own intercept)."""
    polity, fragility, aid = covariates
    n = len(country)
    frame = pd.DataFrame(
        {
            "person_key": [f"p{i:04d}" for i in range(n)],
            "country": country,
            "cy_polity": [float(polity[c]) for c in country],
            "cy_fragility": [float(fragility[c]) for c in country],
            "upr_1y": rng.binomial(1, 0.3, n),
            "cy_aid_dependency": [aid[c] for c in country],
            "reply": rng.binomial(1, 0.5, n),
            "n_mentions": 1 + rng.poisson(0.8, n),
            "business": rng.binomial(1, 0.06, n),
            "v_arbitrary_detention": rng.binomial(1, 0.45, n),
            "v_torture": rng.binomial(1, 0.15, n),
            "v_conviction": rng.binomial(1, 0.15, n),
            "v_disciplinary_measures": rng.binomial(1, 0.04, n),
            "v_administrative_harassment": rng.binomial(1, 0.05, n),
            "minority": rng.binomial(1, 0.3, n),
            "female_trans": rng.binomial(1, 0.35, n),
        }
    )
    eta = CONSTANT + sum(frame[name] * beta for name, beta in TRUE.items()) + offset
    frame.insert(1, "improved", rng.binomial(1, 1.0 / (1.0 + np.exp(-eta))))
    frame.insert(2, "regime", np.where(frame["cy_polity"] < 0, 1, 2))
    frame.loc[frame["cy_polity"] == 0, "regime"] = 3
    return frame


def cases(n: int, seed: int) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    country, *covariates = _countries(rng, COUNTRIES, n)
    return _cases(rng, country, (covariates[0], covariates[1], covariates[2]))


def separated(n: int, seed: int) -> pd.DataFrame:
    """Quasi-complete separation: no case with business involvement improved."""
    frame = cases(n, seed)
    frame.loc[frame["business"] == 1, "improved"] = 0
    return frame


def clustered(n: int, seed: int, countries: int = 36, sd: float = 0.8) -> pd.DataFrame:
    """Cases in many invented countries, each with its own intercept drawn from N(0, sd^2):
    the fixture of the random-intercept model (tests/analysis/r/mixed.R)."""
    rng = np.random.default_rng(seed)
    codes = [f"Q{i:02d}" for i in range(1, countries + 1)]
    country, polity, fragility, aid = _countries(rng, codes, n)
    effect = dict(zip(codes, rng.normal(0.0, sd, countries), strict=True))
    offset = np.array([effect[c] for c in country])
    return _cases(rng, country, (polity, fragility, aid), offset)


def main() -> None:
    cases(460, seed=2019).to_csv(HERE / "cases.csv", index=False)
    cases(460, seed=2019).to_parquet(HERE / "cases.parquet", index=False)
    r_folder = HERE.parent / "r"
    cases(300, seed=5).to_csv(r_folder / "cases.csv", index=False)
    separated(300, seed=11).to_csv(r_folder / "separated.csv", index=False)
    # 600 cases in 36 countries, country SD 0.8; seed 2 has no separation.
    clustered(600, seed=2).to_csv(r_folder / "clustered.csv", index=False)


if __name__ == "__main__":
    main()
