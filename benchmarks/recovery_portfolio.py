"""Parameter recovery of the portfolio logit: simulate from known parameters, refit, repeat.

Reports per parameter the mean bias in units of the empirical standard deviation, the mean robust
standard error against that deviation, and how often the 95% intervals (classical and robust)
cover the truth. Run: .venv/bin/python benchmarks/recovery_portfolio.py [replications]
"""

from __future__ import annotations

import sys
import time

import numpy as np
import pandas as pd

from analysis.intervals import Z95
from analysis.models import PortfolioLogit
from analysis.models.simulate import random_design, simulate_choices

RESPONDENTS, OPTIONS, VERSIONS = 2_000, 6, 4
TRUTH = {
    "asc:o0": 0.5,
    "asc:o1": 0.2,
    "asc:o2": -0.1,
    "asc:o3": 0.3,
    "asc:o4": -0.4,
    "asc:o5": 0.0,
    "beta:x0": 0.6,
    "beta:x1": -0.4,
    "delta0": 0.04,
}


def main(replications: int) -> None:
    design = random_design(
        RESPONDENTS, OPTIONS, VERSIONS, 2, seed=1, budget=(50, 90), groups={1: "transport", 2: "transport"}
    )
    truth = pd.Series(TRUTH)
    estimates, classical, robust, converged = [], [], [], 0
    start = time.perf_counter()
    for rep in range(replications):
        table = simulate_choices(design, TRUTH, seed=1000 + rep)
        result = PortfolioLogit(table, ["x0", "x1"]).fit()
        converged += result.converged
        estimates.append(result.params[truth.index])
        classical.append(result.classical_bse[truth.index])
        robust.append(result.robust_bse[truth.index])
    estimates, classical, robust = map(pd.DataFrame, (estimates, classical, robust))
    spread = estimates.std(ddof=1)
    covered = lambda se: ((estimates - truth).abs() <= Z95 * se).mean()  # noqa: E731
    report = pd.DataFrame(
        {
            "true": truth,
            "mean estimate": estimates.mean(),
            "bias / sd": (estimates.mean() - truth) / spread,
            "robust se / sd": robust.mean() / spread,
            "coverage classical": covered(classical),
            "coverage robust": covered(robust),
        }
    )
    print(
        f"portfolio logit recovery: {replications} replications of {RESPONDENTS:,} respondents, "
        f"{OPTIONS} options (2 in an exclusive group), {VERSIONS} design versions, 2 attributes; "
        f"{converged}/{replications} converged; {time.perf_counter() - start:.1f} s\n"
    )
    print(report.to_string(float_format=lambda x: f"{x:.3f}"))
    band = 1.96 * np.sqrt(0.95 * 0.05 / replications)
    print(
        f"\ncoverage expected 0.950 +- {band:.3f} (95% band for {replications} replications); "
        f"mean |bias / sd| {report['bias / sd'].abs().mean():.3f} "
        f"(Monte Carlo error of one bias/sd about {1 / np.sqrt(replications):.3f})"
    )


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 200)
