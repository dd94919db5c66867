"""Parsing submitted pages: typed answers, an error per bad field, the user's input kept."""

import ast
import pathlib
import typing

import pytest
from werkzeug.datastructures import MultiDict

import surveys
from surveys import definition
from surveys.answers import (
    ECHO_LENGTH,
    FieldError,
    blank_answer,
    field_label,
    parse_motivation,
    parse_page,
)
from surveys.language import format_number
from surveys.messages import MESSAGES, describe
from tests.surveys.builders import (
    constraint,
    consultation,
    option,
    pairs,
    points,
    portfolio,
    question,
    questions,
    statements,
    text,
)

BUDGET = constraint("budget", max=500, min=0, label=text("Budget"), unit=text("mln euro"))


def parse(page, pairs_=(), c=None):
    return parse_page(c or consultation(page, constraints=[BUDGET]), page, MultiDict(list(pairs_)))


def errors(result):
    return [(e.field, e.code) for e in result.errors]


# --- questions ----------------------------------------------------------------------------

ALL_TYPES = questions(
    question("age", "choice", choices=["16-34", "35-54", "55+"], required=True),
    question("modes", "multi", choices=["car", "train", "bike"], min=1, max=2),
    question("km", "number", min=0, max=1000),
    question("people", "number", integer=True, min=1),
    question("remark", "text", max_length=10),
    question("pc", "postcode4"),
    question("grade", "scale"),
    question("fair", "agree"),
)


def test_every_question_type_parses_to_its_stored_shape():
    result = parse(
        ALL_TYPES,
        [
            ("age", "35-54"),
            ("modes", "bike"),
            ("modes", "car"),
            ("km", "12,5"),
            ("people", "3"),
            ("remark", "  fine  "),
            ("pc", " 3511ab"),
            ("grade", "10"),
            ("fair", "dk"),
            ("csrf_token", "x"),
            ("action", "next"),
            ("lang", "en"),
        ],
    )
    assert result.ok
    assert result.answer == {
        "age": "35-54",
        "modes": ["car", "bike"],
        "km": 12.5,
        "people": 3,
        "remark": "fine",
        "pc": "3511",
        "grade": 10,
        "fair": "dk",
    }


def test_optional_questions_left_blank_are_none():
    result = parse(ALL_TYPES, [("age", "55+"), ("km", "  ")])
    assert result.ok
    assert result.answer == {
        "age": "55+",
        "modes": None,
        "km": None,
        "people": None,
        "remark": None,
        "pc": None,
        "grade": None,
        "fair": None,
    }


def test_an_integral_number_is_stored_as_int():
    result = parse(ALL_TYPES, [("age", "55+"), ("km", "12.0")])
    assert result.answer["km"] == 12 and type(result.answer["km"]) is int


@pytest.mark.parametrize(
    "name, value, code",
    [
        ("age", "", "required"),
        ("age", "99+", "choose_one"),
        ("age", "x" * 100_000, "choose_one"),
        ("modes", "plane", "choose_one"),
        ("km", "twelve", "not_a_number"),
        ("km", "NaN", "not_a_number"),
        ("km", "inf", "not_a_number"),
        ("km", "1e400", "not_a_number"),
        ("km", "1" * 5000, "not_a_number"),
        ("km", "٣", "not_a_number"),
        ("km", "-0.5", "below_min"),
        ("km", "1000.01", "above_max"),
        ("people", "2.5", "not_integer"),
        ("people", "1.000", "not_integer"),
        ("people", "0", "below_min"),
        ("remark", "x" * 11, "too_long"),
        ("remark", "x" * 100_000, "too_long"),
        ("pc", "0123", "postcode"),
        ("pc", "123", "postcode"),
        ("pc", "1234 ABC", "postcode"),
        ("grade", "11", "scale_range"),
        ("grade", "7.5", "scale_range"),
        ("fair", "6", "agree_value"),
        ("fair", "yes", "agree_value"),
    ],
)
def test_each_bad_answer_gets_its_code_and_keeps_the_rest(name, value, code):
    submitted = {"age": "16-34", "km": "7", "remark": "hello", name: value}
    result = parse(ALL_TYPES, submitted.items())
    assert errors(result) == [(name, code)]
    assert not result.ok and result.violations == []
    shown = value[:ECHO_LENGTH]  # shown again as typed, a hostile length cut short
    assert result.answer[name] == ([shown] if name == "modes" else shown)
    kept = {"age": "16-34", "km": 7, "remark": "hello"}
    assert {k: result.answer[k] for k in kept if k != name} == {k: v for k, v in kept.items() if k != name}


def test_bounds_are_inclusive():
    result = parse(ALL_TYPES, [("age", "55+"), ("km", "0"), ("people", "1"), ("remark", "x" * 10)])
    assert result.ok
    assert parse(ALL_TYPES, [("age", "55+"), ("km", "1000")]).ok


def test_multi_question_counts_its_choices():
    too_many = parse(ALL_TYPES, [("age", "55+"), ("modes", "car"), ("modes", "train"), ("modes", "bike")])
    assert errors(too_many) == [("modes", "too_many")]
    assert too_many.answer["modes"] == ["car", "train", "bike"]
    page = questions(question("m", "multi", choices=["a", "b", "c"], min=2, required=True))
    assert errors(parse(page, [("m", "a")])) == [("m", "too_few")]
    assert errors(parse(page, [])) == [("m", "required")]
    assert parse(page, [("m", "c"), ("m", "a"), ("m", "a")]).answer == {"m": ["a", "c"]}


def test_a_single_answer_field_sent_twice_is_refused():
    result = parse(ALL_TYPES, [("age", "55+"), ("age", "16-34")])
    assert errors(result) == [("age", "several_values")]
    assert result.answer["age"] == "55+"


def test_unknown_fields_are_refused_but_form_fields_are_ignored():
    result = parse(ALL_TYPES, [("age", "55+"), ("admin", "1"), ("csrf_token", "t"), ("lang", "nl")])
    assert errors(result) == [("admin", "unknown_field")]
    assert result.answer["age"] == "55+"


def test_control_characters_are_removed_from_text():
    result = parse(ALL_TYPES, [("age", "55+"), ("remark", "a\x00b\tc")])
    assert result.answer["remark"] == "ab\tc"


# --- statements ---------------------------------------------------------------------------


def test_statements():
    page = statements("s1", "s2", "s3")
    assert parse(page, [("s1", "1"), ("s2", "dk")]).answer == {"s1": 1, "s2": "dk", "s3": None}
    assert errors(parse(page, [("s1", "0")])) == [("s1", "agree_value")]
    assert errors(parse(statements("s1", required=True), [])) == [("s1", "required")]


# --- portfolio ----------------------------------------------------------------------------


def advice(leftover="allowed"):
    options = [
        option("rail", use={"budget": 340}),
        option("road", use={"budget": 200}),
        option("homes", levels=(-2, -1, 0, 1, 2), use={"budget": 10}, default=1),
        option("nature", levels=(0, 0.5, 1), use={"budget": 0.1}),
    ]
    return portfolio(options, [BUDGET], leftover=leftover)


def test_portfolio_levels_parse_and_an_unticked_toggle_is_zero():
    result = parse(advice(), [("rail", "1"), ("homes", "-2"), ("nature", "0.5")])
    assert result.ok
    assert result.answer == {"rail": 1, "road": 0, "homes": -2, "nature": 0.5}


def test_portfolio_over_budget_is_a_violation_not_a_field_error():
    result = parse(advice(), [("rail", "1"), ("road", "1"), ("homes", "0"), ("nature", "0")])
    assert result.errors == [] and not result.ok
    assert [(v.code, v.params) for v in result.violations] == [
        ("over_max", {"used": 540, "max": 500, "over": 40})
    ]
    assert result.answer == {"rail": 1, "road": 1, "homes": 0, "nature": 0}


@pytest.mark.parametrize(
    "name, value, code",
    [
        ("homes", "3", "level_not_allowed"),
        ("homes", "0.5", "level_not_allowed"),
        ("rail", "2", "level_not_allowed"),
        ("rail", "on", "not_a_number"),
        ("nature", "NaN", "not_a_number"),
        ("nature", "inf", "not_a_number"),
        ("nature", "-inf", "not_a_number"),
        ("nature", "1e400", "not_a_number"),
        ("homes", "", "required_level"),
        ("ghost", "1", "unknown_option"),
        ("why-rail", "because", "unknown_option"),
    ],
)
def test_tampered_portfolio_fields(name, value, code):
    submitted = {"rail": "1", "homes": "0", "nature": "1", name: value}
    result = parse(advice(), submitted.items())
    assert errors(result) == [(name, code)]
    assert result.violations == []  # no sums on a broken vector
    if name in result.answer:
        assert result.answer[name] == value
    assert result.answer["rail"] == (1 if name != "rail" else value)


def test_a_missing_slider_is_required():
    result = parse(advice(), [("rail", "1"), ("nature", "1")])
    assert errors(result) == [("homes", "required_level")]
    assert result.answer["homes"] is None


def test_portfolio_must_use_all():
    result = parse(advice("must_use_all"), [("rail", "1"), ("homes", "0"), ("nature", "0")])
    assert [v.code for v in result.violations] == ["leftover_not_allowed"]


# --- points -------------------------------------------------------------------------------


def test_points_blank_is_zero_and_sum_is_checked():
    page = points(["a", "b", "c"], total=100)
    result = parse(page, [("a", "60"), ("b", ""), ("c", "40")])
    assert result.ok and result.answer == {"a": 60, "b": 0, "c": 40}
    short = parse(page, [("a", "60")])
    assert [v.code for v in short.violations] == ["under_total"]


@pytest.mark.parametrize(
    "value, code",
    [
        ("-5", "negative_points"),
        ("2.5", "not_integer"),
        ("ten", "not_a_number"),
        ("NaN", "not_a_number"),
        ("9" * 100, "not_a_number"),
    ],
)
def test_bad_points(value, code):
    result = parse(points(["a", "b"], total=100), [("a", value), ("b", "30")])
    assert errors(result) == [("a", code)]
    assert result.answer == {"a": value[:ECHO_LENGTH], "b": 30}


def test_points_step_and_unknown_goal():
    page = points(["a", "b"], total=100, step=10)
    assert [v.code for v in parse(page, [("a", "55"), ("b", "45")]).violations] == ["step", "step"]
    assert errors(parse(page, [("a", "50"), ("b", "50"), ("z", "0")])) == [("z", "unknown_goal")]


# --- pairs --------------------------------------------------------------------------------


def test_pairs():
    page = pairs(3)
    result = parse(page, [("set-1", "A"), ("set-2", "B"), ("set-3", "none")])
    assert result.ok and result.answer == {"1": "A", "2": "B", "3": "none"}
    assert errors(parse(page, [("set-1", "C"), ("set-2", "a")])) == [
        ("set-1", "pairs_choice"),
        ("set-2", "pairs_choice"),
        ("set-3", "required_pair"),
    ]
    assert errors(parse(pairs(1, opt_out=False), [("set-1", "none")])) == [("set-1", "pairs_choice")]
    assert parse(pairs(1, required=False), []).answer == {"1": None}
    assert ("set-0", "unknown_field") in errors(parse(page, [("set-0", "A")]))


# --- motivation ---------------------------------------------------------------------------


def test_motivation_keeps_only_written_reasons():
    page = advice()
    result = parse_motivation(
        consultation(page),
        page,
        MultiDict([("why-rail", "  Fast to the north "), ("why-road", "   "), ("csrf_token", "t")]),
    )
    assert result.ok and result.answer == {"rail": "Fast to the north"}


def test_motivation_too_long_and_unknown():
    page = advice()
    long = "x" * 2001
    result = parse_motivation(
        consultation(page), page, MultiDict([("why-rail", long), ("why-road", "ok"), ("rail", "1")])
    )
    assert errors(result) == [("why-rail", "too_long"), ("rail", "unknown_field")]
    assert result.answer == {"rail": long, "road": "ok"}


# --- blank answers ------------------------------------------------------------------------


def test_blank_answers():
    assert blank_answer(consultation(), advice()) == {"rail": 0, "road": 0, "homes": 1, "nature": 0}
    assert blank_answer(consultation(), points(["a", "b"])) == {"a": 0, "b": 0}
    assert blank_answer(consultation(), statements("s")) == {"s": None}
    assert blank_answer(consultation(), pairs(2)) == {"1": None, "2": None}
    assert blank_answer(consultation(), ALL_TYPES) == dict.fromkeys(
        ["age", "modes", "km", "people", "remark", "pc", "grade", "fair"]
    )


def test_blank_portfolio_answer_parses_back_to_itself():
    page = advice()
    blank = blank_answer(consultation(), page)
    form = [(k, str(v)) for k, v in blank.items() if v != 0 or not page.option(k).is_toggle]
    assert parse(page, form).answer == blank


def test_field_labels():
    page = advice()
    assert field_label(page, "rail") == page.option("rail").title
    assert field_label(page, "why-rail") == page.option("rail").title
    assert field_label(page, "ghost") is None
    assert field_label(pairs(2), "set-2").get("en") == "Choice 2"


# --- messages -----------------------------------------------------------------------------

# Strings in the two modules that are not error codes: the definition's own vocabulary and
# the form's field conventions.
VOCABULARY = {
    *typing.get_args(definition.QuestionType),
    "questions",
    "statements",
    "portfolio",
    "points",
    "pairs",
    "must_use_all",
    "use",
    "effects",
    "csrf_token",
    "action",
    "lang",
    "touched",
    "dk",
    "none",
    "nl",
    "en",
    "why-",
    "set-",
    "max",
    "min",
    "over",
    "short",
    "left",
    "used",
    "total",
    "level",
    "allowed",
    "value",
    "options",
    "length",
    "others",
}


def code_like_strings(module_file):
    tree = ast.parse(pathlib.Path(module_file).read_text())
    docstrings = {
        id(node.body[0].value)
        for node in ast.walk(tree)
        if isinstance(node, (ast.Module, ast.FunctionDef, ast.ClassDef))
        and node.body
        and isinstance(node.body[0], ast.Expr)
    }
    return {
        node.value
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant)
        and isinstance(node.value, str)
        and id(node) not in docstrings
        and node.value.isidentifier()
        and node.value.islower()
    }


def test_every_code_has_a_message():
    root = pathlib.Path(surveys.__file__).parent
    used = set().union(*(code_like_strings(root / f) for f in ("feasibility.py", "answers.py")))
    codes = used - VOCABULARY
    assert codes - MESSAGES.keys() == set()
    assert MESSAGES.keys() - codes == set()  # no message for a code nobody raises
    page = advice()
    c = consultation(page, constraints=[BUDGET])
    for code in MESSAGES:
        item = FieldError("rail", code, {"max": 2, "others": 2, "over": 2, "left": 2})
        assert describe(item, "nl", c, page) != describe(item, "en", c, page), code


def message_cases():
    page = advice()
    sample = {
        "used": 540,
        "max": 500,
        "over": 40,
        "min": 0,
        "short": 1,
        "left": 2,
        "total": 100,
        "allowed": [0, 0.5, 1],
        "options": ["rail", "road"],
        "step": 5,
        "length": 2001,
        "value": 3,
        "level": "3",
    }
    return [(FieldError("rail", code, sample), page) for code in MESSAGES]


@pytest.mark.parametrize("lang", ["nl", "en", "fy"])
def test_every_message_formats_without_leftover_placeholders(lang):
    c = consultation(advice(), constraints=[BUDGET])
    for item, page in message_cases():
        message = describe(item, lang, c, page)
        assert message and "%(" not in message and "{" not in message, item.code


def test_over_budget_message_in_both_languages():
    page = advice()
    c = consultation(page, constraints=[BUDGET])
    result = parse(page, [("rail", "1"), ("road", "1"), ("homes", "0"), ("nature", "0")], c)
    [violation] = result.violations
    assert describe(violation, "nl", c, page) == (
        "Budget: u zit 40 mln euro te hoog (540 van 500 mln euro). Zet een of meer opties lager."
    )
    assert describe(violation, "en", c, page) == (
        "Budget: you are 40 mln euro over (540 of 500 mln euro). Lower one or more options."
    )
    assert describe(violation, "en", c, page, with_label=False).startswith("You are 40 mln euro")


def test_messages_name_options_and_levels_in_the_readers_language():
    page = advice()
    c = consultation(page, constraints=[BUDGET])
    [error] = parse(page, [("rail", "1"), ("homes", "0"), ("nature", "0.3")], c).errors
    assert describe(error, "nl", c, page) == "Optie nature: kies een van deze standen: 0, 0,5 of 1."
    assert describe(error, "en", c, page) == "Option nature: choose one of these levels: 0, 0.5 or 1."
    conflict = FieldError("x", "group_conflict", {"options": ["rail", "road"]})
    assert describe(conflict, "en", c, page).startswith(
        "You can choose only one of these options: Option rail and Option road."
    )


def test_a_language_without_messages_falls_back_to_the_consultations():
    page = advice()
    c = consultation(page, languages=("de", "nl"))
    assert describe(FieldError("rail", "required_level"), "de", c, page).endswith("kies een stand.")


@pytest.mark.parametrize(
    "value, nl, en",
    [
        (1234.5, "1.234,5", "1,234.5"),
        (1000000, "1.000.000", "1,000,000"),
        (-0.5, "-0,5", "-0.5"),
        (2.0, "2", "2"),
        (1e-05, "0,00001", "0.00001"),
    ],
)
def test_numbers_are_written_the_readers_way(value, nl, en):
    assert (format_number(value, "nl"), format_number(value, "en")) == (nl, en)


def test_a_line_break_counts_as_one_character_as_browsers_send_it():
    """Browsers send each line break as CRLF; a text at the limit must not be refused for them."""
    typed = "\r\n".join(["abc"] * 3)  # 9 characters and 2 line breaks as a person counts them: 11
    page = questions(question("remark", "text", max_length=11))
    assert parse(page, [("remark", typed)]).answer["remark"] == "abc\nabc\nabc"
    assert errors(parse(page, [("remark", typed + "x")])) == [("remark", "too_long")]


def test_a_motivation_of_exactly_the_maximum_with_line_breaks_is_kept():
    page = portfolio([option("a", use={"budget": 1})], [BUDGET])
    text_ = "\r\n".join(["x" * 99] * 20) + "x"  # 2,000 characters typed, 2,019 sent
    result = parse_motivation(consultation(page, constraints=[BUDGET]), page, MultiDict([("why-a", text_)]))
    assert result.ok and len(result.answer["a"]) == 2000
