"""The exact knapsack recursion over integer costs: log Z, E[y], Cov(y) and the best package of a
menu without listing its portfolios (one constraint with whole non-negative costs; groups and
levels as stages).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from analysis.models.layout import PortfolioTable
from analysis.models.optimize import logsumexp
from surveys.feasibility import whole_range


@dataclass
class Stage:
    """A step of the recursion: an option on its own, or an exclusive group; each alternative is
    one way to fill it (all at 0, or one member at one level) with its integer cost and levels."""

    cost: np.ndarray  # A (integers)
    levels: np.ndarray  # A x J


def stages_of(data: PortfolioTable, n: int) -> tuple[list[Stage], int, int]:
    """The stages of row n's menu and the lowest and highest whole total cost allowed."""
    if len(data.constraints) > 1:
        raise ValueError(
            "the knapsack recursion handles one constraint; with several, the menu "
            "must be small enough to enumerate (method='enumerate')"
        )
    cost = data.cost[n, :, 0] if data.constraints else np.zeros(len(data.options))
    if (cost != np.round(cost)).any() or (cost < 0).any():
        raise ValueError(
            "the knapsack recursion needs whole, non-negative costs (points or "
            "euros on a grid); rescale the costs or enumerate"
        )
    J = len(data.options)
    stages, done = [], set()
    for j in range(J):
        if j in done:
            continue
        g = data.group[n, j]
        members = [j] if g < 0 else [k for k in range(J) if data.group[n, k] == g]
        done.update(members)
        rows = [np.zeros(J)]
        for k in members:
            for level in range(1, int(data.levels[k]) + 1):
                row = np.zeros(J)
                row[k] = level
                rows.append(row)
        levels = np.array(rows)
        stages.append(Stage(cost=(levels @ cost).astype(int), levels=levels))
    top = int(sum(stage.cost.max() for stage in stages))
    budget = data.budget[n, 0] if data.constraints else math.inf
    budget_min = data.budget_min[n, 0] if data.constraints else -math.inf
    lowest, highest = whole_range(float(budget_min), float(budget))
    return stages, int(max(0, lowest)), int(min(top, highest))


def shifted(values: np.ndarray, shifts: np.ndarray, right: bool) -> np.ndarray:
    """Rows: `values` moved right (index b gets b - s) or left (b gets b + s), -inf filled."""
    size = len(values)
    out = np.full((len(shifts), size), -np.inf)
    for a, s in enumerate(shifts):
        if s < size:
            if right:
                out[a, s:] = values[: size - s]
            else:
                out[a, : size - s] = values[s:]
    return out


def marginals(
    stages: list[Stage], utils: list[np.ndarray], low: int, high: int
) -> tuple[float, list[np.ndarray]]:
    """log Z and P(stage s takes alternative a), by a forward and a backward pass in log space.

    Forward F_s[b]: log of the sum over fillings of the stages before s costing b; backward
    H_s[r]: log of the sum over fillings of stage s onwards that end with a total in [low, high]
    given r already spent.
    """
    size = high + 1
    forward = [np.full(size, -np.inf)]
    forward[0][0] = 0.0
    for stage, util in zip(stages, utils):
        forward.append(logsumexp(util[:, None] + shifted(forward[-1], stage.cost, True), axis=0))
    backward = [np.where(np.arange(size) >= low, 0.0, -np.inf)]
    for stage, util in zip(reversed(stages), reversed(utils)):
        backward.append(logsumexp(util[:, None] + shifted(backward[-1], stage.cost, False), axis=0))
    backward.reverse()
    log_z = backward[0][0]
    if not np.isfinite(log_z):
        raise ValueError("a menu has no feasible portfolio")
    probs = []
    for s, (stage, util) in enumerate(zip(stages, utils)):
        after = shifted(backward[s + 1], stage.cost, False)
        probs.append(np.exp(util + logsumexp(forward[s][None, :] + after, axis=1) - log_z))
    return float(log_z), probs


def moments(data: PortfolioTable, n: int):
    """Moments of y over the feasible set by the knapsack recursion (never lists portfolios).

    Cov(y) from E[y y'] = sum over (stage, alternative a) P(a) y_a E[y | a], where E[y | a]
    comes from the same recursion with that stage held at a.
    """
    stages, low, high = stages_of(data, n)

    def moments(u: np.ndarray, second: bool = True):
        utils = [stage.levels @ u for stage in stages]
        log_z, probs = marginals(stages, utils, low, high)
        mean = sum(p @ stage.levels for p, stage in zip(probs, stages))
        if not second:
            return log_z, mean, None
        outer = np.zeros((len(u), len(u)))
        for s, (stage, p) in enumerate(zip(stages, probs)):
            for a in np.flatnonzero((stage.levels != 0).any(axis=1) & (p > 0)):
                held = Stage(cost=stage.cost[a : a + 1], levels=stage.levels[a : a + 1])
                held_stages = stages[:s] + [held] + stages[s + 1 :]
                held_utils = utils[:s] + [utils[s][a : a + 1]] + utils[s + 1 :]
                _, held_probs = marginals(held_stages, held_utils, low, high)
                conditional = sum(q @ st.levels for q, st in zip(held_probs, held_stages))
                outer += p[a] * np.outer(stage.levels[a], conditional)
        return log_z, mean, outer - np.outer(mean, mean)

    return moments


def best_package(data: PortfolioTable, n: int) -> Callable[[np.ndarray], np.ndarray]:
    """The feasible y with the highest utility y'u, by the recursion in max-plus form (a knapsack:
    the best filling of the stages so far for each total cost b, then back along the choices)."""
    stages, low, high = stages_of(data, n)

    def best(u: np.ndarray) -> np.ndarray:
        size = high + 1
        value = np.full(size, -np.inf)
        value[0] = 0.0
        picks = []
        for stage in stages:
            candidates = (stage.levels @ u)[:, None] + shifted(value, stage.cost, True)
            picks.append(np.argmax(candidates, axis=0))
            value = candidates.max(axis=0)
        allowed = np.where(np.arange(size) >= low, value, -np.inf)
        if not np.isfinite(allowed).any():
            raise ValueError("a menu has no feasible portfolio")
        b, y = int(np.argmax(allowed)), np.zeros(len(u))
        for stage, pick in zip(reversed(stages), reversed(picks)):
            a = pick[b]
            y += stage.levels[a]
            b -= int(stage.cost[a])
        return y

    return best
