"""The respondents' weights for a report: raked to margins, read from a file, or none; with the
numbers the report shows about them (sample against population, design effect, effective n)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from analysis.weighting import WeightingError, kish_design_effect, load_margins, rake


@dataclass
class Weighting:
    """`weights` indexed by respondent (mean 1), or None; `margins` per variable and category:
    population share, sample share, weighted share (when raked)."""

    weights: pd.Series | None
    method: str  # "none", "margins" or "file"
    source: str | None = None
    margins: pd.DataFrame | None = None
    trimmed: int = 0

    def numbers(self) -> dict:
        """The weighting's numbers for results.json."""
        if self.weights is None:
            return {"method": "none"}
        w = self.weights.to_numpy(dtype=float)
        deff = kish_design_effect(w)
        return {
            "method": self.method,
            "source": self.source,
            "design_effect": deff,
            "effective_n": len(w) / deff,
            "weight_min": float(w.min()),
            "weight_max": float(w.max()),
            "trimmed": self.trimmed,
            "variables": [] if self.margins is None else list(dict.fromkeys(self.margins["variable"])),
        }


def weigh(
    respondents: pd.DataFrame,
    margins: str | Path | None = None,
    weights: str | Path | None = None,
    trim: tuple[float | None, float | None] = (None, None),
) -> Weighting:
    """Rake `respondents` (a table with a `respondent` column) to the margins in a YAML file, or
    read `respondent,weight` from a CSV file, or leave them unweighted."""
    if margins is not None and weights is not None:
        raise WeightingError("give either margins to rake to or a weights file, not both")
    people = respondents.set_index("respondent")
    if margins is not None:
        result = rake(people, load_margins(margins), trim=trim)
        table = result.margin_errors.rename(columns={"target": "population", "achieved": "weighted"})
        table["sample"] = [_share(people[v], c) for v, c in zip(table["variable"], table["category"])]
        bounds = [b for b in trim if b is not None]
        trimmed = int(np.isin(np.round(result.weights, 9), np.round(bounds, 9)).sum()) if bounds else 0
        return Weighting(
            result.weights,
            "margins",
            str(margins),
            table[["variable", "category", "population", "sample", "weighted"]],
            trimmed,
        )
    if weights is not None:
        return Weighting(read_weights(weights, people.index), "file", str(weights))
    return Weighting(None, "none")


def _share(column: pd.Series, category: str) -> float:
    return float((column.astype(str) == category).mean())


def read_weights(path: str | Path, respondents: pd.Index) -> pd.Series:
    """`respondent,weight` from a CSV file, rescaled to mean 1 over `respondents`, every one of
    whom must have a weight."""
    try:
        table = pd.read_csv(path, dtype={"respondent": str})
    except (OSError, UnicodeDecodeError, pd.errors.ParserError, pd.errors.EmptyDataError) as error:
        raise WeightingError(f"{path}: cannot read the weights ({error})") from error
    if not {"respondent", "weight"} <= set(table.columns):
        raise WeightingError(f"{path}: needs the columns respondent and weight (as `pwe weight` writes them)")
    weights = pd.to_numeric(table.set_index("respondent")["weight"], errors="coerce")
    weights = weights.reindex(respondents.astype(str))
    bad = weights.isna() | ~(weights >= 0)
    if bad.any():
        shown = ", ".join(weights.index[bad][:5])
        raise WeightingError(
            f"{path}: {int(bad.sum())} respondents have no valid weight (e.g. "
            f"{shown}); give every respondent a number of at least 0"
        )
    weights.index = respondents
    return (weights / weights.mean()).rename("weight")
