"""Weighting respondents to population margins: raking (iterative proportional fitting) with
optional trimming, and the diagnostics an analyst reports with it.

Margins are population shares per category of a background variable, e.g. CBS shares for age,
gender, education and province. Raking runs until the largest *relative* margin error is below
`tol` (R's survey::rake stops far earlier by default), so the weights equal a converged
survey::rake. Every problem that stops raking raises `WeightingError` saying what to fix.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import yaml

Margins = dict[str, dict[str, float]]

SHARE_SUM_TOLERANCE = 0.005  # margins rounded to 3 decimals may sum to 0.997 .. 1.003
MISSING = "(missing)"


class WeightingError(ValueError):
    """Raking cannot proceed or did not succeed; the message says what to change."""


def load_margins(path: str | Path) -> Margins:
    """Read margins from YAML `{variable: {category: population share}}`; categories become strings."""
    try:
        data = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as error:
        raise WeightingError(f"{path}: cannot read the margins file ({error})") from error
    if not isinstance(data, Mapping) or not data:
        raise WeightingError(
            f"{path}: expected a mapping {{variable: {{category: share}}}}, "
            f"e.g. 'gender: {{female: 0.5, male: 0.5}}'"
        )
    margins: Margins = {}
    for variable, shares in data.items():
        if not isinstance(shares, Mapping) or not shares:
            raise WeightingError(
                f"{path}: margin '{variable}' must map each category to its "
                f"population share, e.g. '{variable}: {{a: 0.4, b: 0.6}}'"
            )
        margins[str(variable)] = {}
        for category, share in shares.items():
            if isinstance(category, bool) or category is None:
                raise WeightingError(
                    f"{path}: a category of '{variable}' reads as {category} "
                    f"(YAML takes yes/no/on/off/null as such); put it in "
                    f"quotes, e.g. 'no': 0.8"
                )
            if isinstance(share, bool) or not isinstance(share, (int, float)):
                raise WeightingError(
                    f"{path}: share of {variable}={category} is {share!r}; give a number between 0 and 1"
                )
            margins[str(variable)][_category_label(category)] = float(share)
    return margins


@dataclass(frozen=True)
class RakeResult:
    """Raked weights (mean 1) with the diagnostics to report alongside them."""

    weights: pd.Series
    iterations: int
    converged: bool
    max_margin_error: float
    margin_errors: pd.DataFrame
    trim: tuple[float | None, float | None]
    notes: tuple[str, ...] = ()

    @property
    def design_effect(self) -> float:
        """Kish's design effect of unequal weights, n * sum(w^2) / (sum w)^2."""
        return kish_design_effect(self.weights.to_numpy())

    @property
    def effective_n(self) -> float:
        """The sample size an unweighted sample of the same precision would need: n / deff."""
        return len(self.weights) / self.design_effect

    @property
    def weight_min(self) -> float:
        return float(self.weights.min())

    @property
    def weight_max(self) -> float:
        return float(self.weights.max())

    def summary(self) -> str:
        """The diagnostics as a plain-text table."""
        low, high = self.trim
        bounds = "none" if low is None and high is None else f"{low or 0:g} .. {high or math.inf:g}"
        lines = [
            f"respondents         {len(self.weights)}",
            f"iterations          {self.iterations}",
            f"converged           {'yes' if self.converged else 'NO'}",
            f"max margin error    {self.max_margin_error:.2e} (relative)",
            f"trim bounds         {bounds} (x mean weight)",
            f"weight range        {self.weight_min:.4f} .. {self.weight_max:.4f}",
            f"design effect       {self.design_effect:.4f} (Kish)",
            f"effective n         {self.effective_n:.1f}",
            "",
            self.margin_errors.to_string(index=False, float_format=lambda x: f"{x:.6g}"),
        ]
        return "\n".join(lines + [f"Note: {note}" for note in self.notes])


def kish_design_effect(weights: np.ndarray) -> float:
    """n * sum(w^2) / (sum w)^2: 1 for equal weights, larger the more unequal they are."""
    weights = np.asarray(weights, dtype=float)
    return float(len(weights) * np.sum(weights**2) / np.sum(weights) ** 2)


def rake(
    respondents: pd.DataFrame,
    margins: Mapping[str, Mapping[str, float]],
    *,
    base_weights: pd.Series | np.ndarray | None = None,
    tol: float = 1e-8,
    max_iter: int = 1000,
    trim: tuple[float | None, float | None] = (None, None),
    keep_missing: bool = False,
    share_tolerance: float = SHARE_SUM_TOLERANCE,
) -> RakeResult:
    """Rake `respondents` to `margins` until the largest relative margin error is below `tol`.

    `trim=(low, high)` keeps every weight within low..high times the mean weight. The bounds are
    applied inside each raking step (each step trims, then re-rakes that margin with the trimmed
    weights fixed), so on convergence both the margins and the bounds hold. `keep_missing`:
    respondents without a value keep their sample share of that variable (the other categories
    share the rest) instead of being an error. Shares that sum to 1 within `share_tolerance` are
    rescaled, with a note.
    """
    notes: list[str] = []
    if keep_missing:
        respondents, margins = _missing_at_sample_share(respondents, margins, notes)
    targets = _margin_targets(margins, share_tolerance, notes)
    codes = {
        variable: _codes(respondents, variable, categories) for variable, (categories, _) in targets.items()
    }
    weights = _initial_weights(respondents, base_weights)
    low, high = _bounds(trim)
    n = len(weights)
    totals = {variable: shares * n for variable, (_, shares) in targets.items()}
    _check_reachable(targets, codes, weights, low, high)

    trimmed = (low, high) != (0.0, math.inf)
    members = {
        variable: _members(code, len(totals[variable])) if trimmed else None
        for variable, code in codes.items()
    }
    iterations, error = 0, math.inf
    while iterations < max_iter:
        iterations += 1
        for variable, code in codes.items():
            weights = _rake_step(weights, code, members[variable], totals[variable], low, high)
        error = _max_relative_error(weights, codes, targets)
        if error < tol:
            break
    errors = _margin_errors(weights, codes, targets)
    if error >= tol:
        worst = errors.sort_values("relative_error", ascending=False, kind="stable").iloc[0]
        cause = (
            "the margins cannot all be met with weights within the trimming bounds; loosen "
            "the bounds, merge categories or drop a margin"
            if trimmed
            else "the margins contradict the sample's cross-classification (e.g. a combination of "
            "categories nobody has); merge categories or drop a margin"
        )
        raise WeightingError(
            f"raking did not converge after {iterations} iterations: the margin "
            f"{worst['variable']}={worst['category']} could not be met (target "
            f"{worst['target']:.6g}, achieved {worst['achieved']:.6g}, relative error "
            f"{worst['relative_error']:.2e}, tolerance {tol:.0e}): {cause}"
        )
    weights = weights / weights.mean()
    return RakeResult(
        weights=pd.Series(weights, index=respondents.index, name="weight"),
        iterations=iterations,
        converged=True,
        max_margin_error=float(error),
        margin_errors=errors,
        trim=trim,
        notes=tuple(notes),
    )


def _missing_at_sample_share(
    respondents: pd.DataFrame, margins: Mapping, notes: list[str]
) -> tuple[pd.DataFrame, dict]:
    """Respondents without a value in a margin variable as a category of their own, whose target
    is their share of the sample; the population shares are scaled to the rest."""
    respondents, margins = respondents.copy(), {k: dict(v) for k, v in margins.items()}
    for variable, shares in margins.items():
        if variable not in respondents or not respondents[variable].isna().any():
            continue
        missing = float(respondents[variable].isna().mean())
        respondents[variable] = (
            respondents[variable].astype(object).where(respondents[variable].notna(), MISSING)
        )
        total = sum(shares.values())
        margins[variable] = {**{c: v * (1 - missing) / total for c, v in shares.items()}, MISSING: missing}
        notes.append(f"{variable}: {missing:.1%} without a value kept at their sample share (--keep-missing)")
    return respondents, margins


# --- checks: every problem named with its fix -----------------------------------------------------


def _margin_targets(
    margins: Mapping[str, Mapping[str, float]],
    tolerance: float = SHARE_SUM_TOLERANCE,
    notes: list[str] | None = None,
) -> dict[str, tuple[list[str], np.ndarray]]:
    """Per variable, its categories (as strings) and their shares, rescaled to sum exactly to 1
    (a note in `notes` when they summed to 1 only within `tolerance`)."""
    if not margins:
        raise WeightingError("no margins given; give at least one {variable: {category: share}}")
    targets = {}
    for variable, shares in margins.items():
        categories = [_category_label(category) for category in shares]
        repeated = sorted({c for c in categories if categories.count(c) > 1})
        if repeated:
            raise WeightingError(
                f"margin {variable}: the category {', '.join(repeated)} is "
                f"listed twice; give each category once"
            )
        values = np.array([float(share) for share in shares.values()])
        negative = [c for c, v in zip(categories, values) if not v >= 0]
        if negative:
            raise WeightingError(f"margin {variable}: shares must be at least 0; fix {', '.join(negative)}")
        total = values.sum()
        if abs(total - 1) > tolerance:
            raise WeightingError(
                f"margin {variable}: shares sum to {total:.6g}, not 1 (more "
                f"than the tolerance {tolerance:g} away); correct the shares "
                "so they add up to 1"
            )
        if abs(total - 1) > 1e-9 and notes is not None:
            notes.append(f"margin {variable}: shares sum to {total:.6g}; rescaled to 1")
        targets[str(variable)] = (categories, values / total)
    return targets


def _codes(respondents: pd.DataFrame, variable: str, categories: list[str]) -> np.ndarray:
    """Integer category codes of one margin variable, after checking data and margin agree."""
    if variable not in respondents.columns:
        raise WeightingError(
            f"margin variable '{variable}' is not a column of the respondents "
            f"table; rename the margin or add the column"
        )
    column = respondents[variable]
    missing = column.isna()
    if missing.any():
        raise WeightingError(
            f"{variable}: {int(missing.sum())} respondents have no value"
            f"{_examples(respondents, missing)}; fill it in, drop those "
            f"respondents, or add a category such as 'unknown' to data and margins"
        )
    values, uniques = pd.factorize(column)
    labels = [_category_label(value) for value in uniques]
    unknown = sorted(set(labels) - set(categories))
    if unknown:
        raise WeightingError(
            f"{variable}: categories in the data but not in the margins: "
            f"{', '.join(unknown)}; add their population shares or recode them"
        )
    position = {category: code for code, category in enumerate(categories)}
    return np.array([position[label] for label in labels], dtype=np.intp)[values]


def _examples(respondents: pd.DataFrame, mask: pd.Series) -> str:
    if "respondent" not in respondents.columns:
        return ""
    shown = respondents.loc[mask, "respondent"].astype(str).head(5).tolist()
    return f" (e.g. {', '.join(shown)})"


def _initial_weights(respondents: pd.DataFrame, base_weights) -> np.ndarray:
    if base_weights is None:
        return np.ones(len(respondents))
    if isinstance(base_weights, pd.Series):
        base_weights = base_weights.reindex(respondents.index)
    weights = np.asarray(base_weights, dtype=float)
    if weights.shape != (len(respondents),) or not np.all(np.isfinite(weights) & (weights > 0)):
        raise WeightingError("base weights must be a positive number for every respondent")
    return weights / weights.mean()


def _bounds(trim: tuple[float | None, float | None]) -> tuple[float, float]:
    low, high = trim
    low = 0.0 if low is None else float(low)
    high = math.inf if high is None else float(high)
    if not 0 <= low < 1 < high:
        raise WeightingError(
            f"trim bounds are relative to the mean weight 1: the lower must be "
            f"below 1 and the upper above 1, got {trim}"
        )
    return low, high


def _check_reachable(targets, codes, weights, low, high) -> None:
    """Every category with a positive share needs respondents, and room within the bounds."""
    n = len(weights)
    for variable, (categories, shares) in targets.items():
        counts = np.bincount(codes[variable], minlength=len(categories))
        for category, share, count in zip(categories, shares, counts):
            if share > 0 and count == 0:
                raise WeightingError(
                    f"{variable}={category} has no respondents; merge it with a "
                    f"neighbouring category or drop it from the margins"
                )
            if share == 0 and count > 0:
                raise WeightingError(
                    f"{variable}={category} has population share 0 but {count} "
                    f"respondents; drop those respondents or give a positive share"
                )
            needed = share * n / count if count else 0.0
            if count and not low <= needed <= high:
                raise WeightingError(
                    f"{variable}={category} needs a mean weight of {needed:.3g} ({count} "
                    f"respondents for a share of {share:.4g}), outside the trimming bounds "
                    f"{low:g} .. {high:g}; loosen the bounds or merge categories"
                )


# --- raking ---------------------------------------------------------------------------------------


def _rake_step(
    weights: np.ndarray,
    code: np.ndarray,
    members: list[np.ndarray] | None,
    totals: np.ndarray,
    low: float,
    high: float,
) -> np.ndarray:
    """Scale each category's weights so its total meets the target, keeping weights in bounds
    (`members`, each category's positions, is needed only when there are bounds)."""
    if members is None:
        achieved = np.bincount(code, weights, minlength=len(totals))
        factor = np.divide(totals, achieved, out=np.ones_like(totals), where=achieved > 0)
        return weights * factor[code]
    scaled = weights.copy()
    for category, positions in enumerate(members):
        if totals[category] > 0:
            scaled[positions] = _bounded_scale(weights[positions], totals[category], low, high)
    return scaled


def _members(code: np.ndarray, size: int) -> list[np.ndarray]:
    """The positions of each category's respondents."""
    order = np.argsort(code, kind="stable")
    return np.split(order, np.cumsum(np.bincount(code, minlength=size))[:-1])


def _bounded_scale(weights: np.ndarray, total: float, low: float, high: float) -> np.ndarray:
    """clip(f * weights, low, high) with the factor f that makes the sum equal `total`.

    The sum is piecewise linear and non-decreasing in f with breakpoints low/w and high/w, so f
    follows exactly from the piece that holds the target.
    """
    factor = total / weights.sum()
    if low <= factor * weights.min() and factor * weights.max() <= high:
        return factor * weights  # the bounds do not bind
    breaks = np.sort(np.concatenate([low / weights, high / weights]))
    breaks = np.concatenate([[0.0], breaks[np.isfinite(breaks) & (breaks > 0)]])
    sums = np.concatenate([[low * len(weights)], _clipped_sums(breaks[1:], weights, low, high)])
    piece = int(np.searchsorted(sums, total))
    if piece == len(breaks):  # beyond the last break (no cap): every weight is above the floor
        factor = breaks[-1] + (total - sums[-1]) / weights.sum()
    elif piece == 0:
        factor = breaks[0]
    else:
        left, right = breaks[piece - 1], breaks[piece]
        factor = left + (total - sums[piece - 1]) * (right - left) / (sums[piece] - sums[piece - 1])
    return np.clip(factor * weights, low, high)


def _clipped_sums(breaks: np.ndarray, weights: np.ndarray, low: float, high: float) -> np.ndarray:
    """sum_i clip(f * w_i, low, high) at every f in `breaks`, in O((n + k) log n)."""
    order = np.sort(weights)
    prefix = np.concatenate([[0.0], np.cumsum(order)])
    n = len(order)
    below = np.searchsorted(order, low / breaks, side="right")  # f * w <= low
    above = n - np.searchsorted(order, high / breaks, side="left")  # f * w >= high
    middle = prefix[n - above] - prefix[below]
    capped = high * above if math.isfinite(high) else 0.0  # no cap: nothing is ever capped
    return low * below + capped + breaks * middle


def _achieved_shares(weights: np.ndarray, code: np.ndarray, size: int) -> np.ndarray:
    return np.bincount(code, weights, minlength=size) / weights.sum()


def _max_relative_error(weights, codes, targets) -> float:
    worst = 0.0
    for variable, (categories, shares) in targets.items():
        achieved = _achieved_shares(weights, codes[variable], len(categories))
        positive = shares > 0
        worst = max(worst, float(np.max(np.abs(achieved[positive] / shares[positive] - 1))))
    return worst


def _margin_errors(weights, codes, targets) -> pd.DataFrame:
    rows = []
    for variable, (categories, shares) in targets.items():
        achieved = _achieved_shares(weights, codes[variable], len(categories))
        for category, target, value in zip(categories, shares, achieved):
            relative = abs(value / target - 1) if target > 0 else abs(value)
            rows.append((variable, category, target, value, relative))
    return pd.DataFrame(rows, columns=["variable", "category", "target", "achieved", "relative_error"])


def _category_label(value) -> str:
    """Categories compare as text; whole floats (1.0 read from a CSV with gaps) read as 1."""
    if isinstance(value, (float, np.floating)) and float(value).is_integer():
        return str(int(value))
    return str(value)


def weight_file(
    respondents_csv: str | Path,
    margins_yaml: str | Path,
    out_csv: str | Path,
    *,
    trim: tuple[float | None, float | None] = (None, None),
    keep_missing: bool = False,
    share_tolerance: float = SHARE_SUM_TOLERANCE,
) -> RakeResult:
    """Rake a respondent table read from CSV and write `respondent,weight` (mean 1) to `out_csv`."""
    try:
        respondents = pd.read_csv(respondents_csv, dtype=str)
        if len(respondents.columns) == 1 and ";" in respondents.columns[0]:
            # a spreadsheet saved with Dutch settings separates with semicolons
            respondents = pd.read_csv(respondents_csv, dtype=str, sep=";")
    except (OSError, UnicodeDecodeError, pd.errors.ParserError, pd.errors.EmptyDataError) as error:
        raise WeightingError(f"{respondents_csv}: cannot read the respondents file ({error})") from error
    if "respondent" not in respondents.columns:
        raise WeightingError(
            f"{respondents_csv}: no 'respondent' column; the first row must "
            f"name the columns, one of them 'respondent' (separated by commas "
            f"or semicolons)"
        )
    twice = respondents["respondent"][respondents["respondent"].duplicated()]
    if len(twice):
        raise WeightingError(
            f"{respondents_csv}: respondent {twice.iloc[0]} appears more than "
            f"once ({len(twice)} duplicate row(s)); keep one row per respondent"
        )
    result = rake(
        respondents,
        load_margins(margins_yaml),
        trim=trim,
        keep_missing=keep_missing,
        share_tolerance=share_tolerance,
    )
    output = pd.DataFrame({"respondent": respondents["respondent"], "weight": result.weights})
    try:
        output.to_csv(out_csv, index=False, float_format="%.12g")
    except OSError as error:
        raise WeightingError(f"{out_csv}: cannot write the weights ({error})") from error
    return result


def parse_trim(text: str | None) -> tuple[float | None, float | None]:
    """'0.3,3' -> (0.3, 3.0); either side may be left empty ('0.3,' or ',3')."""
    if not text:
        return (None, None)
    parts = text.split(",")
    try:
        if len(parts) != 2:
            raise ValueError
        low, high = (float(part) if part.strip() else None for part in parts)
    except ValueError:
        raise WeightingError(
            f"--trim takes LOW,HIGH relative to the mean weight, e.g. 0.3,3; got '{text}'"
        ) from None
    return (low, high)
