"""Parameter recovery of the latent-class portfolio logit: simulate two classes from known
parameters, refit (classes labelled by size), repeat.

Per parameter and class share: the mean bias in units of the empirical standard deviation, the
mean robust standard error against that deviation, and how often the robust 95% interval covers
the truth. Run: .venv/bin/python benchmarks/recovery_latent_class.py [replications]
"""
from __future__ import annotations

import math
import sys
import time

import pandas as pd

from analysis.models.latent_class import LatentClassPortfolioLogit, simulate_classes
from analysis.models.simulate import random_design
from recovery import precision, replication, report

RESPONDENTS, OPTIONS, VERSIONS, STARTS = 2_000, 5, 4, 3
SHARES = (0.65, 0.35)
CLASSES = [{**{f"asc:o{j}": 0.5 - 0.2 * j for j in range(OPTIONS)},
            "beta:x0": beta0, "beta:x1": -0.5, "delta0": 0.04} for beta0 in (1.5, -1.5)]


def main(replications: int) -> None:
    design = random_design(RESPONDENTS, OPTIONS, VERSIONS, 2, seed=1)
    truth = pd.Series({**{f"class{k}:{name}": value for k, params in enumerate(CLASSES, 1)
                          for name, value in params.items()},
                       "class2:membership:const": math.log(SHARES[1] / SHARES[0]),
                       **{f"share:class{k}": share for k, share in enumerate(SHARES, 1)}})
    rows, converged = [], 0
    start = time.perf_counter()
    for rep in range(replications):
        table = simulate_classes(design, CLASSES, SHARES, seed=7000 + rep)
        result = LatentClassPortfolioLogit(table, ["x0", "x1"], n_classes=2, starts=STARTS,
                                           seed=rep).fit()
        converged += result.converged
        rows.append(replication(result.params[truth.index], result.robust_bse[truth.index], truth))
    print(f"latent-class recovery: {replications} replications of {RESPONDENTS:,} respondents, "
          f"{OPTIONS} options, {VERSIONS} design versions, 2 classes (shares {SHARES}, beta:x0 "
          f"+1.5 / -1.5), {STARTS} starts; {converged}/{replications} converged; "
          f"{time.perf_counter() - start:.1f} s. {precision(replications)}\n")
    print(report(rows, truth).to_string(float_format=lambda x: f"{x:.3f}"))


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 200)
