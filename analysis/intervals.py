"""Normal-approximation inference: the critical value of every interval the analysis reports
(shares, choice-model estimates, value weights, power) and two-sided p-values, so a 95% interval
means the same z everywhere. scipy.special rather than scipy.stats: stats takes seconds to import."""
from __future__ import annotations

import numpy as np
from scipy import special


def critical_value(alpha: float = 0.05) -> float:
    """z with P(|Z| > z) = alpha: the half-width of a (1 - alpha) interval in standard errors."""
    if not 0 < alpha < 1:
        raise ValueError(f"alpha must lie between 0 and 1 (0.05 for a 95% interval), not {alpha!r}")
    return float(-special.ndtri(alpha / 2))


Z95 = critical_value(0.05)


def two_sided_p(z: np.ndarray) -> np.ndarray:
    """P(|Z| >= |z|) under the standard normal."""
    return 2 * special.ndtr(-np.abs(z))
