"""Design versions generated from a seed: chosen costs and effects vary over given values, each
value equally often, with low correlation between the varied numbers, so the value weights they
are meant to identify can be told apart.

The result is the definition's `versions` list ({id, changes}), as surveys.load reads it.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import combinations
from typing import Literal

import numpy as np

from surveys.definition import Number

# what a varied number is: an option's use of a constraint or its effect on an attribute
VariedKind = Literal["use", "effects"]

# random balanced assignments tried; the least correlated one is kept
TRIES = 500


@dataclass(frozen=True)
class Varied:
    """One number that differs between versions: an option's use of a constraint or effect on
    an attribute, taking each of `values`."""

    option: str
    kind: VariedKind
    key: str
    values: tuple[Number, ...]

    @property
    def name(self) -> str:
        return f"{self.option}.{self.kind}.{self.key}"


@dataclass(frozen=True)
class Design:
    versions: list[dict]
    table: list[list[Number]]  # one row per version, one column per varied number
    largest_correlation: float  # largest absolute correlation between two varied numbers


def balanced_versions(varied: list[Varied], count: int, seed: int = 0, prefix: str = "v") -> Design:
    """`count` versions; the same seed gives the same versions. Each varied number takes each of
    its values equally often (as nearly as `count` allows)."""
    if not varied:
        raise ValueError("choose at least one cost or effect to vary")
    if count < 2:
        raise ValueError("make at least 2 versions")
    rng = np.random.default_rng(seed)
    tries = (
        np.array([rng.permutation(np.resize(np.arange(len(v.values)), count)) for v in varied])
        for _ in range(TRIES)
    )
    # min keeps the first of equally good assignments
    best = min(tries, key=lambda levels: _largest_correlation(varied, levels))
    best_score = _largest_correlation(varied, best)
    table = [[varied[j].values[best[j, i]] for j in range(len(varied))] for i in range(count)]
    width = len(str(count))
    versions = [
        {"id": f"{prefix}{i + 1:0{width}d}", "changes": _changes(varied, row)} for i, row in enumerate(table)
    ]
    return Design(versions, table, float(best_score))


def _largest_correlation(varied: list[Varied], levels: np.ndarray) -> float:
    numbers = np.array([[float(v.values[k]) for k in row] for v, row in zip(varied, levels)])
    largest = 0.0
    for a, b in combinations(range(len(varied)), 2):
        if numbers[a].std() == 0 or numbers[b].std() == 0:
            continue
        largest = max(largest, abs(float(np.corrcoef(numbers[a], numbers[b])[0, 1])))
    return largest


def _changes(varied: list[Varied], row: list[Number]) -> dict:
    changes: dict = {}
    for v, value in zip(varied, row):
        changes.setdefault(v.option, {}).setdefault(v.kind, {})[v.key] = value
    return changes
