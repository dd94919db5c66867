"""The exact portfolio logit against independent references: binary logits, brute force,
simulation."""

from __future__ import annotations

import itertools
import json
import math
import random
import warnings

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner

from analysis.models import PortfolioLogit
from analysis.models.menus import rule_mask
from analysis.models.simulate import random_design, simulate_choices
from analysis.tables import choices_table
from pwe.cli import main
from surveys.feasibility import feasible_level_vectors, total_bounds
from surveys.load import parse
from tests.analysis.sample import DEFINITION, answers
from tests.surveys.builders import constraint, consultation, option, portfolio


def true_params(options: int, attributes: int, delta0: float | None = 0.04) -> dict[str, float]:
    params = {f"asc:o{j}": 0.6 - 0.25 * j for j in range(options)}
    params.update({f"beta:x{k}": [0.7, -0.4, 0.3][k] for k in range(attributes)})
    if delta0 is not None:
        params["delta0"] = delta0
    return params


def attributes(k: int) -> list[str]:
    return [f"x{i}" for i in range(k)]


# --- against independent implementations -------------------------------------------------------


def stacked_binary(table: pd.DataFrame, k: int) -> pd.DataFrame:
    design = pd.get_dummies(table["option"]).astype(float).rename(columns=lambda c: f"asc:{c}")
    for name in attributes(k):
        design[f"beta:{name}"] = table[name]
    return design


def test_without_a_binding_constraint_it_is_independent_binary_logits():
    sm = pytest.importorskip("statsmodels.api")
    table = simulate_choices(random_design(800, 4, 3, 2, budget=None), true_params(4, 2, None), seed=1)
    result = PortfolioLogit(table, attributes(2), delta0=False).fit()
    logit = sm.Logit(table["choice"].astype(float), stacked_binary(table, 2)).fit(
        disp=0,
        method="newton",
        tol=1e-12,
        cov_type="cluster",
        cov_kwds={"groups": pd.factorize(table["respondent"])[0], "use_correction": False},
    )
    assert result.converged
    assert result.loglik == pytest.approx(logit.llf, abs=1e-6)
    np.testing.assert_allclose(result.params[logit.params.index], logit.params, atol=1e-6)
    np.testing.assert_allclose(result.robust_bse[logit.params.index], logit.bse, atol=1e-6)


def test_weighted_fit_is_the_weighted_binary_logit_with_the_weighted_sandwich():
    sm = pytest.importorskip("statsmodels.api")
    table = simulate_choices(random_design(600, 3, 3, 2, budget=None), true_params(3, 2, None), seed=2)
    people = table["respondent"].drop_duplicates()
    weights = pd.Series(np.random.default_rng(5).uniform(0.2, 3, len(people)), index=people)
    result = PortfolioLogit(table, attributes(2), weights=weights, delta0=False).fit()
    per_row = (weights / weights.mean()).reindex(table["respondent"]).to_numpy()
    with warnings.catch_warnings():  # "cov_type not fully supported with var_weights": checked here
        warnings.simplefilter("ignore", sm.tools.sm_exceptions.SpecificationWarning)
        glm = sm.GLM(
            table["choice"].astype(float),
            stacked_binary(table, 2),
            family=sm.families.Binomial(),
            var_weights=per_row,
        ).fit(
            tol=1e-12,
            cov_type="cluster",
            cov_kwds={"groups": pd.factorize(table["respondent"])[0], "use_correction": False},
        )
    assert result.loglik == pytest.approx(glm.llf, abs=1e-6)
    np.testing.assert_allclose(result.params[glm.params.index], glm.params, atol=1e-6)
    np.testing.assert_allclose(result.robust_bse[glm.params.index], glm.bse, atol=1e-6)


def brute_force_loglik(
    table: pd.DataFrame, names: list[str], params: np.ndarray, weights: pd.Series | None = None
) -> np.ndarray:
    """Per respondent w_n log P_n, listing every 0/1 vector for that respondent alone."""
    theta = dict(zip(names, params))
    out = []
    for person, rows in table.groupby("respondent", sort=False):
        cost, budget = rows["cost"].to_numpy(), rows["budget"].iloc[0]
        low = rows["budget_min"].iloc[0] if "budget_min" in rows else -math.inf
        unit = np.array([theta.get(f"asc:{o}", 0) for o in rows["option"]]) + sum(
            theta[f"beta:{a}"] * rows[a].to_numpy() for a in ["x0", "x1"]
        )
        groups = rows["group"].to_numpy() if "group" in rows else [None] * len(rows)
        utilities = []
        for y in itertools.product([0, 1], repeat=len(rows)):
            y = np.array(y)
            picked = [g for g, chosen in zip(groups, y) if chosen and isinstance(g, str)]
            if low <= y @ cost <= budget and len(picked) == len(set(picked)):
                utilities.append(y @ unit + theta["delta0"] * (budget - y @ cost))
        chosen = rows["choice"].to_numpy()
        v = chosen @ unit + theta["delta0"] * (budget - chosen @ cost)
        top = max(utilities)
        weight = 1.0 if weights is None else weights[person] / weights.mean()
        out.append(weight * (v - top - math.log(sum(math.exp(u - top) for u in utilities))))
    return np.array(out)


def test_weighted_robust_errors_are_the_sandwich_of_brute_force_scores():
    table = simulate_choices(
        random_design(120, 5, 4, 2, seed=4, groups={0: "g", 1: "g"}), true_params(5, 2), seed=3
    )
    people = table["respondent"].drop_duplicates()
    weights = pd.Series(np.random.default_rng(6).uniform(0.2, 3, len(people)), index=people)
    model = PortfolioLogit(table, attributes(2), weights=weights)
    result = model.fit()
    theta, h = result.params.to_numpy(), 1e-5
    scores = np.column_stack(
        [
            (
                brute_force_loglik(table, model.param_names, theta + h * e, weights)
                - brute_force_loglik(table, model.param_names, theta - h * e, weights)
            )
            / (2 * h)
            for e in np.eye(len(theta))
        ]
    )
    bread = np.linalg.inv(-model.hessian(theta))
    np.testing.assert_allclose(
        result.robust_cov.to_numpy(), bread @ scores.T @ scores @ bread, rtol=1e-5, atol=1e-10
    )
    assert result.loglik == pytest.approx(
        brute_force_loglik(table, model.param_names, theta, weights).sum(), abs=1e-9
    )


# --- enumeration, recursion, derivatives ---------------------------------------------------------


def random_menu_table(seed: int, levels: bool = False) -> pd.DataFrame:
    table = random_design(
        300, 9, 3, 2, seed=seed, groups={2: "road", 3: "road", 4: "road"}, budget=(70, 140), budget_min=15
    )
    return (
        simulate_choices(table, true_params(9, 2), seed=seed)
        if not levels
        else simulate_choices(
            table.assign(choice=np.where(table["option"] == "o5", 2, 0)), true_params(9, 2), seed=seed
        )
    )


@pytest.mark.parametrize("levels", [False, True])
def test_knapsack_recursion_equals_enumeration(levels):
    table = random_menu_table(7, levels)
    assert (table["choice"] == 2).any() == levels
    enumerated = PortfolioLogit(table, attributes(2), method="enumerate")
    recursion = PortfolioLogit(table, attributes(2), method="recursion")
    for theta in np.random.default_rng(1).normal(scale=0.3, size=(3, len(enumerated.param_names))):
        assert recursion.loglike(theta) == pytest.approx(enumerated.loglike(theta), abs=1e-9)
        np.testing.assert_allclose(recursion.score(theta), enumerated.score(theta), atol=1e-8)
        np.testing.assert_allclose(recursion.hessian(theta), enumerated.hessian(theta), rtol=1e-9, atol=1e-8)


@pytest.mark.parametrize("method", ["enumerate", "recursion"])
def test_gradient_and_hessian_match_finite_differences(method):
    model = PortfolioLogit(random_menu_table(8), attributes(2), method=method)
    theta = np.random.default_rng(2).normal(scale=0.2, size=len(model.param_names))
    h, eye = 1e-5, np.eye(len(theta))
    numeric_score = [(model.loglike(theta + h * e) - model.loglike(theta - h * e)) / (2 * h) for e in eye]
    numeric_hessian = np.column_stack(
        [(model.score(theta + h * e) - model.score(theta - h * e)) / (2 * h) for e in eye]
    )
    np.testing.assert_allclose(model.score(theta), numeric_score, rtol=1e-6, atol=1e-4)
    np.testing.assert_allclose(model.hessian(theta), numeric_hessian, rtol=1e-6, atol=1e-4)


# --- recovery ----------------------------------------------------------------------------------


def test_parameters_are_recovered_from_simulated_choices():
    truth = true_params(6, 3)
    table = simulate_choices(random_design(6000, 6, 4, 3, seed=11), truth, seed=12)
    result = PortfolioLogit(table, attributes(3)).fit()
    assert result.converged
    z = (result.params - pd.Series(truth)) / result.robust_bse
    assert (z.abs() < 3).all(), z


def test_predicted_support_matches_the_observed_shares_with_option_constants():
    table = simulate_choices(random_design(1000, 5, 2, 2, seed=3), true_params(5, 2), seed=4)
    support = PortfolioLogit(table, attributes(2)).fit().predicted_support()
    np.testing.assert_allclose(support["predicted"], support["observed"], atol=1e-8)
    observed = table.groupby("option", sort=False)["choice"].mean()
    np.testing.assert_allclose(support.set_index("option")["observed"], observed)


# --- rules: infeasible choices, identification, the consultation's own rule ----------------------


def test_an_infeasible_choice_is_refused_with_the_rule_it_breaks():
    table = random_design(40, 3, 2, 1, budget=(30, 31))
    table["cost"], table["choice"] = 20.0, 0
    table.loc[table["respondent"] == "r3", "choice"] = 1
    with pytest.raises(ValueError, match=r"respondent r3: total cost 60 > budget 30"):
        PortfolioLogit(table, attributes(1), delta0=False)


def test_an_infeasible_choice_can_be_reported_and_left_out():
    table = simulate_choices(
        random_design(200, 4, 2, 1, groups={0: "g", 1: "g"}), true_params(4, 1, None), seed=1
    )
    table.loc[(table["respondent"] == "r7") & table["option"].isin(["o0", "o1"]), "choice"] = 1
    table.loc[(table["respondent"] == "r7") & table["option"].isin(["o2", "o3"]), "choice"] = 0
    model = PortfolioLogit(table, attributes(1), delta0=False, infeasible="report")
    result = model.fit()
    assert result.infeasible[["respondent", "rule"]].to_dict("records") == [
        {"respondent": "r7", "rule": "group g: more than one option chosen (o0, o1)"}
    ]
    assert result.n_respondents == 199


def test_spending_exactly_the_budget_or_its_minimum_is_feasible():
    table = random_design(2, 2, 1, 0, budget=(40, 41), budget_min=20)
    table["cost"], table["choice"] = 20.0, [1, 1, 1, 0]
    assert PortfolioLogit(table, [], delta0=False).infeasible.empty
    decimals = table.assign(cost=[0.1, 0.2, 0.1, 0.2], budget=0.3, budget_min=0.1)
    assert PortfolioLogit(decimals, [], delta0=False).infeasible.empty


def random_table_page(rng: random.Random):
    """A consultation whose portfolio page a choice table can state: levels 0..k, decimal uses."""
    limits = [
        constraint(c, max=rng.choice([None, 0.3, 1, 2.5, 4]), min=rng.choice([None, 0.3, 1]))
        for c in ("budget", "land")
    ]
    limits = [
        c if c.min is None or c.max is None or c.min <= c.max else constraint(c.id, max=c.min, min=c.max)
        for c in limits
    ]
    options = [
        option(
            f"o{j}",
            levels=range(rng.randint(2, 3)),
            group=rng.choice([None, "g"]),
            use={c.id: rng.choice([0.1, 0.2, 1, 1.5]) for c in limits if rng.random() < 0.8},
        )
        for j in range(rng.randint(1, 4))
    ]
    page = portfolio(options, limits, leftover=rng.choice(["allowed", "must_use_all"]))
    return consultation(page, constraints=limits), page


def test_the_table_rule_and_the_consultation_rule_allow_the_same_portfolios():
    rng, verdicts = random.Random(6), set()
    for _ in range(300):
        design, page = random_table_page(rng)
        limits = [design.constraint(c) for c in page.constraints]
        bounds = [total_bounds(page, c) for c in limits]
        cost = np.array([[o.use.get(c.id, 0) for c in limits] for o in page.options], dtype=float)
        levels = itertools.product(*(o.levels for o in page.options))
        candidates = np.array(list(levels), dtype=float)
        by_table = rule_mask(
            candidates,
            cost.reshape(len(page.options), len(limits)),
            np.array([math.inf if high is None else high for _, high in bounds]),
            np.array([-math.inf if low is None else low for low, _ in bounds]),
            np.array([-1 if o.group is None else 0 for o in page.options]),
        )
        by_consultation = feasible_level_vectors(design, page)
        assert candidates[by_table].tolist() == by_consultation.tolist(), page
        verdicts.add(len(by_consultation) < len(candidates))
    assert verdicts == {True, False}


def test_delta0_without_cost_variation_is_named_not_identified():
    table = random_design(300, 4, 1, 1)
    table = simulate_choices(table, true_params(4, 1), seed=1)
    with pytest.raises(ValueError, match="delta0 is not identified.*delta0=False"):
        PortfolioLogit(table, attributes(1))


def test_an_attribute_without_variation_is_named_not_identified():
    table = simulate_choices(random_design(300, 4, 3, 1), true_params(4, 0), seed=1)
    table["x0"] = table["option"].map({"o0": 1.0, "o1": 2.0, "o2": 0.0, "o3": 5.0})
    with pytest.raises(ValueError, match="beta:x0 is not identified"):
        PortfolioLogit(table, attributes(1))


def test_parameters_that_move_together_are_named_together():
    # the sample's versions change only rail: its cost and its homes, so the two are confounded
    table = choices_table(parse(DEFINITION), sample_records(200, 1))
    with pytest.raises(ValueError, match="beta:homes, delta0 cannot be told apart"):
        PortfolioLogit(table, ["homes"], task="advice")


def test_several_constraints_have_a_budget_term_each():
    table = random_design(900, 4, 3, 1, budget=(40, 80), seed=2)
    rng = np.random.default_rng(3)
    table = table.rename(columns={"cost": "cost_money", "budget": "budget_money"})
    per_version = rng.integers(1, 9, size=(3, 4))
    table["cost_land"] = per_version[table.index // 4 % 3, table.index % 4].astype(float)
    table["budget_land"] = 12.0
    truth = {**true_params(4, 1, None), "delta0:money": 0.05, "delta0:land": 0.2}
    table = simulate_choices(table, truth, seed=4)
    result = PortfolioLogit(table, attributes(1)).fit()
    assert list(result.params.index[-2:]) == ["delta0:money", "delta0:land"]
    broken = table.assign(choice=1)
    with pytest.raises(ValueError, match=r"total cost_land \d+ > budget_land 12"):
        PortfolioLogit(broken, attributes(1))


def sample_records(n: int, seed: int) -> list[dict]:
    """Respondents of the sample consultation answering its `advice` page at random, feasibly."""
    consultation = parse(DEFINITION)
    rng = np.random.default_rng(seed)
    records = []
    for i in range(n):
        version = "AB"[i % 2]
        design = consultation.for_version(version)
        page = next(p for p in design.pages if p.id == "advice")
        vectors = feasible_level_vectors(design, page)
        levels = vectors[rng.integers(len(vectors))]
        advice = {o.id: int(level) for o, level in zip(page.options, levels)}
        records.append({"respondent": f"p{i}", "version": version, "answers": answers(advice=advice)})
    return records


def test_the_consultation_rule_and_the_table_rule_give_the_same_fit():
    consultation = parse(DEFINITION)
    table = choices_table(consultation, sample_records(300, 1))
    by_rule = PortfolioLogit.from_consultation(consultation, table, [], task="advice")
    by_table = PortfolioLogit(table, [], task="advice")
    theta = np.array([0.2, -0.1, 0.3, 0.01])
    assert by_rule.loglike(theta) == pytest.approx(by_table.loglike(theta), abs=1e-9)
    assert by_rule.fit().loglik == pytest.approx(by_table.fit().loglik, abs=1e-9)


def test_the_consultation_rule_names_what_an_impossible_answer_breaks():
    consultation = parse(DEFINITION)
    records = sample_records(20, 2)
    records[0]["answers"]["advice"] = {"rail": 2, "bus": 1, "park": 1}
    table = choices_table(consultation, records)
    with pytest.raises(ValueError, match=r"respondent p0 \(task advice\): .*group_conflict transport"):
        PortfolioLogit.from_consultation(consultation, table, [], task="advice")


# --- results -------------------------------------------------------------------------------------


def test_tradeoffs_use_the_delta_method_and_refuse_intervals_through_zero():
    table = simulate_choices(
        random_design(3000, 4, 4, 2, seed=5), {**true_params(4, 2), "beta:x1": 0.0}, seed=6
    )
    result = PortfolioLogit(table, attributes(2)).fit()
    tradeoffs = result.tradeoffs().set_index(["numerator", "denominator"])
    row = tradeoffs.loc[("beta:x0", "delta0")]
    a, b = result.params["beta:x0"], result.params["delta0"]
    cov = result.robust_cov.loc[["beta:x0", "delta0"], ["beta:x0", "delta0"]].to_numpy()
    gradient = np.array([1 / b, -a / b**2])
    assert row["ratio"] == pytest.approx(a / b)
    assert row["std_err"] == pytest.approx(math.sqrt(gradient @ cov @ gradient))
    assert row["lower"] == pytest.approx(a / b - 1.959964 * row["std_err"], rel=1e-6)
    through_zero = tradeoffs.loc[("beta:x0", "beta:x1")]
    assert math.isinf(through_zero["upper"]) and "covers 0" in through_zero["note"]


def test_results_summary_and_json_shape():
    table = simulate_choices(random_design(500, 3, 2, 1), true_params(3, 1), seed=1)
    result = PortfolioLogit(table, attributes(1)).fit()
    out = result.to_dict()
    assert {"model", "n_respondents", "loglik", "converged", "aic", "bic", "params"} <= set(out)
    assert out["model"] == "portfolio-logit" and out["n_respondents"] == 500
    assert [p["name"] for p in out["params"]] == ["asc:o0", "asc:o1", "asc:o2", "beta:x0", "delta0"]
    assert set(out["params"][0]) == {"name", "estimate", "std_err", "robust_std_err"}
    assert "beta:x0" in result.summary() and "Log-likelihood" in result.summary()
    assert result.aic == pytest.approx(2 * 5 - 2 * result.loglik)


def test_several_tasks_of_one_respondent_are_clustered():
    one = simulate_choices(random_design(400, 3, 2, 1), true_params(3, 1), seed=1)
    two = simulate_choices(random_design(400, 3, 2, 1), true_params(3, 1), seed=2)
    both = pd.concat([one.assign(task="a"), two.assign(task="b")], ignore_index=True)
    result = PortfolioLogit(both, attributes(1)).fit()
    assert result.n_respondents == 400 and result.n_observations == 800
    stacked = PortfolioLogit(both.assign(respondent=both["respondent"] + both["task"]), attributes(1)).fit()
    np.testing.assert_allclose(result.params, stacked.params)
    assert not np.allclose(result.robust_bse, stacked.robust_bse)


# --- command line --------------------------------------------------------------------------------


def test_pwe_fit_prints_the_summary_and_writes_json(tmp_path):
    table = simulate_choices(random_design(400, 3, 2, 2), true_params(3, 2), seed=1)
    table.to_csv(tmp_path / "choices.csv", index=False)
    people = table["respondent"].drop_duplicates()
    weights = pd.DataFrame({"respondent": people, "weight": np.linspace(0.5, 1.5, len(people))})
    weights.to_csv(tmp_path / "weights.csv", index=False)
    out = tmp_path / "fit.json"
    result = CliRunner().invoke(
        main,
        [
            "fit",
            str(tmp_path / "choices.csv"),
            "--model",
            "portfolio-logit",
            "--attributes",
            "x0,x1",
            "--weights",
            str(tmp_path / "weights.csv"),
            "--json",
            str(out),
        ],
    )
    assert result.exit_code == 0, result.output
    assert "beta:x1" in result.output
    written = json.loads(out.read_text(encoding="utf-8"))
    expected = PortfolioLogit(table, attributes(2), weights=weights.set_index("respondent")["weight"]).fit()
    assert written["loglik"] == pytest.approx(expected.loglik, abs=1e-9)
    assert [p["name"] for p in written["params"]] == list(expected.params.index)


def test_pwe_fit_names_the_problem(tmp_path):
    table = random_design(20, 3, 1, 1).assign(choice=1, budget=30.0)
    table.to_csv(tmp_path / "choices.csv", index=False)
    result = CliRunner().invoke(
        main, ["fit", str(tmp_path / "choices.csv"), "--model", "portfolio-logit", "--attributes", "x0"]
    )
    assert result.exit_code == 1
    assert "choices.csv: 20 chosen portfolio(s) break" in result.output
    assert "total cost" in result.output and "> budget 30" in result.output


def test_a_respondent_without_a_weight_is_named():
    table = simulate_choices(random_design(30, 3, 2, 1), true_params(3, 1), seed=1)
    weights = pd.Series(1.0, index=[f"r{i}" for i in range(29)])
    with pytest.raises(ValueError, match="no weight for respondent.*r29"):
        PortfolioLogit(table, attributes(1), weights=weights)


# --- predicted support for a package ------------------------------------------------------------


def tiny_menu_table(seed: int) -> pd.DataFrame:
    """5 options, one exclusive pair, 3 versions with budgets that bind, a version column."""
    table = random_design(600, 5, 3, 2, seed=seed, groups={1: "road", 2: "road"}, budget=(30, 60))
    table["version"] = "v" + (table["respondent"].str[1:].astype(int) % 3).astype(str)
    return simulate_choices(table, true_params(5, 2), seed=seed)


def all_packages(options: int) -> list[dict[str, int]]:
    return [
        {f"o{j}": level for j, level in enumerate(levels)}
        for levels in itertools.product([0, 1], repeat=options)
    ]


@pytest.mark.parametrize("method", ["enumerate", "recursion"])
def test_package_probabilities_over_the_feasible_packages_sum_to_one(method):
    result = PortfolioLogit(tiny_menu_table(21), attributes(2), method=method).fit()
    frames = [result.package_probability(p) for p in all_packages(5)]
    per_menu = sum(f["probability"].to_numpy() for f in frames)
    np.testing.assert_allclose(per_menu, 1.0, atol=1e-12)  # every menu and the mean row
    forbidden = result.package_probability({"o1": 1, "o2": 1})  # the exclusive pair
    assert not forbidden["feasible"].iloc[:-1].any() and (forbidden["probability"] == 0).all()
    with pytest.raises(ValueError, match="not in the choice table"):
        result.package_probability({"o9": 1})


def test_package_probability_of_each_chosen_package_gives_the_loglikelihood():
    table = tiny_menu_table(22)
    model = PortfolioLogit(table, attributes(2))
    result = model.fit()
    chosen = table.pivot(index="respondent", columns="option", values="choice")
    chosen["version"] = table.groupby("respondent")["version"].first()
    total = 0.0
    for (*levels, version), count in chosen.value_counts().items():
        p = result.package_probability(dict(zip(chosen.columns[:-1], levels)), version=version)
        assert len(p) == 2 and p["version"].iloc[0] == version
        total += count * math.log(p["probability"].iloc[0])
    assert total == pytest.approx(result.loglik, abs=1e-8)


def test_the_mean_row_weights_menus_by_their_respondents():
    table = tiny_menu_table(23)
    weights = pd.Series(np.random.default_rng(3).uniform(0.5, 2, 600), index=[f"r{i}" for i in range(600)])
    result = PortfolioLogit(table, attributes(2), weights=weights).fit()
    p = result.package_probability({"o0": 1})
    menus, mean = p.iloc[:-1], p.iloc[-1]
    assert mean["menu"] == "all" and mean["observations"] == 600
    assert mean["probability"] == pytest.approx(
        (menus["probability"] * menus["weight"]).sum() / menus["weight"].sum()
    )
    assert mean["probability_unweighted"] == pytest.approx(
        (menus["probability"] * menus["observations"]).sum() / 600
    )


@pytest.mark.parametrize("method", ["enumerate", "recursion"])
def test_most_supported_package_is_the_brute_force_argmax(method):
    table = random_menu_table(9)  # 9 options, an exclusive group, budget_min
    model = PortfolioLogit(table, attributes(2), method=method)
    result = model.fit()
    best = result.most_supported_package()
    assert len(best) == len(model.menus)
    theta = result.params
    options = [f"o{j}" for j in range(9)]
    packages = np.array(list(itertools.product([0, 1], repeat=9)), dtype=float)
    for row in best.itertuples():
        first = model.menus[row.menu].rows[0]
        menu = table[table["respondent"] == model.data.respondent[first]].set_index("option")
        menu = menu.loc[options]
        u = (
            theta[[f"asc:{o}" for o in options]].to_numpy()
            + menu["x0"] * theta["beta:x0"]
            + menu["x1"] * theta["beta:x1"]
            - menu["cost"] * theta["delta0"]
        ).to_numpy()
        total = packages @ menu["cost"].to_numpy()
        road = packages[:, 2:5].sum(axis=1)
        allowed = (total <= menu["budget"].iloc[0]) & (total >= menu["budget_min"].iloc[0]) & (road <= 1)
        v = np.where(allowed, packages @ u, -np.inf)
        brute = packages[int(np.argmax(v))]
        assert tuple(getattr(row, o) for o in options) == tuple(brute)
        assert row.utility == pytest.approx(v.max(), abs=1e-12)
        assert row.probability == pytest.approx(np.exp(v.max()) / np.exp(v[allowed]).sum(), rel=1e-10)
        assert row.total_cost == pytest.approx(brute @ menu["cost"].to_numpy())
