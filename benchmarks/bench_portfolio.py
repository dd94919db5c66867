"""Portfolio logit speed at national scale: 30,000 respondents, 4 design versions, 3 attributes,
12 options (enumerated) and 20 options (knapsack recursion over integer costs), exact fit with
robust standard errors. Run: .venv/bin/python benchmarks/bench_portfolio.py"""

from __future__ import annotations

import time

from analysis.models import PortfolioLogit
from analysis.models.simulate import random_design, simulate_choices

N, VERSIONS, ATTRIBUTES = 30_000, 4, 3
CASES = [
    ("12 options, auto", 12, "auto", (100, 200)),
    ("12 options, recursion", 12, "recursion", (100, 200)),
    ("20 options, auto", 20, "auto", (150, 300)),
]


def truth(options: int) -> dict[str, float]:
    return {
        **{f"asc:o{j}": 0.5 - 0.1 * j for j in range(options)},
        "beta:x0": 0.6,
        "beta:x1": -0.4,
        "beta:x2": 0.3,
        "delta0": 0.03,
    }


def main() -> None:
    print(
        f"exact portfolio logit, {N:,} respondents, {VERSIONS} design versions, {ATTRIBUTES} "
        "attributes, robust standard errors; best of 3 runs\n"
    )
    print(
        f"{'case':<24}{'method':>10}{'menus':>7}{'iter':>6}{'loglik':>15}"
        f"{'read (s)':>10}{'fit (s)':>9}{'total (s)':>11}"
    )
    for label, options, method, budget in CASES:
        design = random_design(N, options, VERSIONS, ATTRIBUTES, seed=1, budget=budget)
        table = simulate_choices(design, truth(options), seed=2)
        runs = []
        for _ in range(3):
            start = time.perf_counter()
            model = PortfolioLogit(table, [f"x{k}" for k in range(ATTRIBUTES)], method=method)
            built = time.perf_counter()
            result = model.fit()  # robust covariance included
            runs.append((time.perf_counter() - start, built - start, time.perf_counter() - built))
        total, read, fit = min(runs)
        used = "recursion" if method == "recursion" or 2**options > 2**16 else "enumerate"
        print(
            f"{label:<24}{used:>10}{len(model.menus):>7}{result.iterations:>6}"
            f"{result.loglik:>15.3f}{read:>10.3f}{fit:>9.3f}{total:>11.3f}"
        )


if __name__ == "__main__":
    main()
