"""MDCEV against Biogeme's numbers, an independent per-respondent Bhat (2008) formula, finite
differences and simulation with known parameters."""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy import optimize

from analysis.models.mdcev import MDCEV, _kkt_amounts, simulate_mdcev
from analysis.models.simulate import random_design
from analysis.synthetic import _largest_remainders

GOLDEN = Path(__file__).parent / "golden"


def golden_choices() -> pd.DataFrame:
    return pd.read_csv(GOLDEN / "mdcev_choices.csv", dtype={"respondent": str, "option": str})


def spent_something(choices: pd.DataFrame) -> pd.DataFrame:
    return choices[choices.groupby("respondent")["choice"].transform("sum") > 0]


def gamma_params(options: int, outside: bool = True) -> dict[str, float]:
    params = {f"psi:o{j}": [0.4, -0.3, 0.2, -0.5, 0.1][j] for j in range(options)}
    params.update({f"gamma:o{j}": 2.0 + j for j in range(options)}, **{"beta:x0": 0.5, "sigma": 0.8})
    if outside:
        params["alpha:outside"] = 0.3
    else:
        del params["psi:o0"]
    return params


def alpha_params(options: int) -> dict[str, float]:
    params = {f"psi:o{j}": [0.4, -0.3, 0.2, -0.5, 0.1][j] for j in range(options)}
    params.update(
        {f"alpha:o{j}": 0.1 * j for j in range(options)},
        **{"beta:x0": 0.5, "alpha:outside": 0.3, "sigma": 0.8},
    )
    return params


def simulated(respondents: int, params: dict[str, float], seed: int, **options) -> pd.DataFrame:
    table = random_design(respondents, 5, 4, 1, seed=seed, budget=(200, 400))
    return simulate_mdcev(table, params, seed=seed + 1, **options)


# --- Biogeme (golden numbers from tests/analysis/golden/make_mdcev_golden.py) -------------------


def biogeme_constant(choices: pd.DataFrame, outside: bool) -> float:
    """Our LL minus Biogeme's: sum_n ln (M_n-1)! + sum_consumed ln p - ln p_reference, because
    Biogeme's density is over expenditures and leaves out (M-1)!."""
    total = 0.0
    for _, rows in choices.groupby("respondent", sort=False):
        consumed = rows[rows["choice"] > 0]
        leftover = rows["budget"].iloc[0] - (rows["choice"] * rows["cost"]).sum()
        m = len(consumed) + (outside and leftover > 1e-9)
        reference = 1.0 if outside else consumed["cost"].iloc[0]
        total += math.lgamma(m) + np.log(consumed["cost"]).sum() - math.log(reference)
    return total


@pytest.mark.parametrize(
    "name", ["mdcev_gamma_outside.json", "mdcev_gamma_no_outside.json", "mdcev_alpha_outside.json"]
)
def test_matches_biogeme(name):
    golden = json.loads((GOLDEN / name).read_text())
    outside = golden["outside_good"]
    choices = golden_choices() if outside else spent_something(golden_choices())
    result = MDCEV(choices, golden["profile"], attributes=["x0"], outside_good=outside).fit()
    assert result.converged
    assert result.loglik - biogeme_constant(choices, outside) == pytest.approx(golden["loglik"], abs=1e-3)
    assert set(result.params.index) == set(golden["params"])
    for name, value in golden["params"].items():
        assert result.params[name] == pytest.approx(value, abs=1e-3 * max(1, abs(value))), name


# --- an independent, literal per-respondent implementation of Bhat (2008) -------------------------


def bhat_loglik(choices: pd.DataFrame, params: dict[str, float], profile: str, outside: bool) -> float:
    """sum_n log P_n with P = (1/p_1) sigma^(1-M) prod f_i sum p_i/f_i prod e^(V_i/sigma)
    / (sum_k e^(V_k/sigma))^M (M-1)!, one respondent at a time."""
    sigma = params.get("sigma", 1.0)
    total = 0.0
    for _, rows in choices.groupby("respondent", sort=False):
        goods = []  # (amount, price, V, f)
        if outside:
            x0 = rows["budget"].iloc[0] - (rows["choice"] * rows["cost"]).sum()
            a0 = params["alpha:outside"]
            goods.append((x0, 1.0, (a0 - 1) * math.log(x0), (1 - a0) / x0))
        for row in rows.itertuples():
            a = 0.0 if profile == "gamma" else params[f"alpha:{row.option}"]
            g = params[f"gamma:{row.option}"] if profile == "gamma" else 1.0
            v = (
                params.get(f"psi:{row.option}", 0.0)
                + params["beta:x0"] * row.x0
                + (a - 1) * math.log(row.choice / g + 1)
                - math.log(row.cost)
            )
            goods.append((row.choice, row.cost, v, (1 - a) / (row.choice + g)))
        chosen = [good for good in goods if good[0] > 0]
        m = len(chosen)
        probability = (
            (1 / chosen[0][1])
            * sigma ** (1 - m)
            * math.prod(f for _, _, _, f in chosen)
            * sum(p / f for _, p, _, f in chosen)
            * math.prod(math.exp(v / sigma) for _, _, v, _ in chosen)
            / sum(math.exp(v / sigma) for _, _, v, _ in goods) ** m
            * math.factorial(m - 1)
        )
        total += math.log(probability)
    return total


@pytest.mark.parametrize("profile, outside", [("gamma", True), ("gamma", False), ("alpha", True)])
def test_loglik_equals_bhat_formula_respondent_by_respondent(profile, outside):
    params = alpha_params(5) if profile == "alpha" else gamma_params(5, outside)
    choices = simulated(150, params, seed=5, profile=profile, outside_good=outside)
    model = MDCEV(choices, profile=profile, attributes=["x0"], outside_good=outside)
    assert model.loglike(model.estimation_scale(params)) == pytest.approx(
        bhat_loglik(choices, params, profile, outside), rel=1e-12
    )


@pytest.mark.parametrize("profile, outside", [("gamma", True), ("gamma", False), ("alpha", True)])
def test_gradient_matches_finite_differences(profile, outside):
    params = alpha_params(5) if profile == "alpha" else gamma_params(5, outside)
    choices = simulated(300, params, seed=7, profile=profile, outside_good=outside)
    model = MDCEV(choices, profile=profile, attributes=["x0"], outside_good=outside)
    theta = model.estimation_scale(params) + 0.05
    step = 1e-6
    numeric = [
        (model.loglike(theta + step * e) - model.loglike(theta - step * e)) / (2 * step)
        for e in np.eye(len(theta))
    ]
    np.testing.assert_allclose(model.score(theta), numeric, rtol=1e-6, atol=1e-4)


def test_outside_good_that_some_leave_empty_is_a_non_essential_good():
    params = gamma_params(5)
    choices = simulated(400, params, seed=9)
    spenders = choices["respondent"].isin(choices["respondent"].unique()[:100])
    # the first 100 respondents spend their whole budget on option o0
    everything = (choices["budget"] / choices["cost"]).where(choices["option"] == "o0", 0)
    choices["choice"] = np.where(spenders, everything, choices["choice"])
    model = MDCEV(choices, attributes=["x0"])
    assert "gamma:outside" in model.param_names and "alpha:outside" not in model.param_names
    theta = model.start() + 0.1
    numeric = [
        (model.loglike(theta + 1e-6 * e) - model.loglike(theta - 1e-6 * e)) / 2e-6 for e in np.eye(len(theta))
    ]
    np.testing.assert_allclose(model.score(theta), numeric, rtol=1e-6, atol=1e-4)
    result = model.fit()
    assert result.converged
    assert any("non-essential" in note for note in result.notes)


# --- parameter recovery ------------------------------------------------------------------------


@pytest.mark.parametrize("profile, outside", [("gamma", True), ("gamma", False), ("alpha", True)])
def test_recovers_parameters_within_three_standard_errors(profile, outside):
    params = alpha_params(5) if profile == "alpha" else gamma_params(5, outside)
    choices = simulated(2000, params, seed=21, profile=profile, outside_good=outside)
    result = MDCEV(choices, profile=profile, attributes=["x0"], outside_good=outside).fit()
    assert result.converged
    assert set(result.params.index) == set(params)
    truth = pd.Series(params)[result.params.index]
    assert (np.abs(result.params - truth) < 3 * result.robust_bse).all(), result.summary()
    np.testing.assert_allclose(result.robust_bse, result.classical_bse, rtol=0.25)


def test_simulated_allocation_maximises_utility():
    """The KKT bisection gives the allocation a direct numerical maximiser of U(x) finds."""
    rng = np.random.default_rng(3)
    price = np.array([1.0, 2.0, 5.0, 3.0])
    alpha = np.array([0.3, 0.0, 0.0, 0.5])
    gamma = np.array([0.0, 2.0, 1.0, 1.0])  # good 0 essential (the outside good)
    budget = 40.0

    def utility(x, psi):
        inside = np.where(
            alpha[1:] == 0,
            gamma[1:] * psi[1:] * np.log1p(x[1:] / gamma[1:]),
            gamma[1:]
            / np.where(alpha[1:] == 0, 1, alpha[1:])
            * psi[1:]
            * ((x[1:] / gamma[1:] + 1) ** alpha[1:] - 1),
        )
        return psi[0] * x[0] ** alpha[0] / alpha[0] + inside.sum()

    log_psi = rng.normal(scale=0.8, size=(20, 4))
    amounts = _kkt_amounts(log_psi, np.tile(price, (20, 1)), alpha, gamma, np.full(20, budget))
    np.testing.assert_allclose(amounts @ price, budget)
    for x, lp in zip(amounts, log_psi):
        best = optimize.minimize(
            lambda y: -utility(y, np.exp(lp)),
            np.full(4, budget / price.sum()),
            method="SLSQP",
            bounds=[(1e-9, None)] + [(0, None)] * 3,
            constraints=[{"type": "eq", "fun": lambda y: y @ price - budget}],
            options={"ftol": 1e-14, "maxiter": 500},
        )
        assert utility(x, np.exp(lp)) >= -best.fun - 1e-9
        np.testing.assert_allclose(x, best.x, atol=1e-4)


# --- all points used, weights, results ---------------------------------------------------------


def points_table(respondents: int, seed: int) -> pd.DataFrame:
    """100 points over four goals, all to be used (cost 1, budget_min = budget): allocations drawn
    from a gamma-profile MDCEV and rounded to whole points that still add up to 100."""
    table = pd.DataFrame(
        {
            "respondent": np.repeat([f"r{i}" for i in range(respondents)], 4),
            "option": np.tile(["a", "b", "c", "d"], respondents),
            "cost": 1,
            "budget": 100,
            "budget_min": 100,
        }
    )
    params = {
        "psi:b": -0.3,
        "psi:c": -0.6,
        "psi:d": -0.9,
        "sigma": 0.7,
        **{f"gamma:{o}": 10.0 for o in "abcd"},
    }
    amounts = simulate_mdcev(table, params, outside_good=False, seed=seed)["choice"]
    points = _largest_remainders(amounts.to_numpy().reshape(respondents, 4), np.full(respondents, 100))
    return table.assign(choice=points.ravel())


def test_points_that_must_all_be_used_have_no_outside_good():
    result = MDCEV(points_table(500, 1)).fit()
    assert result.converged
    assert result.fixed == {"psi:a": 0.0}
    assert list(result.params.index) == [
        "psi:b",
        "psi:c",
        "psi:d",
        "gamma:a",
        "gamma:b",
        "gamma:c",
        "gamma:d",
        "sigma",
    ]
    assert any("whole points" in note for note in result.notes)
    assert (result.params[["psi:b", "psi:c", "psi:d"]].diff().dropna() < 0).all()


def test_weights_equal_duplicated_respondents():
    choices = simulated(600, gamma_params(5), seed=31)
    people = choices["respondent"].unique()
    doubled = set(people[:200])
    weights = pd.Series([2.0 if p in doubled else 1.0 for p in people], index=people)
    copy = choices[choices["respondent"].isin(doubled)].assign(respondent=lambda f: f["respondent"] + "-copy")
    weighted = MDCEV(choices, attributes=["x0"], weights=weights).fit()
    duplicated = MDCEV(pd.concat([choices, copy]), attributes=["x0"]).fit()
    np.testing.assert_allclose(weighted.params, duplicated.params, rtol=1e-6, atol=1e-8)
    assert weighted.loglik * weights.mean() == pytest.approx(duplicated.loglik, rel=1e-9)
    equal = MDCEV(choices, attributes=["x0"], weights=pd.Series(3.0, index=people)).fit()
    plain = MDCEV(choices, attributes=["x0"]).fit()
    np.testing.assert_allclose(equal.params, plain.params, rtol=1e-7)
    np.testing.assert_allclose(equal.robust_bse, plain.robust_bse, rtol=1e-5)


def test_weighted_sandwich_uses_squared_weights():
    choices = simulated(400, gamma_params(5), seed=41)
    people = choices["respondent"].unique()
    weights = pd.Series(np.random.default_rng(0).uniform(0.5, 2, len(people)), index=people)
    model = MDCEV(choices, attributes=["x0"], weights=weights)
    result = model.fit()
    theta = model.estimation_scale(result.params.to_dict())
    w = weights[people].to_numpy() / weights.mean()
    bread = np.linalg.inv(-model.hessian(theta))
    scores = model.score_obs(theta)
    slope = model.natural(theta)[1]
    robust = bread @ (scores.T * w**2) @ scores @ bread * np.outer(slope, slope)
    np.testing.assert_allclose(result.robust_cov.to_numpy(), robust, rtol=1e-6)


def test_to_dict_has_the_pwe_fit_shape():
    result = MDCEV(golden_choices(), attributes=["x0"]).fit()
    out = json.loads(json.dumps(result.to_dict()))
    assert out["model"] == "mdcev-gamma" and out["n_respondents"] == 1000 and out["converged"]
    assert {p["name"] for p in out["params"]} >= {"psi:o0", "gamma:o3", "alpha:outside", "sigma", "beta:x0"}
    assert set(out["params"][0]) == {"name", "estimate", "std_err", "robust_std_err"}
    assert out["aic"] == pytest.approx(2 * 11 - 2 * out["loglik"])
    assert "Fixed" not in result.summary() and "alpha:outside" in result.summary()


def test_alpha_profile_with_equal_prices_fixes_sigma():
    result = MDCEV(points_table(500, 2), profile="alpha").fit()
    assert result.fixed == {"psi:a": 0.0, "sigma": 1.0}
    assert "sigma" not in result.params and "sigma is fixed" in result.summary()


@pytest.mark.parametrize(
    "change, message",
    [
        (lambda c: c.assign(choice=np.where(c["option"] == "d", 0, c["choice"])), "nobody allocated"),
        (lambda c: c.assign(budget=5), "spent more than their budget"),
        (lambda c: c.assign(cost=0), "must be > 0"),
        (lambda c: c.drop(columns="cost"), "lacks the column"),
    ],
)
def test_errors_say_what_to_change(change, message):
    with pytest.raises(ValueError, match=message):
        MDCEV(change(points_table(50, 3)))


def test_unknown_profile_is_refused():
    with pytest.raises(ValueError, match="gamma or alpha"):
        MDCEV(points_table(50, 3), profile="beta")


# --- predicted support --------------------------------------------------------------------------


@pytest.mark.parametrize("outside", [True, False])
def test_predicted_support_at_the_true_parameters_matches_the_observed_shares(outside):
    params = gamma_params(5, outside)
    choices = simulated(5000, params, seed=51, outside_good=outside)  # share s.e. ~0.007
    model = MDCEV(choices, attributes=["x0"], outside_good=outside)
    support = model.predicted_support(model.estimation_scale(params), draws=50, seed=1)
    assert list(support["option"]) == [f"o{j}" for j in range(5)]
    np.testing.assert_allclose(support["predicted_share"], support["observed_share"], atol=0.03)
    np.testing.assert_allclose(support["predicted_mean"], support["observed_mean"], rtol=0.1)
    observed = choices.assign(positive=choices["choice"] > 0).groupby("option")
    np.testing.assert_allclose(support["observed_share"], observed["positive"].mean())
    np.testing.assert_allclose(support["observed_mean"], observed["choice"].mean())


def test_fitted_mdcev_predicts_support_per_option():
    result = MDCEV(points_table(500, 1)).fit()
    support = result.predicted_support(draws=50, seed=2)
    assert list(support.columns) == [
        "option",
        "predicted_share",
        "observed_share",
        "predicted_mean",
        "observed_mean",
    ]
    np.testing.assert_allclose(support["predicted_share"], support["observed_share"], atol=0.05)
    np.testing.assert_allclose(support["predicted_mean"].sum(), 100)  # all points are used
    again = result.predicted_support(draws=50, seed=2)
    pd.testing.assert_frame_equal(support, again)
