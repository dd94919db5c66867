"""Option order per respondent and balanced assignment of design versions."""

import collections
import random

import pytest

from surveys.ordering import assign_version, option_order
from tests.surveys.builders import consultation, option, pairs, points, portfolio

IDS = [f"o{i}" for i in range(8)]


@pytest.mark.parametrize("page", [portfolio([option(i) for i in IDS]), points(IDS)])
def test_order_is_a_permutation_and_fixed_by_the_seed(page):
    orders = [option_order(page, random.Random(seed)) for seed in range(20)]
    assert all(sorted(order) == sorted(IDS) for order in orders)
    assert option_order(page, random.Random(7)) == orders[7]
    assert len({tuple(order) for order in orders}) > 1


@pytest.mark.parametrize(
    "page", [portfolio([option(i) for i in IDS], randomize=False), points(IDS, randomize=False)]
)
def test_order_is_the_definitions_when_not_randomised(page):
    assert option_order(page, random.Random(1)) == IDS


def test_only_pages_with_options_have_an_order():
    with pytest.raises(TypeError, match="variants"):
        option_order(pairs(), random.Random(1))


def test_no_versions_means_no_version():
    assert assign_version(consultation(), {}, random.Random(1)) is None


def test_a_version_with_the_fewest_respondents_is_assigned():
    c = consultation(versions=["A", "B", "C"])
    assert assign_version(c, {"A": 5, "B": 3, "C": 4}, random.Random(1)) == "B"
    assert assign_version(c, {"A": 5, "C": 4}, random.Random(1)) == "B"  # none yet
    assert assign_version(c, {"A": 1, "B": 1, "C": 1, "old": 0}, random.Random(1)) in "ABC"


def test_assignment_stays_balanced_and_breaks_ties_at_random():
    c = consultation(versions=["A", "B", "C"])
    rng = random.Random(42)
    counts = collections.Counter()
    firsts = collections.Counter()
    for draw in range(1000):
        version = assign_version(c, counts, rng)
        if draw % 3 == 0:
            firsts[version] += 1
        counts[version] += 1
        assert max(counts.values()) - min(counts[v] for v in "ABC") <= 1
    assert sorted(counts.values()) == [333, 333, 334]
    assert set(firsts) == {"A", "B", "C"}  # each round may start with any version
