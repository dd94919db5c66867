"""Estimates with their 95% intervals, taken from a fitted model in one place (robust standard
errors, normal approximation). Where a fit's covariance is not positive definite (a class
that is hardly there) the errors are NaN and the report shows a dash."""
from __future__ import annotations

import numpy as np
import pandas as pd

from analysis.shares import Z95


def intervals(results, names: list[str] | None = None) -> pd.DataFrame:
    """Per parameter: estimate, std_err (robust), lower, upper (95%), indexed by name."""
    names = list(results.params.index) if names is None else names
    with np.errstate(invalid="ignore"):  # a weakly identified fit: NaN, shown as a dash
        estimate, std_err = results.params[names], results.robust_bse[names]
    return pd.DataFrame({"estimate": estimate, "std_err": std_err,
                         "lower": estimate - Z95 * std_err, "upper": estimate + Z95 * std_err})
