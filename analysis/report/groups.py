"""Section 5a, groups: every outcome (option shares or mean levels, points, statements) split by
each --by background question, with a Wald test of equal values across the groups and a Holm
correction over all tests; only differences significant after the correction are emphasised."""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats

from analysis.report.context import Context
from analysis.report.document import Column, Paragraph, Section, TableBlock
from analysis.report.proportions import agree_shares
from analysis.shares import option_shares
from surveys.definition import PointsPage, PortfolioPage, StatementsPage

ALPHA = 0.05


def wald_test(values: np.ndarray, std_errs: np.ndarray) -> tuple[float, int, float]:
    """Chi-square test that independent groups share one value: sum w (v - vbar)^2 with
    w = 1/se^2, on k - 1 degrees of freedom; groups without a standard error are left out."""
    keep = np.isfinite(values) & np.isfinite(std_errs) & (std_errs > 0)
    if keep.sum() < 2:
        return float("nan"), 0, float("nan")
    w = 1 / std_errs[keep] ** 2
    mean = (w * values[keep]).sum() / w.sum()
    chi2 = float((w * (values[keep] - mean) ** 2).sum())
    df = int(keep.sum() - 1)
    return chi2, df, float(stats.chi2.sf(chi2, df))


def holm(p_values: np.ndarray) -> np.ndarray:
    """Holm's step-down adjusted p-values (NaN stays NaN and is not counted)."""
    p = np.asarray(p_values, dtype=float)
    adjusted = np.full_like(p, np.nan)
    present = np.flatnonzero(np.isfinite(p))
    order = present[np.argsort(p[present], kind="stable")]
    m = len(order)
    running = 0.0
    for rank, index in enumerate(order):
        running = max(running, min(1.0, (m - rank) * p[index]))
        adjusted[index] = running
    return adjusted


def _outcomes(ctx: Context):
    """(page, long table, value column, label kind) for every outcome that is split."""
    for page in ctx.consultation.pages:
        if isinstance(page, PortfolioPage):
            value = "share" if all(o.is_toggle for o in page.options) else "mean"
            yield page, ctx.rows(page), value, "option"
        elif isinstance(page, PointsPage):
            yield page, ctx.rows(page), "mean", "option"
        elif isinstance(page, StatementsPage):
            yield page, None, "share", "statement"


def split(ctx: Context, variable: str) -> pd.DataFrame:
    """One row per outcome: the value per group and the test across groups."""
    people = ctx.data.respondents.set_index("respondent")
    groups = people[variable].dropna().astype(str)
    rows = []
    for page, long, value, kind in _outcomes(ctx):
        if long is None:
            ids = [s.id for s in page.statements if s.id in people]
            per = agree_shares(people, ids, ctx.weights, by=groups)
            per = per[per["task"] == "agree"]
        else:
            per = option_shares(long, ctx.weights, by=groups)
        for option, part in per.groupby("option", sort=False):
            chi2, df, p = wald_test(part[value].to_numpy(float), part[f"{value}_se"].to_numpy(float))
            row = {
                "variable": variable,
                "page": page.id,
                "outcome": option,
                "measure": value,
                "label": f"{ctx.labels('page', page.id)}: {ctx.labels(kind, str(option))}",
                "chi2": chi2,
                "df": df,
                "p_value": p,
            }
            row.update({f"value:{g}": v for g, v in zip(part["group"].astype(str), part[value])})
            rows.append(row)
    return pd.DataFrame(rows)


def section(ctx: Context) -> Section | None:
    t = ctx.texts
    if not ctx.options.by or ctx.consultation is None:
        return None
    splits = [split(ctx, variable) for variable in ctx.options.by]
    every = pd.concat(splits, ignore_index=True)
    every["p_holm"] = holm(every["p_value"].to_numpy())
    every["significant"] = every["p_holm"] < ALPHA
    result = Section(
        "groups", t("groups"), [Paragraph(t("g_intro", tests=int(every["p_value"].notna().sum())))]
    )
    numbers = ctx.results.setdefault("groups", {})
    people = ctx.data.respondents.set_index("respondent")
    for variable in ctx.options.by:
        frame = every[every["variable"] == variable].dropna(axis=1, how="all")
        categories = sorted(people[variable].dropna().astype(str).unique())
        columns = [Column("label", t("outcome"))]
        columns += [
            Column(f"value:{category}", ctx.labels.choice(variable, category), "mixed")
            for category in categories
            if f"value:{category}" in frame
        ]
        columns += [
            Column("p_value", t("p_value"), "p"),
            Column("p_holm", t("p_holm"), "p"),
            Column("significant", t("g_significant"), "flag"),
        ]
        table = ctx.table(
            f"groups_{variable}",
            t("g_by", question=ctx.labels("question", variable)),
            frame,
            columns,
            emphasis="significant",
        )
        numbers[variable] = frame.drop(columns="label").to_dict("records")
        result.blocks.append(TableBlock(table))
    return result
