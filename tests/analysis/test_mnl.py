"""The MNL for pairs blocks against independent references: statsmodels, a hand-written likelihood,
finite differences, simulation and Krinsky-Robb draws."""

from __future__ import annotations

import json
import math
import warnings
from datetime import datetime

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner

from analysis.models import MNL
from analysis.models.mnl import simulate_pairs
from analysis.tables import choices_table
from pwe.cli import main
from surveys.load import parse
from tests.analysis.sample import DEFINITION, answers

sm = pytest.importorskip("statsmodels.api")
from statsmodels.discrete.conditional_models import ConditionalLogit  # noqa: E402
from statsmodels.stats.sandwich_covariance import S_crosssection  # noqa: E402

TRUE = {"asc:none": -0.5, "beta:x0": 0.8, "beta:x1": -0.4, "beta:cost": -0.03}
ATTRIBUTES = ["x0", "x1", "cost"]


def simulate(
    people: int,
    tasks: int,
    params: dict[str, float] = TRUE,
    seed: int = 0,
    taste_sd: float = 0.0,
    opt_out: bool = True,
) -> pd.DataFrame:
    return simulate_pairs(people, tasks, params, opt_out=opt_out, taste_sd=taste_sd, seed=seed)


def design_matrix(table: pd.DataFrame) -> pd.DataFrame:
    out = pd.DataFrame({"asc:none": (table["option"] == "none").astype(float)})
    for name in ATTRIBUTES:
        out[f"beta:{name}"] = table[name].fillna(0.0)
    return out


def loglik_by_hand(table: pd.DataFrame, params: pd.Series, weights: pd.Series | None = None) -> pd.Series:
    """Per respondent sum over tasks of w log P(chosen), with pandas group sums (no model code)."""
    v = design_matrix(table)[params.index] @ params
    key = [table["respondent"], table["task"]]
    log_p = v - np.log(np.exp(v).groupby(key).transform("sum"))
    per_person = log_p[table["choice"] == 1].groupby(table["respondent"]).sum()
    if weights is None:
        return per_person
    return per_person * weights.reindex(per_person.index) / weights.mean()


def random_weights(table: pd.DataFrame, seed: int = 5) -> pd.Series:
    people = table["respondent"].drop_duplicates()
    return pd.Series(np.random.default_rng(seed).uniform(0.2, 3, len(people)), index=people)


# --- against independent implementations -------------------------------------------------------


def test_equals_statsmodels_conditional_logit():
    """Classical errors are statsmodels' own; robust ones are the sandwich that statsmodels'
    S_crosssection builds from its per-task scores, clustered by respondent, around its
    inverse Hessian."""
    table = simulate(300, 3, seed=1)
    classical = MNL(table, ["x0", "x1"], cost="cost").fit(cov_type="classical")
    robust = MNL(table, ["x0", "x1"], cost="cost").fit()
    groups = pd.factorize(table["respondent"] + "|" + table["task"])[0]
    model = ConditionalLogit(table["choice"].astype(float), design_matrix(table), groups=groups)
    reference = model.fit(method="newton", disp=0, tol=1e-12)
    names = reference.params.index
    scores = np.array([model.score_grp(g, reference.params.to_numpy()) for g in range(groups.max() + 1)])
    person = pd.factorize(table.drop_duplicates(["respondent", "task"])["respondent"])[0]
    bread = reference.cov_params().to_numpy()
    reference_robust = np.sqrt(np.diag(bread @ S_crosssection(scores, person) @ bread))
    assert classical.converged and robust.converged
    assert classical.loglik == pytest.approx(reference.llf, abs=1e-6)
    np.testing.assert_allclose(classical.params[names], reference.params, atol=1e-6)
    np.testing.assert_allclose(classical.bse[names], reference.bse, rtol=1e-6)
    np.testing.assert_allclose(robust.params, classical.params, rtol=0, atol=0)
    np.testing.assert_allclose(robust.bse[names], reference_robust, rtol=1e-6)
    assert not np.allclose(robust.bse, classical.bse, rtol=1e-3)


def test_weighted_clustered_sandwich_equals_the_weighted_binary_logit():
    """Without an opt-out a pair is a binary logit on x_A - x_B (statsmodels GLM, var_weights)."""
    table = simulate(400, 3, seed=2, opt_out=False)
    weights = random_weights(table)
    result = MNL(table, ATTRIBUTES, weights=weights).fit()
    a, b = table[table["option"] == "A"], table[table["option"] == "B"]
    difference = pd.DataFrame({f"beta:{k}": a[k].to_numpy() - b[k].to_numpy() for k in ATTRIBUTES})
    per_task = (weights / weights.mean()).reindex(a["respondent"]).to_numpy()
    with warnings.catch_warnings():  # "cov_type not fully supported with var_weights": checked here
        warnings.simplefilter("ignore", sm.tools.sm_exceptions.SpecificationWarning)
        glm = sm.GLM(
            a["choice"].to_numpy(dtype=float), difference, family=sm.families.Binomial(), var_weights=per_task
        ).fit(
            tol=1e-12,
            cov_type="cluster",
            cov_kwds={"groups": pd.factorize(a["respondent"])[0], "use_correction": False},
        )
    assert result.loglik == pytest.approx(glm.llf, abs=1e-6)
    np.testing.assert_allclose(result.params[glm.params.index], glm.params, atol=1e-6)
    np.testing.assert_allclose(result.robust_bse[glm.params.index], glm.bse, rtol=1e-6)


def test_weighted_fit_maximises_the_hand_written_likelihood_and_clusters_its_scores():
    table = simulate(150, 4, seed=3)
    weights = random_weights(table)
    model = MNL(table, ATTRIBUTES, weights=weights)
    result = model.fit()
    theta = result.params
    assert result.loglik == pytest.approx(loglik_by_hand(table, theta, weights).sum(), abs=1e-9)
    steps = np.diag(1e-5 / design_matrix(table)[theta.index].abs().max().to_numpy())
    scores = np.column_stack(
        [
            (loglik_by_hand(table, theta + e, weights) - loglik_by_hand(table, theta - e, weights))
            / (2 * e.sum())
            for e in steps
        ]
    )
    np.testing.assert_allclose(scores.sum(axis=0), 0, atol=1e-6)  # the maximum
    bread = np.linalg.inv(-model.hessian(theta.to_numpy()))
    np.testing.assert_allclose(
        result.robust_cov.to_numpy(), bread @ scores.T @ scores @ bread, rtol=1e-5, atol=1e-12
    )


def test_integer_weights_equal_repeating_respondents():
    table = simulate(300, 3, seed=4)
    people = table["respondent"].drop_duplicates()
    weights = pd.Series(np.arange(len(people)) % 3 + 1.0, index=people)
    repeated = pd.concat(
        [
            table[table["respondent"].map(weights) > copy].assign(
                respondent=lambda t, c=copy: t["respondent"] + f"#{c}"
            )
            for copy in range(3)
        ]
    )
    weighted = MNL(table, ATTRIBUTES, weights=weights).fit()
    plain = MNL(repeated, ATTRIBUTES).fit()
    np.testing.assert_allclose(weighted.params, plain.params, atol=1e-9)
    assert weighted.loglik == pytest.approx(plain.loglik / weights.mean(), abs=1e-9)
    assert MNL(table, ATTRIBUTES, weights=weights * 7).fit().loglik == pytest.approx(
        weighted.loglik, abs=1e-9
    )  # weights are normalised to mean 1


# --- derivatives, recovery, clustering -----------------------------------------------------------


def test_gradient_and_hessian_match_finite_differences():
    model = MNL(simulate(200, 3, seed=5), ATTRIBUTES, weights=random_weights(simulate(200, 3)))
    h = 1e-5
    for theta in np.random.default_rng(1).normal(scale=0.3, size=(3, 4)):
        steps = h * np.eye(4)
        numeric_grad = [(model.loglike(theta + e) - model.loglike(theta - e)) / (2 * h) for e in steps]
        numeric_hess = np.array([(model.score(theta + e) - model.score(theta - e)) / (2 * h) for e in steps])
        np.testing.assert_allclose(model.score(theta), numeric_grad, rtol=1e-6, atol=1e-5)
        np.testing.assert_allclose(model.hessian(theta), numeric_hess, rtol=1e-6, atol=1e-5)
        assert np.linalg.eigvalsh(model.hessian(theta)).max() < 0  # concave


def test_parameters_are_recovered_from_simulated_choices():
    result = MNL(simulate(2000, 5, seed=11), ["x0", "x1"], cost="cost").fit()
    assert result.n_respondents == 2000 and result.n_observations == 10000
    errors = (result.params - pd.Series(TRUE)) / result.robust_bse
    assert (errors.abs() < 3).all(), errors.to_dict()


def test_correlated_tasks_widen_the_clustered_errors():
    result = MNL(simulate(1500, 8, seed=7, taste_sd=1.0), ATTRIBUTES).fit()
    ratio = result.robust_bse / result.classical_bse
    assert ratio["beta:x0"] > 1.3 and (ratio.filter(like="beta:") > 1.1).all(), ratio.to_dict()
    independent = MNL(simulate(3000, 1, seed=8), ATTRIBUTES).fit()
    np.testing.assert_allclose(independent.robust_bse, independent.classical_bse, rtol=0.1)


# --- willingness to pay ----------------------------------------------------------------------


def test_wtp_delta_method_matches_hand_calculation_and_krinsky_robb():
    result = MNL(simulate(1500, 5, seed=9), ["x0", "x1"], cost="cost").fit()
    wtp = result.wtp().set_index("attribute")
    a, b = result.params["beta:x0"], result.params["beta:cost"]
    cov = result.robust_cov.loc[["beta:x0", "beta:cost"], ["beta:x0", "beta:cost"]].to_numpy()
    gradient = np.array([-1 / b, a / b**2])
    hand = math.sqrt(gradient @ cov @ gradient)
    assert wtp.loc["x0", "wtp"] == pytest.approx(-a / b)
    assert wtp.loc["x0", "std_err"] == pytest.approx(hand, rel=1e-12)
    assert wtp.loc["x0", "lower"] == pytest.approx(-a / b - 1.959964 * hand, rel=1e-6)
    assert wtp.loc["x0", "upper"] == pytest.approx(-a / b + 1.959964 * hand, rel=1e-6)
    draws = np.random.default_rng(0).multivariate_normal(result.params, result.robust_cov, 200_000)
    names = list(result.params.index)
    simulated = -draws[:, names.index("beta:x1")] / draws[:, names.index("beta:cost")]
    assert wtp.loc["x1", "std_err"] == pytest.approx(simulated.std(), rel=0.05)
    assert result.wtp(cost="cost").equals(result.wtp())
    assert "Willingness to pay" in result.summary()


def test_wtp_has_no_finite_interval_when_the_cost_weight_may_be_zero():
    result = MNL(simulate(300, 2, {**TRUE, "beta:cost": 0.0}, seed=10), ["x0", "x1", "cost"]).fit()
    row = result.wtp(cost="cost").set_index("attribute").loc["x0"]
    assert math.isinf(row["lower"]) and math.isinf(row["upper"])
    assert "cost coefficient's 95% interval covers 0" in row["note"]
    with pytest.raises(ValueError, match="name the cost attribute"):
        result.wtp()
    with pytest.raises(ValueError, match="'price' is not an attribute"):
        result.wtp(cost="price")


# --- the input -------------------------------------------------------------------------------


def small() -> pd.DataFrame:
    return simulate(30, 2, seed=12)


def two_chosen(t):
    return t.assign(choice=np.where((t["respondent"] == "r3") & (t["task"] == "pairs:2"), 1, t["choice"]))


def none_chosen(t):
    return t.assign(choice=np.where(t["respondent"] == "r4", 0, t["choice"]))


@pytest.mark.parametrize(
    "change, attributes, message",
    [
        (
            two_chosen,
            ATTRIBUTES,
            r"exactly one chosen alternative; 1 task\(s\) do not: "
            r"respondent r3 task pairs:2 \(3 chosen\)",
        ),
        (
            none_chosen,
            ATTRIBUTES,
            r"2 task\(s\) do not: respondent r4 task pairs:1 \(0 chosen\), "
            r"respondent r4 task pairs:2 \(0 chosen\)",
        ),
        (lambda t: t, ["x0", "price"], "lacks the column\\(s\\) price"),
        (
            lambda t: t.assign(x1=t["x1"].astype(object).where(t.index != 4, "high")),
            ATTRIBUTES,
            "attribute 'x1' must be numeric; it holds 'high' \\(respondent r0 task pairs:2\\)",
        ),
        (
            lambda t: t.assign(x0=t["x0"].where(t.index != 0)),
            ATTRIBUTES,
            "attribute 'x0' is empty for an alternative other than the opt-out 'none' "
            "\\(respondent r0 task pairs:1\\)",
        ),
        (
            lambda t: t.assign(cost=t["cost"].fillna(5.0)),
            ATTRIBUTES,
            "the opt-out 'none' has attribute values",
        ),
        (lambda t: t.assign(choice=t["choice"] * 2), ATTRIBUTES, "must be 1 \\(chosen\\) or 0"),
        (lambda t: pd.concat([t, t.iloc[[0]]]), ATTRIBUTES, "an option appears twice in one task"),
        (lambda t: t.assign(x1=0.0), ATTRIBUTES, "beta:x1: the attribute does not differ"),
        (lambda t: t.assign(x1=t["x1"].notna() * 1.0), ATTRIBUTES, "asc:none, beta:x1 cannot be told apart"),
        (lambda t: t.assign(x1=2 * t["x0"]), ATTRIBUTES, "beta:x0, beta:x1 cannot be told apart"),
        (lambda t: t.iloc[:0], ATTRIBUTES, "has no rows"),
    ],
)
def test_bad_input_is_named(change, attributes, message):
    with pytest.raises(ValueError, match=message):
        MNL(change(small()), attributes)


def test_missing_weights_are_named():
    table = small()
    weights = random_weights(table).drop("r7")
    with pytest.raises(ValueError, match="no weight for respondent\\(s\\) r7"):
        MNL(table, ATTRIBUTES, weights=weights)


def test_opt_out_label_and_sets_without_opt_out():
    table = small().replace({"option": {"none": "geen"}})
    result = MNL(table, ATTRIBUTES, opt_out="geen").fit()
    assert list(result.params.index) == ["asc:geen", "beta:x0", "beta:x1", "beta:cost"]
    without = MNL(simulate(50, 2, opt_out=False), ATTRIBUTES).fit()
    assert list(without.params.index) == ["beta:x0", "beta:x1", "beta:cost"]


def test_results_json_shape():
    out = MNL(small(), ["x0", "x1"], cost="cost").fit().to_dict()
    assert out["model"] == "mnl" and out["n_respondents"] == 30
    assert {"model", "n_respondents", "loglik", "converged", "aic", "bic", "params"} <= set(out)
    assert [p["name"] for p in out["params"]] == ["asc:none", "beta:x0", "beta:x1", "beta:cost"]
    assert set(out["params"][0]) == {"name", "estimate", "std_err", "robust_std_err"}


# --- command line --------------------------------------------------------------------------------


def exported_choices(path) -> None:
    """choices.csv as `pwe export` writes it: portfolio, points and pairs rows of 60 respondents."""
    consultation = parse(DEFINITION)
    picks = [
        {"1": "A", "2": "none"},
        {"1": "B", "2": "A"},
        {"1": "none", "2": "B"},
        {"1": "A", "2": "A"},
        {"1": "B"},
    ]  # the last skips the optional second set
    records = [
        {
            "respondent": f"p{i}",
            "version": "A",
            "source": "open",
            "language": "nl",
            "started_at": datetime(2024, 3, 1, 9),
            "completed_at": datetime(2024, 3, 1, 10),
            "answers": answers(variants=picks[i % len(picks)]),
        }
        for i in range(60)
    ]
    choices_table(consultation, records).to_csv(path, index=False)


def run_fit(*arguments: str):
    return CliRunner().invoke(main, ["fit", *arguments])


def test_pwe_fit_mnl_on_the_export_fits_the_pairs_rows(tmp_path):
    exported_choices(tmp_path / "choices.csv")
    weights = pd.DataFrame({"respondent": [f"p{i}" for i in range(60)], "weight": np.linspace(0.5, 1.5, 60)})
    weights.to_csv(tmp_path / "weights.csv", index=False)
    out = tmp_path / "fit.json"
    result = run_fit(
        str(tmp_path / "choices.csv"),
        "--model",
        "mnl",
        "--attributes",
        "stops,nature",
        "--task-prefix",
        "variants",
        "--weights",
        str(tmp_path / "weights.csv"),
        "--json",
        str(out),
    )
    assert result.exit_code == 0, result.output
    assert "beta:stops" in result.output and "Choice tasks: 108" in result.output
    written = json.loads(out.read_text(encoding="utf-8"))
    table = pd.read_csv(tmp_path / "choices.csv", dtype={"respondent": str, "task": str})
    expected = MNL(
        table[table["task"].str.startswith("variants:")],
        ["stops", "nature"],
        weights=weights.set_index("respondent")["weight"],
    ).fit()
    assert written["model"] == "mnl" and written["n_respondents"] == 60
    assert written["loglik"] == pytest.approx(expected.loglik, abs=1e-9)
    assert [p["name"] for p in written["params"]] == ["asc:none", "beta:stops", "beta:nature"]


def test_pwe_fit_mnl_with_cost_prints_willingness_to_pay(tmp_path):
    simulate(200, 3, seed=13).to_csv(tmp_path / "choices.csv", index=False)
    result = run_fit(
        str(tmp_path / "choices.csv"), "--model", "mnl", "--attributes", "x0,x1", "--cost", "cost"
    )
    assert result.exit_code == 0, result.output
    assert "Willingness to pay" in result.output


@pytest.mark.parametrize(
    "arguments, message",
    [
        (["--model", "latent-class"], "Error: --model latent-class needs --classes K"),
        (
            ["--model", "mnl", "--attributes", "x0,x1", "--task-prefix", "other"],
            "no rows of pairs page 'other'",
        ),
        (["--model", "mnl", "--attributes", "x0,oops"], "lacks the column(s) oops"),
        (
            ["--model", "mnl", "--attributes", "x0", "--classes", "3"],
            "--classes, --covariates and --memberships apply to --model latent-class",
        ),
        (["--model", "mnl", "--attributes", "x0", "--task", "nope"], "no rows of task(s) nope"),
    ],
)
def test_pwe_fit_mnl_names_the_problem(tmp_path, arguments, message):
    simulate(20, 2, seed=14).to_csv(tmp_path / "choices.csv", index=False)
    result = run_fit(str(tmp_path / "choices.csv"), *arguments)
    assert result.exit_code == 1
    assert message in result.output
    assert "Traceback" not in result.output


def test_pwe_fit_mnl_names_a_missing_file(tmp_path):
    result = run_fit(str(tmp_path / "nothing.csv"), "--model", "mnl", "--attributes", "x0")
    assert result.exit_code == 1 and "cannot read the choice table" in result.output


def test_predicted_support_per_alternative_matches_the_observed_shares():
    """At the maximum-likelihood estimate with alternative constants, predicted shares equal observed
    ones (a first-order condition): here the opt-out's constant makes that exact for the opt-out."""
    from analysis.models.mnl import simulate_pairs

    table = simulate_pairs(1500, 4, {"asc:none": -0.5, "beta:x0": 0.8, "beta:x1": -0.6}, cost=None, seed=3)
    support = MNL(table, ["x0", "x1"]).fit().predicted_support().set_index("option")
    assert set(support.index) == {"A", "B", "none"}
    assert support.loc["none", "predicted"] == pytest.approx(support.loc["none", "observed"], abs=1e-8)
    assert support["predicted"].sum() == pytest.approx(1.0)
    assert support["observed"].sum() == pytest.approx(1.0)
