"""What the recovery scripts print: per parameter bias, standard error and coverage over replications."""

from __future__ import annotations

import numpy as np
import pandas as pd

from analysis.intervals import Z95


def replication(estimate: pd.Series, std_err: pd.Series, truth: pd.Series) -> pd.DataFrame:
    """One replication: per parameter the estimate, its robust standard error and whether the
    95% interval covers the truth."""
    return pd.DataFrame(
        {
            "estimate": estimate,
            "se": std_err,
            "covered": (estimate - truth[estimate.index]).abs() <= Z95 * std_err,
        }
    )


def report(replications: list[pd.DataFrame], truth: pd.Series) -> pd.DataFrame:
    """Mean estimate, bias in units of the empirical sd, mean robust se / sd and coverage."""
    runs = pd.concat(replications).groupby(level=0, sort=False)
    spread = runs["estimate"].std()
    return pd.DataFrame(
        {
            "true": truth,
            "mean estimate": runs["estimate"].mean(),
            "bias / sd": (runs["estimate"].mean() - truth) / spread,
            "robust se / sd": runs["se"].mean() / spread,
            "coverage robust": runs["covered"].mean(),
        }
    )


def precision(replications: int) -> str:
    band = Z95 * np.sqrt(0.95 * 0.05 / replications)
    return (
        f"Coverage should be 0.950 +- {band:.3f}; one bias / sd has Monte Carlo error "
        f"{1 / np.sqrt(replications):.3f}."
    )
