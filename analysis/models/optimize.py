"""Shared estimation steps of the choice models: Newton-Raphson for a concave log-likelihood, and
the cluster-robust sandwich."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

import numpy as np

MAX_ITERATIONS = 100
TOLERANCE = 1e-10            # largest Newton step at convergence


@dataclass
class Newton:
    """Where Newton-Raphson stopped; `state` is the last (LL, gradient, Hessian, ...) evaluated."""

    params: np.ndarray
    state: tuple
    iterations: int
    converged: bool


def newton(loglike: Callable[[np.ndarray], float],
           derivatives: Callable[[np.ndarray], tuple[Any, ...]], start: np.ndarray) -> Newton:
    """Maximise a concave log-likelihood with the exact Hessian and step-halving.

    `derivatives(params)` returns (LL, gradient, Hessian, anything else the caller wants back).
    Converged when the full Newton step is below TOLERANCE in every parameter.
    """
    params = np.asarray(start, dtype=float)
    state = derivatives(params)
    for iteration in range(1, MAX_ITERATIONS + 1):
        ll, grad, hess = state[:3]
        full = step = np.linalg.solve(-hess, grad)
        for _ in range(60):  # step-halving: never accept a lower log-likelihood
            if loglike(params + step) >= ll - 1e-12 * max(1.0, abs(ll)):
                break
            step = step / 2
        params = params + step
        state = derivatives(params)
        if np.max(np.abs(full)) < TOLERANCE:
            return Newton(params, state, iteration, True)
    return Newton(params, state, MAX_ITERATIONS, False)


def sandwich(cov: np.ndarray, scores: np.ndarray, cluster: np.ndarray) -> np.ndarray:
    """cov (sum_c s_c s_c') cov with s_c the sum of the (weighted) score rows of cluster c."""
    summed = np.zeros((cluster.max() + 1, scores.shape[1]))
    np.add.at(summed, cluster, scores)
    return cov @ summed.T @ summed @ cov


def logsumexp(values: np.ndarray, axis: int | None = None) -> np.ndarray:
    """log sum exp that returns -inf (no warning) where everything is -inf."""
    top = np.max(values, axis=axis, keepdims=True)
    top = np.where(np.isfinite(top), top, 0.0)
    with np.errstate(divide="ignore"):
        out = np.log(np.sum(np.exp(values - top), axis=axis, keepdims=True)) + top
    return out.squeeze(axis=axis) if axis is not None else out.item()
