"""`pwe fit` on files: the table route takes slider levels, nothing silently wrong (a missing budget,
MDCEV on a portfolio page, degenerate classes, bad weights files, NaN in JSON), and the output
says what was fitted."""

from __future__ import annotations

import json
import math

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner

from analysis.models import PortfolioLogit
from analysis.models.files import FitError, fit_file
from analysis.models.latent_class import degenerate_classes
from analysis.models.mnl import simulate_pairs
from analysis.models.results import ChoiceResults, significant
from analysis.models.simulate import random_design, simulate_choices
from analysis.synthetic import simulate_responses
from analysis.tables import choices_table
from analysis.value_weights import load_value_weights
from pwe.cli import main
from surveys import examples
from surveys.load import load

RUIMTE = examples.folder() / "ruimte-2050.yaml"


def portfolio_table(respondents: int = 400, seed: int = 1) -> pd.DataFrame:
    params = {"asc:o0": 0.5, "asc:o1": -0.2, "asc:o2": 0.3, "asc:o3": 0.1, "delta0": 0.05}
    return simulate_choices(random_design(respondents, 4, 3, 0, seed=seed), params, seed=seed)


@pytest.fixture(scope="module")
def ruimte(tmp_path_factory):
    """A Ruimte 2050 (sliders -2..2) choice table as the export writes it, and its definition."""
    consultation = load(RUIMTE)
    weights = load_value_weights(examples.value_weights("ruimte-2050"), consultation)
    records = simulate_responses(consultation, weights, 300, seed=3)
    path = tmp_path_factory.mktemp("ruimte") / "choices.csv"
    table = choices_table(consultation, records)
    table.to_csv(path, index=False)
    return consultation, table, path


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


# --- 1. every export fits --------------------------------------------------------------------


def test_slider_levels_fit_from_the_table_as_from_the_consultation(ruimte):
    consultation, table, path = ruimte
    assert (table.loc[table["task"] == "advice", "choice"] < 0).any()
    bare = fit_file(path, "portfolio-logit", [], task="advice")
    defined = fit_file(path, "portfolio-logit", [], task="advice", consultation=consultation)
    assert bare.loglik == pytest.approx(defined.loglik, abs=1e-8)
    np.testing.assert_allclose(bare.params, defined.params, atol=1e-7)
    support = bare.extra["support"][1].set_index("option")
    # predicted support is the mean level in the table's own levels, -2..2
    assert support["observed"].between(-2, 2).all() and (support["observed"] < 0).any()
    np.testing.assert_allclose(support["predicted"], support["observed"], atol=1e-6)
    assert (support["lower"] <= support["predicted"]).all()
    assert (support["predicted"] <= support["upper"]).all()
    assert defined.budget_unit == "duizend hectare"
    assert "Each option's worth in budget units (asc / delta0, in duizend hectare)" in defined.summary()


def test_pwe_fit_takes_the_consultation_by_slug_and_latent_classes_on_sliders(ruimte, tmp_path):
    _, _, path = ruimte
    members = tmp_path / "members.csv"
    result = run(
        "fit",
        path,
        "--model",
        "latent-class",
        "--classes",
        "2",
        "--starts",
        "2",
        "--seed",
        "5",
        "--task",
        "advice",
        "--consultation",
        "ruimte-2050",
        "--memberships",
        members,
        "--json",
        tmp_path / "fit.json",
    )
    assert result.exit_code == 0, result.output
    assert "Constraints: the consultation's rules per design version" in result.output
    written = pd.read_csv(members)
    assert list(written.columns) == ["respondent", "class1", "class2", "most_likely"]
    assert len(written) == 300
    np.testing.assert_allclose(written[["class1", "class2"]].sum(axis=1), 1)
    fitted = json.loads((tmp_path / "fit.json").read_text())
    assert fitted["n_classes"] == 2 and fitted["degenerate"] == []


def test_covariates_from_the_respondent_table_shift_class_membership(tmp_path):
    table = portfolio_table(300)
    table.to_csv(tmp_path / "choices.csv", index=False)
    people = pd.DataFrame({"respondent": table["respondent"].unique()})
    people["region"] = np.where(np.arange(len(people)) % 3 == 0, "north", "rest")
    people.to_csv(tmp_path / "respondents.csv", index=False)
    result = fit_file(
        tmp_path / "choices.csv", "latent-class", [], classes=2, starts=1, covariates=["region"]
    )
    assert "class2:membership:region=north" in result.params.index
    with pytest.raises(FitError, match="has no column.*nope for --covariates"):
        fit_file(tmp_path / "choices.csv", "latent-class", [], classes=2, covariates=["nope"])


def test_mnl_takes_any_task_ids_and_names_a_page_or_tasks(tmp_path):
    pairs = simulate_pairs(300, 3, {"asc:none": -0.5, "beta:x0": 0.8, "beta:cost": -0.03}, seed=2)
    numbered = pairs.assign(task=pairs["task"].str.split(":").str[1])  # 1, 2, 3: another tool
    numbered.to_csv(tmp_path / "numbered.csv", index=False)
    everything = fit_file(tmp_path / "numbered.csv", "mnl", ["x0"], cost="cost")
    assert everything.n_observations == 900
    two = fit_file(tmp_path / "numbered.csv", "mnl", ["x0"], cost="cost", task="1,2")
    assert two.n_observations == 600
    # as on a platform pairs page: every respondent sees the same variants in a set
    fixed = pairs.groupby(["task", "option"])[["x0", "cost"]].transform("first")
    pairs[["x0", "cost"]] = fixed
    pairs.to_csv(tmp_path / "pairs.csv", index=False)
    by_page = fit_file(tmp_path / "pairs.csv", "mnl", ["x0"], cost="cost", task="pairs")
    assert by_page.n_observations == 900
    per_set = by_page.extra["by_set"][1]
    assert set(per_set["set"]) == {"pairs:1", "pairs:2", "pairs:3"}
    assert per_set.groupby("set")["predicted"].sum().to_numpy() == pytest.approx(1)
    assert "Predicted and observed choice per variant" in by_page.summary()
    assert json.loads(json.dumps(by_page.to_dict()))["wtp"][0]["attribute"] == "x0"


def test_infeasible_choices_are_reported_or_dropped_on_request(tmp_path):
    table = portfolio_table(200)
    first = table["respondent"] == table["respondent"].iloc[0]
    table.loc[first, "choice"] = 1
    table.loc[first, "budget"] = 10
    table.to_csv(tmp_path / "choices.csv", index=False)
    result = run("fit", tmp_path / "choices.csv", "--model", "portfolio-logit")
    assert result.exit_code == 1 and "pass infeasible='report'" in result.output
    reported = fit_file(tmp_path / "choices.csv", "portfolio-logit", [], infeasible="report")
    assert any(note.startswith("left out: respondent") for note in reported.notes)
    assert json.loads(json.dumps(reported.to_dict()))["infeasible"][0]["rule"].startswith("total cost")
    dropped = fit_file(tmp_path / "choices.csv", "portfolio-logit", [], infeasible="drop")
    assert "1 chosen portfolio(s) broke the rules and were left out" in dropped.summary()
    assert dropped.n_observations == 199


# --- 2. nothing silently wrong ---------------------------------------------------------------


@pytest.mark.parametrize("column", ["cost", "budget"])
def test_a_table_without_cost_or_budget_is_refused_unless_asked_for(tmp_path, column):
    table = portfolio_table().drop(columns=[column, "budget_min"], errors="ignore")
    table.to_csv(tmp_path / "choices.csv", index=False)
    result = run("fit", tmp_path / "choices.csv", "--model", "portfolio-logit")
    assert result.exit_code == 1 and "--no-budget" in result.output
    fitted = run("fit", tmp_path / "choices.csv", "--model", "portfolio-logit", "--no-budget")
    assert fitted.exit_code == 0, fitted.output
    assert "Constraints: none" in fitted.output


def test_mdcev_refuses_a_portfolio_page(tmp_path):
    portfolio_table().to_csv(tmp_path / "choices.csv", index=False)
    result = run("fit", tmp_path / "choices.csv", "--model", "mdcev-gamma")
    assert result.exit_code == 1
    assert "not an allocation of points or money" in result.output


def test_too_many_classes_are_reported_instead_of_estimates(tmp_path):
    portfolio_table(150).to_csv(tmp_path / "choices.csv", index=False)
    result = run(
        "fit",
        tmp_path / "choices.csv",
        "--model",
        "latent-class",
        "--classes",
        "4",
        "--starts",
        "2",
        "--json",
        tmp_path / "fit.json",
    )
    assert result.exit_code == 1
    assert "4 classes are more than these data support, so no estimates are shown" in result.output
    assert "Fit fewer classes" in result.output and "RuntimeWarning" not in result.output
    assert not (tmp_path / "fit.json").exists()


def test_a_degenerate_class_is_named_with_what_is_wrong():
    names = ["class1:asc:a", "class2:asc:a", "class2:membership:const", "share:class1", "share:class2"]
    params = pd.Series([0.5, 6.9e10, -5.0, 0.995, 0.005], index=names)
    cov = pd.DataFrame(np.diag([0.1, -1.0, 1.0, 0.01, 0.01]), index=names, columns=names)
    found = degenerate_classes(params, cov, 2, converged=False)
    assert found[0].startswith("class2: share 0.5%; parameters diverge (asc:a = 6.9e+10); not identified")
    assert found[-1] == "the fit did not converge"


def test_json_is_valid_with_null_and_a_note_for_what_is_not_defined():
    names = ["asc:a", "delta0"]
    result = ChoiceResults(
        model="portfolio-logit",
        params=pd.Series([1.0, 0.01], index=names),
        classical_cov=pd.DataFrame(np.diag([-1.0, 1e-6]), index=names, columns=names),
        robust_cov=pd.DataFrame(np.diag([-1.0, 1e-6]), index=names, columns=names),
        loglik=-10.0,
        n_observations=5,
        n_respondents=5,
        converged=True,
        iterations=3,
    )
    text = json.dumps(result.to_dict(), allow_nan=False)
    out = json.loads(text)
    assert out["params"][0]["std_err"] is None
    assert any(note.startswith("params[asc:a].std_err is null: not defined") for note in out["notes"])


def test_weights_files_with_problems_name_the_file_and_the_respondent(tmp_path):
    table = portfolio_table(50)
    table.to_csv(tmp_path / "choices.csv", index=False)
    people = list(table["respondent"].unique())
    cases = {
        "duplicate": (
            [people[0], *people],
            [1.0] * (len(people) + 1),
            f"respondent {people[0]} has more than one weight",
        ),
        "zero": (people, [0.0] * len(people), "every weight is 0"),
        "negative": (
            people,
            [-1.0] + [1.0] * (len(people) - 1),
            f"the weight of respondent {people[0]} (-1.0) is negative",
        ),
        "text": (
            people,
            ["heavy"] + [1.0] * (len(people) - 1),
            f"the weight of respondent {people[0]} (heavy) is empty or not a number",
        ),
    }
    for name, (ids, weights, message) in cases.items():
        path = tmp_path / f"{name}.csv"
        pd.DataFrame({"respondent": ids, "weight": weights}).to_csv(path, index=False)
        with pytest.raises(FitError) as caught:
            fit_file(tmp_path / "choices.csv", "portfolio-logit", [], weights_csv=path)
        assert str(caught.value).startswith(f"{path}: ") and message in str(caught.value), name
    dutch = tmp_path / "dutch.csv"
    dutch.write_text("respondent;weight\n" + "".join(f"{p};1,5\n" for p in people))
    weighted = fit_file(tmp_path / "choices.csv", "portfolio-logit", [], weights_csv=dutch)
    assert weighted.weights["n_effective"] == pytest.approx(50)


def test_the_task_hint_only_when_no_task_was_given(tmp_path):
    table = portfolio_table(30)
    twice = pd.concat([table, table])
    twice.to_csv(tmp_path / "choices.csv", index=False)
    without = run("fit", tmp_path / "choices.csv", "--model", "portfolio-logit")
    assert "--task" in without.output
    twice.assign(task="plan").to_csv(tmp_path / "tasked.csv", index=False)
    given = run("fit", tmp_path / "tasked.csv", "--model", "portfolio-logit", "--task", "plan")
    assert given.exit_code == 1 and "in task 'plan'" in given.output
    assert "--task" not in given.output


# --- 3. self-describing output ---------------------------------------------------------------


def test_summary_and_json_say_what_was_fitted(tmp_path):
    table = portfolio_table()
    table.to_csv(tmp_path / "choices.csv", index=False)
    people = table["respondent"].unique()
    pd.DataFrame({"respondent": people, "weight": np.linspace(0.5, 1.5, len(people))}).to_csv(
        tmp_path / "weights.csv", index=False
    )
    result = run(
        "fit",
        tmp_path / "choices.csv",
        "--model",
        "portfolio-logit",
        "--weights",
        tmp_path / "weights.csv",
        "--json",
        tmp_path / "fit.json",
    )
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0] == "Model: portfolio-logit"
    assert lines[1].startswith(f"WEIGHTED: {tmp_path / 'weights.csv'} (effective n ")
    assert "Constraints: total cost <= budget" in result.output
    assert "Terms: option constants (asc); delta0" in result.output
    out = json.loads((tmp_path / "fit.json").read_text())
    assert {
        "model",
        "task",
        "n_respondents",
        "n_observations",
        "weights",
        "constraints",
        "terms",
        "converged",
        "iterations",
        "infeasible",
        "tradeoffs",
        "worth",
        "support",
        "notes",
    } <= set(out)
    assert out["weights"]["file"] == str(tmp_path / "weights.csv")
    assert 0 < out["weights"]["n_effective"] < out["n_respondents"]
    pairs = {(row["numerator"], row["denominator"]) for row in out["tradeoffs"]}
    assert ("asc:o0", "delta0") in pairs and ("asc:o0", "asc:o1") in pairs
    worth = {row["option"]: row["ratio"] for row in out["worth"]}
    params = {p["name"]: p["estimate"] for p in out["params"]}
    assert worth["o0"] == pytest.approx(params["asc:o0"] / params["delta0"])
    assert {"lower", "upper", "predicted", "observed"} <= set(out["support"][0])


def test_numbers_are_printed_with_significant_digits():
    assert significant(0.0010582) == "0.001058"
    assert significant(2145.3) == "2,145"
    assert significant(2.5190) == "2.519"
    assert significant(-48465467271359.98) == "-4.847e+13"
    assert significant(math.inf) == "inf" and significant(0) == "0"


def test_pickled_results_keep_the_description(tmp_path):
    import pickle

    table = portfolio_table(100)
    table.to_csv(tmp_path / "choices.csv", index=False)
    result = fit_file(tmp_path / "choices.csv", "portfolio-logit", [])
    back = pickle.loads(pickle.dumps(result))
    assert back.summary() == result.summary() and back.to_dict() == result.to_dict()
    assert isinstance(PortfolioLogit(table, []).constraints(), list)
