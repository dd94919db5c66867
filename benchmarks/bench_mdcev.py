"""MDCEV speed: 5,000 respondents x 11 options (prices 5..39 per unit, budgets 300..600, 4 design
versions, 2 attributes), fit with classical and robust standard errors; the target is the
gamma-profile with an outside good under 30 s. Run: .venv/bin/python benchmarks/bench_mdcev.py"""

from __future__ import annotations

import time

from analysis.models.mdcev import MDCEV, simulate_mdcev
from analysis.models.simulate import random_design

N, OPTIONS, VERSIONS, ATTRIBUTES = 5_000, 11, 4, 2
CASES = [
    ("gamma, outside good", "gamma", True),
    ("gamma, all spent", "gamma", False),
    ("alpha, outside good", "alpha", True),
]


def truth(profile: str, outside: bool) -> dict[str, float]:
    params = {f"psi:o{j}": 0.3 - 0.08 * j for j in range(OPTIONS)}
    params.update({"beta:x0": 0.5, "beta:x1": -0.3, "sigma": 0.8, "alpha:outside": 0.3})
    if profile == "gamma":
        params.update({f"gamma:o{j}": 1.0 + 0.3 * j for j in range(OPTIONS)})
    else:
        params.update({f"alpha:o{j}": 0.05 * j for j in range(OPTIONS)})
    return params


def main() -> None:
    design = random_design(N, OPTIONS, VERSIONS, ATTRIBUTES, seed=1, budget=(300, 600))
    attributes = [f"x{k}" for k in range(ATTRIBUTES)]
    print(
        f"MDCEV, {N:,} respondents x {OPTIONS} options, {VERSIONS} design versions, "
        f"{ATTRIBUTES} attributes, classical and robust standard errors; best of 3 runs\n"
    )
    print(
        f"{'case':<22}{'params':>7}{'iter':>6}{'converged':>11}{'loglik':>14}"
        f"{'read (s)':>10}{'fit (s)':>9}{'total (s)':>11}"
    )
    for label, profile, outside in CASES:
        table = simulate_mdcev(design, truth(profile, outside), profile=profile, outside_good=outside, seed=2)
        runs = []
        for _ in range(3):
            start = time.perf_counter()
            model = MDCEV(table, profile=profile, attributes=attributes, outside_good=outside)
            read = time.perf_counter() - start
            result = model.fit()
            runs.append((time.perf_counter() - start, read, result))
        total, read, result = min(runs, key=lambda run: run[0])
        print(
            f"{label:<22}{len(result.params):>7}{result.iterations:>6}"
            f"{'yes' if result.converged else 'NO':>11}{result.loglik:>14.3f}"
            f"{read:>10.3f}{total - read:>9.3f}{total:>11.3f}"
        )


if __name__ == "__main__":
    main()
