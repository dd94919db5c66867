"""A valid definition becomes the expected objects; versions, hashes, files and the examples."""

from __future__ import annotations

import random
import re
from pathlib import Path

import pytest

from surveys import feasibility
from surveys.definition import (
    Choice,
    Constraint,
    Consultation,
    Option,
    PairsPage,
    PointsPage,
    PortfolioPage,
    QuestionsPage,
    StatementsPage,
    Text,
)
from surveys.feasibility import feasible_level_vectors, infeasibility
from surveys.load import (
    DefinitionError,
    Problem,
    definition_hash,
    load,
    parse,
    problems,
)
from surveys.schema import SHAPES
from surveys.versions import apply_version, constraints_used

ROOT = Path(__file__).resolve().parents[2]

VALID = """\
id: proef-2050
languages: [nl, en]
title: {nl: Proefraadpleging, en: Test consultation}
intro: {nl: Een proef., en: A test.}
privacy: {nl: We bewaren geen namen., en: We keep no names.}
thanks: {nl: Bedankt!, en: Thank you!}
min_age: 16
duration_minutes: 15
attributes:
  - {id: homes, label: {nl: Woningen, en: Homes}, unit: {nl: woningen, en: homes}, direction: 1}
  - {id: nature, label: {nl: Natuur, en: Nature}, unit: ha}
constraints:
  - {id: budget, label: Budget, unit: mln euro, max: 500, min: 100}
  - {id: land, label: {nl: Grond, en: Land}, unit: km2, max: 10}
pages:
  - id: about_you
    type: questions
    title: {nl: Over u, en: About you}
    questions:
      - id: age
        type: choice
        label: {nl: Leeftijd, en: Age}
        required: true
        choices:
          - {id: "16-34", label: "16-34"}
          - {id: "35+", label: "35+"}
      - id: topics
        type: multi
        label: {nl: Onderwerpen, en: Topics}
        choices:
          - {id: housing, label: {nl: Wonen, en: Housing}}
          - {id: transport, label: {nl: Vervoer, en: Transport}}
          - {id: water, label: Water}
        min: 1
        max: 2
      - {id: household, type: number, label: {nl: Huishouden, en: Household}, min: 1, max: 20,
         integer: true}
      - {id: remarks, type: text, label: {nl: Opmerkingen, en: Remarks}, max_length: 500}
      - {id: postcode, type: postcode4, label: Postcode}
      - {id: grade, type: scale, label: {nl: Cijfer, en: Grade},
         scale_labels: [{nl: slecht, en: bad}, {nl: goed, en: good}]}
      - {id: trust, type: agree, label: {nl: Ik vertrouw dit, en: I trust this},
         help: {nl: Eerlijk zeggen, en: Be honest}}
  - id: values
    type: statements
    required: true
    statements:
      - {id: regions, text: {nl: Bescherm de regio's, en: Protect the regions}}
  - id: advice
    type: portfolio
    leftover: allowed
    motivation: true
    options:
      - id: rail_north
        title: {nl: Spoor Noord, en: Rail North}
        description: {nl: Een nieuwe lijn, en: A new line}
        pros: [{nl: Snel, en: Fast}]
        cons: [{nl: Duur, en: Expensive}]
        use: {budget: 120}
        effects: {homes: 1000}
        group: rail
      - id: rail_south
        title: {nl: Spoor Zuid, en: Rail South}
        use: {budget: 150, land: 2}
        group: rail
      - id: housing
        title: {nl: Wonen, en: Housing}
        levels: [-1, 0, 1, 2]
        level_labels: [{nl: minder, en: less}, {nl: gelijk, en: same}, {nl: meer, en: more},
                       {nl: veel meer, en: much more}]
        use: {budget: 100, land: 1.5}
        effects: {homes: 20000, nature: -50}
      - id: parks
        title: {nl: Parken, en: Parks}
        levels: [1, 2, 3]
        use: {budget: 10}
  - id: goals
    type: points
    total: 100
    step: 5
    goals:
      - {id: speed, title: {nl: Snelheid, en: Speed}}
      - {id: green, title: {nl: Groen, en: Green}, description: {nl: Meer bomen, en: More trees}}
  - id: variants
    type: pairs
    attributes: [homes, nature]
    opt_out: {nl: Geen van beide, en: Neither}
    sets:
      - [{homes: 100, nature: 5}, {homes: 200, nature: 1}]
      - [{homes: 150, nature: 3}, {homes: 50, nature: 8}]
versions:
  - id: A
    changes: {}
  - id: B
    changes:
      rail_north: {use: {budget: 90}, effects: {nature: -5}}
      constraints: {budget: {max: 450}}
"""


@pytest.fixture(scope="module")
def consultation():
    return parse(VALID)


def test_top_level_and_texts(consultation):
    assert consultation.id == "proef-2050"
    assert consultation.languages == ("nl", "en")
    assert consultation.title == Text(by_lang={"nl": "Proefraadpleging", "en": "Test consultation"})
    assert consultation.text(consultation.title, "en") == "Test consultation"
    assert (consultation.min_age, consultation.duration_minutes) == (16, 15)
    assert consultation.version_id is None
    assert [type(page) for page in consultation.pages] == [
        QuestionsPage,
        StatementsPage,
        PortfolioPage,
        PointsPage,
        PairsPage,
    ]


def test_a_plain_string_is_the_same_text_in_every_language(consultation):
    postcode = consultation.page("about_you").questions[4]
    assert postcode.label == Text(neutral="Postcode")
    assert consultation.text(postcode.label, "en") == "Postcode"
    assert consultation.constraint("budget").unit == Text(neutral="mln euro")


def test_questions(consultation):
    age, topics, household, remarks, postcode, grade, trust = consultation.page("about_you").questions
    assert age.required and age.choices[1] == Choice("35+", Text(neutral="35+"))
    assert (topics.type, topics.min, topics.max, topics.required) == ("multi", 1, 2, False)
    assert (household.integer, household.max) == (True, 20)
    assert (remarks.max_length, postcode.max_length) == (500, 2000)
    assert grade.scale_labels[1] == Text(by_lang={"nl": "goed", "en": "good"})
    assert trust.help.get("en") == "Be honest"


def test_options_and_their_defaults(consultation):
    advice = consultation.page("advice")
    rail_north, rail_south, housing, parks = advice.options
    assert rail_north.levels == (0, 1) and rail_north.is_toggle and rail_north.default == 0
    assert rail_north.pros == (Text(by_lang={"nl": "Snel", "en": "Fast"}),)
    assert (rail_north.group, rail_south.group, housing.group) == ("rail", "rail", None)
    assert housing.use == {"budget": 100, "land": 1.5}
    assert housing.effects == {"homes": 20000, "nature": -50}
    assert (housing.levels, housing.default, len(housing.level_labels)) == ((-1, 0, 1, 2), 0, 4)
    assert parks.default == 1  # no level 0: the lowest
    assert (advice.leftover, advice.motivation, advice.randomize) == ("allowed", True, True)
    assert advice.constraints == ("budget", "land")


def test_points_pairs_and_statements(consultation):
    goals, variants = consultation.page("goals"), consultation.page("variants")
    assert (goals.total, goals.step, goals.must_use_all, len(goals.goals)) == (100, 5, True, 2)
    assert variants.attributes == ("homes", "nature")
    assert variants.sets[1] == ({"homes": 150, "nature": 3}, {"homes": 50, "nature": 8})
    assert variants.required and variants.opt_out.get("nl") == "Geen van beide"
    assert consultation.page("values").required


def test_portfolio_constraints_are_those_its_options_use_in_file_order():
    text = VALID.replace("use: {budget: 150, land: 2}", "use: {budget: 150}").replace(
        "use: {budget: 100, land: 1.5}", "use: {budget: 100}"
    )
    assert parse(text).page("advice").constraints == ("budget",)


def test_a_version_overrides_use_effects_and_constraints_per_key(consultation):
    version = apply_version(consultation, "B")
    rail_north = version.page("advice").options[0]
    assert version.version_id == "B"
    assert rail_north.use == {"budget": 90}
    assert rail_north.effects == {"homes": 1000, "nature": -5}
    assert version.constraint("budget").max == 450 and version.constraint("budget").min == 100
    assert version.page("advice").options[2] == consultation.page("advice").options[2]
    # the original is unchanged
    assert consultation.page("advice").options[0].use == {"budget": 120}
    assert consultation.constraint("budget").max == 500 and consultation.version_id is None


def test_a_version_that_adds_a_use_adds_the_constraint_to_the_page():
    text = VALID.replace("constraints: {budget: {max: 450}}", "parks: {use: {land: 1}}")
    version = parse(text).for_version("B")
    assert version.page("advice").options[3].use == {"budget": 10, "land": 1}
    assert version.page("advice").constraints == ("budget", "land")


def test_apply_version_none_empty_and_unknown(consultation):
    assert apply_version(consultation, None) is consultation
    empty = consultation.for_version("A")
    assert empty.version_id == "A" and empty.pages == consultation.pages
    with pytest.raises(KeyError):
        apply_version(consultation, "Z")


def test_definition_hash_is_stable_and_exact():
    assert definition_hash(VALID) == definition_hash(str(VALID))
    assert re.fullmatch(r"[0-9a-f]{64}", definition_hash(VALID))
    assert definition_hash(VALID) != definition_hash(VALID + "\n")


def test_load_reads_a_file(tmp_path):
    path = tmp_path / "proef.yaml"
    path.write_text(VALID, encoding="utf-8")
    assert load(path) == parse(VALID)


def test_load_names_the_file_in_every_problem(tmp_path):
    path = tmp_path / "broken.yaml"
    path.write_text(VALID.replace("min_age: 16", "min_age: zestien"), encoding="utf-8")
    with pytest.raises(DefinitionError) as raised:
        load(path)
    assert raised.value.source == str(path)
    assert str(raised.value) == f'{path}: min_age: must be a whole number from 0 to 120, got "zestien"'


def test_an_unreadable_file_is_a_definition_error(tmp_path):
    with pytest.raises(DefinitionError, match="cannot read the file"):
        load(tmp_path / "missing.yaml")
    (tmp_path / "latin1.yaml").write_bytes("title: caf\xe9".encode("latin-1"))
    with pytest.raises(DefinitionError, match="cannot read the file"):
        load(tmp_path / "latin1.yaml")


def test_problem_str():
    assert str(Problem("pages[2].id", "is required")) == "pages[2].id: is required"
    assert str(Problem("", "the file is empty")) == "the file is empty"


def without_versions(text: str) -> str:
    return text[: text.index("versions:")]


def test_exact_arithmetic_in_the_feasibility_check():
    # 0.1 + 0.2 is 0.30000000000000004 in floats; must_use_all demands exactly 0.3
    text = (
        without_versions(VALID)
        .replace("max: 10}", "max: 0.3}")
        .replace("    leftover: allowed\n", "    leftover: must_use_all\n")
        .replace("use: {budget: 150, land: 2}", "use: {budget: 150, land: 0.1}")
        .replace("use: {budget: 100, land: 1.5}", "use: {budget: 100, land: 0.2}")
        .replace("max: 500, min: 100", "max: 260, min: 0")
    )
    assert problems(text) == []


def test_groups_allow_only_one_member_away_from_its_lowest_level():
    # budget 250..500 is only reachable with both rail options (270); the group forbids that
    text = (
        without_versions(VALID)
        .replace("max: 500, min: 100", "max: 500, min: 250")
        .replace("use: {budget: 100, land: 1.5}", "use: {budget: 0, land: 1.5}")
        .replace("use: {budget: 10}", "use: {budget: 0}")
    )
    assert [str(p) for p in problems(text)] == [
        'pages[2]: no choice of levels satisfies constraint "budget" (min 250, max 500); the '
        "options can use at most 150. Lower min or raise the options' use."
    ]
    assert problems(text.replace("        group: rail\n", "")) == []


def random_page(rng: random.Random) -> tuple[PortfolioPage, tuple[Constraint, ...]]:
    """A small portfolio page with random levels, uses, groups, bounds and leftover rule."""
    constraints = []
    for constraint_id in ("budget", "land"):
        high = rng.choice([None, 0, 1, 2.5, 4, 7])
        low = rng.choice([None, -2, 0, 0.3, 1, 3]) if high is not None else rng.choice([-1, 0, 2])
        if low is not None and high is not None and low > high:
            low, high = high, low
        constraints.append(Constraint(constraint_id, Text(neutral=constraint_id), max=high, min=low))
    options = tuple(
        Option(
            f"o{index}",
            Text(neutral="o"),
            levels=tuple(sorted(rng.sample([-2, -1, 0, 0.5, 1, 2], rng.randint(1, 3)))),
            use={c.id: rng.choice([-1, 0.1, 0.2, 1, 2, 3]) for c in constraints if rng.random() < 0.7},
            group=rng.choice([None, None, "g", "h"]),
        )
        for index in range(rng.randint(1, 5))
    )
    page = PortfolioPage(
        "p",
        options,
        leftover=rng.choice(["allowed", "must_use_all"]),
        constraints=constraints_used(options, ("budget", "land")),
    )
    return page, tuple(constraints)


def has_feasible_advice(page: PortfolioPage, constraints: tuple[Constraint, ...]) -> bool:
    """The answer of the feasibility module, which checks respondents' advice."""
    consultation = Consultation("t", ("nl",), Text(neutral="t"), constraints=constraints, pages=(page,))
    return len(feasible_level_vectors(consultation, page)) > 0


def test_the_validator_agrees_with_the_feasibility_module():
    rng = random.Random(2050)
    verdicts = set()
    for _ in range(400):
        page, constraints = random_page(rng)
        feasible = has_feasible_advice(page, constraints)
        assert (infeasibility(page, constraints) == []) == feasible, (page, constraints)
        verdicts.add(feasible)
    assert verdicts == {True, False}


def test_without_listing_totals_only_true_infeasibility_is_reported(monkeypatch):
    monkeypatch.setattr(feasibility, "REACHABLE_LIMIT", 1)
    rng = random.Random(16)
    reported = 0
    for _ in range(400):
        page, constraints = random_page(rng)
        if infeasibility(page, constraints):
            reported += 1
            assert not has_feasible_advice(page, constraints), (page, constraints)
    assert reported


EXAMPLES = sorted((ROOT / "surveys" / "examples").glob("*.yaml"))


@pytest.mark.parametrize("path", EXAMPLES, ids=[path.name for path in EXAMPLES])
def test_each_example_loads_without_problems(path):
    assert problems(path.read_text(encoding="utf-8")) == []
    assert load(path).pages


def test_every_key_of_the_format_is_documented():
    documentation = (ROOT / "docs" / "format.md").read_text(encoding="utf-8")
    undocumented = [
        f"{shape}: {key}" for shape, keys in SHAPES.items() for key in keys if f"`{key}`" not in documentation
    ]
    assert undocumented == []


def test_the_documented_example_is_valid():
    documentation = (ROOT / "docs" / "format.md").read_text(encoding="utf-8")
    example = re.search(r"## A complete example\n.*?```yaml\n(.*?)```", documentation, re.S)
    assert problems(example.group(1)) == []
