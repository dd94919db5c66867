"""The respondent table and the long choice table built from a definition and plain records."""

from __future__ import annotations

import math
from dataclasses import replace
from datetime import datetime, timedelta, timezone

import pandas as pd
import pytest

from analysis.tables import choices_table, respondents_table
from surveys.load import DefinitionError, parse
from tests.analysis.sample import DEFINITION, answers

CONSULTATION = parse(DEFINITION)


def record(respondent: str, version: str = "A", **answer_changes) -> dict:
    return {
        "respondent": respondent,
        "version": version,
        "source": "open",
        "language": "nl",
        "started_at": datetime(2024, 3, 1, 9, 0, 0),
        "completed_at": datetime(2024, 3, 1, 9, 12, 30),
        "answers": answers(**answer_changes),
    }


def rows_of(table: pd.DataFrame, **where) -> pd.DataFrame:
    mask = pd.Series(True, index=table.index)
    for column, value in where.items():
        mask &= table[column] == value
    return table[mask]


def one(table: pd.DataFrame, **where) -> pd.Series:
    found = rows_of(table, **where)
    assert len(found) == 1, where
    return found.iloc[0]


def missing(value) -> bool:
    return value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value))


# --- respondents.csv --------------------------------------------------------------------------


def test_respondent_columns_follow_the_pages_in_order():
    table = respondents_table(CONSULTATION, [record("r1")])
    assert list(table.columns) == [
        "respondent",
        "version",
        "source",
        "language",
        "started_at",
        "completed_at",
        "duration_minutes",
        "age",
        "transport.bike",
        "transport.car",
        "trips",
        "trust",
        "regions",
        "future",
        "rail",
        "bus",
        "park",
        "why.rail",
        "why.bus",
        "why.park",
        "touched.advice",
        "houses",
        "forest",
        "touched.land_use",
        "g_nature",
        "g_homes",
        "variants.1",
        "variants.2",
    ]


def test_respondent_row_holds_each_answer():
    row = respondents_table(CONSULTATION, [record("r1")]).iloc[0]
    assert row[["respondent", "version", "source", "language"]].tolist() == ["r1", "A", "open", "nl"]
    assert row["started_at"] == "2024-03-01T09:00:00Z"
    assert row["completed_at"] == "2024-03-01T09:12:30Z"
    assert row["duration_minutes"] == 12.5
    assert row["age"] == "young"
    assert (row["transport.bike"], row["transport.car"]) == (1, 0)
    assert row["trips"] == 3
    assert row["trust"] == "dk"
    assert row["regions"] == 4 and missing(row["future"])
    assert row[["rail", "bus", "park", "houses", "forest"]].tolist() == [2, 0, 1, 1, 0]
    assert row["why.rail"] == "Snel naar het werk" and missing(row["why.park"])
    assert (row["g_nature"], row["g_homes"]) == (7, 3)
    assert (row["variants.1"], row["variants.2"]) == ("A", "none")


def test_unanswered_multi_question_is_empty_not_zero():
    unanswered = record("r1", about_you={"age": "old", "transport": None})
    row = respondents_table(CONSULTATION, [unanswered]).iloc[0]
    assert missing(row["transport.bike"]) and missing(row["transport.car"])


def test_times_are_written_in_utc_with_z():
    amsterdam = timezone(timedelta(hours=1))
    late = {
        **record("r1"),
        "started_at": datetime(2024, 3, 1, 23, 30, tzinfo=amsterdam),
        "completed_at": datetime(2024, 3, 2, 0, 15, tzinfo=amsterdam),
    }
    row = respondents_table(CONSULTATION, [late]).iloc[0]
    assert (row["started_at"], row["completed_at"]) == ("2024-03-01T22:30:00Z", "2024-03-01T23:15:00Z")
    assert row["duration_minutes"] == 45


def test_csv_writes_whole_numbers_without_decimals(tmp_path):
    path = tmp_path / "respondents.csv"
    respondents_table(CONSULTATION, [record("r1"), record("r2", values={"regions": None})]).to_csv(
        path, index=False
    )
    lines = path.read_text(encoding="utf-8").splitlines()
    assert lines[1].split(",")[12:14] == ["4", ""]  # regions, future
    assert lines[2].split(",")[12] == ""


# --- choices.csv ------------------------------------------------------------------------------


def test_choice_columns():
    table = choices_table(CONSULTATION, [record("r1")])
    assert list(table.columns) == [
        "respondent",
        "task",
        "option",
        "choice",
        "cost",
        "budget",
        "budget_min",
        "cost_budget",
        "budget_budget",
        "budget_min_budget",
        "cost_land",
        "budget_land",
        "budget_min_land",
        "group",
        "homes",
        "nature",
        "stops",
        "version",
    ]


def test_rows_are_sorted_by_respondent_then_definition_order():
    table = choices_table(CONSULTATION, [record("r2"), record("r1")])
    assert table["respondent"].tolist() == ["r1"] * 13 + ["r2"] * 13
    first = table[table["respondent"] == "r1"]
    assert list(zip(first["task"], first["option"])) == [
        ("advice", "rail"),
        ("advice", "bus"),
        ("advice", "park"),
        ("land_use", "houses"),
        ("land_use", "forest"),
        ("goals", "g_nature"),
        ("goals", "g_homes"),
        ("variants:1", "A"),
        ("variants:1", "B"),
        ("variants:1", "none"),
        ("variants:2", "A"),
        ("variants:2", "B"),
        ("variants:2", "none"),
    ]


def test_portfolio_rows_use_the_respondents_version():
    table = choices_table(CONSULTATION, [record("ra", "A"), record("rb", "B")])
    rail_a = one(table, respondent="ra", option="rail")
    rail_b = one(table, respondent="rb", option="rail")
    assert rail_a[["task", "choice", "group", "version"]].tolist() == ["advice", 2, "transport", "A"]
    assert (rail_a["cost"], rail_a["budget"], rail_a["budget_min"]) == (30, 100, 10)
    assert (rail_b["cost"], rail_b["budget"], rail_b["budget_min"]) == (45, 120, 10)
    assert (rail_a["homes"], rail_a["nature"], rail_a["stops"]) == (10, 0, 0)
    assert rail_b["homes"] == 12
    park = one(table, respondent="ra", option="park")
    assert missing(park["group"]) and (park["cost"], park["nature"], park["homes"]) == (10, 5, 0)
    assert missing(rail_a["cost_budget"]) and missing(rail_a["cost_land"])


def test_page_with_several_constraints_names_each():
    table = choices_table(CONSULTATION, [record("ra", "A"), record("rb", "B")])
    houses = one(table, respondent="ra", option="houses")
    assert houses["choice"] == 1
    assert (houses["cost_budget"], houses["budget_budget"], houses["budget_min_budget"]) == (40, 100, 10)
    assert (houses["cost_land"], houses["budget_land"]) == (30, 50)
    assert missing(houses["budget_min_land"])
    assert missing(houses["cost"]) and missing(houses["budget"])
    assert one(table, respondent="rb", option="forest")["budget_budget"] == 120


def test_points_rows_cost_one_point_each():
    table = choices_table(CONSULTATION, [record("r1")])
    goals = rows_of(table, task="goals")
    assert goals["option"].tolist() == ["g_nature", "g_homes"]
    assert goals["choice"].tolist() == [7, 3]
    assert goals[["cost", "budget", "budget_min"]].values.tolist() == [[1, 10, 0], [1, 10, 0]]
    assert goals[["homes", "nature", "stops"]].values.tolist() == [[0, 0, 0], [0, 0, 0]]


def test_goal_left_out_of_the_answer_has_zero_points():
    table = choices_table(CONSULTATION, [record("r1", goals={"g_homes": 10})])
    assert rows_of(table, task="goals")["choice"].tolist() == [0, 10]


def test_points_that_must_all_be_used_have_the_total_as_minimum():
    goals = replace(CONSULTATION.page("goals"), must_use_all=True)
    consultation = replace(CONSULTATION, pages=(goals,))
    table = choices_table(consultation, [record("r1")])
    assert table["budget_min"].tolist() == [10, 10]


def test_portfolio_without_leftover_has_the_maximum_as_minimum():
    advice = replace(CONSULTATION.page("advice"), leftover="must_use_all")
    consultation = replace(CONSULTATION, pages=(advice,), versions=())
    table = choices_table(consultation, [record("r1", None)])
    assert table["budget_min"].tolist() == [100, 100, 100]


def test_pairs_rows_one_per_alternative_with_opt_out():
    table = choices_table(CONSULTATION, [record("r1")])
    first_set = rows_of(table, task="variants:1")
    assert first_set["option"].tolist() == ["A", "B", "none"]
    assert first_set["choice"].tolist() == [1, 0, 0]
    assert first_set["stops"].tolist()[:2] == [2, 4]
    assert first_set["nature"].tolist()[:2] == [1, 0]
    opt_out = one(table, task="variants:1", option="none")
    assert missing(opt_out["stops"]) and missing(opt_out["nature"])
    assert missing(opt_out["cost"]) and missing(opt_out["budget"]) and missing(opt_out["homes"])
    assert rows_of(table, task="variants:2")["choice"].tolist() == [0, 0, 1]


def test_unanswered_pair_set_has_no_rows():
    table = choices_table(CONSULTATION, [record("r1", variants={"1": "B", "2": None})])
    assert rows_of(table, task="variants:1")["choice"].tolist() == [0, 1, 0]
    assert rows_of(table, task="variants:2").empty


def test_a_constraint_one_version_adds_is_named_for_every_version():
    grows = parse(
        DEFINITION.replace(
            "constraints: {budget: {max: 120}}",
            "park: {use: {land: 5}}\n      constraints: {budget: {max: 120}}",
        )
    )
    table = choices_table(grows, [record("ra", "A"), record("rb", "B")])
    park_a = one(table, respondent="ra", option="park")
    park_b = one(table, respondent="rb", option="park")
    assert (park_a["cost_budget"], park_a["cost_land"], park_a["budget_land"]) == (10, 0, 50)
    assert (park_b["cost_budget"], park_b["cost_land"]) == (10, 5)
    assert missing(park_a["cost"])


def test_empty_export_has_the_headers():
    assert respondents_table(CONSULTATION, []).columns[0] == "respondent"
    assert respondents_table(CONSULTATION, []).empty
    empty = choices_table(CONSULTATION, [])
    full = choices_table(CONSULTATION, [record("r1")])
    assert empty.empty and list(empty.columns) == list(full.columns)


def test_an_unknown_version_is_named():
    with pytest.raises(ValueError, match="design version 'Z'"):
        choices_table(CONSULTATION, [record("r1", "Z")])


def test_ids_that_would_name_a_column_twice_are_refused():
    text = DEFINITION.replace(
        "{id: stops, label: Haltes}", "{id: stops, label: Haltes}\n  - {id: cost, label: Kosten}"
    )
    # the validator keeps such an id out of a definition ...
    with pytest.raises(DefinitionError, match="would name a column the export's choice table"):
        parse(text)
    # ... and the table refuses one built without it rather than writing two columns "cost"
    valid = parse(DEFINITION)
    clash = replace(valid, attributes=(*valid.attributes, replace(valid.attributes[0], id="cost")))
    with pytest.raises(ValueError, match="more than one column named cost"):
        choices_table(clash, [record("r1")])
