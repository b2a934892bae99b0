"""Writes tests/analysis/r/separation_samples.csv: invented samples for the separation check.

Run: .venv/bin/python -m tests.analysis.model.make_separation_fixtures, then
``Rscript tests/analysis/r/separation.R tests/analysis/r`` to freeze R's verdicts. The samples
are drawn as the other fixtures are (make_fixtures.cases: seed 000 Table 1 as the true model),
at sizes from 40 to 461 cases so that some are separated and some not, plus samples whose
outcome is set by a rule so that they are separated completely or quasi-completely. Samples in
which a predictor has no variance are skipped: the command refuses them before the check.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from spcomms.analysis.model import PREDICTORS
from tests.analysis.model.make_fixtures import HERE, cases

NAMES = [name for name, _ in PREDICTORS]
SIZES = (40, 60, 80, 120, 160, 223, 300, 461)


def _usable(frame: pd.DataFrame) -> bool:
    varied = all(frame[name].nunique() > 1 for name in [*NAMES, "improved"])
    x = np.column_stack([frame[NAMES].to_numpy(float), np.ones(len(frame))])
    return varied and np.linalg.matrix_rank(x) == x.shape[1]


def samples() -> pd.DataFrame:
    drawn: list[pd.DataFrame] = []
    seed = 0
    for size in SIZES:
        kept = 0
        while kept < 3:
            seed += 1
            frame = cases(size, seed=7000 + seed)
            if _usable(frame):
                drawn.append(frame.assign(sample=f"drawn-{size}-{kept}"))
                kept += 1
    for index in range(3):  # improved exactly when the mentions are few: complete
        frame = cases(120, seed=8000 + index)
        frame["improved"] = (frame["n_mentions"] <= 1 + index).astype(int)
        drawn.append(frame.assign(sample=f"complete-{index}"))
    for index in range(3):  # every case with disciplinary measures improved: quasi-complete
        frame = cases(300, seed=8100 + index)
        frame.loc[frame["v_disciplinary_measures"] == 1, "improved"] = 1
        drawn.append(frame.assign(sample=f"quasi-{index}"))
    every = pd.concat(drawn, ignore_index=True)
    return every[["sample", "improved", *NAMES]]


def main() -> None:
    samples().to_csv(HERE.parent / "r" / "separation_samples.csv", index=False)


if __name__ == "__main__":
    main()
