"""Synthetic PWE data: random design versions and choices drawn from a portfolio logit.

For tests, benchmarks, recovery studies and power analysis before fieldwork.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from analysis.models.layout import menu_rows, read_portfolio_table
from analysis.models.menus import feasible_by_table
from analysis.models.optimize import logsumexp


def random_design(
    respondents: int,
    options: int,
    versions: int,
    attributes: int,
    seed: int | None = 0,
    budget: tuple[int, int] | None = (60, 120),
    groups: dict[int, str] | None = None,
    budget_min: float | None = None,
) -> pd.DataFrame:
    """A choice table without choices, respondents spread over design versions in turn.

    Each version has its own integer costs (5..39 per option), effects on attributes x0, x1, ...
    (standard normal, two decimals) and budget (drawn from the range `budget`; None: no budget
    that binds). `groups` puts options (by position) in exclusive groups.
    """
    rng = np.random.default_rng(seed)
    cost = rng.integers(5, 40, size=(versions, options)).astype(float)
    effects = rng.normal(size=(versions, options, attributes)).round(2)
    limits = (
        rng.integers(*budget, size=versions).astype(float) if budget else np.full(versions, 40.0 * options)
    )
    version = np.arange(respondents) % versions
    person = np.repeat(np.arange(respondents), options)
    option = np.tile(np.arange(options), respondents)
    table = pd.DataFrame(
        {
            "respondent": [f"r{p}" for p in person],
            "option": [f"o{j}" for j in option],
            "cost": cost[version[person], option],
            "budget": limits[version[person]],
        }
    )
    if budget_min is not None:
        table["budget_min"] = budget_min
    if groups:
        table["group"] = [groups.get(j) for j in option]
    for k in range(attributes):
        table[f"x{k}"] = effects[version[person], option, k]
    return table


def simulate_choices(
    table: pd.DataFrame, params: dict[str, float], seed: int | np.random.Generator | None = None
) -> pd.DataFrame:
    """The table with its `choice` column drawn from the exact portfolio-logit probabilities.

    Parameters are named as in the results (`asc:<option>`, `beta:<attribute>`, `delta0` or
    `delta0:<constraint>`); the feasible set is the table's rule, enumerated. Options have levels
    0/1 unless the table's choice column already holds higher levels.
    """
    rng = np.random.default_rng(seed)
    frame = table.copy()
    if "choice" not in frame:
        frame["choice"] = 0
    attributes = [name[len("beta:") :] for name in params if name.startswith("beta:")]
    data = read_portfolio_table(frame, attributes, None, None, by_version=False)
    asc = np.array([params.get(f"asc:{o}", 0.0) for o in data.options])
    beta = np.array([params[f"beta:{a}"] for a in attributes])
    delta0 = np.array(
        [params.get("delta0" if len(data.constraints) == 1 else f"delta0:{c}", 0.0) for c in data.constraints]
    )
    chosen = np.empty_like(data.y)
    for rows in menu_rows(data.menu, np.ones(len(data.y), dtype=bool)):
        n = rows[0]
        portfolios = feasible_by_table(data, n)
        chosen[rows] = draw_portfolios(
            portfolios, asc + data.x[n] @ beta - data.cost[n] @ delta0, len(rows), rng
        )
    observation, option = data.row_cell
    frame["choice"] = (chosen + data.offset)[observation, option].astype(int)
    return frame


def draw_portfolios(
    portfolios: np.ndarray, utility: np.ndarray, size: int, rng: np.random.Generator
) -> np.ndarray:
    """`size` rows of `portfolios` (the feasible level vectors of one menu) drawn with the exact
    portfolio-logit probabilities exp(y_p'u) / sum_q exp(y_q'u), `utility` u per unit of level."""
    v = portfolios @ utility
    p = np.exp(v - logsumexp(v))
    return portfolios[rng.choice(len(portfolios), size=size, p=p / p.sum())]
