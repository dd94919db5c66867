"""Weighted shares and means of answers that are not choice rows (statements, agree items,
grades, totals per respondent), computed by analysis.shares so every interval in the report comes
from the same design-based formula."""

from __future__ import annotations

import numpy as np
import pandas as pd

from analysis.shares import option_shares
from surveys.answers import DONT_KNOW

AGREE_CATEGORIES = ("disagree", "neutral", "agree", "dont_know")


def indicator_table(values: pd.DataFrame, categories: dict[str, list]) -> pd.DataFrame:
    """Long table of 0/1 indicators: per respondent (index), answered column (option) and
    category (task), choice = 1 when the answer is one of the category's values. Unanswered
    cells are left out."""
    frames = []
    for column in values.columns:
        answered = values[column].dropna().astype(str)
        for category, members in categories.items():
            frames.append(
                pd.DataFrame(
                    {
                        "respondent": answered.index,
                        "task": category,
                        "option": column,
                        "choice": answered.isin([str(m) for m in members]).astype(int).to_numpy(),
                    }
                )
            )
    if not frames:
        return pd.DataFrame(columns=["respondent", "task", "option", "choice"])
    return pd.concat(frames, ignore_index=True)


def agree_shares(
    people: pd.DataFrame, columns: list[str], weights: pd.Series | None, by: pd.Series | None = None
) -> pd.DataFrame:
    """Per agree item (1-5 or don't know): shares disagreeing (1-2), neutral (3), agreeing (4-5)
    and not knowing, among those who answered, with intervals."""
    categories: dict[str, list] = {
        "disagree": [1, 2],
        "neutral": [3],
        "agree": [4, 5],
        "dont_know": [DONT_KNOW],
    }
    values = people[columns].apply(lambda c: c.map(_whole_text))
    return option_shares(indicator_table(values, categories), weights, by)


def mean_of(
    values: pd.Series, name: str, weights: pd.Series | None, by: pd.Series | None = None
) -> pd.DataFrame:
    """Weighted mean of a numeric answer per respondent (index) with its interval."""
    numbers = pd.to_numeric(values, errors="coerce").dropna()
    long = pd.DataFrame(
        {"respondent": numbers.index, "task": name, "option": name, "choice": numbers.to_numpy(dtype=float)}
    )
    return option_shares(long, weights, by)


def weighted_quantiles(values: np.ndarray, weights: np.ndarray, quantiles: list[float]) -> list[float]:
    """Quantiles of values with weights (the smallest value whose cumulative weight reaches q)."""
    order = np.argsort(values, kind="stable")
    cumulative = np.cumsum(weights[order]) / weights.sum()
    return [float(values[order][np.searchsorted(cumulative, q - 1e-12)]) for q in quantiles]


def _whole_text(value):
    """Answers as text, "4" for 4 and 4.0 alike; missing stays missing."""
    if value is None or (isinstance(value, float) and np.isnan(value)) or value is pd.NA:
        return None
    if isinstance(value, (int, float, np.integer, np.floating)) and float(value).is_integer():
        return str(int(value))
    return str(value)
