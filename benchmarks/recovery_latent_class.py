"""Parameter recovery of the latent-class portfolio logit: simulate two classes from known
parameters, refit, repeat.

Per parameter and class share: the mean bias in units of the empirical standard deviation, the
mean robust standard error against that deviation, and how often the robust 95% interval covers
the truth. The model labels classes by size; before summarising, each replication's classes are
matched to the true classes by parameter distance (the printed line counts the replications
where that changed the labels), so a swap of labels cannot pass for bias.

Run: .venv/bin/python benchmarks/recovery_latent_class.py [replications] [--respondents N]
     [--first-seed S] [--save per_replication.csv]
"""

from __future__ import annotations

import argparse
import itertools
import math
import time

import numpy as np
import pandas as pd
from recovery import precision, replication, report

from analysis.models.latent_class import LatentClassPortfolioLogit, simulate_classes
from analysis.models.simulate import random_design

RESPONDENTS, OPTIONS, VERSIONS, STARTS, FIRST_SEED = 2_000, 5, 4, 3, 7000
SHARES = (0.65, 0.35)
CLASSES = [
    {
        **{f"asc:o{j}": 0.5 - 0.2 * j for j in range(OPTIONS)},
        "beta:x0": beta0,
        "beta:x1": -0.5,
        "delta0": 0.04,
    }
    for beta0 in (1.5, -1.5)
]


def matched(result, truth: pd.Series) -> tuple[pd.Series, pd.Series, pd.Series, bool]:
    """Estimates, robust and classical standard errors with the classes relabelled to the
    permutation whose class parameters are closest to the truth (membership constants
    re-expressed against the new class 1, errors by the delta method), and whether the labels
    changed."""
    K, names = len(CLASSES), list(CLASSES[0])
    estimate = result.params.to_numpy()
    index = {name: i for i, name in enumerate(result.params.index)}
    theta = np.array([[estimate[index[f"class{k}:{n}"]] for n in names] for k in range(1, K + 1)])
    true_theta = np.array([[params[n] for n in names] for params in CLASSES])
    order = min(
        itertools.permutations(range(K)), key=lambda perm: ((theta[list(perm)] - true_theta) ** 2).sum()
    )
    # linear map from the reported parameters to the relabelled ones (new class k = old order[k])
    A = np.zeros((len(truth), len(estimate)))
    for row, name in enumerate(truth.index):
        kind, rest = name.split(":", 1)
        if kind.startswith("class") and rest.startswith("membership:"):
            k = int(kind[5:]) - 1
            for old, sign in ((order[k], 1.0), (order[0], -1.0)):
                if old > 0:
                    A[row, index[f"class{old + 1}:{rest}"]] += sign
        elif kind.startswith("class"):
            A[row, index[f"class{order[int(kind[5:]) - 1] + 1}:{rest}"]] = 1.0
        else:  # share:class<k>
            A[row, index[f"share:class{order[int(rest[5:]) - 1] + 1}"]] = 1.0
    errors = [
        pd.Series(np.sqrt(np.diag(A @ cov.to_numpy() @ A.T)), index=truth.index)
        for cov in (result.robust_cov, result.classical_cov)
    ]
    return pd.Series(A @ estimate, index=truth.index), *errors, order != tuple(range(K))


def main(replications: int, respondents: int, first_seed: int, save: str | None) -> None:
    design = random_design(respondents, OPTIONS, VERSIONS, 2, seed=1)
    truth = pd.Series(
        {
            **{
                f"class{k}:{name}": value
                for k, params in enumerate(CLASSES, 1)
                for name, value in params.items()
            },
            "class2:membership:const": math.log(SHARES[1] / SHARES[0]),
            **{f"share:class{k}": share for k, share in enumerate(SHARES, 1)},
        }
    )
    rows, converged, relabelled = [], 0, 0
    start = time.perf_counter()
    for rep in range(replications):
        table = simulate_classes(design, CLASSES, SHARES, seed=first_seed + rep)
        result = LatentClassPortfolioLogit(table, ["x0", "x1"], n_classes=2, starts=STARTS, seed=rep).fit()
        converged += result.converged
        estimate, std_err, classical, swapped = matched(result, truth)
        relabelled += swapped
        rows.append(replication(estimate, std_err, truth).assign(se_classical=classical))
    if save:
        pd.concat(rows, keys=range(first_seed, first_seed + replications), names=["seed", "param"]).to_csv(
            save
        )
    table = report(rows, truth)
    print(
        f"latent-class recovery: {replications} replications of {respondents:,} respondents, "
        f"{OPTIONS} options, {VERSIONS} design versions, 2 classes (shares {SHARES}, beta:x0 "
        f"+1.5 / -1.5), {STARTS} starts, seeds {first_seed}..{first_seed + replications - 1}; "
        f"{converged}/{replications} converged; {relabelled} relabelled to match the truth; "
        f"{time.perf_counter() - start:.1f} s. {precision(replications)}\n"
    )
    print(table.to_string(float_format=lambda x: f"{x:.3f}"))
    bias = table["bias / sd"].abs()
    print(
        f"\nmean |bias / sd| {bias.mean():.3f}; {int((bias > 0.1).sum())} of {len(bias)} above "
        f"0.1 (if every estimate were unbiased, about "
        f"{len(bias) * 2 * (1 - _normal_cdf(0.1 * math.sqrt(replications))):.1f} would be by "
        "chance)"
    )


def _normal_cdf(x: float) -> float:
    return 0.5 * (1 + math.erf(x / math.sqrt(2)))


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("replications", nargs="?", type=int, default=200)
    parser.add_argument("--respondents", type=int, default=RESPONDENTS)
    parser.add_argument("--first-seed", type=int, default=FIRST_SEED)
    parser.add_argument("--save", help="write every replication's estimates to this CSV")
    args = parser.parse_args()
    main(args.replications, args.respondents, args.first_seed, args.save)
