"""The definition loader fed hostile files (hypothesis): a valid example with one value swapped
for an adversarial one, random YAML, and alias bombs. It returns a consultation or a
DefinitionError whose every problem names its place, and nothing else escapes."""

from __future__ import annotations

import datetime

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from surveys.load import DefinitionError, parse
from surveys.yaml_guard import MAX_VALUES
from tests.conftest import EXAMPLES

EXAMPLE = yaml.safe_load((EXAMPLES / "lelylijn.yaml").read_text(encoding="utf-8"))
HOSTILE = settings(
    max_examples=30,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

LONG = st.builds(lambda char, n: char * n, st.characters(), st.integers(1, 20_000))
WEIRD_TEXT = st.text(
    st.characters(categories=["Cc", "Cf", "Zs", "Lo", "So"], exclude_characters="\x00"), max_size=20
)
SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(10**30), 10**30),
    st.floats(),
    WEIRD_TEXT,
    LONG,
    st.text(max_size=20),
    st.dates(),
    st.sampled_from([".nan", ".inf", "-.inf", "1e400", "0x1F"]),
)
VALUES = st.recursive(
    SCALARS,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4), st.dictionaries(st.one_of(st.text(max_size=10), LONG), inner, max_size=4)
    ),
    max_leaves=20,
)


def paths(node, path=()):
    """Every place in the example's data, as a tuple of keys and indexes."""
    yield path
    items = node.items() if isinstance(node, dict) else enumerate(node) if isinstance(node, list) else ()
    for key, child in items:
        yield from paths(child, (*path, key))


PATHS = list(paths(EXAMPLE))[1:]


def replaced(document, path, value):
    import copy

    changed = copy.deepcopy(document)
    target = changed
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    return changed


def dumped(document) -> str:
    return yaml.safe_dump(document, allow_unicode=True, sort_keys=False)


def assert_refused_or_read(text: str) -> None:
    try:
        parse(text)
    except DefinitionError as error:
        assert error.problems
        for problem in error.problems:
            assert problem.place or about_the_whole_file(text), problem
            assert len(str(problem)) < 1000, str(problem)[:200]


def about_the_whole_file(text: str) -> bool:
    """A problem without a place is allowed only when the file as a whole is wrong: not YAML,
    empty, or not a mapping of keys."""
    try:
        document = yaml.safe_load(text)
    except yaml.YAMLError:
        return True
    return not isinstance(document, dict) or not document


@HOSTILE
@given(path=st.sampled_from(PATHS), value=VALUES)
def test_one_hostile_value_anywhere_in_a_valid_definition(path, value):
    assert_refused_or_read(dumped(replaced(EXAMPLE, path, value)))


@HOSTILE
@given(key=st.one_of(LONG, WEIRD_TEXT.filter(bool)), path=st.sampled_from(PATHS))
def test_an_unknown_key_of_any_length_is_named_and_cut_short(key, path):
    parent = path[:-1]
    target = EXAMPLE
    for step in parent:
        target = target[step]
    if not isinstance(target, dict) or key in target:
        return
    document = replaced(EXAMPLE, (*parent, key), "x") if parent else {**EXAMPLE, key: "x"}
    with pytest.raises(DefinitionError) as refused:
        parse(dumped(document))
    assert all(len(str(problem)) < 1000 for problem in refused.value.problems)


@settings(HOSTILE, max_examples=60)
@given(text=st.one_of(st.text(max_size=200), VALUES.map(dumped)))
def test_random_yaml_is_read_or_refused(text):
    assert_refused_or_read(text)


@settings(max_examples=25, deadline=None, derandomize=True, database=None)
@given(
    width=st.integers(2, 12),
    depth=st.integers(2, 12),
    key=st.sampled_from(["pages", "constraints", "attributes", "versions", "title", "intro", "extra"]),
    merge=st.booleans(),
)
def test_alias_bombs_are_refused_with_their_place(width, depth, key, merge):
    lines = ["b0: &b0 {x: lol}" if merge else "b0: &b0 [lol, lol]"]
    for level in range(1, depth + 1):
        refs = ", ".join([f"*b{level - 1}"] * width)
        lines.append(
            f"b{level}: &b{level} {{<<: [{refs}], k{level}: 1}}" if merge else f"b{level}: &b{level} [{refs}]"
        )
    text = dumped(EXAMPLE) + "\n".join(lines) + f"\n{key}: *b{depth}\n"
    try:
        parse(text)
    except DefinitionError as error:
        expands = width**depth > MAX_VALUES and not merge
        assert not expands or any("aliases (*name)" in p.message and p.place for p in error.problems)


def test_a_billion_laughs_is_refused_with_a_clear_message():
    lines = ['lol0: &l0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    lines += [f"lol{i}: &l{i} [" + ", ".join([f"*l{i - 1}"] * 9) + "]" for i in range(1, 10)]
    text = "\n".join(lines) + "\n" + (EXAMPLES / "lelylijn.yaml").read_text(encoding="utf-8")
    with pytest.raises(DefinitionError, match=r"expand it to more than 100,000 values") as refused:
        parse(text.replace("duration_minutes: 20", "duration_minutes: *l9"))
    assert any(p.place for p in refused.value.problems)


@pytest.mark.parametrize(
    "text, place",
    [
        ("id: x\nintro: &r [*r]\n", "line 2"),
        ("id: x\nmin_age: " + "9" * 5000 + "\n", "line 2"),
        ("id: x\ntitle: " + "[" * 400 + "]" * 400 + "\n", ""),
        ("id: " + "a" * 500 + "\n", "id"),
        ("id: x\n" + "k" * 100_000 + ": 1\n", "line 2"),
        ("id: x\ntitle: {" + "k" * 900 + ": 1}\n", "title.kkkk"),
    ],
)
def test_hostile_structures_are_refused_with_their_place(text, place):
    with pytest.raises(DefinitionError) as refused:
        parse(text)
    assert any(str(p).startswith(place) or place in p.place for p in refused.value.problems)
    assert all(len(str(p)) < 1000 for p in refused.value.problems)


def test_dates_and_long_numbers_are_named_not_crashed():
    document = replaced(EXAMPLE, ("min_age",), datetime.date(2024, 1, 1))
    with pytest.raises(DefinitionError, match="min_age"):
        parse(dumped(document))
