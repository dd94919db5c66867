"""Section 3, the advice: per portfolio page the share advising each option (or the distribution
over levels), by source, how much of each limit was used, the packages chosen most and the
model's most supported package; per points page the points per goal; per pairs page the share
of each alternative and the opt-out per set; value statements as agree/disagree shares."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd

from analysis.report import charts
from analysis.report.context import Context
from analysis.report.document import Column, Figure, Heading, Paragraph, Section, TableBlock
from analysis.report.proportions import agree_shares, weighted_quantiles
from analysis.shares import option_shares
from surveys.answers import OPT_OUT, variant_letters
from surveys.definition import PairsPage, PointsPage, PortfolioPage, StatementsPage

TOP_PACKAGES = 5


def share_columns(ctx: Context, first: str = "option") -> list[Column]:
    """Label, weighted share with interval (and the unweighted share beside it when weighted),
    number of respondents."""
    t = ctx.texts
    weighted = ctx.weights is not None
    return [
        Column("label", t(first)),
        Column("share", t("weighted") if weighted else t("share"), "percent"),
        Column("share_low", t("interval"), "interval", high="share_high"),
        *([Column("share_unweighted", t("unweighted"), "percent")] if weighted else []),
        Column("n", t("n"), "count"),
    ]


def section(ctx: Context) -> Section:
    t = ctx.texts
    result = Section("advice", t("advice"))
    if ctx.consultation is None:
        _without_definition(ctx, result)
        return result
    builders: dict[type, Callable[[Context, Any, list], None]] = {
        PortfolioPage: _portfolio,
        PointsPage: _points,
        PairsPage: _pairs,
        StatementsPage: _statements,
    }
    for page in ctx.consultation.pages:
        builder = builders.get(type(page))
        if builder:
            result.blocks.append(Heading(ctx.labels("page", page.id)))
            builder(ctx, page, result.blocks)
    return result


def _numbers(ctx: Context, page, kind: str) -> dict:
    return ctx.results.setdefault("advice", {}).setdefault(page.id, {"type": kind})


def _labelled(frame: pd.DataFrame, ctx: Context, kind: str = "option") -> pd.DataFrame:
    frame = frame.copy()
    frame.insert(
        list(frame.columns).index("option") + 1, "label", [ctx.labels(kind, o) for o in frame["option"]]
    )
    return frame


def _share_figure(ctx: Context, table, value: str = "share", percent: bool = True) -> Figure:
    t, frame = ctx.texts, table.frame
    top = frame.loc[frame[value].idxmax()]
    low, high = (f"{value}_low", f"{value}_high")
    figure = charts.bars(
        list(frame["label"]),
        [(t("weighted"), frame[value], frame[low], frame[high])],
        t("share") if percent else t("mean"),
        t.percent if percent else t.significant,
        percent,
    )
    alt = (
        t("a_shares_alt", top=top["label"], share=t.percent(top[value]))
        if percent
        else t("a_points_alt", top=top["label"], mean=t.number(top[value], 1))
    )
    return Figure(figure, alt, table)


# --- portfolio pages ------------------------------------------------------------------------


def _portfolio(ctx: Context, page: PortfolioPage, blocks: list) -> None:
    t = ctx.texts
    rows = ctx.rows(page)
    numbers = _numbers(ctx, page, "portfolio")
    shares = _labelled(option_shares(rows, ctx.weights), ctx)
    if all(option.is_toggle for option in page.options):
        table = ctx.table(f"{page.id}_option_shares", ctx.labels("page", page.id), shares, share_columns(ctx))
        blocks += [Paragraph(t("a_portfolio_intro")), _share_figure(ctx, table)]
    else:
        blocks += [Paragraph(t("a_levels_intro")), _levels(ctx, page, rows, shares)]
    numbers["options"] = shares.drop(columns=["task", "label"]).to_dict("records")
    sources = ctx.sources()
    if sources.nunique() > 1:
        blocks.append(TableBlock(_by_source(ctx, page, rows, sources)))
    for table in _constraint_use(ctx, page, rows):
        blocks.append(TableBlock(table))
    blocks.append(TableBlock(_packages(ctx, page, rows)))
    fit = ctx.fits.get(page.id)
    if fit is not None and fit.result is not None:
        blocks.append(TableBlock(_best_package(ctx, page, fit)))


def level_name(level: float) -> str:
    return f"{level:+g}" if level else "0"


def _levels(ctx: Context, page: PortfolioPage, rows: pd.DataFrame, shares: pd.DataFrame) -> Figure:
    """Distribution over the levels per option, with the mean level and its interval."""
    t = ctx.texts
    levels = sorted({float(level) for option in page.options for level in option.levels})
    chosen = pd.to_numeric(rows["choice"])
    long = pd.concat(
        [
            pd.DataFrame(
                {
                    "respondent": rows["respondent"],
                    "task": level_name(level),
                    "option": rows["option"],
                    "choice": (chosen == level).astype(int),
                }
            )
            for level in levels
        ]
    )
    distribution = option_shares(long, ctx.weights).pivot(index="option", columns="task", values="share")
    names = [level_name(level) for level in levels]
    frame = shares[["option", "label", "mean", "mean_low", "mean_high", "n"]].join(
        distribution[names].add_prefix("level:"), on="option"
    )
    columns = (
        [Column("label", t("option"))]
        + [Column(f"level:{name}", f"{t('level')} {name}", "percent") for name in names]
        + [
            Column("mean", t("mean_level"), "number"),
            Column("mean_low", t("interval"), "interval", high="mean_high", percent=False),
        ]
    )
    table = ctx.table(f"{page.id}_level_shares", ctx.labels("page", page.id), frame, columns)
    figure = charts.stacked(
        list(frame["label"]),
        [(f"{t('level')} {name}", frame[f"level:{name}"]) for name in names],
        t("share"),
        t.percent,
    )
    return Figure(figure, t("a_levels_alt"), table)


def _by_source(ctx: Context, page: PortfolioPage, rows: pd.DataFrame, sources: pd.Series):
    """Each option's share (or mean level) per source, side by side."""
    t = ctx.texts
    value = "share" if all(o.is_toggle for o in page.options) else "mean"
    per = option_shares(rows, ctx.weights, by=sources)
    wide = per.pivot(index="option", columns="group", values=[value, f"{value}_low", f"{value}_high", "n"])
    wide.columns = [f"{column[0]}:{column[1]}" for column in wide.columns]
    frame = _labelled(wide.reset_index(), ctx)
    groups = sorted(per["group"].unique(), key=str)
    columns = [Column("label", t("option"))]
    for group in groups:
        columns += [
            Column(f"{value}:{group}", f"{group}", "percent" if value == "share" else "number"),
            Column(
                f"{value}_low:{group}",
                t("interval"),
                "interval",
                high=f"{value}_high:{group}",
                percent=value == "share",
            ),
        ]
    return ctx.table(f"{page.id}_by_source", _titled(ctx, page, t("a_by_source")), frame, columns)


def resource_columns(rows: pd.DataFrame) -> list[tuple[str, str, str]]:
    """(constraint suffix, cost column, budget column) of a portfolio page's rows."""
    if "cost" in rows and rows["cost"].notna().any():
        return [("", "cost", "budget")]
    return [
        (c[len("cost_") :], c, f"budget_{c[len('cost_') :]}")
        for c in rows.columns
        if c.startswith("cost_") and rows[c].notna().any()
    ]


def _constraint_use(ctx: Context, page: PortfolioPage, rows: pd.DataFrame) -> list:
    """Per limit: the mean total used with its interval, and the share who had too little left
    to add the cheapest step of any option."""
    t = ctx.texts
    tables = []
    for suffix, cost, budget in resource_columns(rows):
        constraint = suffix or (page.constraints[0] if page.constraints else "")
        used = pd.to_numeric(rows["choice"]) * pd.to_numeric(rows[cost])
        step = pd.to_numeric(rows[cost]).abs().where(lambda c: c > 0)
        per = (
            pd.DataFrame(
                {
                    "used": used,
                    "budget": pd.to_numeric(rows[budget]),
                    "step": step,
                    "respondent": rows["respondent"],
                }
            )
            .groupby("respondent")
            .agg(used=("used", "sum"), budget=("budget", "first"), step=("step", "min"))
        )
        full = (per["budget"] - per["used"]) < per["step"]
        long = pd.concat(
            [
                pd.DataFrame(
                    {
                        "respondent": per.index,
                        "task": constraint,
                        "option": "used",
                        "choice": per["used"].to_numpy(),
                    }
                ),
                pd.DataFrame(
                    {
                        "respondent": per.index,
                        "task": constraint,
                        "option": "full",
                        "choice": full.astype(int).to_numpy(),
                    }
                ),
            ]
        )
        shares = option_shares(long, ctx.weights).set_index("option")
        row = {
            "constraint": constraint,
            "label": ctx.labels("constraint", constraint),
            "unit": ctx.labels("unit", constraint),
            "mean_used": shares.loc["used", "mean"],
            "mean_used_low": shares.loc["used", "mean_low"],
            "mean_used_high": shares.loc["used", "mean_high"],
            "mean_budget": float(per["budget"].mean()),
            "share_full": shares.loc["full", "share"],
            "share_full_low": shares.loc["full", "share_low"],
            "share_full_high": shares.loc["full", "share_high"],
        }
        columns = [
            Column("label", t("limit")),
            Column("mean_used", t("mean"), "number"),
            Column("mean_used_low", t("interval"), "interval", high="mean_used_high", percent=False),
            Column("mean_budget", t("maximum"), "number"),
            Column("share_full", t("full_use"), "percent"),
            Column("share_full_low", t("interval"), "interval", high="share_full_high"),
        ]
        _numbers(ctx, page, "portfolio").setdefault("constraints", []).append(row)
        tables.append(
            ctx.table(
                f"{page.id}_constraint_use",
                t("a_constraint", constraint=row["label"]),
                pd.DataFrame([row]),
                columns,
            )
        )
    return tables


def package_text(ctx: Context, levels: dict[str, float]) -> str:
    """A package in words: the chosen options' titles, with the level when not on/off."""
    parts = [
        ctx.labels("option", option) if level == 1 else f"{ctx.labels('option', option)} {level_name(level)}"
        for option, level in levels.items()
        if level
    ]
    return " + ".join(parts) or ctx.texts("nothing")


def _packages(ctx: Context, page: PortfolioPage, rows: pd.DataFrame):
    """The packages chosen most, with their weighted shares and intervals."""
    t = ctx.texts
    wide = rows.pivot(index="respondent", columns="option", values="choice")
    wide = wide[[o.id for o in page.options if o.id in wide.columns]].apply(pd.to_numeric)
    keys = pd.Series(["|".join(f"{v:g}" for v in row) for row in wide.to_numpy()], index=wide.index)
    weights = ctx.weights.reindex(wide.index) if ctx.weights is not None else pd.Series(1.0, index=wide.index)
    top = weights.groupby(keys).sum().sort_values(ascending=False).index[:TOP_PACKAGES]
    long = pd.concat(
        [
            pd.DataFrame(
                {
                    "respondent": keys.index,
                    "task": "package",
                    "option": key,
                    "choice": (keys == key).astype(int).to_numpy(),
                }
            )
            for key in top
        ]
    )
    shares = option_shares(long, ctx.weights).set_index("option").loc[list(top)].reset_index()
    first = wide.groupby(keys).first().loc[list(top)]
    shares["label"] = [package_text(ctx, dict(zip(first.columns, levels))) for levels in first.to_numpy()]
    shares["chosen_by"] = [int((keys == key).sum()) for key in top]
    frame = shares[["label", "share", "share_low", "share_high", "chosen_by"]]
    columns = [
        Column("label", t("package")),
        Column("share", t("share"), "percent"),
        Column("share_low", t("interval"), "interval", high="share_high"),
        Column("chosen_by", t("n"), "count"),
    ]
    _numbers(ctx, page, "portfolio")["packages"] = frame.to_dict("records")
    return ctx.table(f"{page.id}_packages", _titled(ctx, page, t("a_packages")), frame, columns)


def _best_package(ctx: Context, page: PortfolioPage, fit):
    """Per design version the feasible package with the highest utility under the model."""
    t = ctx.texts
    best = fit.result.most_supported_package()
    options = [o.id for o in page.options if o.id in best.columns]
    totals = [c for c in best.columns if c.startswith("total_")]
    frame = pd.DataFrame(
        {
            "version": best["version"].astype(str),
            "label": [package_text(ctx, {o: float(row[o]) for o in options}) for _, row in best.iterrows()],
            **{c: best[c] for c in totals},
            "probability": best["probability"],
        }
    )
    frame = frame.drop_duplicates("version")
    columns = [
        Column("version", t("version")),
        Column("label", t("package")),
        *[Column(c, t("cost_total"), "number") for c in totals],
        Column("probability", t("probability"), "percent"),
    ]
    _numbers(ctx, page, "portfolio")["most_supported_package"] = frame.to_dict("records")
    return ctx.table(f"{page.id}_most_supported_package", t("a_best_package"), frame, columns)


# --- points pages ---------------------------------------------------------------------------


def _points(ctx: Context, page: PointsPage, blocks: list) -> None:
    t = ctx.texts
    rows = ctx.rows(page)
    shares = _labelled(option_shares(rows, ctx.weights), ctx)
    shares["zero"] = 1 - shares["share"]
    shares["zero_low"], shares["zero_high"] = 1 - shares["share_high"], 1 - shares["share_low"]
    weights = (
        rows["respondent"].map(ctx.weights).to_numpy(dtype=float)
        if ctx.weights is not None
        else np.ones(len(rows))
    )
    for option, part in rows.groupby("option", sort=False):
        points = pd.to_numeric(part["choice"]).to_numpy(dtype=float)
        low, median, high = weighted_quantiles(
            points, weights[rows.index.get_indexer(part.index)], [0.25, 0.5, 0.75]
        )
        shares.loc[shares["option"] == option, ["p25", "median", "p75"]] = low, median, high
    shares = shares.sort_values("mean", ascending=False)
    frame = shares[
        [
            "option",
            "label",
            "mean",
            "mean_low",
            "mean_high",
            "zero",
            "zero_low",
            "zero_high",
            "p25",
            "median",
            "p75",
            "n",
        ]
    ]
    columns = [
        Column("label", t("goal")),
        Column("mean", t("mean"), "number"),
        Column("mean_low", t("interval"), "interval", high="mean_high", percent=False),
        Column("zero", t("zero"), "percent"),
        Column("median", t("median"), "number"),
        Column("p25", t("quartiles"), "interval", high="p75", percent=False),
    ]
    table = ctx.table(f"{page.id}_points", ctx.labels("page", page.id), frame, columns)
    blocks += [Paragraph(t("a_points_intro")), _share_figure(ctx, table, "mean", percent=False)]
    _numbers(ctx, page, "points")["goals"] = frame.drop(columns="label").to_dict("records")


# --- pairs pages ----------------------------------------------------------------------------


def alternative_label(ctx: Context, page: PairsPage, option: str) -> str:
    return ctx.labels("opt_out", page.id) if option == OPT_OUT else option


def _pairs(ctx: Context, page: PairsPage, blocks: list) -> None:
    t = ctx.texts
    rows = ctx.rows(page)
    shares = option_shares(rows, ctx.weights)
    shares["set"] = shares["task"].str.split(":").str[-1].astype(int)
    shares["label"] = [alternative_label(ctx, page, o) for o in shares["option"]]
    frame = shares[["set", "option", "label", "share", "share_low", "share_high", "share_unweighted", "n"]]
    columns = [Column("set", t("set")), Column("label", t("alternative")), *share_columns(ctx)[1:]]
    table = ctx.table(f"{page.id}_alternative_shares", ctx.labels("page", page.id), frame, columns)
    alternatives = list(dict.fromkeys(frame["option"]))
    wide = frame.pivot(index="set", columns="option", values="share").fillna(0)
    figure = charts.stacked(
        [f"{t('set')} {s}" for s in wide.index],
        [(alternative_label(ctx, page, a), wide[a]) for a in alternatives],
        t("share"),
        t.percent,
    )
    blocks += [
        Paragraph(t("a_pairs_intro")),
        Figure(figure, t("a_pairs_alt"), table),
        TableBlock(_design(ctx, page)),
    ]
    numbers = _numbers(ctx, page, "pairs")
    numbers["sets"] = frame.drop(columns="label").to_dict("records")
    opt_out = frame[frame["option"] == OPT_OUT]
    if len(opt_out):
        numbers["opt_out_mean_share"] = float(opt_out["share"].mean())


def _design(ctx: Context, page: PairsPage):
    """The variants of every set with their attribute values, as the definition shows them."""
    t = ctx.texts
    rows = [
        {"set": number, "option": letter, **variant}
        for number, variants in enumerate(page.sets, start=1)
        for letter, variant in zip(variant_letters(variants), variants)
    ]
    columns = [Column("set", t("set")), Column("option", t("alternative"))] + [
        Column(a, f"{ctx.labels('attribute', a)} ({ctx.labels('unit', a)})", "number")
        for a in page.attributes
    ]
    return ctx.table(
        f"{page.id}_design",
        _titled(ctx, page, t("attribute")),
        pd.DataFrame(rows),
        columns,
    )


# --- value statements -------------------------------------------------------------------------


def agree_table(ctx: Context, name: str, title: str, ids: list[str], kind: str):
    """Per agree item the shares disagree/neutral/agree/don't know, with intervals for agree."""
    t = ctx.texts
    people = ctx.data.respondents.set_index("respondent")
    ids = [i for i in ids if i in people.columns]
    shares = agree_shares(people, ids, ctx.weights)
    wide = shares.pivot(index="option", columns="task", values="share").reindex(ids)
    bounds = shares[shares["task"] == "agree"].set_index("option")[["share_low", "share_high", "n"]]
    frame = (
        wide.join(bounds).reset_index().rename(columns={"share_low": "agree_low", "share_high": "agree_high"})
    )
    frame.insert(1, "label", [ctx.labels(kind, i) for i in frame["option"]])
    columns = [
        Column("label", t(kind if kind == "statement" else "statement")),
        Column("disagree", t("disagree"), "percent"),
        Column("neutral", t("neutral"), "percent"),
        Column("agree", t("agree"), "percent"),
        Column("agree_low", t("interval"), "interval", high="agree_high"),
        Column("dont_know", t("dont_know"), "percent"),
        Column("n", t("n"), "count"),
    ]
    table = ctx.table(name, title, frame, columns)
    figure = charts.stacked(
        list(frame["label"]),
        [(t("disagree"), frame["disagree"]), (t("agree"), frame["agree"])],
        t("share"),
        t.percent,
        diverging=[True, False],
    )
    return Figure(figure, t("a_statements_alt"), table)


def _statements(ctx: Context, page: StatementsPage, blocks: list) -> None:
    figure = agree_table(
        ctx,
        f"{page.id}_statements",
        ctx.labels("page", page.id),
        [s.id for s in page.statements],
        "statement",
    )
    blocks += [Paragraph(ctx.texts("a_statements_intro")), figure]
    _numbers(ctx, page, "statements")["statements"] = figure.table.frame.drop(columns="label").to_dict(
        "records"
    )


# --- without a definition ---------------------------------------------------------------------


def _without_definition(ctx: Context, result: Section) -> None:
    """What the choice table alone allows: share and mean choice per task and option."""
    t = ctx.texts
    shares = option_shares(ctx.data.choices, ctx.weights)
    shares["label"] = shares["task"].astype(str) + ": " + shares["option"].astype(str)
    columns = share_columns(ctx) + [Column("mean", t("mean"), "number")]
    table = ctx.table("option_shares", t("advice"), shares, columns)
    result.blocks.append(TableBlock(table))
    ctx.results["advice"] = {"options": shares.drop(columns="label").to_dict("records")}


def _titled(ctx, page, what: str) -> str:
    """A table's title: what it shows, then the page it belongs to (whose title may end in "?")."""
    return f"{what} – {ctx.labels('page', page.id)}"
