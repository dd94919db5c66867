"""Normal-approximation inference: the critical value of every interval the analysis reports
(shares, choice-model estimates, value weights, power) and two-sided p-values, so a 95% interval
means the same z everywhere. The standard library's normal suffices: scipy.stats takes seconds
to import, longer than a small fit runs."""

from __future__ import annotations

import math
from statistics import NormalDist

import numpy as np
import numpy.typing as npt

_ERFC = np.frompyfunc(math.erfc, 1, 1)


def critical_value(alpha: float = 0.05) -> float:
    """z with P(|Z| > z) = alpha: the half-width of a (1 - alpha) interval in standard errors."""
    if not 0 < alpha < 1:
        raise ValueError(f"alpha must lie between 0 and 1 (0.05 for a 95% interval), not {alpha!r}")
    return NormalDist().inv_cdf(1 - alpha / 2)


Z95 = critical_value(0.05)


def two_sided_p(z: npt.ArrayLike) -> np.ndarray:
    """P(|Z| >= |z|) = erfc(|z| / sqrt 2) under the standard normal (NaN stays NaN)."""
    return np.asarray(_ERFC(np.abs(np.asarray(z, dtype=float)) / math.sqrt(2)), dtype=float)[()]
