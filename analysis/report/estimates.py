"""Estimates with their 95% intervals, taken from a fitted model in one place (robust standard
errors, normal approximation). Where a fit's covariance is not positive definite (a class
that is hardly there) the errors are NaN and the report shows a dash."""

from __future__ import annotations

import numpy as np
import pandas as pd


def intervals(results, names: list[str] | None = None) -> pd.DataFrame:
    """Per parameter: estimate, std_err (robust), lower, upper (95%), indexed by name."""
    names = list(results.params.index) if names is None else names
    if getattr(results, "cov_type", "robust") != "robust":
        raise ValueError("the report's intervals use robust standard errors: fit with cov_type='robust'")
    with np.errstate(invalid="ignore"):  # a weakly identified fit: NaN, shown as a dash
        bounds = results.conf_int().loc[names]
        return pd.DataFrame(
            {
                "estimate": results.params[names],
                "std_err": results.bse[names],
                "lower": bounds["lower"],
                "upper": bounds["upper"],
            }
        )
