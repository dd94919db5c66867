"""Generated design versions: reproducible, balanced, little correlated, and valid definitions."""

from __future__ import annotations

from collections import Counter

import numpy as np
import pytest
import yaml

from surveys.design_versions import Varied, balanced_versions
from surveys.load import parse
from tests.conftest import EXAMPLES

VARIED = [
    Varied("lelylijn_fast", "use", "budget", (1800, 2200, 2600)),
    Varied("route_zwolle", "use", "budget", (1500, 1800, 2100)),
    Varied("roads", "use", "budget", (300, 500)),
]


def test_the_same_seed_gives_the_same_versions_and_another_seed_others():
    assert balanced_versions(VARIED, 6, seed=3).versions == balanced_versions(VARIED, 6, seed=3).versions
    assert balanced_versions(VARIED, 6, seed=3).versions != balanced_versions(VARIED, 6, seed=4).versions


def test_each_value_appears_equally_often():
    design = balanced_versions(VARIED, 6, seed=1)
    for column, varied in enumerate(VARIED):
        counts = Counter(row[column] for row in design.table)
        assert set(counts) == set(varied.values) and len(set(counts.values())) == 1


def test_the_varied_numbers_are_little_correlated():
    design = balanced_versions(VARIED, 12, seed=0)
    table = np.array(design.table, dtype=float)
    correlations = np.corrcoef(table.T)
    assert np.abs(correlations[np.triu_indices(3, 1)]).max() == pytest.approx(design.largest_correlation)
    assert design.largest_correlation < 0.2


def test_the_versions_make_a_valid_definition():
    data = yaml.safe_load((EXAMPLES / "lelylijn.yaml").read_text(encoding="utf-8"))
    data["versions"] = balanced_versions(VARIED, 6, seed=0).versions
    consultation = parse(yaml.safe_dump(data, allow_unicode=True, sort_keys=False))
    assert [v.id for v in consultation.versions] == ["v1", "v2", "v3", "v4", "v5", "v6"]
    budgets = {
        consultation.for_version(v.id).page("investments").option("roads").use["budget"]
        for v in consultation.versions
    }
    assert budgets == {300, 500}


def test_nothing_to_vary_is_refused():
    with pytest.raises(ValueError, match="at least one"):
        balanced_versions([], 4)
