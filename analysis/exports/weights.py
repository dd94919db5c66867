"""Read a `respondent,weight` file (as `pwe weight` writes it) for an export's weight column."""

from __future__ import annotations

import csv
import math
from pathlib import Path

import pandas as pd


class WeightsFileError(ValueError):
    """The weights file cannot be used; the message names the file, the respondent and the fix."""


def read_weights(path: str | Path) -> dict[str, float]:
    """{respondent: weight}; every weight a finite number >= 0, every respondent once."""
    try:
        table = pd.read_csv(path, dtype=str, keep_default_na=False, sep=None, engine="python")
    except (OSError, UnicodeDecodeError, pd.errors.ParserError, pd.errors.EmptyDataError, csv.Error) as error:
        raise WeightsFileError(f"{path}: cannot read the weights file ({error})") from error
    if not {"respondent", "weight"} <= set(table.columns):
        raise WeightsFileError(
            f"{path}: needs the columns respondent and weight (as `pwe weight` writes them)"
        )
    weights: dict[str, float] = {}
    for line, (respondent, text) in enumerate(zip(table["respondent"], table["weight"]), start=2):
        if respondent in weights:
            raise WeightsFileError(
                f"{path}, line {line}: respondent {respondent} appears twice; keep one weight per respondent"
            )
        try:
            value = float(text.replace(",", ".") if text.count(",") == 1 else text)
        except ValueError:
            value = math.nan
        if not math.isfinite(value) or value < 0:
            raise WeightsFileError(
                f"{path}, line {line}: the weight of respondent {respondent} "
                f"is {text!r}; a weight is a number of 0 or more"
            )
        weights[respondent] = value
    if weights and not any(weights.values()):
        raise WeightsFileError(f"{path}: every weight is 0; make the weights again (pwe weight)")
    return weights
