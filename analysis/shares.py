"""How many advise each option: shares and mean levels or points per option, unweighted and
weighted, with design-based (linearised) standard errors and 95% intervals, per subgroup too.

The weighted share is the ratio mean p = sum(w y) / sum(w) with y = 1 when the option was chosen
(choice > 0). Its linearised standard error is sqrt(n/(n-1) * sum(w^2 (y - p)^2)) / sum(w); with
equal weights this is the familiar s / sqrt(n).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats

from analysis.intervals import Z95, two_sided_p

METHODS = ("logit", "korn-graubard")


class SharesError(ValueError):
    """The choice table, weights or groups do not fit together; the message says what to fix."""


def option_shares(
    choices: pd.DataFrame,
    weights: pd.Series | None = None,
    by: pd.Series | None = None,
    method: str = "logit",
) -> pd.DataFrame:
    """Per task, option (and group of `by`): the share choosing it and the mean choice.

    `weights` and `by` are indexed by respondent (e.g. a weights file read with
    index_col="respondent", or a column of the respondent table indexed the same way).
    Respondents whose group is missing are left out. Columns: n, n_eff (Kish), share_unweighted,
    share, share_se, share_low, share_high, mean_unweighted, mean, mean_se, mean_low, mean_high.
    """
    if method not in METHODS:
        raise SharesError(f"unknown interval method '{method}'; use one of {', '.join(METHODS)}")
    frame = _with_weights_and_groups(choices, weights, by)
    keys = [key for key in ("task", "option", "group") if key in frame.columns]
    y = frame["choice"].to_numpy(dtype=float)
    chosen = (y > 0).astype(float)
    w = frame["_w"].to_numpy()
    sums = (
        pd.DataFrame(
            {
                **{key: frame[key] for key in keys},
                "n": 1.0,
                "w": w,
                "w2": w**2,
                "chosen": chosen,
                "y": y,
                "w_chosen": w * chosen,
                "w_y": w * y,
                "w2_chosen": w**2 * chosen,
                "w2_y": w**2 * y,
                "w2_y2": w**2 * y**2,
            }
        )
        .groupby(keys, sort=False, dropna=False)
        .sum()
    )

    n = sums["n"]
    share = sums["w_chosen"] / sums["w"]
    share_se = _ratio_se(n, sums["w"], sums["w2"], sums["w2_chosen"], sums["w2_chosen"], share)
    mean = sums["w_y"] / sums["w"]
    mean_se = _ratio_se(n, sums["w"], sums["w2"], sums["w2_y"], sums["w2_y2"], mean)
    share_low, share_high = proportion_interval(share.to_numpy(), share_se.to_numpy(), n.to_numpy(), method)
    result = pd.DataFrame(
        {
            "n": n.astype(int),
            "n_eff": sums["w"] ** 2 / sums["w2"],
            "share_unweighted": sums["chosen"] / n,
            "share": share,
            "share_se": share_se,
            "share_low": share_low,
            "share_high": share_high,
            "mean_unweighted": sums["y"] / n,
            "mean": mean,
            "mean_se": mean_se,
            "mean_low": mean - Z95 * mean_se,
            "mean_high": mean + Z95 * mean_se,
        }
    )
    return result.reset_index()


def compare_groups(
    choices: pd.DataFrame,
    by: pd.Series,
    weights: pd.Series | None = None,
    groups: tuple | None = None,
    method: str = "logit",
) -> pd.DataFrame:
    """Two groups side by side per task and option (e.g. panel vs open), with design-based z tests.

    `groups=(a, b)` picks the two groups to compare; it may be left out when `by` has exactly
    two. The difference is b minus a; groups are treated as independent samples, so the
    standard error of a difference is sqrt(se_a^2 + se_b^2).
    """
    first, second = _two_groups(by, groups)
    shares = option_shares(choices, weights, by[by.isin([first, second])], method)
    keys = [key for key in ("task", "option") if key in shares.columns]
    columns = ["n", "share", "share_se", "share_low", "share_high", "mean", "mean_se"]
    a = shares[shares["group"] == first].set_index(keys)[columns]
    b = shares[shares["group"] == second].set_index(keys)[columns]
    result = a.add_suffix(f":{first}").join(b.add_suffix(f":{second}"), how="outer")
    for quantity in ("share", "mean"):
        difference = b[quantity] - a[quantity]
        se = np.sqrt(a[f"{quantity}_se"] ** 2 + b[f"{quantity}_se"] ** 2)
        z = difference / se
        result[f"{quantity}_difference"] = difference
        result[f"{quantity}_difference_se"] = se
        result[f"{quantity}_z"] = z
        result[f"{quantity}_p_value"] = pd.Series(two_sided_p(z), index=z.index)
    return result.reset_index()


def proportion_interval(
    p: np.ndarray, se: np.ndarray, n: np.ndarray, method: str = "logit"
) -> tuple[np.ndarray, np.ndarray]:
    """95% interval for shares p with standard errors se from n respondents.

    logit: p +- 1.96 se on the logit scale (se / (p (1 - p))); undefined (NaN) at p = 0 or 1.
    korn-graubard: Clopper-Pearson at the effective sample size n / deff, where deff compares se^2
    with p(1 - p)/(n - 1), the same estimator's variance under equal weights; capped at n, so
    with equal weights it is exactly Clopper-Pearson.
    """
    p, se, n = (np.asarray(x, dtype=float) for x in (p, se, n))
    with np.errstate(divide="ignore", invalid="ignore"):
        if method == "logit":
            centre = np.log(p / (1 - p))
            half = Z95 * se / (p * (1 - p))
            inside = (p > 0) & (p < 1)
            low = np.where(inside, _expit(centre - half), np.nan)
            high = np.where(inside, _expit(centre + half), np.nan)
            return low, high
        if method != "korn-graubard":
            raise SharesError(f"unknown interval method '{method}'; use one of {', '.join(METHODS)}")
        srs_variance = p * (1 - p) / (n - 1)
        n_eff = np.where(se > 0, n * srs_variance / se**2, n)
        n_eff = np.minimum(n_eff, n)
        x = p * n_eff
        low = np.where(x > 0, stats.beta.ppf(0.025, x, n_eff - x + 1), 0.0)
        high = np.where(x < n_eff, stats.beta.ppf(0.975, x + 1, n_eff - x), 1.0)
    return low, high


def _ratio_se(n, sum_w, sum_w2, sum_w2_y, sum_w2_y2, ratio):
    """sqrt(n/(n-1) sum w^2 (y - r)^2) / sum w, from sums of w^2, w^2 y and w^2 y^2."""
    squares = sum_w2_y2 - 2 * ratio * sum_w2_y + ratio**2 * sum_w2
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.sqrt(np.clip(squares, 0, None) * n / (n - 1)) / sum_w


def _expit(x):
    return 1 / (1 + np.exp(-x))


def _with_weights_and_groups(choices: pd.DataFrame, weights, by) -> pd.DataFrame:
    missing = [column for column in ("respondent", "option", "choice") if column not in choices]
    if missing:
        raise SharesError(f"the choice table lacks the column(s) {', '.join(missing)}")
    if "group" in choices.columns:
        # the choice table's `group` is an option's exclusive group; it is not a respondent group
        choices = choices.drop(columns="group")
    frame = choices.copy()
    respondents = frame["respondent"]
    if weights is None:
        frame["_w"] = 1.0
    else:
        frame["_w"] = respondents.map(weights).astype(float)
        unweighted = frame["_w"].isna() | ~(frame["_w"] >= 0)
        if unweighted.any():
            shown = ", ".join(map(str, respondents[unweighted].unique()[:5]))
            raise SharesError(
                f"{respondents[unweighted].nunique()} respondents have no weight "
                f"(e.g. {shown}); weight every respondent in the choice table"
            )
    if by is not None:
        frame["group"] = respondents.map(by)
        frame = frame[frame["group"].notna()]
    choice = pd.to_numeric(frame["choice"], errors="coerce")
    if choice.isna().any():
        raise SharesError(
            "the choice column must be a number in every row; "
            f"{int(choice.isna().sum())} rows are empty or not numeric"
        )
    frame["choice"] = choice
    return frame


def _two_groups(by: pd.Series, groups: tuple | None) -> tuple:
    present = list(pd.unique(by.dropna()))
    if groups is None:
        if len(present) != 2:
            raise SharesError(
                f"'{by.name}' has {len(present)} groups ({', '.join(map(str, present))}); "
                f"say which two to compare with groups=(a, b)"
            )
        return tuple(sorted(present, key=str))
    absent = [group for group in groups if group not in present]
    if len(groups) != 2 or absent:
        raise SharesError(
            f"groups must name two groups present in '{by.name}'; "
            f"{', '.join(map(str, absent)) or 'give exactly two'}"
        )
    return tuple(groups)
