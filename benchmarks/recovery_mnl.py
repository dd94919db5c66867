"""Parameter recovery of the MNL for pairs blocks: simulate from known parameters, refit, repeat.

Per parameter and per willingness to pay: the mean bias in units of the empirical standard
deviation, the mean robust standard error against that deviation, and how often the robust 95%
interval covers the truth. Run: .venv/bin/python benchmarks/recovery_mnl.py [replications]
"""

from __future__ import annotations

import sys
import time

import pandas as pd
from recovery import precision, replication, report

from analysis.models import MNL
from analysis.models.mnl import simulate_pairs

RESPONDENTS, TASKS = 2_000, 5
TRUTH = {"asc:none": -0.5, "beta:x0": 0.8, "beta:x1": -0.4, "beta:cost": -0.03}


def main(replications: int) -> None:
    truth = pd.Series(
        {**TRUTH, **{f"wtp:{k}": -TRUTH[f"beta:{k}"] / TRUTH["beta:cost"] for k in ("x0", "x1")}}
    )
    rows, converged = [], 0
    start = time.perf_counter()
    for rep in range(replications):
        result = MNL(
            simulate_pairs(RESPONDENTS, TASKS, TRUTH, seed=5000 + rep), ["x0", "x1"], cost="cost"
        ).fit()
        converged += result.converged
        wtp = result.wtp().set_index("attribute").rename(index=lambda k: f"wtp:{k}")
        rows.append(
            replication(
                pd.concat([result.params, wtp["wtp"]]), pd.concat([result.robust_bse, wtp["std_err"]]), truth
            )
        )
    print(
        f"MNL recovery: {replications} replications of {RESPONDENTS:,} respondents x {TASKS} "
        f"pairs sets (A, B, none), attributes x0, x1, cost; {converged}/{replications} "
        f"converged; {time.perf_counter() - start:.1f} s. {precision(replications)}\n"
    )
    print(report(rows, truth).to_string(float_format=lambda x: f"{x:.3f}"))


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 200)
