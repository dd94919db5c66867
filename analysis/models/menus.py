"""Feasible sets of the portfolio logit: the table's rule and each menu's moments over its set.

A menu is the respondents who saw the same costs, effects, bounds and groups. Its feasible set
comes from the consultation's rule (surveys.feasibility.feasible_level_vectors) or, for a table
without a definition, from the table's columns through the same bound and group tests
(`rule_mask`); it is enumerated when small, else handled by the knapsack recursion.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from analysis.models import knapsack
from analysis.models.layout import PortfolioTable, column, plain_number
from analysis.models.optimize import logsumexp
from surveys.feasibility import bound_breaks, float_slack, too_many_away

ENUMERATION_LIMIT = 2**16  # candidate portfolios per menu that "auto" always enumerates
ENUMERATION_CELLS = 2**20  # beyond the limit: enumerate while candidates x options stay below
# this (sliders: 5^7 levels enumerate in a blink, where the
# recursion's covariance takes seconds per menu and iteration)


def enumerable(levels: np.ndarray) -> bool:
    """Whether "auto" lists the candidate portfolios of options with these highest levels."""
    candidates = math.prod(int(level) + 1 for level in levels)
    return candidates <= ENUMERATION_LIMIT or candidates * len(levels) <= ENUMERATION_CELLS


def rule_mask(
    y: np.ndarray, cost: np.ndarray, budget: np.ndarray, budget_min: np.ndarray, group: np.ndarray
) -> np.ndarray:
    """Feasible rows of y (P x J) for one menu: bounds per constraint, one option per group."""
    broken = bound_breaks(y @ cost, budget_min, budget, slack=float_slack(budget, budget_min))
    ok = ~np.logical_or.reduce(list(broken.values())).any(axis=1)
    for g in np.unique(group[group >= 0]):
        ok &= ~too_many_away(y[:, group == g] > 0)
    return ok


def table_rule_breaks(data: PortfolioTable) -> list[str]:
    """Per observation the rules its chosen portfolio breaks, in words ("" when none)."""
    base = np.einsum("j,njk->nk", data.offset, data.cost)  # the totals in the table's levels
    total = np.einsum("nj,njk->nk", data.y, data.cost) + base
    limits = {"budget": data.budget + base, "budget_min": data.budget_min + base}
    broken = bound_breaks(
        total,
        limits["budget_min"],
        limits["budget"],
        slack=float_slack(limits["budget"], limits["budget_min"]),
    )
    rules: list[list[str]] = [[] for _ in range(len(total))]
    for code, sign, bound in (("over_max", ">", "budget"), ("under_min", "<", "budget_min")):
        for n, k in zip(*np.nonzero(broken[code])):
            c = data.constraints[k]
            rules[n].append(
                f"total {column('cost', c)} {plain_number(total[n, k])} {sign} "
                f"{column(bound, c)} {plain_number(limits[bound][n, k])}"
            )
    for g, name in enumerate(data.group_names):
        chosen = (data.y > 0) & (data.group == g)
        for n in np.flatnonzero(too_many_away(chosen)):
            members = ", ".join(o for o, c in zip(data.options, chosen[n]) if c)
            rules[n].append(f"group {name}: more than one option chosen ({members})")
    return ["; ".join(found) for found in rules]


@dataclass
class Menu:
    """One menu: its observations, design D, and how to get log Z, E[y], Cov(y) over F."""

    rows: np.ndarray
    design: np.ndarray
    y: np.ndarray  # chosen levels of its observations
    obs_weight: np.ndarray
    chosen_sum: np.ndarray  # sum_n w_n y_n
    weight: float  # sum_n w_n
    moments: Callable[[np.ndarray, bool], tuple[float, np.ndarray, np.ndarray | None]]
    best: Callable[[np.ndarray], np.ndarray]  # u -> the feasible y with the highest y'u
    allows: Callable[[np.ndarray], bool]  # y -> is it in the feasible set?
    sample: np.ndarray | None = None  # a sampled choice's uniform draws (without the chosen y)


def build_menu(
    data: PortfolioTable,
    rows: np.ndarray,
    design: np.ndarray,
    method: str,
    feasible: Callable[[PortfolioTable, Any], np.ndarray] | None,
) -> Menu:
    n = rows[0]
    y, w = data.y[rows], data.weight[rows]
    if feasible is not None or method == "enumerate" or (method == "auto" and enumerable(data.levels)):
        portfolios = feasible(data, data.version[n]) if feasible is not None else feasible_by_table(data, n)
        moments = enumerated(portfolios)

        def best_enumerated(u: np.ndarray) -> np.ndarray:
            return portfolios[int(np.argmax(portfolios @ u))]

        best: Callable[[np.ndarray], np.ndarray] = best_enumerated

        def allows(package: np.ndarray) -> bool:
            return bool((portfolios == package).all(axis=1).any())
    else:
        moments, best = knapsack.moments(data, n), knapsack.best_package(data, n)

        def allows(package: np.ndarray) -> bool:
            within = ((package >= 0) & (package <= data.levels) & (package == np.round(package))).all()
            return bool(
                within
                and rule_mask(
                    package[None, :], data.cost[n], data.budget[n], data.budget_min[n], data.group[n]
                )[0]
            )

    return Menu(
        rows=rows,
        design=design,
        y=y,
        obs_weight=w,
        chosen_sum=w @ y,
        weight=float(w.sum()),
        moments=moments,
        best=best,
        allows=allows,
    )


def feasible_by_table(data: PortfolioTable, n: int) -> np.ndarray:
    counts = [int(level) + 1 for level in data.levels]
    size = math.prod(counts)
    if size > 2**24:
        raise ValueError(
            f"{size:,} candidate portfolios per menu are too many to enumerate; "
            "use method='recursion' (integer costs, one constraint)"
        )
    candidates = np.indices(counts, dtype=np.int8).reshape(len(counts), size).T.astype(float)
    keep = rule_mask(candidates, data.cost[n], data.budget[n], data.budget_min[n], data.group[n])
    return candidates[keep]


def enumerated(portfolios: np.ndarray):
    """Moments of y over an explicit feasible set (rows are level vectors)."""
    if not len(portfolios):
        raise ValueError("a menu has no feasible portfolio")

    def moments(u: np.ndarray, second: bool = True):
        v = portfolios @ u
        log_z = logsumexp(v)
        p = np.exp(v - log_z)
        mean = p @ portfolios
        if not second:
            return log_z, mean, None
        centred = portfolios - mean
        return log_z, mean, (centred * p[:, None]).T @ centred

    return moments
