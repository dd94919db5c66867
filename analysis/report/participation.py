"""Section 2, who took part: completed responses by source side by side, dates and duration, the
funnel when the database has it, and the weighting (sample against population, design effect,
effective n, trimmed weights)."""

from __future__ import annotations

from typing import Any

import pandas as pd

from analysis.report import charts
from analysis.report.context import Context
from analysis.report.document import Column, Figure, Paragraph, Section, TableBlock
from surveys.answers import MOTIVATION_PREFIX

FUNNEL_STARTED = "started"
FUNNEL_COMPLETED = "completed"


def section(ctx: Context) -> Section:
    t = ctx.texts
    people = ctx.data.respondents
    numbers = ctx.results.setdefault("participation", {})
    completed = (
        pd.to_datetime(people["completed_at"], utc=True, errors="coerce")
        if "completed_at" in people
        else pd.Series(dtype="datetime64[ns, UTC]")
    )
    duration = (
        pd.to_numeric(people["duration_minutes"], errors="coerce")
        if "duration_minutes" in people
        else pd.Series(dtype=float)
    )
    numbers.update(
        completed=len(people),
        first_completed=_day(completed.min()),
        last_completed=_day(completed.max()),
        median_duration_minutes=None if duration.dropna().empty else float(duration.median()),
    )
    result = Section(
        "participation",
        t("participation"),
        [
            Paragraph(
                t(
                    "p_intro",
                    n=t.number(len(people)),
                    first=numbers["first_completed"] or "–",
                    last=numbers["last_completed"] or "–",
                    median=t.number(numbers["median_duration_minutes"] or float("nan"), 1),
                )
            )
        ],
    )
    sources = ctx.sources().value_counts().sort_index()
    frame = pd.DataFrame(
        {
            "source": sources.index,
            "completed": sources.to_numpy(),
            "share": sources.to_numpy() / max(len(people), 1),
        }
    )
    numbers["by_source"] = frame.to_dict("records")
    result.blocks.append(
        TableBlock(
            ctx.table(
                "completed_by_source",
                t("p_by_source"),
                frame,
                [
                    Column("source", t("source")),
                    Column("completed", t("completed"), "count"),
                    Column("share", t("share"), "percent"),
                ],
            )
        )
    )
    result.blocks += _funnel(ctx, numbers)
    result.blocks += _weighting(ctx, numbers)
    return result


def _day(moment) -> str | None:
    return None if pd.isna(moment) else moment.strftime("%Y-%m-%d")


def _funnel(ctx: Context, numbers: dict) -> list:
    t, data = ctx.texts, ctx.data
    if data.funnel is None:
        return [Paragraph(t("p_no_funnel"))]
    frame = data.funnel.copy()
    frame["label"] = [_step_label(ctx, step) for step in frame["step"]]
    frame["share"] = frame["reached"] / max(data.started or 1, 1)
    numbers["started"] = data.started
    numbers["funnel"] = frame.drop(columns="label").to_dict("records")
    table = ctx.table(
        "funnel",
        t("p_funnel"),
        frame,
        [
            Column("label", t("step")),
            Column("reached", t("reached"), "count"),
            Column("share", t("share"), "percent"),
        ],
    )
    figure = charts.bars(
        list(frame["label"]),
        [(t("reached"), frame["reached"], None, None)],
        t("reached"),
        t.number,
        percent=False,
    )
    return [
        Figure(
            figure,
            t("p_funnel_alt", first=t.number(data.started or 0), last=t.number(numbers["completed"])),
            table,
        )
    ]


def _step_label(ctx: Context, step: str) -> str:
    """A step of the funnel in words: its page's title, a motivation step, or completed."""
    if step == FUNNEL_COMPLETED:
        return ctx.texts("completed")
    if step == FUNNEL_STARTED:
        return ctx.texts("started")
    if step.startswith(MOTIVATION_PREFIX):
        return f"{ctx.labels('page', step[len(MOTIVATION_PREFIX) :])}: {ctx.texts('motivation')}"
    return ctx.labels("page", step)


def _weighting(ctx: Context, numbers: dict) -> list:
    t, weighting = ctx.texts, ctx.weighting
    numbers["weighting"] = summary = weighting.numbers()
    if weighting.weights is None:
        return [Paragraph(t("p_unweighted"))]
    common = dict(
        deff=t.number(summary["design_effect"], 2),
        n_eff=t.number(summary["effective_n"]),
        low=t.number(summary["weight_min"], 2),
        high=t.number(summary["weight_max"], 2),
    )
    if weighting.margins is None:
        return [Paragraph(t("p_weights_file", file=weighting.source, **common))]
    blocks: list[Any] = [
        Paragraph(
            t(
                "p_weighting_intro",
                variables=", ".join(ctx.labels("question", v) for v in summary["variables"]),
                trimmed=summary["trimmed"],
                **common,
            )
        )
    ]
    frame = weighting.margins.copy()
    frame["label"] = [
        f"{ctx.labels('question', v)}: {ctx.labels.choice(v, c)}"
        for v, c in zip(frame["variable"], frame["category"])
    ]
    summary["margins"] = frame.drop(columns="label").to_dict("records")
    blocks.append(
        TableBlock(
            ctx.table(
                "weighting_margins",
                t("p_margins"),
                frame,
                [
                    Column("label", t("category")),
                    Column("population", t("population"), "percent"),
                    Column("sample", t("sample"), "percent"),
                    Column("weighted", t("weighted"), "percent"),
                ],
            )
        )
    )
    return blocks
