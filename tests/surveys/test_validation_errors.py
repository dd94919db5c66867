"""Malformed definitions: each is rejected with a DefinitionError naming the place and the fix."""

from __future__ import annotations

import copy
import datetime
import re

import pytest
import yaml

from surveys.load import DefinitionError, parse, problems
from surveys.schema import ConsultationReader, read_consultation
from tests.surveys.test_load import VALID

BASE = yaml.safe_load(VALID)
DUMPER = getattr(yaml, "CSafeDumper", yaml.SafeDumper)


def steps(place: str) -> list[str | int]:
    """'pages[2].options[0].use' -> ['pages', 2, 'options', 0, 'use']."""
    return [int(part) if part.isdigit() else part for part in re.findall(r"[^.\[\]]+", place)]


REMOVE = object()


def changing(values: dict) -> str:
    """The valid definition as YAML text, with the value at each place set (or REMOVEd)."""
    return yaml.dump(changed_data(values), Dumper=DUMPER, allow_unicode=True, sort_keys=False)


def changed_data(values: dict) -> dict:
    data = copy.deepcopy(BASE)
    for place, value in values.items():
        *parents, last = steps(place)
        container = data
        for step in parents:
            container = container[step]
        if value is REMOVE:
            del container[last]
        else:
            container[last] = value
    return data


def changed(place: str, value=None, *, remove: bool = False) -> str:
    return changing({place: REMOVE if remove else value})


def version_b(**changes) -> str:
    return changed("versions[1].changes", changes)


CASES = {
    # unknown keys
    "unknown top-level key": (changed("titel", "x"), "titel", 'did you mean "title"?'),
    "unknown page key": (
        changed("pages[2].leftovers", "allowed"),
        "pages[2].leftovers",
        'did you mean "leftover"?',
    ),
    "unknown option key": (
        changed("pages[2].options[0].costs", 1),
        "pages[2].options[0].costs",
        "allowed keys: id, title, description",
    ),
    "unknown question key": (
        changed("pages[0].questions[0].requird", True),
        "pages[0].questions[0].requird",
        'did you mean "required"?',
    ),
    "unknown version key": (
        changed("versions[0].change", {}),
        "versions[0].change",
        'did you mean "changes"?',
    ),
    # duplicate ids
    "duplicate page id": (
        changed("pages[3].id", "advice"),
        "pages[3].id",
        'the id "advice" is already used by pages[2]',
    ),
    "duplicate option id": (
        changed("pages[2].options[1].id", "rail_north"),
        "pages[2].options[1].id",
        "already used by pages[2].options[0]",
    ),
    "question id equal to an option id": (
        changed("pages[2].options[2].id", "age"),
        "pages[2].options[2].id",
        "already used by pages[0].questions[0]",
    ),
    "goal id equal to a statement id": (
        changed("pages[3].goals[1].id", "regions"),
        "pages[3].goals[1].id",
        "already used by pages[1].statements[0]",
    ),
    "duplicate choice id": (
        changed("pages[0].questions[0].choices[1].id", "16-34"),
        "pages[0].questions[0].choices[1].id",
        'the id "16-34" is already',
    ),
    "duplicate constraint id": (
        changed("constraints[1].id", "budget"),
        "constraints[1].id",
        "already used by constraints[0]",
    ),
    "reserved id": (
        changed("pages[0].questions[0].id", "lang"),
        "pages[0].questions[0].id",
        'the id "lang" is reserved',
    ),
    "page named like a page of the platform": (
        changed("pages[0].id", "thanks"),
        "pages[0].id",
        'the id "thanks" is the name of a page of the platform',
    ),
    "attribute named like a choice-table column": (
        changed("attributes[0].id", "budget"),
        "attributes[0].id",
        'the id "budget" would name a column the export\'s choice table already has',
    ),
    "question named like a respondent-table column": (
        changed("pages[0].questions[0].id", "source"),
        "pages[0].questions[0].id",
        'the id "source" would name a column the export\'s respondent table already has',
    ),
    "money not one of the pairs page's attributes": (
        changed("pages[4].money", "price"),
        "pages[4].money",
        '"price" is not one of the page\'s attributes',
    ),
    "reserved prefix": (
        changed("pages[2].options[0].id", "why-rail"),
        "pages[2].options[0].id",
        'the id "why-rail" is reserved',
    ),
    "id not a string": (
        changed("pages[1].statements[0].id", 16),
        "pages[1].statements[0].id",
        "must be an id in quotes, got 16; put it in quotes",
    ),
    "id with a space": (
        changed("pages[2].options[0].id", "rail north"),
        "pages[2].options[0].id",
        '"rail north" is not a valid id',
    ),
    "yes read as true": (
        changed("pages[0].questions[0].choices[0].id", True),
        "pages[0].questions[0].choices[0].id",
        "YAML reads yes, no, on",
    ),
    # references
    "effects naming an unknown attribute": (
        changed("pages[2].options[0].effects.jobs", 5),
        "pages[2].options[0].effects.jobs",
        'unknown attribute "jobs"; known attributes: homes, nature',
    ),
    "use naming an unknown constraint": (
        changed("pages[2].options[0].use.lands", 1),
        "pages[2].options[0].use.lands",
        'unknown constraint "lands"; did you mean "land"?',
    ),
    "pairs naming an unknown attribute": (
        changed("pages[4].attributes[1]", "jobs"),
        "pages[4].attributes[1]",
        'unknown attribute "jobs"',
    ),
    "version changing an unknown option": (
        version_b(rail_west={"use": {"budget": 1}}),
        "versions[1].changes.rail_west",
        'unknown option "rail_west"',
    ),
    "version changing an unknown constraint": (
        version_b(constraints={"money": {"max": 1}}),
        "versions[1].changes.constraints.money",
        'unknown constraint "money"',
    ),
    "version with a non-number use": (
        version_b(rail_north={"use": {"budget": "veel"}}),
        "versions[1].changes.rail_north.use.budget",
        'must be a number, got "veel"',
    ),
    "version making min above max": (
        version_b(constraints={"budget": {"max": 50}}),
        "versions[1].changes.constraints.budget.min",
        "min 100 is above max 50",
    ),
    # types
    "non-number use": (
        changed("pages[2].options[0].use.budget", "veel"),
        "pages[2].options[0].use.budget",
        'must be a number, got "veel"',
    ),
    "bool as a number": (
        changed("pages[2].options[0].use.budget", True),
        "pages[2].options[0].use.budget",
        "must be a number, got true",
    ),
    "mapping where a list belongs": (
        changed("pages[2].options", {"a": 1}),
        "pages[2].options",
        "must be a list, got a mapping",
    ),
    "word where a boolean belongs": (
        changed("pages[2].motivation", "ja"),
        "pages[2].motivation",
        'must be true or false, got "ja"',
    ),
    "min_age out of range": (
        changed("min_age", 150),
        "min_age",
        "must be a whole number from 0 to 120, got 150",
    ),
    "direction not -1, 0 or 1": (
        changed("attributes[0].direction", 2),
        "attributes[0].direction",
        "must be one of -1, 0, 1, got 2",
    ),
    "bad leftover": (
        changed("pages[2].leftover", "must-use-all"),
        "pages[2].leftover",
        'did you mean "must_use_all"?',
    ),
    # texts and languages
    "missing translation": (changed("title", {"nl": "Proef"}), "title", 'has no text in "en"'),
    "undeclared language": (
        changed("title.de", "Probe"),
        "title.de",
        'the language "de" is not declared in languages (nl, en)',
    ),
    "empty text": (
        changed("pages[2].options[0].title", ""),
        "pages[2].options[0].title",
        "must not be empty",
    ),
    "empty text in one language": (
        changed("pages[2].options[0].title.en", " "),
        "pages[2].options[0].title.en",
        "must not be empty",
    ),
    "text given as a list": (
        changed("intro", ["a", "b"]),
        "intro",
        "must be a text or a map of texts per language",
    ),
    "number as text": (
        changed("pages[0].questions[0].choices[0].label", 16),
        "pages[0].questions[0].choices[0].label",
        "got 16; put it in quotes",
    ),
    "languages empty": (changed("languages", []), "languages", "must not be empty"),
    "language listed twice": (
        changed("languages", ["nl", "en", "nl"]),
        "languages[2]",
        '"nl" is listed twice',
    ),
    "language not a code": (
        changed("languages[1]", "English"),
        "languages[1]",
        "must be a two-letter language code",
    ),
    "bad slug": (changed("id", "Ruimte 2050"), "id", "must be a slug for the web address"),
    # required keys
    "missing title": (changed("title", remove=True), "title", "is required"),
    "missing pages": (changed("pages", remove=True), "pages", "is required"),
    "missing option title": (
        changed("pages[2].options[0].title", remove=True),
        "pages[2].options[0].title",
        "is required",
    ),
    "missing constraint label": (
        changed("constraints[0].label", remove=True),
        "constraints[0].label",
        "is required",
    ),
    "missing page type": (
        changed("pages[1].type", remove=True),
        "pages[1].type",
        "is required: one of questions, statements",
    ),
    "missing points total": (changed("pages[3].total", remove=True), "pages[3].total", "is required"),
    # pages and questions
    "bad page type": (changed("pages[1].type", "statement"), "pages[1].type", 'did you mean "statements"?'),
    "empty options": (changed("pages[2].options", []), "pages[2].options", "must not be empty"),
    "choice question without choices": (
        changed("pages[0].questions[0].choices", remove=True),
        "pages[0].questions[0].choices",
        "is required for a choice question",
    ),
    "choices on a number question": (
        changed("pages[0].questions[2].choices", [{"id": "a", "label": "A"}]),
        "pages[0].questions[2].choices",
        'only choice and multi questions have "choices"',
    ),
    "max_length on a choice question": (
        changed("pages[0].questions[0].max_length", 10),
        "pages[0].questions[0].max_length",
        'only text questions have "max_length"',
    ),
    "number question min above max": (
        changed("pages[0].questions[2].min", 30),
        "pages[0].questions[2].min",
        "min 30 is above max 20",
    ),
    "multi min above the number of choices": (
        changed("pages[0].questions[1].min", 4),
        "pages[0].questions[1].min",
        "must be a whole number from 0 to 3, got 4",
    ),
    "unknown question type": (
        changed("pages[0].questions[3].type", "textarea"),
        "pages[0].questions[3].type",
        "must be one of choice, multi",
    ),
    "scale labels not two": (
        changed("pages[0].questions[5].scale_labels", ["a", "b", "c"]),
        "pages[0].questions[5].scale_labels",
        "must have exactly 2 items, got 3",
    ),
    "constraint min above max": (
        changed("constraints[0].min", 600),
        "constraints[0].min",
        "min 600 is above max 500",
    ),
    "constraint without bounds": (
        changed("constraints[1].max", remove=True),
        "constraints[1]",
        "needs max, min or both",
    ),
    "points step not dividing the total": (
        changed("pages[3].step", 7),
        "pages[3].step",
        "7 does not divide total (100) evenly; use one of 1, 2, 4, 5",
    ),
    "points total not positive": (
        changed("pages[3].total", 0),
        "pages[3].total",
        "must be a positive whole number, got 0",
    ),
    # options
    "levels unsorted": (
        changed("pages[2].options[2].levels", [1, 0, -1, 2]),
        "pages[2].options[2].levels",
        "must be in ascending order, like [-1, 0, 1, 2]",
    ),
    "levels repeated": (
        changed("pages[2].options[2].levels", [0, 0, 1, 2]),
        "pages[2].options[2].levels",
        "has 0 more than once",
    ),
    "levels empty": (
        changed("pages[2].options[2].levels", []),
        "pages[2].options[2].levels",
        "must not be empty",
    ),
    "level_labels of another length": (
        changed("pages[2].options[2].level_labels", ["a", "b"]),
        "pages[2].options[2].level_labels",
        "has 2 labels for 4 levels",
    ),
    "default not one of the levels": (
        changed("pages[2].options[2].default", 5),
        "pages[2].options[2].default",
        "5 is not one of the levels [-1, 0, 1, 2]",
    ),
    "two group members starting away from their lowest level": (
        changing({"pages[2].options[0].default": 1, "pages[2].options[1].default": 1}),
        "pages[2].options",
        'options "rail_north" and "rail_south" of group "rail" both start',
    ),
    # pairs
    "pairs variant missing an attribute": (
        changed("pages[4].sets[0][1].nature", remove=True),
        "pages[4].sets[0][1]",
        "has no number for nature",
    ),
    "pairs variant with an extra attribute": (
        changed("pages[4].sets[0][1].jobs", 3),
        "pages[4].sets[0][1].jobs",
        'unknown page attribute "jobs"; known page attributes: homes, nature',
    ),
    "pairs set with one variant": (
        changed("pages[4].sets[1]", [{"homes": 1, "nature": 1}]),
        "pages[4].sets[1]",
        "must have at least 2 items, got 1",
    ),
    # feasibility
    "constraint min out of reach": (
        changed("constraints[0]", {"id": "budget", "label": "Budget", "min": 600, "max": 700}),
        "pages[2]",
        'no choice of levels satisfies constraint "budget" '
        "(min 600, max 700); the options can use at most 380.",
    ),
    "constraint max below what the options must use": (
        changed("pages[2].options[3].use.budget", 700),
        "pages[2]",
        "the options use at least 600. Raise max",
    ),
    "must_use_all with no exact total": (
        changing(
            {
                "pages[2].leftover": "must_use_all",
                "constraints[0].max": 375,
                "constraints[1].max": 5,
                "versions": [],
            }
        ),
        "pages[2]",
        "(max 375, to be used exactly: leftover is must_use_all); "
        "the totals the options can reach skip it: the nearest "
        "are 370 and 380.",
    ),
    "infeasible in one version only": (
        version_b(parks={"use": {"budget": 1000}}),
        "pages[2]",
        'in version "B", no choice of levels satisfies constraint '
        '"budget" (min 100, max 500); the options use at least 900.',
    ),
    # the file itself
    "YAML syntax error": ("id: x\ntitle: [a, b\nlanguages: [nl]\n", "line 3, column 10", "YAML syntax error"),
    "tab indentation": ("id: x\n\ttitle: a\n", "line 2, column 1", "YAML syntax error"),
    "key repeated in YAML": (
        VALID.replace("min_age: 16\n", "min_age: 16\nmin_age: 18\n"),
        "line 8, column 1",
        'the key "min_age" appears twice in this mapping (first at line 7, column 1)',
    ),
    "top level not a mapping": ("- id: x\n- title: y\n", "", "the file must be a mapping of keys"),
    "empty file": ("", "", "the file is empty"),
    "only comments": ("# nothing yet\n", "", "the file is empty"),
    "date where a text belongs": (
        changed("intro", datetime.date(2024, 1, 1)),
        "intro",
        "a date (2024-01-01); put it in quotes",
    ),
}


@pytest.mark.parametrize("text, place, fragment", CASES.values(), ids=CASES.keys())
def test_rejected_with_place_and_fix(text, place, fragment):
    with pytest.raises(DefinitionError) as raised:
        parse(text, source="case.yaml")
    found = raised.value.problems
    assert any(p.place == place and fragment in p.message for p in found), "\n".join(map(str, found))
    assert all(line.startswith("case.yaml: ") for line in str(raised.value).splitlines())


def test_the_base_definition_is_valid():
    assert problems(changed("title", BASE["title"])) == []


def test_every_problem_is_reported_at_once():
    text = changed("titel", "x").replace("min_age: 16", "min_age: -1").replace("step: 5", "step: 7")
    assert [p.place for p in problems(text)] == ["titel", "min_age", "pages[3].step"]


def test_constraints_that_cannot_hold_together():
    # budget and land are each reachable alone, but land 3..4 needs housing at 2 (budget 200)
    # while the budget allows at most 150
    text = changing(
        {
            "constraints": [
                {"id": "budget", "label": "Budget", "max": 150},
                {"id": "land", "label": "Land", "min": 3, "max": 4},
            ],
            "versions": [],
        }
    )
    assert [str(p) for p in problems(text)] == [
        'pages[2]: no choice of levels satisfies constraints "budget" and "land" at the same '
        "time, though each can be satisfied alone. Loosen one of them or change the options' use."
    ]


ODD_VALUES = (None, [], {}, "x", True)


def places(node, place=""):
    """Every place in a parsed definition, as the reader names them."""
    items = node.items() if isinstance(node, dict) else enumerate(node) if isinstance(node, list) else ()
    for key, child in items:
        child_place = f"{place}[{key}]" if isinstance(key, int) else (f"{place}.{key}" if place else key)
        yield child_place
        yield from places(child, child_place)


def test_any_odd_value_anywhere_gives_problems_never_a_traceback():
    # read the data directly: YAML's own part is covered above, and this way it runs in seconds
    # siblings of the same kind are read alike: the first of each list stands for the rest,
    # except pages and questions, whose types differ
    first_of_each = [
        place for place in places(BASE) if not re.search(r"(?<!pages)(?<!questions)\[[1-9]", place)
    ]
    for place in first_of_each:
        for value in ODD_VALUES:
            reader = ConsultationReader()
            consultation = read_consultation(reader, changed_data({place: value}))
            assert (consultation is None) == bool(reader.problems), (place, value)
