"""Shared numerical steps of the choice models: Newton-Raphson for a concave log-likelihood,
step-halving, the finite-difference Hessian of an analytic score, the cluster-robust sandwich and a
log-sum-exp that stays quiet on empty sets."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

MAX_ITERATIONS = 100
TOLERANCE = 1e-10  # largest Newton step at convergence
HALVINGS = 60  # a step halved this often is below any parameter's precision
HESSIAN_STEP = 1e-5  # finite-difference step, relative to the parameter (at least 1)


@dataclass
class Newton:
    """Where Newton-Raphson stopped; `state` is the last (LL, gradient, Hessian, ...) evaluated."""

    params: np.ndarray
    state: tuple
    iterations: int
    converged: bool


def newton(
    loglike: Callable[[np.ndarray], float],
    derivatives: Callable[[np.ndarray], tuple[Any, ...]],
    start: np.ndarray,
) -> Newton:
    """Maximise a concave log-likelihood with the exact Hessian and step-halving.

    `derivatives(params)` returns (LL, gradient, Hessian, anything else the caller wants back).
    Converged when the full Newton step is below TOLERANCE in every parameter.
    """
    params = np.asarray(start, dtype=float)
    state = derivatives(params)
    for iteration in range(1, MAX_ITERATIONS + 1):
        ll, grad, hess = state[:3]
        full = np.linalg.solve(-hess, grad)
        params = halved_step(loglike, params, full, ll)
        state = derivatives(params)
        if np.max(np.abs(full)) < TOLERANCE:
            return Newton(params, state, iteration, True)
    return Newton(params, state, MAX_ITERATIONS, False)


def halved_step(
    objective: Callable[[np.ndarray], float], start: np.ndarray, step: np.ndarray, value: float
) -> np.ndarray:
    """start + step, the step halved until the objective is not below `value` (its value at
    start): a log-likelihood never falls. `start` itself (the same object) if no step qualifies."""
    for _ in range(HALVINGS):
        candidate = start + step
        if objective(candidate) >= value - 1e-12 * max(1.0, abs(value)):
            return candidate
        step = step / 2
    return start


def numeric_hessian(score: Callable[[np.ndarray], np.ndarray], params: np.ndarray) -> np.ndarray:
    """Central finite differences of an analytic score, symmetrised."""
    params = np.asarray(params, dtype=float)
    columns = []
    for k in range(len(params)):
        shift = np.zeros(len(params))
        shift[k] = HESSIAN_STEP * max(1.0, abs(params[k]))
        columns.append((score(params + shift) - score(params - shift)) / (2 * shift[k]))
    hess = np.column_stack(columns)
    return (hess + hess.T) / 2


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
