"""Raking speed at national scale: 30,000 respondents on 4 margins (age, gender, education,
province), untrimmed and trimmed. Run: .venv/bin/python benchmarks/bench_weighting.py"""

from __future__ import annotations

import time

import numpy as np
import pandas as pd

from analysis.weighting import rake

N = 30_000
AGES = {"16-24": 0.13, "25-44": 0.31, "45-64": 0.33, "65+": 0.23}
EDUCATION = {"low": 0.28, "middle": 0.37, "high": 0.35}
PROVINCES = {
    f"province-{i:02d}": share
    for i, share in enumerate(np.array([2, 3, 4, 5, 6, 8, 9, 10, 12, 13, 14, 14]) / 100, 1)
}


def sample(rng: np.random.Generator) -> pd.DataFrame:
    """A skewed sample like an open consultation: older, more educated, more women; education
    depends on age and province on education, so the margins interact."""
    age = rng.choice(list(AGES), N, p=[0.05, 0.25, 0.40, 0.30])
    female = rng.random(N) < np.where(age == "65+", 0.5, 0.6)
    high = rng.random(N) < np.where(np.isin(age, ["25-44", "45-64"]), 0.65, 0.45)
    education = np.where(high, "high", rng.choice(["low", "middle"], N, p=[0.35, 0.65]))
    provinces = list(PROVINCES)
    province = np.where(education == "high", rng.choice(provinces[-4:], N), rng.choice(provinces, N))
    return pd.DataFrame(
        {
            "age": age,
            "gender": np.where(female, "female", "male"),
            "education": education,
            "province": province,
        }
    )


def main() -> None:
    data = sample(np.random.default_rng(1))
    margins = {
        "age": AGES,
        "gender": {"female": 0.503, "male": 0.497},
        "education": EDUCATION,
        "province": PROVINCES,
    }
    print(
        f"raking {N:,} respondents on {len(margins)} margins "
        f"({sum(len(m) for m in margins.values())} categories), best of 5 runs\n"
    )
    print(
        f"{'case':<18}{'time (s)':>10}{'iterations':>12}{'max error':>12}{'deff':>8}"
        f"{'eff. n':>9}{'weights':>16}"
    )
    for label, trim in (("untrimmed", (None, None)), ("trim 0.3 .. 5", (0.3, 5.0))):
        times = []
        for _ in range(5):
            start = time.perf_counter()
            result = rake(data, margins, trim=trim)
            times.append(time.perf_counter() - start)
        print(
            f"{label:<18}{min(times):>10.3f}{result.iterations:>12}"
            f"{result.max_margin_error:>12.1e}{result.design_effect:>8.3f}"
            f"{result.effective_n:>9.0f}{result.weight_min:>8.2f} .. {result.weight_max:<5.2f}"
        )


if __name__ == "__main__":
    main()
