"""Latent-class portfolio logit speed: 10,000 respondents, 10 options, 4 design versions, 3
attributes, 3 classes simulated and fitted by EM from 10 random starts, then Newton on the full
likelihood with classical and robust standard errors. Run: .venv/bin/python
benchmarks/bench_latent_class.py"""

from __future__ import annotations

import time

import pandas as pd

from analysis.models.latent_class import LatentClassPortfolioLogit, simulate_classes
from analysis.models.simulate import random_design

N, OPTIONS, VERSIONS, ATTRIBUTES, STARTS = 10_000, 10, 4, 3, 10
SHARES = (0.5, 0.3, 0.2)
BETAS = ((0.8, -0.4, 0.3), (-0.8, 0.6, 0.0), (0.2, 0.2, 1.0))


def truth(betas: tuple[float, ...]) -> dict[str, float]:
    return {
        **{f"asc:o{j}": 0.5 - 0.1 * j for j in range(OPTIONS)},
        **{f"beta:x{k}": b for k, b in enumerate(betas)},
        "delta0": 0.03,
    }


def simulated() -> pd.DataFrame:
    design = random_design(N, OPTIONS, VERSIONS, ATTRIBUTES, seed=1, budget=(100, 200))
    return simulate_classes(design, [truth(betas) for betas in BETAS], SHARES, seed=2)


def main() -> None:
    table = simulated()
    print(
        f"latent-class portfolio logit, {N:,} respondents, {OPTIONS} options, {VERSIONS} design "
        f"versions, {ATTRIBUTES} attributes, {STARTS} random starts; true shares {SHARES}\n"
    )
    print(
        f"{'classes':>7}{'params':>8}{'EM iter':>9}{'loglik':>15}{'BIC':>12}{'shares':>22}"
        f"{'converged':>11}{'fit (s)':>9}"
    )
    for classes in (1, 2, 3):
        start = time.perf_counter()
        result = LatentClassPortfolioLogit(
            table, [f"x{k}" for k in range(ATTRIBUTES)], n_classes=classes, starts=STARTS
        ).fit()
        seconds = time.perf_counter() - start
        shares = "/".join(f"{s:.3f}" for s in result.shares)
        print(
            f"{classes:>7}{result.n_free:>8}{len(result.history):>9}{result.loglik:>15.3f}"
            f"{result.bic:>12.1f}"
            f"{shares:>22}{str(result.converged):>11}{seconds:>9.2f}"
        )


if __name__ == "__main__":
    main()
