"""Raking to population margins: equal to R's survey::rake, trimming, diagnostics, every error."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner
from scipy.optimize import linprog

from analysis.weighting import WeightingError, kish_design_effect, load_margins, rake
from pwe.cli import main

GOLDEN = Path(__file__).parent / "golden"
RESPONDENTS_CSV = GOLDEN / "rake_respondents.csv"
MARGINS_YAML = GOLDEN / "rake_margins.yaml"


@pytest.fixture
def respondents() -> pd.DataFrame:
    return pd.read_csv(RESPONDENTS_CSV, dtype=str)


@pytest.fixture
def margins() -> dict:
    return load_margins(MARGINS_YAML)


def test_weights_equal_r_survey_rake(respondents, margins):
    """Golden weights from make_rake_golden.R (survey::rake, maxit 1000, epsilon 1e-10)."""
    expected = pd.read_csv(GOLDEN / "rake_weights.csv")
    result = rake(respondents, margins)
    assert list(expected["respondent"]) == list(respondents["respondent"])
    np.testing.assert_allclose(result.weights.to_numpy(), expected["weight"], rtol=0, atol=1e-6)
    assert result.iterations > 2  # the margins interact, so one round is not enough


def test_margins_are_met_and_weights_have_mean_one(respondents, margins):
    result = rake(respondents, margins)
    assert result.converged and result.max_margin_error < 1e-8
    assert result.weights.mean() == pytest.approx(1, abs=1e-12)
    assert result.weights.name == "weight" and result.weights.index.equals(respondents.index)
    for variable, shares in margins.items():
        achieved = result.weights.groupby(respondents[variable]).sum() / len(respondents)
        for category, share in shares.items():
            assert achieved[category] == pytest.approx(share, rel=1e-8)
    errors = result.margin_errors
    assert list(errors.columns) == ["variable", "category", "target", "achieved", "relative_error"]
    assert len(errors) == sum(len(shares) for shares in margins.values())
    assert errors["relative_error"].max() == pytest.approx(result.max_margin_error)


def test_base_weights_are_the_starting_point(respondents, margins):
    base = pd.Series(np.where(respondents["gender"] == "female", 2.0, 1.0), index=respondents.index)
    # gender is raked anyway, so a base weight constant within gender leaves the result unchanged
    np.testing.assert_allclose(
        rake(respondents, margins, base_weights=base).weights, rake(respondents, margins).weights, atol=1e-9
    )
    with pytest.raises(WeightingError, match="base weights must be a positive number"):
        rake(respondents, margins, base_weights=base * 0)


@pytest.mark.parametrize("trim", [(0.6, 1.8), (0.5, 1.57), (None, 1.6), (0.6, None)])
def test_trimming_holds_bounds_and_margins(respondents, margins, trim):
    result = rake(respondents, margins, trim=trim)
    low, high = trim
    assert result.max_margin_error < 1e-8
    assert result.weights.mean() == pytest.approx(1, abs=1e-12)
    if low is not None:
        assert result.weight_min >= low * (1 - 1e-12)
    if high is not None:
        assert result.weight_max <= high * (1 + 1e-12)
    assert result.weight_max < rake(respondents, margins).weight_max or high is None


def test_design_effect_by_hand():
    # three respondents in a, one in b, shares 1/2: weights 2/3, 2/3, 2/3 and 2
    data = pd.DataFrame({"x": ["a", "a", "a", "b"]})
    result = rake(data, {"x": {"a": 0.5, "b": 0.5}})
    np.testing.assert_allclose(result.weights, [2 / 3, 2 / 3, 2 / 3, 2])
    # n sum(w^2) / (sum w)^2 = 4 * (4/3 + 4) / 16
    assert result.design_effect == pytest.approx(4 / 3)
    assert result.effective_n == pytest.approx(3)
    assert (result.weight_min, result.weight_max) == pytest.approx((2 / 3, 2))
    assert kish_design_effect(np.array([1.0, 1.0, 2.0])) == pytest.approx(3 * 6 / 16)


def test_summary_lists_the_diagnostics(respondents, margins):
    text = rake(respondents, margins, trim=(0.6, 1.8)).summary()
    for label in (
        "iterations",
        "max margin error",
        "design effect",
        "effective n",
        "weight range",
        "0.6 .. 1.8",
        "age",
        "16-34",
        "relative_error",
    ):
        assert label in text


def test_categories_are_compared_as_text(tmp_path):
    path = tmp_path / "margins.yaml"
    path.write_text("region: {1: 0.25, 2: 0.75}\n")
    margins = load_margins(path)
    assert margins == {"region": {"1": 0.25, "2": 0.75}}
    # integers, and whole floats as read from a CSV column with gaps, match the YAML's 1 and 2
    for column in ([1, 1, 2, 2], [1.0, 1.0, 2.0, 2.0]):
        result = rake(pd.DataFrame({"region": column}), margins)
        np.testing.assert_allclose(result.weights, [0.5, 0.5, 1.5, 1.5])


# --- every error says what to fix -----------------------------------------------------------------


def _error(data: dict, margins: dict, **options) -> str:
    with pytest.raises(WeightingError) as caught:
        rake(pd.DataFrame(data), margins, **options)
    return str(caught.value)


def test_category_without_respondents():
    message = _error({"age": ["25-44", "45-64"]}, {"age": {"16-24": 0.2, "25-44": 0.4, "45-64": 0.4}})
    assert message == (
        "age=16-24 has no respondents; merge it with a neighbouring category or drop it from the margins"
    )


def test_shares_not_summing_to_one():
    message = _error({"gender": ["f", "m"]}, {"gender": {"f": 0.5, "m": 0.6}})
    assert "margin gender: shares sum to 1.1, not 1" in message


def test_shares_summing_to_one_within_rounding_are_accepted():
    result = rake(pd.DataFrame({"g": ["f", "m"]}), {"g": {"f": 0.3333333, "m": 0.6666666}})
    assert result.weights.sum() == pytest.approx(2)


def test_negative_share():
    assert "shares must be at least 0; fix m" in _error({"g": ["f", "m"]}, {"g": {"f": 1.5, "m": -0.5}})


def test_zero_share_with_respondents():
    assert "g=x has population share 0 but 1 respondents" in _error(
        {"g": ["f", "m", "x"]}, {"g": {"f": 0.5, "m": 0.5, "x": 0}}
    )


def test_data_category_missing_from_margins():
    message = _error(
        {"edu": ["low", "mid", "high", "unknown", "other"]}, {"edu": {"low": 0.3, "mid": 0.4, "high": 0.3}}
    )
    assert "edu: categories in the data but not in the margins: other, unknown" in message


def test_margin_variable_missing_from_data():
    message = _error({"gender": ["f", "m"]}, {"province": {"a": 1.0}})
    assert "margin variable 'province' is not a column of the respondents table" in message


def test_missing_values_in_a_margin_variable():
    message = _error(
        {"respondent": ["r1", "r2", "r3"], "gender": ["f", None, "m"]}, {"gender": {"f": 0.5, "m": 0.5}}
    )
    assert "gender: 1 respondents have no value (e.g. r2)" in message


def test_contradictory_margins_do_not_converge():
    # a and b classify everyone the same way, so a's and b's shares cannot both hold
    message = _error(
        {"a": ["x", "x", "y", "y"], "b": ["x", "x", "y", "y"]},
        {"a": {"x": 0.5, "y": 0.5}, "b": {"x": 0.3, "y": 0.7}},
        max_iter=50,
    )
    assert message.startswith("raking did not converge after 50 iterations: the margin a=")
    assert "relative error 4.00e-01" in message and "contradict" in message


def test_category_out_of_reach_of_the_trimming_bounds():
    message = _error({"g": ["f"] * 9 + ["m"]}, {"g": {"f": 0.5, "m": 0.5}}, trim=(0.3, 3.0))
    assert (
        "g=m needs a mean weight of 5 (1 respondents for a share of 0.5), outside the "
        "trimming bounds 0.3 .. 3" in message
    )


def test_margins_out_of_reach_of_the_trimming_bounds_together():
    # a=x holds 9 b=p and one b=q; meeting b=p leaves nothing for that b=q above the floor
    message = _error(
        {"a": ["x"] * 10 + ["y"] * 10, "b": ["p"] * 9 + ["q"] * 11},
        {"a": {"x": 0.5, "y": 0.5}, "b": {"p": 0.5, "q": 0.5}},
        trim=(0.5, 3.0),
        max_iter=100,
    )
    assert "did not converge after 100 iterations" in message
    assert "within the trimming bounds; loosen the bounds" in message


def test_trim_bounds_must_surround_the_mean():
    assert "lower must be below 1 and the upper above 1" in _error(
        {"g": ["f", "m"]}, {"g": {"f": 0.5, "m": 0.5}}, trim=(1.2, 3.0)
    )


@pytest.mark.parametrize(
    "text, expected",
    [
        ("[0.5, 0.5]", "expected a mapping {variable: {category: share}}"),
        ("gender: 0.5\n", "margin 'gender' must map each category to its population share"),
        ("gender: {f: half, m: 0.5}\n", "share of gender=f is 'half'; give a number"),
        ("gender: {f: 0.5\n", "cannot read the margins file"),
        ("smoker: {yes: 0.2, no: 0.8}\n", "a category of 'smoker' reads as True (YAML takes yes/no"),
    ],
)
def test_unreadable_margins_file(tmp_path, text, expected):
    path = tmp_path / "margins.yaml"
    path.write_text(text)
    with pytest.raises(WeightingError, match="margins.yaml: ") as caught:
        load_margins(path)
    assert expected in str(caught.value)


# --- the command line -----------------------------------------------------------------------------


def test_cli_writes_weights_and_prints_diagnostics(tmp_path):
    out = tmp_path / "weights.csv"
    result = CliRunner().invoke(
        main,
        [
            "weight",
            str(RESPONDENTS_CSV),
            "--margins",
            str(MARGINS_YAML),
            "--out",
            str(out),
            "--trim",
            "0.6,1.8",
        ],
    )
    assert result.exit_code == 0, result.output
    assert "design effect" in result.output and "effective n" in result.output
    assert f"{out}: 200 weights" in result.output
    weights = pd.read_csv(out)
    assert list(weights.columns) == ["respondent", "weight"]
    assert weights["weight"].mean() == pytest.approx(1, abs=1e-9)
    assert weights["weight"].between(0.6 - 1e-9, 1.8 + 1e-9).all()


def test_cli_error_exits_1_without_traceback(tmp_path):
    margins = tmp_path / "margins.yaml"
    margins.write_text("age: {16-34: 0.5, 35-54: 0.5}\n")
    result = CliRunner().invoke(
        main,
        ["weight", str(RESPONDENTS_CSV), "--margins", str(margins), "--out", str(tmp_path / "weights.csv")],
    )
    assert result.exit_code == 1
    assert "Error: age: categories in the data but not in the margins: 55-74, 75+" in result.output
    assert "Traceback" not in result.output
    assert not (tmp_path / "weights.csv").exists()


@pytest.mark.parametrize(
    "arguments, expected",
    [
        (["--trim", "3"], "--trim takes LOW,HIGH relative to the mean weight"),
        (["--trim", "0.5,x"], "--trim takes LOW,HIGH"),
    ],
)
def test_cli_rejects_bad_trim(tmp_path, arguments, expected):
    result = CliRunner().invoke(
        main,
        [
            "weight",
            str(RESPONDENTS_CSV),
            "--margins",
            str(MARGINS_YAML),
            "--out",
            str(tmp_path / "w.csv"),
            *arguments,
        ],
    )
    assert result.exit_code == 1 and expected in result.output


def test_cli_respondents_file_without_respondent_column(tmp_path):
    data = tmp_path / "people.csv"
    data.write_text("id,age\n1,16-34\n")
    result = CliRunner().invoke(
        main, ["weight", str(data), "--margins", str(MARGINS_YAML), "--out", str(tmp_path / "w.csv")]
    )
    assert result.exit_code == 1 and "no 'respondent' column" in result.output


def test_category_listed_twice():
    assert "margin g: the category 1 is listed twice" in _error(
        {"g": [1, 2]}, {"g": {1: 0.5, "1": 0.25, 2: 0.25}}
    )


@pytest.mark.parametrize("seed", range(5))
@pytest.mark.parametrize("trim", [(0.4, 5.0), (None, 5.0), (0.4, None)])
def test_trimming_succeeds_exactly_when_the_bounds_allow_it(seed, trim):
    """Whether weights within the bounds can meet the margins is a linear program over the cells
    (equal weights within a cell suffice); raking must succeed exactly when it is feasible."""
    rng = np.random.default_rng(seed)
    data = pd.DataFrame(
        {"a": rng.choice(list("xyz"), 500, p=[0.6, 0.3, 0.1]), "b": rng.choice(list("pq"), 500, p=[0.8, 0.2])}
    )
    margins = {"a": {"x": 0.3, "y": 0.4, "z": 0.3}, "b": {"p": 0.5, "q": 0.5}}
    cells = data.value_counts().reset_index()
    equations = [
        cells["count"] * (cells[variable] == category)
        for variable, shares in margins.items()
        for category in shares
    ]
    targets = [share * len(data) for shares in margins.values() for share in shares.values()]
    feasible = (
        linprog(
            np.zeros(len(cells)), A_eq=equations, b_eq=targets, bounds=[(trim[0] or 0, trim[1])] * len(cells)
        ).status
        == 0
    )
    if not feasible:
        with pytest.raises(WeightingError, match="cannot all be met with weights within the trim"):
            rake(data, margins, trim=trim)
        return
    result = rake(data, margins, trim=trim)
    assert result.max_margin_error < 1e-8
    assert result.weight_min >= (trim[0] or 0) * (1 - 1e-12)
    assert result.weight_max <= (trim[1] or np.inf) * (1 + 1e-12)


def test_documented_margins_example_is_valid(tmp_path):
    docs = (Path(__file__).parents[2] / "docs" / "analysis.md").read_text(encoding="utf-8")
    section = docs.split("## Weighting and shares", 1)[1]
    example = section.split("```yaml", 1)[1].split("```", 1)[0]
    path = tmp_path / "margins.yaml"
    path.write_text(example)
    margins = load_margins(path)
    assert set(margins) == {"age", "gender", "education"}
    assert all(sum(shares.values()) == pytest.approx(1) for shares in margins.values())


def test_shares_off_by_rounding_are_rescaled_with_a_note_and_further_off_refused():
    people = pd.DataFrame({"g": ["f", "m", "m"]})
    result = rake(people, {"g": {"f": 0.333, "m": 0.666}})
    assert "margin g: shares sum to 0.999; rescaled to 1" in result.summary()
    assert "shares sum to 0.9, not 1 (more than the tolerance 0.005 away)" in _error(
        {"g": ["f", "m"]}, {"g": {"f": 0.4, "m": 0.5}}
    )
    with pytest.raises(WeightingError, match="tolerance 0.0001"):
        rake(people, {"g": {"f": 0.333, "m": 0.666}}, share_tolerance=1e-4)


def test_keep_missing_holds_the_unanswered_at_their_sample_share():
    people = pd.DataFrame(
        {
            "respondent": [f"r{i}" for i in range(10)],
            "g": ["f", "f", "f", "m", "m", "m", "m", "m", None, None],
        }
    )
    result = rake(people, {"g": {"f": 0.5, "m": 0.5}}, keep_missing=True)
    w = result.weights
    assert w[people["g"].isna()].sum() / w.sum() == pytest.approx(0.2)
    assert w[people["g"] == "f"].sum() / w.sum() == pytest.approx(0.4)
    assert "g: 20.0% without a value kept at their sample share" in result.summary()


def test_cli_refuses_duplicate_respondents_and_reads_semicolons(tmp_path):
    margins = tmp_path / "margins.yaml"
    margins.write_text("g: {f: 0.5, m: 0.5}\n")
    twice = tmp_path / "twice.csv"
    twice.write_text("respondent,g\nr1,f\nr2,m\nr1,m\n")
    result = CliRunner().invoke(
        main, ["weight", str(twice), "--margins", str(margins), "--out", str(tmp_path / "w.csv")]
    )
    assert result.exit_code == 1
    assert f"{twice}: respondent r1 appears more than once" in result.output
    dutch = tmp_path / "dutch.csv"
    dutch.write_text("respondent;g\nr1;f\nr2;m\nr3;m\n")
    result = CliRunner().invoke(
        main,
        ["weight", str(dutch), "--margins", str(margins), "--out", str(tmp_path / "w.csv"), "--keep-missing"],
    )
    assert result.exit_code == 0, result.output
    assert pd.read_csv(tmp_path / "w.csv")["weight"].tolist() == pytest.approx([1.5, 0.75, 0.75])
