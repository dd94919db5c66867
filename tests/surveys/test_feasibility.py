"""The one feasibility rule: inclusive bounds, exact sums, groups, must_use_all, points."""

import itertools
import json

import numpy as np
import pytest

from surveys.feasibility import (
    Violation,
    check_points,
    check_portfolio,
    feasible_level_vectors,
    portfolio_effects,
    portfolio_use,
)
from tests.surveys.builders import attribute, constraint, consultation, option, points, portfolio

BUDGET = constraint("budget", max=500, min=0)


def budget_case(*options, budget=BUDGET, leftover="allowed", extra=()):
    page = portfolio(options, [budget, *extra], leftover=leftover)
    return consultation(page, constraints=[budget, *extra]), page


def codes(violations):
    return [v.code for v in violations]


# --- constraints --------------------------------------------------------------------------


def test_spending_exactly_the_budget_is_allowed():
    c, page = budget_case(option("a", use={"budget": 300}), option("b", use={"budget": 200}))
    assert check_portfolio(c, page, {"a": 1, "b": 1}) == []
    assert portfolio_use(c, page, {"a": 1, "b": 1}) == {"budget": 500}


def test_over_the_budget_says_by_how_much():
    c, page = budget_case(option("a", use={"budget": 340}), option("b", use={"budget": 200}))
    assert check_portfolio(c, page, {"a": 1, "b": 1}) == [
        Violation("over_max", "budget", {"used": 540, "max": 500, "over": 40})
    ]


def test_a_tiny_decimal_over_is_over():
    c, page = budget_case(option("a", use={"budget": 499.99}), option("b", use={"budget": 0.02}))
    [violation] = check_portfolio(c, page, {"a": 1, "b": 1})
    assert violation.code == "over_max"
    assert violation.params == {"used": 500.01, "max": 500, "over": 0.01}


def test_decimal_sums_are_exact():
    budget = constraint("budget", max=0.3)
    c, page = budget_case(option("a", use={"budget": 0.1}), option("b", use={"budget": 0.2}), budget=budget)
    assert 0.1 + 0.2 > 0.3  # what float arithmetic would wrongly conclude
    assert check_portfolio(c, page, {"a": 1, "b": 1}) == []
    assert portfolio_use(c, page, {"a": 1, "b": 1}) == {"budget": 0.3}


def test_at_the_minimum_is_allowed_and_below_is_short():
    budget = constraint("budget", max=500, min=100)
    c, page = budget_case(option("a", use={"budget": 100}), option("b", use={"budget": 60}), budget=budget)
    assert check_portfolio(c, page, {"a": 1, "b": 0}) == []
    assert check_portfolio(c, page, {"a": 0, "b": 1}) == [
        Violation("under_min", "budget", {"used": 60, "min": 100, "short": 40})
    ]


def test_negative_use_frees_resources():
    c, page = budget_case(option("a", use={"budget": 600}), option("cut", use={"budget": -150}))
    assert codes(check_portfolio(c, page, {"a": 1, "cut": 0})) == ["over_max"]
    assert check_portfolio(c, page, {"a": 1, "cut": 1}) == []
    assert portfolio_use(c, page, {"a": 1, "cut": 1}) == {"budget": 450}


def test_negative_use_can_break_a_minimum():
    c, page = budget_case(option("cut", use={"budget": -1}))
    assert codes(check_portfolio(c, page, {"cut": 1})) == ["under_min"]


def test_several_constraints_are_each_checked():
    land = constraint("land", max=10)
    c, page = budget_case(option("a", use={"budget": 600, "land": 20}), extra=[land])
    violations = check_portfolio(c, page, {"a": 1})
    assert [(v.code, v.subject) for v in violations] == [("over_max", "budget"), ("over_max", "land")]


def test_slider_levels_multiply_use_and_effects():
    land = constraint("land", max=10, min=-10)
    homes = option("homes", levels=(-2, -1, 0, 1, 2), use={"land": 4}, effects={"homes": 1000})
    nature = option("nature", levels=(0, 0.5, 1), use={"land": 3}, effects={"nature": 2.5})
    page = portfolio([homes, nature], [land])
    c = consultation(page, constraints=[land], attributes=[attribute("nature"), attribute("homes")])
    assert portfolio_use(c, page, {"homes": -2, "nature": 0.5}) == {"land": -6.5}
    assert portfolio_effects(c, page, {"homes": -2, "nature": 0.5}) == {"nature": 1.25, "homes": -2000}
    assert check_portfolio(c, page, {"homes": 2, "nature": 0.5}) == []
    assert check_portfolio(c, page, {"homes": 2, "nature": 1}) == [
        Violation("over_max", "land", {"used": 11, "max": 10, "over": 1})
    ]
    assert codes(check_portfolio(c, page, {"homes": -2, "nature": 0})) == []
    assert codes(check_portfolio(c, page, {"homes": -2.0, "nature": 0.0})) == []


def test_results_are_plain_json_numbers():
    c, page = budget_case(option("a", use={"budget": 0.5}, levels=(0, 1, 2)))
    used = portfolio_use(c, page, {"a": 2})
    assert used == {"budget": 1} and type(used["budget"]) is int
    assert json.loads(json.dumps(check_portfolio(c, page, {"a": 3})[0].params))


# --- must_use_all -------------------------------------------------------------------------


def test_must_use_all_needs_every_constraint_exactly_at_its_maximum():
    c, page = budget_case(
        option("a", use={"budget": 300}), option("b", use={"budget": 200}), leftover="must_use_all"
    )
    assert check_portfolio(c, page, {"a": 1, "b": 1}) == []
    assert check_portfolio(c, page, {"a": 1, "b": 0}) == [
        Violation("leftover_not_allowed", "budget", {"used": 300, "max": 500, "left": 200})
    ]


def test_must_use_all_over_the_maximum_is_only_over():
    c, page = budget_case(option("a", use={"budget": 501}), leftover="must_use_all")
    assert codes(check_portfolio(c, page, {"a": 1})) == ["over_max"]


def test_must_use_all_ignores_constraints_without_maximum():
    floor = constraint("co2", min=-5)
    c, page = budget_case(option("a", use={"budget": 500, "co2": 1}), leftover="must_use_all", extra=[floor])
    assert check_portfolio(c, page, {"a": 1}) == []


# --- levels -------------------------------------------------------------------------------


@pytest.mark.parametrize("level", [2, 0.5, -1, "1", None, True, float("nan"), float("inf")])
def test_a_level_the_option_does_not_have_is_not_allowed(level):
    c, page = budget_case(option("a", use={"budget": 1}))
    [violation] = check_portfolio(c, page, {"a": level})
    assert violation.code == "level_not_allowed" and violation.subject == "a"
    assert violation.params["allowed"] == [0, 1]
    json.dumps(violation.params, allow_nan=False)


def test_an_integral_float_is_the_same_level():
    c, page = budget_case(option("a", use={"budget": 1}, levels=(0, 0.5, 1)))
    assert check_portfolio(c, page, {"a": 1.0}) == []
    assert check_portfolio(c, page, {"a": 0.5}) == []


def test_unknown_and_missing_options_are_reported_before_any_sum():
    c, page = budget_case(option("a", use={"budget": 900}), option("b"))
    violations = check_portfolio(c, page, {"a": 1, "ghost": 1})
    assert [(v.code, v.subject) for v in violations] == [("unknown_option", "ghost"), ("missing_option", "b")]


# --- groups -------------------------------------------------------------------------------


def test_a_group_allows_one_option_away_from_its_lowest_level():
    fast = option("fast", group="rail")
    slow = option("slow", group="rail")
    road = option("road")
    page = portfolio([fast, slow, road])
    c = consultation(page)
    assert check_portfolio(c, page, {"fast": 1, "slow": 0, "road": 1}) == []
    assert check_portfolio(c, page, {"fast": 1, "slow": 1, "road": 1}) == [
        Violation("group_conflict", "rail", {"options": ["fast", "slow"]})
    ]


def test_group_lowest_level_of_a_slider_is_its_minimum():
    a = option("a", levels=(0, 1, -1), group="g")
    b = option("b", levels=(-2, 0, 2), group="g")
    page = portfolio([a, b])
    c = consultation(page)
    assert check_portfolio(c, page, {"a": -1, "b": 2}) == []
    assert codes(check_portfolio(c, page, {"a": 0, "b": 2})) == ["group_conflict"]


# --- enumeration --------------------------------------------------------------------------


def small_page(leftover):
    budget = constraint("budget", max=0.5, min=0.1)
    land = constraint("land", max=0)
    options = [
        option("a", use={"budget": 0.1, "land": 1}),
        option("b", use={"budget": 0.2}, group="g"),
        option("c", levels=(-2, -1, 0, 1, 2), use={"budget": 0.15, "land": -0.5}),
        option("d", levels=(0, 0.5, 1), use={"budget": 0.3, "land": 1}, group="g"),
        option("e", use={"budget": -0.1}),
    ]
    page = portfolio(options, [budget, land], leftover=leftover)
    return consultation(page, constraints=[budget, land]), page


@pytest.mark.parametrize("leftover", ["allowed", "must_use_all"])
def test_enumeration_agrees_with_the_check_on_every_vector(leftover):
    c, page = small_page(leftover)
    feasible = {tuple(row) for row in feasible_level_vectors(c, page).tolist()}
    every = itertools.product(*(o.levels for o in page.options))
    expected = {
        levels
        for levels in every
        if not check_portfolio(c, page, dict(zip([o.id for o in page.options], levels)))
    }
    assert feasible == expected
    assert 0 < len(expected) < 2 * 2 * 5 * 3 * 2  # the rules bite, and something fits


def test_enumeration_keeps_product_order_and_page_order():
    page = portfolio([option("x", levels=(0, 1)), option("y", levels=(0, 0.5))])
    vectors = feasible_level_vectors(consultation(page), page)
    assert vectors.tolist() == [[0, 0], [0, 0.5], [1, 0], [1, 0.5]]
    assert vectors.shape == (4, 2) and vectors.dtype == np.float64


def test_enumeration_of_whole_levels_is_integer():
    c, page = budget_case(option("a", use={"budget": 300}), option("b", use={"budget": 300}))
    vectors = feasible_level_vectors(c, page)
    assert vectors.dtype == np.int64 and vectors.tolist() == [[0, 0], [0, 1], [1, 0]]


def test_enumeration_stays_exact_with_huge_numbers():
    budget = constraint("budget", max=10**20 + 1)
    c, page = budget_case(
        option("a", use={"budget": 10**20}),
        option("b", use={"budget": 1}),
        option("tiny", use={"budget": 1e-9}),
        budget=budget,
    )
    vectors = feasible_level_vectors(c, page).tolist()
    assert [1, 1, 0] in vectors and [1, 1, 1] not in vectors


def test_enumeration_refuses_a_page_too_large_to_list():
    page = portfolio([option(f"o{i}", levels=range(10)) for i in range(7)])
    with pytest.raises(ValueError, match="10,000,000 combinations.*limit of 1,000,000"):
        feasible_level_vectors(consultation(page), page)
    assert feasible_level_vectors(consultation(page), portfolio(page.options[:2]), limit=100).shape == (
        100,
        2,
    )


# --- points -------------------------------------------------------------------------------


def test_points_exactly_the_total_are_allowed():
    page = points(["a", "b"], total=100)
    assert check_points(page, {"a": 60, "b": 40}) == []


def test_points_over_and_under_the_total():
    page = points(["a", "b"], total=100)
    assert check_points(page, {"a": 60, "b": 41}) == [
        Violation("over_total", None, {"used": 101, "total": 100, "over": 1})
    ]
    assert check_points(page, {"a": 60}) == [
        Violation("under_total", None, {"used": 60, "total": 100, "left": 40})
    ]


def test_points_may_be_left_when_not_all_must_be_used():
    page = points(["a", "b"], total=100, must_use_all=False)
    assert check_points(page, {"a": 10}) == []
    assert codes(check_points(page, {"a": 101})) == ["over_total"]


def test_points_step():
    page = points(["a", "b"], total=100, step=5)
    assert check_points(page, {"a": 55, "b": 45}) == []
    assert check_points(page, {"a": 57, "b": 43}) == [
        Violation("step", "a", {"value": 57, "step": 5}),
        Violation("step", "b", {"value": 43, "step": 5}),
    ]


@pytest.mark.parametrize(
    "value, code",
    [
        (-5, "negative_points"),
        (2.5, "not_integer"),
        ("10", "not_integer"),
        (float("nan"), "not_integer"),
        (True, "not_integer"),
    ],
)
def test_points_must_be_whole_and_not_negative(value, code):
    page = points(["a", "b"], total=100)
    assert codes(check_points(page, {"a": value, "b": 100})) == [code]


def test_points_for_an_unknown_goal():
    page = points(["a"], total=10)
    assert check_points(page, {"a": 10, "ghost": 0}) == [Violation("unknown_goal", "ghost")]
    assert check_points(page, {"a": 10.0}) == []
