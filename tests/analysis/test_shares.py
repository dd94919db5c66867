"""Shares and mean choices per option, their design-based errors and intervals, group comparisons."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from analysis.shares import SharesError, compare_groups, option_shares, proportion_interval

GOLDEN = Path(__file__).parent / "golden"


@pytest.fixture
def choices() -> pd.DataFrame:
    """Four respondents, one task with options a and b."""
    return pd.DataFrame(
        {
            "respondent": ["r1", "r1", "r2", "r2", "r3", "r3", "r4", "r4"],
            "task": "advice",
            "option": ["a", "b"] * 4,
            "choice": [2, 0, 0, 1, 1, 1, 3, 0],
            "group": ["g", ""] * 4,  # an option's exclusive group, not a respondent group
        }
    )


WEIGHTS = pd.Series({"r1": 1.0, "r2": 3.0, "r3": 1.0, "r4": 1.0})


def _ratio_by_hand(y, w):
    """sum(w y)/sum(w) and sqrt(n/(n-1) sum w^2 (y - r)^2) / sum w, written out."""
    y, w = np.asarray(y, float), np.asarray(w, float)
    ratio = sum(wi * yi for wi, yi in zip(w, y)) / sum(w)
    squares = sum(wi**2 * (yi - ratio) ** 2 for wi, yi in zip(w, y))
    return ratio, math.sqrt(len(y) / (len(y) - 1) * squares) / sum(w)


def test_shares_and_means_by_hand(choices):
    table = option_shares(choices, WEIGHTS).set_index("option")
    a = table.loc["a"]
    y, w = [2, 0, 1, 3], [1, 3, 1, 1]
    share, share_se = _ratio_by_hand([v > 0 for v in y], w)
    mean, mean_se = _ratio_by_hand(y, w)
    assert a["task"] == "advice" and a["n"] == 4
    assert a["share_unweighted"] == pytest.approx(0.75) and a["mean_unweighted"] == pytest.approx(1.5)
    assert a["share"] == pytest.approx(share) and share == pytest.approx(0.5)
    assert a["share_se"] == pytest.approx(share_se)
    assert a["mean"] == pytest.approx(mean) and a["mean_se"] == pytest.approx(mean_se)
    assert a["n_eff"] == pytest.approx(36 / 12)  # Kish: (sum w)^2 / sum w^2
    assert (a["mean_low"], a["mean_high"]) == pytest.approx(
        (mean - 1.959964 * mean_se, mean + 1.959964 * mean_se), rel=1e-6
    )


def test_unweighted_standard_error_is_s_over_root_n(choices):
    b = option_shares(choices).set_index("option").loc["b"]
    chosen = np.array([0, 1, 1, 0])
    assert b["share"] == b["share_unweighted"] == 0.5
    assert b["share_se"] == pytest.approx(chosen.std(ddof=1) / 2)
    assert b["n_eff"] == 4


def test_weighted_shares_equal_r_survey():
    """Golden numbers from make_shares_golden.R (svymean, linearised standard errors)."""
    choices = pd.read_csv(GOLDEN / "shares_choices.csv")
    weights = pd.read_csv(GOLDEN / "rake_weights.csv", index_col="respondent")["weight"]
    expected = pd.read_csv(GOLDEN / "shares_golden.csv").set_index(["task", "option"])
    table = option_shares(choices, weights).set_index(["task", "option"]).loc[expected.index]
    for column in ("share", "share_se", "mean", "mean_se"):
        np.testing.assert_allclose(table[column], expected[column], rtol=1e-9, err_msg=column)


def test_korn_graubard_with_equal_weights_is_clopper_pearson():
    choices = pd.DataFrame({"respondent": range(100), "option": "a", "choice": [1] * 20 + [0] * 80})
    row = option_shares(choices, method="korn-graubard").iloc[0]
    exact = stats.binomtest(20, 100).proportion_ci(confidence_level=0.95, method="exact")
    assert (row["share_low"], row["share_high"]) == pytest.approx((exact.low, exact.high), abs=1e-10)
    assert "task" not in row.index  # a table without tasks has no task column


def test_logit_interval_known_value():
    # p = 0.2 from 100 respondents: se = sqrt(0.16 / 99); logit(0.2) +- 1.96 se / 0.16
    low, high = proportion_interval(
        np.array([0.2]), np.array([math.sqrt(0.16 / 99)]), np.array([100]), "logit"
    )
    half = stats.norm.ppf(0.975) * math.sqrt(0.16 / 99) / 0.16
    expit = lambda x: 1 / (1 + math.exp(-x))  # noqa: E731
    assert low[0] == pytest.approx(expit(math.log(0.25) - half), abs=1e-12)
    assert high[0] == pytest.approx(expit(math.log(0.25) + half), abs=1e-12)
    assert (round(low[0], 4), round(high[0], 4)) == (0.1325, 0.2903)


def test_korn_graubard_uses_the_effective_sample_size():
    # a design effect of 2 halves the sample: the interval is Clopper-Pearson with 10 of 50
    p, n = 0.2, 100
    se = math.sqrt(2 * p * (1 - p) / (n - 1))
    low, high = proportion_interval(np.array([p]), np.array([se]), np.array([n]), "korn-graubard")
    assert (low[0], high[0]) == pytest.approx(
        (stats.beta.ppf(0.025, 10, 41), stats.beta.ppf(0.975, 11, 40)), abs=1e-10
    )


def test_intervals_at_zero_and_one():
    choices = pd.DataFrame({"respondent": range(10), "option": "a", "choice": 0})
    kg = option_shares(choices, method="korn-graubard").iloc[0]
    assert kg["share_low"] == 0 and kg["share_high"] == pytest.approx(1 - 0.025 ** (1 / 10))
    logit = option_shares(choices).iloc[0]
    assert math.isnan(logit["share_low"]) and math.isnan(logit["share_high"])


def test_shares_per_group(choices):
    source = pd.Series({"r1": "panel", "r2": "panel", "r3": "open", "r4": None}, name="source")
    table = option_shares(choices, by=source).set_index(["option", "group"])
    assert table.loc[("a", "panel"), "share"] == 0.5
    assert table.loc[("a", "open"), "n"] == 1  # r4 has no source and is left out
    assert set(table.index.get_level_values("group")) == {"panel", "open"}


def test_compare_groups_z_test():
    choices = pd.read_csv(GOLDEN / "shares_choices.csv")
    people = pd.read_csv(GOLDEN / "rake_respondents.csv", index_col="respondent")
    weights = pd.read_csv(GOLDEN / "rake_weights.csv", index_col="respondent")["weight"]
    table = compare_groups(choices, people["gender"], weights).set_index(["task", "option"])
    rail = table.loc[("advice", "rail")]
    female = (
        option_shares(
            choices[choices["respondent"].isin(people.index[people["gender"] == "female"])], weights
        )
        .set_index("option")
        .loc["rail"]
    )
    male = (
        option_shares(choices[choices["respondent"].isin(people.index[people["gender"] == "male"])], weights)
        .set_index("option")
        .loc["rail"]
    )
    assert rail["share:female"] == pytest.approx(female["share"])
    assert rail["share_se:male"] == pytest.approx(male["share_se"])
    assert rail["n:female"] + rail["n:male"] == 200
    se = math.hypot(female["share_se"], male["share_se"])
    z = (male["share"] - female["share"]) / se
    assert rail["share_difference"] == pytest.approx(male["share"] - female["share"])
    assert rail["share_z"] == pytest.approx(z)
    assert rail["share_p_value"] == pytest.approx(2 * (1 - stats.norm.cdf(abs(z))))
    assert rail["mean_p_value"] == pytest.approx(
        2 * stats.norm.sf(abs(male["mean"] - female["mean"]) / math.hypot(female["mean_se"], male["mean_se"]))
    )


def test_compare_groups_picks_two_of_several(choices):
    region = pd.Series({"r1": "north", "r2": "north", "r3": "south", "r4": "west"}, name="region")
    with pytest.raises(SharesError, match="'region' has 3 groups .*groups=\\(a, b\\)"):
        compare_groups(choices, region)
    table = compare_groups(choices, region, groups=("north", "west"))
    assert {"share:north", "share:west"} <= set(table.columns)
    with pytest.raises(SharesError, match="two groups present in 'region'; east"):
        compare_groups(choices, region, groups=("north", "east"))


def test_respondent_without_weight(choices):
    with pytest.raises(SharesError, match="1 respondents have no weight \\(e.g. r4\\)"):
        option_shares(choices, WEIGHTS.drop("r4"))


def test_unknown_interval_method(choices):
    with pytest.raises(SharesError, match="unknown interval method 'wilson'"):
        option_shares(choices, method="wilson")


def test_missing_columns_and_non_numeric_choices(choices):
    with pytest.raises(SharesError, match="lacks the column\\(s\\) choice"):
        option_shares(choices.drop(columns="choice"))
    with pytest.raises(SharesError, match="1 rows are empty or not numeric"):
        option_shares(choices.assign(choice=["1", "x", 0, 0, 1, 1, 0, 0]))
