"""Power analysis before fieldwork: how precise a portfolio or pairs page's value weights will be for each
number of respondents, by repeated simulation (analysis.synthetic) and estimation."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import replace
from typing import Any

import numpy as np
import pandas as pd

from analysis.intervals import Z95
from analysis.models.portfolio import PortfolioLogit
from analysis.models.results import ChoiceResults
from analysis.synthetic import simulate_responses
from analysis.tables import choices_table
from analysis.value_weights import check_value_weights, true_parameters
from surveys.definition import Consultation, PairsPage, PortfolioPage

DEFAULT_SIZES = (500, 1000, 2000, 5000)


def power_analysis(
    consultation: Consultation,
    value_weights: Mapping,
    page_id: str,
    sizes=DEFAULT_SIZES,
    replications: int = 20,
    seed: int = 0,
    target_se: float | None = None,
) -> pd.DataFrame:
    """Precision of a portfolio or pairs page's value weights per number of respondents.

    For each size (all respondents, spread over the versions as the platform does) simulate
    `replications` samples, fit the page's model (the exact portfolio logit with the
    consultation's feasible sets; the MNL for a pairs page, whose design must identify every
    weight) and report per value weight (beta, delta0, beta/delta0; asc/delta0, an option's
    worth in budget units, when there is no beta; for pairs each beta and the opt-out's asc) the
    true value, the mean estimate, the mean robust standard error, the half-width of the 95%
    interval and the spread of the estimates.
    With `target_se`, `meets_target` says which sizes reach it and `attrs["smallest_n"]` gives
    per value weight the smallest size that does (None: none of them).
    """
    page = _page(consultation, page_id)
    check_value_weights(consultation, value_weights)
    weights = value_weights.get(page_id) or {}
    if "classes" in weights:
        raise ValueError(
            f"{page_id!r} has latent classes: the power analysis takes one set of "
            "value weights (asc, beta, delta0); give one class's weights"
        )
    if isinstance(page, PairsPage):
        truth = {
            **({"asc:none": float(weights.get("asc_none", 0))} if page.opt_out else {}),
            **{f"beta:{a}": float((weights.get("beta") or {}).get(a, 0)) for a in page.attributes},
        }
    else:
        truth = true_parameters(page, weights)
    attributes = [name[len("beta:") :] for name in truth if name.startswith("beta:")]
    # the page alone, without its motivation step: nothing else enters the fit
    alone = page if isinstance(page, PairsPage) else replace(page, motivation=False)
    one_page = replace(consultation, pages=(alone,))
    rows = []
    for size in sizes:
        estimates = []
        for replication in range(replications):
            records = simulate_responses(
                one_page, {page_id: weights}, int(size), seed + 1000 * replication + int(size)
            )
            choices = choices_table(one_page, records)
            fitted: ChoiceResults
            if isinstance(page, PairsPage):
                from analysis.models.mnl import MNL

                fitted = MNL(choices, attributes).fit()
            else:
                fitted = PortfolioLogit.from_consultation(
                    consultation, choices, attributes, task=page_id
                ).fit()
            estimates.append(_value_weights(fitted, truth))
        rows += _summarise(int(size), len(consultation.versions) or 1, estimates, target_se)
    table = pd.DataFrame(rows)
    if target_se is not None:
        reached = table[table["meets_target"]].groupby("parameter", sort=False)["n"].min()
        table.attrs["smallest_n"] = {
            name: (int(reached[name]) if name in reached else None) for name in table["parameter"].unique()
        }
    return table


def _page(consultation: Consultation, page_id: str) -> PortfolioPage | PairsPage:
    page = next((p for p in consultation.pages if p.id == page_id), None)
    if not isinstance(page, (PortfolioPage, PairsPage)):
        usable = [p.id for p in consultation.pages if isinstance(p, (PortfolioPage, PairsPage))]
        raise ValueError(
            f"{page_id!r} is not a portfolio or pairs page of {consultation.id!r} "
            f"(those are: {', '.join(usable) or 'none'})"
        )
    return page


def _value_weights(fitted: Any, truth: Mapping[str, float]) -> dict[str, tuple[float, float, float]]:
    """Per value weight: (true value, estimate, robust standard error)."""
    names = list(fitted.params.index)
    budgets = [name for name in names if name.startswith("delta0")]
    betas = [name for name in names if name.startswith("beta:")]
    constant = [name for name in names if name == "asc:none"]
    out = {
        name: (truth[name], fitted.params[name], fitted.robust_bse[name])
        for name in betas + budgets + constant
    }
    numerators = betas or [name for name in names if name.startswith("asc:")]
    for numerator in numerators:
        for budget in budgets:
            ratio = fitted.ratio(numerator, budget)
            true_ratio = truth[numerator] / truth[budget] if truth[budget] else math.nan
            out[f"{numerator}/{budget}"] = (true_ratio, ratio["ratio"], ratio["std_err"])
    return out


def _summarise(size: int, versions: int, estimates: list[dict], target_se: float | None) -> list[dict]:
    rows = []
    for name in estimates[0]:
        true, estimate, se = np.array([e[name] for e in estimates], dtype=float).T
        row = {
            "n": size,
            "per_version": size / versions,
            "parameter": name,
            "true": true[0],
            "mean_estimate": estimate.mean(),
            "mean_se": se.mean(),
            "half_width": Z95 * se.mean(),
            "sd_estimate": estimate.std(ddof=1) if len(estimate) > 1 else math.nan,
        }
        if target_se is not None:
            row["meets_target"] = bool(se.mean() <= target_se)
        rows.append(row)
    return rows


def parse_sizes(text: str) -> list[int]:
    """ "500,1000,2000" -> [500, 1000, 2000]; ValueError naming what is wrong."""
    try:
        sizes = [int(part) for part in text.split(",") if part.strip()]
    except ValueError:
        raise ValueError(f"sizes must be whole numbers separated by commas, not {text!r}") from None
    if not sizes or min(sizes) < 1:
        raise ValueError(f"sizes must be whole numbers of at least 1, not {text!r}")
    return sizes


def power_summary(table: pd.DataFrame, target_se: float | None = None) -> str:
    """The power table as text, with the smallest size reaching `target_se` per value weight."""
    shown = table.rename(
        columns={
            "per_version": "per version",
            "mean_estimate": "mean estimate",
            "mean_se": "mean SE",
            "half_width": "95% half-width",
            "sd_estimate": "SD of estimates",
            "meets_target": "meets target",
        }
    )
    lines = [
        "Precision of the value weights (mean over the replications; robust standard errors)",
        "",
        shown.to_string(index=False, float_format=lambda x: f"{x:.4g}"),
    ]
    if target_se is not None:
        lines += ["", f"Smallest number of respondents with a standard error of at most {target_se:g}:"]
        lines += [
            f"  {name}: {n if n is not None else 'none of the sizes tried; try more'}"
            for name, n in table.attrs["smallest_n"].items()
        ]
    return "\n".join(lines)
