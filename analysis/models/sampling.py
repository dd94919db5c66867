"""Sampling of alternatives for the portfolio logit, for menus the exact methods cannot handle.

Each choice n is compared with its chosen portfolio plus up to R others drawn uniformly from its
feasible set F_n without replacement. Uniform sampling gives every choice set C that contains the
chosen portfolio the same probability whichever member was chosen (McFadden's uniform
conditioning), so plain MNL over C is consistent without a correction term; it is approximate in
finite samples, and its log-likelihood is that of the sampled sets (not comparable with an exact
fit). Every sampled choice becomes a menu of its own, so the exact machinery (Newton, sandwich,
latent classes) runs unchanged on it.

Uniform feasible draws:
* a menu with at most ENUMERATION_LIMIT candidate portfolios: F is listed and indices are drawn
  without replacement;
* otherwise proposals come from the knapsack recursion's counts with w = 1 (uniform over the
  portfolios that respect the groups, levels and one constraint with whole non-negative costs:
  the one with the fewest such portfolios; uniform over groups and levels alone if none
  qualifies), and proposals that break any other rule are rejected (the table's rule,
  menus.rule_mask). Repeats and the chosen portfolio are dropped, keeping the first R
  distinct draws in order: a uniform subset of F_n without the chosen one.
"""

from __future__ import annotations

import dataclasses
import math
from typing import NoReturn

import numpy as np

from analysis.models import knapsack
from analysis.models.menus import (
    ENUMERATION_LIMIT,
    Menu,
    enumerated,
    feasible_by_table,
    rule_mask,
)
from analysis.models.optimize import logsumexp

PILOT = 4096  # proposals used to estimate the acceptance rate
MAX_PROPOSALS = 5_000_000  # per observation and round; fewer feasible draws: use what there is
ROUNDS = 5


def sampling_note(sampled: int, total: int, samples: int, forced: bool) -> str:
    why = "method='sample'" if forced else ("feasible set beyond enumeration and the knapsack recursion")
    return (
        f"approximate: sampling of alternatives for {sampled:,} of {total:,} choices ({why}); "
        "each is compared with its chosen "
        f"portfolio plus {samples} portfolios drawn uniformly from its feasible set without "
        "replacement (MNL on the sampled sets, no correction needed). Estimates are "
        "consistent but approximate; the log-likelihood, AIC and BIC are those of the sampled "
        "sets, not comparable with an exact fit; predicted support is an importance-sampling "
        "estimate."
    )


def recursion_applies(data, n: int) -> bool:
    """Whether the exact knapsack recursion handles this menu (one constraint, whole costs)."""
    try:
        knapsack.stages_of(data, n)
    except ValueError:
        return False
    return True


def sampled_menus(data, rows: np.ndarray, design: np.ndarray, samples: int, rng: np.random.Generator) -> list:
    """One menu per observation of this menu: its chosen portfolio plus uniform draws."""
    sets = sampled_sets(data, rows, samples, rng)
    menus = []
    for row, chosen_and_draws in zip(rows, sets):
        y, w = data.y[row : row + 1], data.weight[row : row + 1]
        menus.append(
            Menu(
                rows=np.array([row]),
                design=design,
                y=y,
                obs_weight=w,
                chosen_sum=w @ y,
                weight=float(w.sum()),
                moments=enumerated(chosen_and_draws),
                best=_exact_only,
                allows=_exact_only,
                sample=chosen_and_draws[1:],
            )
        )
    return menus


def _exact_only(*_: object) -> NoReturn:
    raise ValueError(
        "package probabilities and the most supported package need the exact "
        "feasible set; this model compares choices with sampled alternatives"
    )


def sampled_sets(data, rows: np.ndarray, samples: int, rng: np.random.Generator) -> list:
    """Per observation of one menu: (1 + R') x J levels, the chosen portfolio first, then R' <= R
    distinct others drawn uniformly from the feasible set (fewer only when F is that small)."""
    n = rows[0]
    dtype = np.int8 if data.levels.max() < 127 else np.int32
    candidates = math.prod(int(level) + 1 for level in data.levels)
    if candidates <= ENUMERATION_LIMIT:
        feasible = feasible_by_table(data, n).astype(dtype)
        out = []
        for row in rows:
            chosen = data.y[row].astype(dtype)
            others = feasible[~(feasible == chosen).all(axis=1)]
            pick = rng.choice(len(others), size=min(samples, len(others)), replace=False)
            out.append(np.vstack([chosen[None, :], others[pick]]))
        return out
    proposer = _Proposer(data, n)
    accepted = rule_mask(
        proposer.draw(PILOT, rng), data.cost[n], data.budget[n], data.budget_min[n], data.group[n]
    ).mean()
    if accepted == 0:
        raise ValueError(
            f"sampling of alternatives: none of {PILOT} proposed portfolios met "
            "every rule of a menu (the constraints leave very few portfolios); "
            "enumerate it (method='enumerate') or relax the constraints"
        )
    out = []
    for row in rows:
        chosen = data.y[row].astype(dtype)
        found = np.zeros((0, len(chosen)), dtype=dtype)
        size = min(MAX_PROPOSALS, int(1.2 * (samples + 10) / accepted) + 1)
        for _ in range(ROUNDS):
            proposals = proposer.draw(size, rng)
            keep = rule_mask(proposals, data.cost[n], data.budget[n], data.budget_min[n], data.group[n])
            proposals = proposals[keep].astype(dtype)
            proposals = proposals[~(proposals == chosen).all(axis=1)]
            found = _first_distinct(np.vstack([found, proposals]))
            if len(found) >= samples:
                break
        out.append(np.vstack([chosen[None, :], found[:samples]]))
    return out


def _first_distinct(rows: np.ndarray) -> np.ndarray:
    """The distinct rows in order of first appearance."""
    if not len(rows):
        return rows
    packed = np.ascontiguousarray(rows).view(np.dtype((np.void, rows.dtype.itemsize * rows.shape[1])))[:, 0]
    _, first = np.unique(packed, return_index=True)
    return rows[np.sort(first)]


class _Proposer:
    """Uniform draws over the portfolios that respect the groups, the levels and one constraint
    with whole non-negative costs (the tightest such constraint), by the knapsack recursion's
    counts with w = 1: stage s takes alternative a with probability proportional to the number
    of ways to finish within the bounds."""

    def __init__(self, data, n: int) -> None:
        tried = []
        for k in [*range(len(data.constraints)), None]:
            view = _one_constraint(data, k)
            try:
                stages, low, high = knapsack.stages_of(view, n)
            except ValueError:
                continue
            counts = _backward_counts(stages, low, high)
            tried.append((counts[0][0], stages, high, counts))
        # never empty: without a constraint (k None) the recursion always applies; min keeps the
        # first of equally tight ones
        _, self.stages, high, counts = min(tried, key=lambda found: found[0])
        self.width = len(data.options)
        self.cumulative = []  # per stage: spent r -> cumulative P(alternative a | r)
        spent = np.arange(high + 1)
        for s, stage in enumerate(self.stages):
            target = spent[:, None] + stage.cost[None, :]
            log_ways = np.where(target <= high, counts[s + 1][np.minimum(target, high)], -np.inf)
            top = np.max(log_ways, axis=1, keepdims=True)
            weights = np.exp(log_ways - np.where(np.isfinite(top), top, 0.0))
            cumulative = np.cumsum(weights, axis=1)
            self.cumulative.append(cumulative / np.where(cumulative[:, -1:] > 0, cumulative[:, -1:], 1.0))

    def draw(self, size: int, rng: np.random.Generator) -> np.ndarray:
        spent = np.zeros(size, dtype=np.int64)
        levels = np.zeros((size, self.width))
        for stage, cumulative in zip(self.stages, self.cumulative):
            u = rng.random(size)
            pick = np.minimum((cumulative[spent] < u[:, None]).sum(axis=1), len(stage.cost) - 1)
            members = np.flatnonzero(stage.levels.any(axis=0))  # stages own disjoint options
            levels[:, members] = stage.levels[pick][:, members]
            spent += stage.cost[pick]
        return levels


def _one_constraint(data, k: int | None):
    """The table restricted to constraint k (None: no constraint), for the recursion's stages."""
    if k is None:
        return dataclasses.replace(data, constraints=[])
    part = slice(k, k + 1)
    return dataclasses.replace(
        data,
        constraints=[data.constraints[k]],
        cost=data.cost[:, :, part],
        budget=data.budget[:, part],
        budget_min=data.budget_min[:, part],
    )


def _backward_counts(stages: list, low: int, high: int) -> list[np.ndarray]:
    """log of the number of ways to fill stages s.. ending with a total in [low, high], given r
    already spent (index r = 0..high)."""
    size = high + 1
    backward = [np.where(np.arange(size) >= low, 0.0, -np.inf)]
    for stage in reversed(stages):
        backward.append(logsumexp(knapsack.shifted(backward[-1], stage.cost, False), axis=0))
    backward.reverse()
    return backward


def support_means(menus: list, means: list, params: np.ndarray) -> list:
    """Each menu's mean level over F for predicted support: exact menus as they are; a sampled
    choice by self-normalised importance sampling over its uniform draws (not the chosen one,
    which the sampled set over-represents)."""
    out = []
    for menu, mean in zip(menus, means):
        draws = getattr(menu, "sample", None)
        if draws is None or not len(draws):
            out.append(mean)
            continue
        v = draws @ (menu.design @ params)
        p = np.exp(v - logsumexp(v))
        out.append(p @ draws)
    return out
