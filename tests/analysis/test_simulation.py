"""Simulated responses: valid under the platform's own rules, reproducible, and drawn from the
value weights (a large sample gives them back); the power table shrinks with n."""

from __future__ import annotations

from collections import Counter

import numpy as np
import pytest
from werkzeug.datastructures import MultiDict

from analysis.models.latent_class import LatentClassPortfolioLogit
from analysis.models.mnl import MNL
from analysis.models.portfolio import PortfolioLogit
from analysis.simulation import (
    SOURCE,
    ValueWeightsError,
    check_value_weights,
    load_value_weights,
    parse_sizes,
    power_analysis,
    power_summary,
    simulate_responses,
    true_parameters,
)
from analysis.tables import choices_table, respondents_table
from surveys.answers import MOTIVATION_PREFIX, SET_PREFIX, parse_motivation, parse_page
from surveys.feasibility import check_points, check_portfolio
from surveys.load import load, parse
from tests.analysis.sample import DEFINITION
from tests.conftest import EXAMPLES

WEIGHTS = EXAMPLES / "value-weights"
# the sample plus a version that changes the park's cost and effect on nature, so that beta:nature
# and delta0 are identified apart from the option constants
VARIED = (
    DEFINITION
    + """  - id: C
    changes:
      park: {use: {budget: 15}, effects: {nature: 8}}
"""
)
SAMPLE_WEIGHTS = {
    "advice": {"asc": {"rail": 0.5, "bus": 0.2, "park": 0.8}, "beta": {"nature": 0.1}, "delta0": 0.02},
    "land_use": {"asc": {"houses": 0.3}, "delta0": {"budget": 0.01, "land": 0.02}},
    "goals": {"psi": {"g_nature": 0.5}, "gamma": {"g_nature": 3, "g_homes": 3}},
    "variants": {"beta": {"stops": -0.2, "nature": 0.4}, "asc_none": -1},
}


def example(name: str):
    consultation = load(EXAMPLES / f"{name}.yaml")
    return consultation, load_value_weights(WEIGHTS / f"{name}.yaml", consultation)


def as_form(page, answer: dict) -> MultiDict:
    """The answer as the web form would submit it (what the citizen's browser sends)."""
    form = MultiDict()
    for key, value in answer.items():
        name = f"{SET_PREFIX}{key}" if page.type == "pairs" else key
        for item in value if isinstance(value, list) else [value]:
            if item is not None:
                form.add(name, str(item))
    return form


def assert_valid(consultation, record: dict) -> None:
    """Every step's answer parses to itself through the platform's own server-side check."""
    design = consultation.for_version(record["version"])
    for page in design.pages:
        answer = record["answers"][page.id]
        result = parse_page(design, page, as_form(page, answer))
        assert result.ok, (page.id, answer, result.errors, result.violations)
        assert result.answer == answer
        if page.type == "portfolio":
            assert check_portfolio(design, page, answer) == []
            if page.motivation:
                why = record["answers"][MOTIVATION_PREFIX + page.id]
                parsed = parse_motivation(
                    design, page, MultiDict({f"{MOTIVATION_PREFIX}{key}": text for key, text in why.items()})
                )
                assert parsed.ok and parsed.answer == why
        if page.type == "points":
            assert check_points(page, answer) == []


@pytest.mark.parametrize("name", ["lelylijn", "ruimte-2050"])
def test_every_simulated_answer_obeys_the_consultations_rules(name):
    consultation, weights = example(name)
    records = simulate_responses(consultation, weights, 300, seed=3)
    for record in records:
        assert_valid(consultation, record)
        assert record["source"] in (f"{SOURCE}:panel", f"{SOURCE}:open")
        assert record["started_at"] < record["completed_at"]
    # the tables the export writes can be built from them
    assert len(respondents_table(consultation, records)) == 300


def test_sample_with_several_constraints_levels_groups_and_leftover_points():
    consultation = parse(DEFINITION)
    records = simulate_responses(consultation, SAMPLE_WEIGHTS, 400, seed=1)
    for record in records:
        assert_valid(consultation, record)
    points = [sum(r["answers"]["goals"].values()) for r in records]
    assert max(points) <= 10 and min(points) < 10  # leftover is allowed and used
    assert {r["answers"]["advice"]["rail"] for r in records} == {0, 1, 2}


def test_versions_are_balanced_and_background_spreads_over_every_answer():
    consultation, weights = example("lelylijn")
    records = simulate_responses(consultation, weights, 301, seed=5)
    per_version = Counter(r["version"] for r in records)
    assert set(per_version) == {"A", "B", "C"}
    assert max(per_version.values()) - min(per_version.values()) <= 1
    ages = Counter(r["answers"]["about_you"]["age"] for r in records)
    assert len(ages) == 6 and min(ages.values()) > 25


def test_counts_already_present_are_continued():
    consultation, weights = example("lelylijn")
    records = simulate_responses(consultation, weights, 6, counts={"A": 4, "B": 2, "C": 3})
    assert Counter(r["version"] for r in records) == {"B": 3, "C": 2, "A": 1}


def test_same_seed_same_responses_other_seed_others():
    consultation, weights = example("lelylijn")
    first = simulate_responses(consultation, weights, 50, seed=11)
    assert simulate_responses(consultation, weights, 50, seed=11) == first
    assert simulate_responses(consultation, weights, 50, seed=12) != first


def test_a_large_portfolio_sample_gives_the_value_weights_back():
    consultation = parse(VARIED)
    records = simulate_responses(consultation, SAMPLE_WEIGHTS, 6000, seed=2)
    choices = choices_table(consultation, records)
    fitted = PortfolioLogit.from_consultation(consultation, choices, ["nature"], task="advice").fit()
    truth = true_parameters(consultation.page("advice"), SAMPLE_WEIGHTS["advice"])
    for name, estimate in fitted.params.items():
        assert abs(estimate - truth[name]) < 3 * fitted.bse[name], name


def test_a_large_pairs_sample_gives_the_mnl_weights_back():
    consultation = parse(DEFINITION)
    records = simulate_responses(consultation, SAMPLE_WEIGHTS, 3000, seed=4)
    choices = choices_table(consultation, records)
    pairs = choices[choices["task"].str.startswith("variants:")]
    fitted = MNL(pairs, ["stops", "nature"]).fit()
    truth = {"asc:none": -1, "beta:stops": -0.2, "beta:nature": 0.4}
    for name, estimate in fitted.params.items():
        assert abs(estimate - truth[name]) < 3 * fitted.bse[name], name


def test_points_follow_psi():
    consultation = parse(DEFINITION)
    records = simulate_responses(consultation, SAMPLE_WEIGHTS, 1000, seed=6)
    given = np.array([[r["answers"]["goals"][g] for g in ("g_nature", "g_homes")] for r in records])
    assert given[:, 0].mean() > given[:, 1].mean()


def test_power_table_has_a_row_per_size_and_value_weight_and_shrinks_with_n():
    consultation = parse(VARIED)
    table = power_analysis(
        consultation, SAMPLE_WEIGHTS, "advice", sizes=[300, 2400], replications=3, target_se=0.03
    )
    names = ["beta:nature", "delta0", "beta:nature/delta0"]
    assert list(table["parameter"]) == names * 2
    assert list(table["n"]) == [300] * 3 + [2400] * 3
    assert (table["per_version"] == table["n"] / 3).all()
    small, large = table[table["n"] == 300], table[table["n"] == 2400]
    assert (large["mean_se"].to_numpy() < small["mean_se"].to_numpy() / 2).all()
    assert np.allclose(table["half_width"], 1.959964 * table["mean_se"])
    assert table.attrs["smallest_n"]["delta0"] in (300, 2400)
    assert table.attrs["smallest_n"]["beta:nature/delta0"] is None
    text = power_summary(table, 0.03)
    assert "beta:nature/delta0: none of the sizes tried" in text


def test_power_of_a_page_that_is_not_a_portfolio_page():
    with pytest.raises(ValueError, match="'goals' is not a portfolio or pairs page of 'sample'.*advice"):
        power_analysis(parse(DEFINITION), SAMPLE_WEIGHTS, "goals", sizes=[100])


@pytest.mark.parametrize(
    "weights, message",
    [
        ({"nope": {}}, "nope: not a portfolio, points or pairs page of 'sample'"),
        ({"values": {}}, "values: not a portfolio, points or pairs page"),
        ({"advice": {"ascs": {}}}, "advice.ascs: unknown key; a portfolio page takes asc, beta, delta0"),
        ({"advice": {"asc": {"tram": 1}}}, r"advice.asc.tram: not one of the page's options \(rail"),
        ({"advice": {"beta": {"homes": "veel"}}}, "advice.beta.homes: must be a number, got 'veel'"),
        ({"advice": {"delta0": True}}, "advice.delta0: must be a number, got True"),
        ({"goals": {"psi": 3}}, r"goals.psi: must be a mapping \{goal id: number\}"),
        ({"goals": {"gamma": {"g_homes": 0}}}, "goals.gamma.g_homes: must be above 0, got 0"),
        ({"goals": {"sigma": -1}}, "goals.sigma: must be above 0"),
        ({"goals": {"alpha_outside": 1}}, "goals.alpha_outside: must be below 1"),
        (
            {"variants": {"beta": {"homes": 1}}},
            r"variants.beta.homes: not one of the page's attributes \(stops, nature\)",
        ),
        (["advice"], "must be a mapping"),
    ],
)
def test_weights_that_do_not_fit_say_where_and_what(weights, message):
    with pytest.raises(ValueWeightsError, match=message):
        check_value_weights(parse(DEFINITION), weights)


def test_weights_file_problems_name_the_file(tmp_path):
    consultation = parse(DEFINITION)
    broken = tmp_path / "w.yaml"
    broken.write_text("advice: [1, 2\n", encoding="utf-8")
    with pytest.raises(ValueWeightsError, match="w.yaml: cannot read the value weights"):
        load_value_weights(broken, consultation)
    with pytest.raises(ValueWeightsError, match="missing.yaml: cannot read"):
        load_value_weights(tmp_path / "missing.yaml", consultation)
    broken.write_text("advice: {delta0: x}\n", encoding="utf-8")
    with pytest.raises(ValueWeightsError, match="w.yaml: advice.delta0: must be a number"):
        load_value_weights(broken, consultation)


def test_sizes_are_parsed_with_a_clear_message():
    assert parse_sizes("500, 1000,2000") == [500, 1000, 2000]
    with pytest.raises(ValueError, match="whole numbers separated by commas"):
        parse_sizes("500,lots")
    with pytest.raises(ValueError, match="at least 1"):
        parse_sizes("0")


def test_sliders_with_negative_levels_give_their_value_weights_back():
    consultation, demo = example("ruimte-2050")
    # one class of the demo's weights, the same for everyone
    weights = {"advice": {k: v for k, v in demo["advice"]["classes"][0].items() if k != "share"}}
    records = simulate_responses(consultation, weights, 3000, seed=8)
    fitted = PortfolioLogit.from_consultation(
        consultation, choices_table(consultation, records), [], task="advice"
    ).fit()
    truth = true_parameters(consultation.page("advice"), weights["advice"])
    for name, estimate in fitted.params.items():
        assert abs(estimate - truth[name]) < 3 * fitted.bse[name], name


# --- latent classes ---------------------------------------------------------------------------

SMALL = """
id: small
languages: [nl]
title: Klein
constraints:
  - {id: budget, label: Budget, max: 100}
pages:
  - type: portfolio
    id: plan
    options:
      - {id: a, title: A, use: {budget: 30}}
      - {id: b, title: B, use: {budget: 30}}
      - {id: c, title: C, use: {budget: 30}}
      - {id: d, title: D, use: {budget: 30}}
      - {id: e, title: E, use: {budget: 20}}
versions:
  - {id: A, changes: {}}
  - id: B
    changes:
      a: {use: {budget: 40}}
      c: {use: {budget: 20}}
"""
CLASSES = {
    "plan": {
        "classes": [
            {"share": 0.6, "asc": {"a": 1.5, "b": 1.0, "c": -1.0, "d": -0.5, "e": 0.3}, "delta0": 0.02},
            {"share": 0.4, "asc": {"a": -1.0, "b": -0.5, "c": 1.5, "d": 1.2, "e": 0.3}, "delta0": 0.02},
        ]
    }
}


def test_latent_classes_are_drawn_with_their_shares_and_fitted_back():
    consultation = parse(SMALL)
    records = simulate_responses(consultation, CLASSES, 3000, seed=1)
    for record in records[:300]:
        assert_valid(consultation, record)
    drawn = Counter(r["classes"]["plan"] for r in records)
    assert set(drawn) == {1, 2}
    assert abs(drawn[1] / 3000 - 0.6) < 0.03
    # each class answers from its own weights: class 1 takes a, class 2 takes c
    for k, favourite, other in [(1, "a", "c"), (2, "c", "a")]:
        answers = [r["answers"]["plan"] for r in records if r["classes"]["plan"] == k]
        assert np.mean([a[favourite] for a in answers]) > np.mean([a[other] for a in answers]) + 0.3
    choices = choices_table(consultation, records)  # the extra key does not disturb it
    fitted = LatentClassPortfolioLogit(choices, [], n_classes=2, starts=3, seed=0).fit()
    assert abs(fitted.params["share:class1"] - 0.6) < 0.05
    assert fitted.params["class1:asc:a"] > 1 and fitted.params["class2:asc:c"] > 1


def test_latent_classes_are_reproducible_and_leave_other_pages_alone():
    consultation = parse(DEFINITION)
    weights = {
        **SAMPLE_WEIGHTS,
        "advice": {
            "classes": [{"share": 0.5, **SAMPLE_WEIGHTS["advice"]}, {"share": 0.5, "asc": {"bus": 1}}]
        },
    }
    first = simulate_responses(consultation, weights, 200, seed=9)
    assert simulate_responses(consultation, weights, 200, seed=9) == first
    for record in first:
        assert_valid(consultation, record)
        assert set(record["classes"]) == {"advice"}
    assert "classes" not in simulate_responses(consultation, SAMPLE_WEIGHTS, 5)[0]


def test_example_weights_with_classes_fit_the_lelylijn_demo():
    consultation = load(EXAMPLES / "lelylijn.yaml")
    weights = load_value_weights(WEIGHTS / "lelylijn-classes.yaml", consultation)
    records = simulate_responses(consultation, weights, 200, seed=2)
    for record in records:
        assert_valid(consultation, record)
    assert {r["classes"]["investments"] for r in records} == {1, 2}


def test_power_analysis_asks_for_one_set_of_weights_not_classes():
    with pytest.raises(ValueError, match="'plan' has latent classes: the power analysis takes"):
        power_analysis(parse(SMALL), CLASSES, "plan", sizes=[100])


def one_class(**changes):
    return {"share": 1.0, "asc": {"a": 1}, **changes}


@pytest.mark.parametrize(
    "entry, message",
    [
        ({"classes": {"share": 1}}, r"plan.classes: must be a list of classes \[\{share: number"),
        ({"classes": []}, "plan.classes: must be a list of classes"),
        ({"classes": [3]}, r"plan.classes\[0\]: must be a mapping of share, asc, beta, delta0"),
        (
            {"classes": [{"asc": {"a": 1}}]},
            r"plan.classes\[0\].share: missing; give each class its share of respondents",
        ),
        (
            {"classes": [one_class(share=0.5), one_class(share=0.4)]},
            "plan.classes: the shares sum to 0.9; they must sum to 1",
        ),
        (
            {"classes": [one_class(share=1.2), one_class(share=-0.2)]},
            r"plan.classes\[0\].share: must be above 0 and at most 1, got 1.2",
        ),
        ({"classes": [one_class(share="veel")]}, r"plan.classes\[0\].share: must be a number, got 'veel'"),
        (
            {"classes": [one_class(psi={"a": 1})]},
            r"plan.classes\[0\].psi: unknown key; a class takes share, asc, beta, delta0",
        ),
        (
            {"classes": [one_class(asc={"tram": 1})]},
            r"plan.classes\[0\].asc.tram: not one of the page's options \(a, b",
        ),
        ({"classes": [one_class(delta0="x")]}, r"plan.classes\[0\].delta0: must be a number"),
        (
            {"asc": {"a": 1}, "classes": [one_class()]},
            "plan.asc: give asc inside each class when the page has classes",
        ),
    ],
)
def test_class_weights_that_do_not_fit_say_where_and_what(entry, message):
    with pytest.raises(ValueWeightsError, match=message):
        check_value_weights(parse(SMALL), {"plan": entry})


def test_classes_belong_to_portfolio_pages_only():
    with pytest.raises(ValueWeightsError, match="goals.classes: unknown key; a points page takes"):
        check_value_weights(parse(DEFINITION), {"goals": {"classes": [{"share": 1}]}})


def test_demo_respondents_come_from_the_population_a_panel_and_the_open_link():
    consultation = load(EXAMPLES / "lelylijn.yaml")
    weights = load_value_weights(WEIGHTS / "lelylijn.yaml", consultation)
    people = respondents_table(consultation, simulate_responses(consultation, weights, 1500, seed=4))
    choices = choices_table(consultation, simulate_responses(consultation, weights, 1500, seed=4))
    assert set(people["source"]) == {"simulated:panel", "simulated:open"}
    assert people["source"].eq("simulated:panel").mean() == pytest.approx(0.3, abs=0.05)
    north = people["province"].isin(["groningen", "friesland", "drenthe"])
    answered = people["province"].notna()
    assert (people.loc[answered, "lives_north"] == np.where(north[answered], "yes", "no")).all()
    assert people["gender"].eq("other").mean() < 0.05
    high = people.groupby("source")["education"].apply(lambda e: (e == "high").mean())
    assert high["simulated:open"] > high["simulated:panel"] + 0.1
    # those in the North choose the fast Lelylijn more often: the group's value weights differ
    fast = choices[(choices["task"] == "investments") & (choices["option"] == "lelylijn_fast")]
    fast = fast.merge(people[["respondent", "lives_north"]], on="respondent")
    by_region = fast.groupby("lives_north")["choice"].mean()
    assert by_region["yes"] > by_region["no"] + 0.1


@pytest.mark.parametrize(
    "background, message",
    [
        ({"panel_share": 2}, "background.panel_share: must be a number from 0 to 1"),
        ({"open_link": {"age": {"99+": 2}}}, r"background.open_link.age: '99\+' is not a choice of age"),
        ({"follows": {"lives_north": {"from": "nope"}}}, "background.follows.lives_north: give from"),
        ({"groups": [{"investments": {}}]}, r"background.groups\[0\].when: give"),
        ({"colour": 1}, "background.colour: unknown key"),
    ],
)
def test_background_problems_are_named(background, message):
    consultation = load(EXAMPLES / "lelylijn.yaml")
    with pytest.raises(ValueWeightsError, match=message):
        check_value_weights(consultation, {"background": background})


def test_power_analysis_of_a_pairs_page_identifies_every_weight():
    consultation = load(EXAMPLES / "lelylijn.yaml")
    weights = load_value_weights(WEIGHTS / "lelylijn.yaml", consultation)
    table = power_analysis(consultation, weights, "variants", sizes=[400], replications=2)
    assert set(table["parameter"]) == {
        "asc:none",
        "beta:stops",
        "beta:travel_time",
        "beta:frequency",
        "beta:cost_household",
    }
    se = table.set_index("parameter")["mean_se"]
    # each weight is estimated apart from the others: stops no longer moves with travel time
    assert se["beta:stops"] < 0.05 and se["beta:travel_time"] < 0.01
