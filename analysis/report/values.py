"""Section 4, how people weigh the values: per portfolio page what each option is worth in the
budget's unit (asc / delta0) beside its cost, trade-offs between effects and the budget per unit
of effect where the design identifies them, predicted support; per pairs page the worth of each
attribute in money (willingness to pay) or the trade-offs between attributes. Every ratio has a
delta-method interval; a ratio without a finite interval says so."""

from __future__ import annotations

import pandas as pd

from analysis.report import charts
from analysis.report.advice import resource_columns
from analysis.report.context import Context
from analysis.report.document import Column, Figure, Heading, Paragraph, Section, TableBlock
from analysis.report.models import Fit


def section(ctx: Context) -> Section | None:
    t = ctx.texts
    fits = list(ctx.fits.values())
    if not fits:
        return None
    result = Section("values", t("values"), [Paragraph(t("v_explained"))])
    for fit in fits:
        title = t(
            "v_portfolio" if fit.model == "portfolio-logit" else "v_mnl", page=ctx.labels("page", fit.page.id)
        )
        result.blocks.append(Heading(title))
        result.blocks += [Paragraph(note) for note in dict.fromkeys(fit.notes)]
        if fit.result is None:
            continue
        numbers = ctx.results.setdefault("values", {}).setdefault(fit.page.id, {})
        numbers["model"] = fit.model
        if fit.model == "portfolio-logit":
            result.blocks += _portfolio(ctx, fit, numbers)
        else:
            result.blocks += _pairs(ctx, fit, numbers)
    return result


def ratio_frame(fit: Fit, pairs: list[tuple[str, str]]) -> pd.DataFrame:
    """numerator / denominator for each pair, with the delta-method 95% interval (robust)."""
    return pd.DataFrame(
        [fit.result.ratio(a, b) for a, b in pairs],
        columns=["numerator", "denominator", "ratio", "std_err", "lower", "upper", "note"],
    )


def ratio_columns(ctx: Context, first: Column, value: str = "ratio") -> list[Column]:
    t = ctx.texts
    return [
        first,
        Column(value, t("estimate"), "number"),
        Column("lower", t("interval"), "interval", high="upper", percent=False),
        Column("note_text", "", "text"),
    ]


def _note_text(ctx: Context, frame: pd.DataFrame) -> pd.DataFrame:
    frame["note_text"] = [ctx.texts("v_no_interval") if note else "" for note in frame["note"]]
    return frame


def _delta0(fit: Fit) -> str | None:
    return next((n for n in fit.result.params.index if n.startswith("delta0")), None)


def _portfolio(ctx: Context, fit: Fit, numbers: dict) -> list:
    t, page = ctx.texts, fit.page
    blocks = []
    delta0 = _delta0(fit)
    if delta0 is not None:
        constraint = delta0.partition(":")[2] or page.constraints[0]
        unit = ctx.labels("unit", constraint)
        options = [o.id for o in page.options if f"asc:{o.id}" in fit.result.params.index]
        frame = ratio_frame(fit, [(f"asc:{o}", delta0) for o in options])
        frame.insert(0, "option", options)
        frame.insert(1, "label", [ctx.labels("option", o) for o in options])
        frame["cost"] = _mean_costs(ctx, page, constraint).reindex(options).to_numpy()
        frame["net"] = frame["ratio"] - frame["cost"]
        frame = _note_text(ctx, frame.rename(columns={"ratio": "worth"}))
        columns = ratio_columns(ctx, Column("label", t("option")), "worth")
        columns[1] = Column("worth", t("v_worth"), "number")
        columns.insert(3, Column("cost", t("v_cost"), "number"))
        columns.insert(4, Column("net", t("v_net"), "number"))
        table = ctx.table(f"{page.id}_worth", f"{t('v_worth')} ({unit})", frame, columns)
        figure = charts.bars(
            list(frame["label"]),
            [(t("v_worth"), frame["worth"], frame["lower"], frame["upper"])],
            unit,
            t.significant,
            percent=False,
        )
        blocks += [
            Paragraph(t("v_worth_intro", unit=unit)),
            Figure(figure, t("v_worth_alt", unit=unit), table),
        ]
        numbers["worth_unit"] = unit
        numbers["worth"] = frame.drop(columns=["label", "note_text"]).to_dict("records")
    betas = [n for n in fit.result.params.index if n.startswith("beta:")]
    if betas:
        blocks.append(TableBlock(_tradeoffs(ctx, fit, numbers)))
    support = fit.result.predicted_support()
    support.insert(1, "label", [ctx.labels("option", o) for o in support["option"]])
    columns = [
        Column("label", t("option")),
        Column("predicted", t("v_predicted"), "number"),
        Column("observed", t("v_observed"), "number"),
    ]
    blocks.append(TableBlock(ctx.table(f"{page.id}_predicted_support", t("v_support"), support, columns)))
    numbers["predicted_support"] = support.drop(columns="label").to_dict("records")
    return blocks


def _mean_costs(ctx: Context, page, constraint: str) -> pd.Series:
    """Each option's cost per unit of level, averaged over the respondents (versions differ)."""
    rows = ctx.rows(page)
    for suffix, cost, _ in resource_columns(rows):
        if suffix in ("", constraint):
            return pd.to_numeric(rows[cost]).groupby(rows["option"]).mean()
    return pd.Series(dtype=float)


def _tradeoffs(ctx: Context, fit: Fit, numbers: dict):
    """beta_k / beta_l between attributes and beta_k / delta0 (budget per unit of effect)."""
    t = ctx.texts
    frame = fit.result.tradeoffs()
    frame["label"] = [
        f"{_name(ctx, a)} / {_name(ctx, b)}" for a, b in zip(frame["numerator"], frame["denominator"])
    ]
    frame = _note_text(ctx, frame)
    numbers["tradeoffs"] = frame.drop(columns=["label", "note_text"]).to_dict("records")
    return ctx.table(
        f"{fit.page.id}_tradeoffs",
        t("v_tradeoffs"),
        frame,
        ratio_columns(ctx, Column("label", t("parameter"))),
    )


def _name(ctx: Context, parameter: str) -> str:
    kind, _, key = parameter.partition(":")
    if kind == "beta":
        return ctx.labels("attribute", key)
    if kind == "delta0":
        return ctx.labels("constraint", key) if key else ctx.texts("v_cost")
    return parameter


def _pairs(ctx: Context, fit: Fit, numbers: dict) -> list:
    t, page = ctx.texts, fit.page
    blocks = []
    if fit.cost and len(fit.attributes) > 1:
        unit = ctx.labels("unit", fit.cost)
        frame = fit.result.wtp()
        frame.insert(1, "label", [ctx.labels("attribute", a) for a in frame["attribute"]])
        frame["unit"] = [ctx.labels("unit", a) for a in frame["attribute"]]
        frame = _note_text(ctx, frame)
        columns = ratio_columns(ctx, Column("label", t("attribute")), "wtp")
        columns.insert(1, Column("unit", "", "text"))
        table = ctx.table(f"{page.id}_willingness_to_pay", t("v_wtp", unit=unit), frame, columns)
        figure = charts.bars(
            list(frame["label"]),
            [(t("v_wtp", unit=unit), frame["wtp"], frame["lower"], frame["upper"])],
            unit,
            t.significant,
            percent=False,
        )
        blocks += [Paragraph(t("v_wtp_intro", unit=unit)), Figure(figure, t("v_wtp_alt", unit=unit), table)]
        numbers["wtp_unit"] = unit
        numbers["wtp"] = frame.drop(columns=["label", "note_text"]).to_dict("records")
    elif len(fit.attributes) > 1:
        blocks.append(TableBlock(_tradeoffs(ctx, fit, numbers)))
    support = fit.result.predicted_support()
    support["label"] = [ctx.labels("opt_out", page.id) if a == "none" else a for a in support.iloc[:, 0]]
    columns = [
        Column("label", t("alternative")),
        Column("predicted", t("v_predicted"), "number"),
        Column("observed", t("v_observed"), "number"),
    ]
    blocks.append(TableBlock(ctx.table(f"{page.id}_predicted_support", t("v_support"), support, columns)))
    numbers["predicted_support"] = support.drop(columns="label").to_dict("records")
    return blocks
