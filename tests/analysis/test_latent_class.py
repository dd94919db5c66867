"""The latent-class portfolio logit: one class is the plain model, simulated classes are found,
EM never lowers the likelihood, the analytic score is the derivative, covariates work, and
`pwe fit --model latent-class` writes the results."""

from __future__ import annotations

import itertools
import json
import math

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner

from analysis.models import PortfolioLogit
from analysis.models.latent_class import LatentClassPortfolioLogit, compare_classes, simulate_classes
from analysis.models.simulate import random_design
from pwe.cli import main

OPTIONS = 5


def class_params(beta0: float) -> dict[str, float]:
    return {
        **{f"asc:o{j}": 0.5 - 0.2 * j for j in range(OPTIONS)},
        "beta:x0": beta0,
        "beta:x1": -0.5,
        "delta0": 0.04,
    }


def two_classes(respondents: int, membership, seed: int = 0, tasks: int = 1) -> pd.DataFrame:
    """Choices from class 1 (beta:x0 = +1.5) or class 2 (beta:x0 = -1.5); `membership(rng, n)`
    gives each respondent's probability of class 2. With several tasks each respondent answers
    one design version per task, always as a member of the same class."""
    rng = np.random.default_rng(seed)
    design = pd.concat(
        [
            random_design(respondents, OPTIONS, 4, 2, seed=10 * seed + t).assign(task=f"t{t}")
            for t in range(tasks)
        ],
        ignore_index=True,
    )
    second = membership(rng, respondents)
    return simulate_classes(
        design, [class_params(1.5), class_params(-1.5)], np.column_stack([1 - second, second]), seed=rng
    )


def constant(share: float):
    return lambda rng, n: np.full(n, share)


@pytest.fixture(scope="module")
def separated() -> pd.DataFrame:
    return two_classes(3000, constant(0.35), seed=1)


@pytest.fixture(scope="module")
def separated_fit(separated):
    return LatentClassPortfolioLogit(separated, ["x0", "x1"], n_classes=2, starts=5).fit()


def test_one_class_is_the_portfolio_logit(separated):
    plain = PortfolioLogit(separated, ["x0", "x1"]).fit()
    result = LatentClassPortfolioLogit(separated, ["x0", "x1"], n_classes=1).fit()
    assert result.loglik == pytest.approx(plain.loglik, abs=1e-6)
    renamed = [f"class1:{name}" for name in plain.params.index]
    np.testing.assert_allclose(result.params[renamed], plain.params, atol=1e-6)
    np.testing.assert_allclose(result.robust_bse[renamed], plain.robust_bse, atol=1e-6)
    assert result.params["share:class1"] == 1.0


def test_two_separated_classes_are_recovered(separated_fit):
    result = separated_fit
    assert result.converged
    assert result.shares.to_numpy() == pytest.approx([0.65, 0.35], abs=0.05)
    for k, beta0 in [(1, 1.5), (2, -1.5)]:
        for name, truth in class_params(beta0).items():
            estimate, se = result.params[f"class{k}:{name}"], result.bse[f"class{k}:{name}"]
            assert abs(estimate - truth) < 3 * se, (k, name, estimate, truth, se)
    posteriors = result.posteriors
    assert list(posteriors.columns) == ["class1", "class2"]
    assert len(posteriors) == result.n_respondents
    np.testing.assert_allclose(posteriors.sum(axis=1), 1.0)
    np.testing.assert_allclose(posteriors.mean().to_numpy(), result.shares.to_numpy())


def test_em_never_lowers_the_log_likelihood(separated_fit):
    history = np.array(separated_fit.history)
    assert len(history) > 5
    assert (np.diff(history) >= -1e-9 * abs(history[-1])).all()
    assert separated_fit.loglik >= history[-1] - 1e-6


def test_the_class_is_the_respondents_over_all_tasks():
    """The log-likelihood against brute force: sum_n log sum_c pi_c prod_t P_t(theta_c), with
    every feasible portfolio listed."""
    table = two_classes(60, constant(0.4), seed=2, tasks=2)
    model = LatentClassPortfolioLogit(table, ["x0", "x1"], n_classes=2)
    params = np.random.default_rng(3).normal(scale=0.3, size=len(model.param_names))
    named = dict(zip(model.param_names, params))
    prior = np.exp([0.0, named["class2:membership:const"]])
    prior /= prior.sum()
    expected = 0.0
    for _, person in table.groupby("respondent"):
        likelihood = np.zeros(2)
        for c in range(2):
            product = 1.0
            for _, rows in person.groupby("task"):
                u = (
                    np.array([named[f"class{c + 1}:asc:{o}"] for o in rows["option"]])
                    + rows[["x0", "x1"]].to_numpy()
                    @ [named[f"class{c + 1}:beta:x0"], named[f"class{c + 1}:beta:x1"]]
                    - named[f"class{c + 1}:delta0"] * rows["cost"].to_numpy()
                )
                feasible = [
                    y
                    for y in itertools.product([0, 1], repeat=OPTIONS)
                    if np.dot(y, rows["cost"]) <= rows["budget"].iloc[0]
                ]
                denominator = sum(math.exp(np.dot(y, u)) for y in feasible)
                product *= math.exp(rows["choice"].to_numpy() @ u) / denominator
            likelihood[c] = prior[c] * product
        expected += math.log(likelihood.sum())
    assert model.loglike(params) == pytest.approx(expected, abs=1e-8)


def test_the_analytic_score_is_the_derivative_of_the_log_likelihood():
    table = two_classes(200, lambda rng, n: np.full(n, 0.4), seed=4, tasks=2)
    people = table["respondent"].drop_duplicates()
    rng = np.random.default_rng(5)
    covariates = pd.DataFrame({"respondent": people, "age": rng.normal(size=len(people))})
    weights = pd.Series(rng.uniform(0.5, 1.5, len(people)), index=people)
    model = LatentClassPortfolioLogit(
        table, ["x0", "x1"], n_classes=3, covariates=covariates, weights=weights
    )
    params = rng.normal(scale=0.3, size=len(model.param_names))
    numeric = [
        (model.loglike(params + e * 1e-6) - model.loglike(params - e * 1e-6)) / 2e-6
        for e in np.eye(len(params))
    ]
    np.testing.assert_allclose(model.score(params), numeric, rtol=1e-5, atol=1e-4)


def test_covariates_shift_class_membership_in_the_simulated_direction():
    """P(class 2) = logistic(-1 + 1.2 z): class 2 is the smaller one, and z raises its odds."""
    z = {}

    def membership(rng, n):
        z["value"] = rng.normal(size=n)
        return 1 / (1 + np.exp(1.0 - 1.2 * z["value"]))

    table = two_classes(3000, membership, seed=6)
    covariates = pd.DataFrame({"z": z["value"]}, index=[f"r{i}" for i in range(3000)])
    result = LatentClassPortfolioLogit(
        table, ["x0", "x1"], n_classes=2, covariates=covariates, starts=5
    ).fit()
    assert result.converged
    assert result.params["class2:beta:x0"] < 0 < result.params["class1:beta:x0"]
    slope, se = result.params["class2:membership:z"], result.bse["class2:membership:z"]
    assert slope > 0 and abs(slope - 1.2) < 3 * se
    const, se = result.params["class2:membership:const"], result.bse["class2:membership:const"]
    assert abs(const + 1.0) < 3 * se


def test_compare_classes_reports_loglik_aic_and_bic_per_number_of_classes(separated):
    table = compare_classes(separated, ["x0", "x1"], max_classes=2, starts=3)
    assert list(table.columns) == ["classes", "loglik", "n_params", "aic", "bic", "converged"]
    assert list(table["classes"]) == [1, 2]
    assert table["loglik"].iloc[0] == pytest.approx(
        PortfolioLogit(separated, ["x0", "x1"]).fit().loglik, abs=1e-6
    )
    per_class = OPTIONS + 3
    assert list(table["n_params"]) == [per_class, 2 * per_class + 1]
    np.testing.assert_allclose(table["aic"], 2 * table["n_params"] - 2 * table["loglik"])
    np.testing.assert_allclose(table["bic"], table["n_params"] * math.log(3000) - 2 * table["loglik"])
    assert table["bic"].iloc[1] < table["bic"].iloc[0]  # two classes are there


def test_results_have_the_json_shape_and_class_value_weights(separated_fit):
    shape = separated_fit.to_dict()
    assert {"model", "n_respondents", "loglik", "converged", "aic", "bic", "params"} <= set(shape)
    names = [p["name"] for p in shape["params"]]
    assert {"class1:beta:x0", "class2:delta0", "share:class1", "share:class2"} <= set(names)
    assert set(shape["params"][0]) == {"name", "estimate", "std_err", "robust_std_err"}
    tradeoffs = separated_fit.tradeoffs()
    assert {"class1:beta:x0", "class2:beta:x0"} <= set(tradeoffs["numerator"])
    assert "shares class1" in separated_fit.summary()
    support = separated_fit.predicted_support()
    np.testing.assert_allclose(support["predicted"], support["observed"], atol=0.01)


def test_pwe_fit_latent_class_writes_the_classes(tmp_path):
    two_classes(1000, constant(0.35), seed=7).to_csv(tmp_path / "choices.csv", index=False)
    run = CliRunner().invoke(
        main,
        [
            "fit",
            str(tmp_path / "choices.csv"),
            "--model",
            "latent-class",
            "--classes",
            "2",
            "--attributes",
            "x0,x1",
            "--json",
            str(tmp_path / "out.json"),
        ],
    )
    assert run.exit_code == 0, run.output
    assert "Classes: 2" in run.output
    written = json.loads((tmp_path / "out.json").read_text())
    assert written["model"] == "latent-class"
    estimates = {p["name"]: p["estimate"] for p in written["params"]}
    assert estimates["class1:beta:x0"] > 0 > estimates["class2:beta:x0"]


def test_pwe_fit_latent_class_asks_for_the_number_of_classes(tmp_path, separated):
    separated.to_csv(tmp_path / "choices.csv", index=False)
    run = CliRunner().invoke(
        main, ["fit", str(tmp_path / "choices.csv"), "--model", "latent-class", "--attributes", "x0,x1"]
    )
    assert run.exit_code == 1
    assert "--classes" in run.output


def test_package_probability_mixes_the_classes_and_sums_to_one(separated, separated_fit):
    """Over every package of a menu the mixed probabilities sum to 1 (forbidden ones count 0), and
    with one class they are the portfolio logit's."""
    import itertools

    options = [f"o{j}" for j in range(OPTIONS)]
    totals, rows = 0.0, []
    for levels in itertools.product([0, 1], repeat=OPTIONS):
        package = dict(zip(options, levels))
        frame = separated_fit.package_probability(package, menu=0)
        totals += frame["probability"].iloc[0]
        rows.append((package, frame["probability"].iloc[0]))
    assert totals == pytest.approx(1.0, abs=1e-9)
    one = LatentClassPortfolioLogit(separated, ["x0", "x1"], n_classes=1).fit()
    plain = PortfolioLogit(separated, ["x0", "x1"]).fit()
    package = rows[5][0]
    assert one.package_probability(package)["probability"].to_numpy() == pytest.approx(
        plain.package_probability(package)["probability"].to_numpy()
    )
