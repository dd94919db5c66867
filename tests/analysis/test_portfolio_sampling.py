"""Sampling of alternatives for the portfolio logit: close to the exact fit where both run, feasible
uniform draws, and a fit where no exact method applies."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from analysis.models import PortfolioLogit
from analysis.models.layout import read_portfolio_table
from analysis.models.menus import feasible_by_table, rule_mask
from analysis.models.sampling import _Proposer
from analysis.models.simulate import random_design, simulate_choices
from tests.analysis.test_portfolio_logit import attributes, true_params


def assert_draws_feasible_and_distinct(model: PortfolioLogit) -> None:
    data = model.data
    for menu in model.menus:
        n = menu.rows[0]
        sets = np.vstack([menu.y, menu.sample])
        assert rule_mask(sets, data.cost[n], data.budget[n], data.budget_min[n], data.group[n]).all()
        assert len(np.unique(sets, axis=0)) == len(sets)  # without replacement, not y again


def test_sampled_estimates_are_close_to_the_exact_fit():
    table = simulate_choices(
        random_design(3000, 10, 4, 2, seed=11, groups={0: "g", 1: "g"}), true_params(10, 2), seed=12
    )
    exact = PortfolioLogit(table, attributes(2)).fit()
    model = PortfolioLogit(table, attributes(2), method="sample", samples=150, seed=3)
    assert all(menu.sample is not None and len(menu.sample) == 150 for menu in model.menus)
    assert_draws_feasible_and_distinct(model)
    sampled = model.fit()
    assert sampled.converged and exact.notes == []
    z = (sampled.params - exact.params) / exact.robust_bse
    assert (z.abs() < 2).all(), z
    np.testing.assert_allclose(sampled.robust_bse, exact.robust_bse, rtol=0.15)
    assert (
        "approximate: sampling of alternatives for 3,000 of 3,000 choices (method='sample')"
        in sampled.notes[0]
    )
    assert "Note: approximate" in sampled.summary()
    assert sampled.to_dict()["notes"] == sampled.notes
    support = sampled.predicted_support()
    np.testing.assert_allclose(support["predicted"], support["observed"], atol=0.02)
    with pytest.raises(ValueError, match="exact feasible set"):
        sampled.package_probability({"o2": 1})


def test_uniform_proposals_from_the_recursion_counts():
    table = random_design(
        10, 10, 1, 1, seed=4, groups={2: "g", 3: "g"}, budget=(90, 91), budget_min=20
    ).assign(choice=0)
    data = read_portfolio_table(table, ["x0"], None, None, by_version=False)
    feasible = feasible_by_table(data, 0)
    draws = _Proposer(data, 0).draw(200 * len(feasible), np.random.default_rng(0))
    assert rule_mask(draws, data.cost[0], data.budget[0], data.budget_min[0], data.group[0]).all()
    index = {tuple(row): k for k, row in enumerate(feasible)}
    counts = np.bincount([index[tuple(row)] for row in draws], minlength=len(feasible))
    assert counts.min() > 0
    chi2 = ((counts - 200) ** 2 / 200).sum()
    assert chi2 < len(feasible) + 5 * np.sqrt(2 * len(feasible))  # uniform


def two_constraint_table(respondents: int, options: int, seed: int) -> pd.DataFrame:
    """Money (whole euros) and land (fractional hectares) for many options: too many candidate
    portfolios to enumerate, and two constraints, so no exact method. Choices drawn approximately
    from the portfolio logit by resampling 4,000 uniform feasible proposals per menu."""
    rng = np.random.default_rng(seed)
    table = random_design(respondents, options, 3, 1, seed=seed, budget=(150, 200))
    table = table.rename(columns={"cost": "cost_money", "budget": "budget_money"})
    land = rng.uniform(0.5, 4, size=(3, options)).round(2)
    table["cost_land"] = land[table.index // options % 3, table.index % options]
    table["budget_land"] = 12.5
    table["choice"] = 0
    truth = {**true_params(options, 1, None), "delta0:money": 0.03, "delta0:land": 0.3}
    for j in range(options):
        truth[f"asc:o{j}"] = 0.5 - 0.1 * j
    data = read_portfolio_table(table, ["x0"], None, None, by_version=False)
    asc = np.array([truth[f"asc:o{j}"] for j in range(options)])
    chosen = np.zeros_like(data.y)
    for version in range(3):
        rows = np.flatnonzero(np.arange(respondents) % 3 == version)
        n = rows[0]
        pool = _Proposer(data, n).draw(20000, rng)
        pool = pool[rule_mask(pool, data.cost[n], data.budget[n], data.budget_min[n], data.group[n])][:4000]
        u = asc + data.x[n] @ [truth["beta:x0"]] - data.cost[n] @ [0.03, 0.3]
        v = pool @ u
        p = np.exp(v - v.max())
        chosen[rows] = pool[rng.choice(len(pool), size=len(rows), p=p / p.sum())]
    observation, option = data.row_cell
    return table.assign(choice=chosen[observation, option].astype(int))


def test_two_constraints_and_many_options_are_fitted_by_sampling():
    table = two_constraint_table(900, 20, seed=5)
    model = PortfolioLogit(table, attributes(1), samples=200)
    assert len(model.menus) == 900  # one sampled set per choice
    assert_draws_feasible_and_distinct(model)
    result = model.fit()
    assert result.converged
    assert list(result.params.index[-2:]) == ["delta0:money", "delta0:land"]
    assert np.isfinite(result.robust_bse).all()
    assert "feasible set beyond enumeration and the knapsack recursion" in result.notes[0]
    assert "estimates are consistent but approximate" in result.summary().lower()
    with pytest.raises(ValueError, match="knapsack recursion handles one constraint"):
        PortfolioLogit(table, attributes(1), method="recursion")


def test_sampling_is_seeded():
    table = simulate_choices(random_design(200, 6, 2, 1, seed=1), true_params(6, 1), seed=2)
    one = PortfolioLogit(table, attributes(1), method="sample", samples=10, seed=7).fit()
    two = PortfolioLogit(table, attributes(1), method="sample", samples=10, seed=7).fit()
    other = PortfolioLogit(table, attributes(1), method="sample", samples=10, seed=8).fit()
    np.testing.assert_array_equal(one.params, two.params)
    assert not np.allclose(one.params, other.params)
