"""Parameter recovery of the MDCEV: simulate from known parameters, refit, repeat.

Per parameter: the mean bias in units of the empirical standard deviation, the mean robust
standard error against that deviation, and how often the robust 95% interval covers the truth.
Run: .venv/bin/python benchmarks/recovery_mdcev.py [replications]
"""

from __future__ import annotations

import sys
import time

import pandas as pd
from recovery import precision, replication, report

from analysis.models.mdcev import MDCEV, simulate_mdcev
from analysis.models.simulate import random_design

RESPONDENTS, OPTIONS = 2_000, 5
TRUTH = {
    **{f"psi:o{j}": [0.4, -0.3, 0.2, -0.5, 0.1][j] for j in range(OPTIONS)},
    **{f"gamma:o{j}": 2.0 + j for j in range(OPTIONS)},
    "beta:x0": 0.5,
    "alpha:outside": 0.3,
    "sigma": 0.8,
}


def main(replications: int) -> None:
    truth = pd.Series(TRUTH)
    rows, converged = [], 0
    start = time.perf_counter()
    for rep in range(replications):
        design = random_design(RESPONDENTS, OPTIONS, 4, 1, seed=7000 + rep, budget=(200, 400))
        result = MDCEV(simulate_mdcev(design, TRUTH, seed=9000 + rep), attributes=["x0"]).fit()
        converged += result.converged
        rows.append(replication(result.params, result.robust_bse, truth))
    print(
        f"MDCEV recovery (gamma-profile, outside good): {replications} replications of "
        f"{RESPONDENTS:,} respondents x {OPTIONS} priced options, 4 design versions, 1 "
        f"attribute; {converged}/{replications} converged; {time.perf_counter() - start:.1f} s. "
        f"{precision(replications)}\n"
    )
    print(report(rows, truth).to_string(float_format=lambda x: f"{x:.3f}"))


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 200)
