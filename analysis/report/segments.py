"""Section 5b, segments: latent classes of the main portfolio page, each with its size and
interval, what it advises, how it weighs the options, its background profile and a short name
generated from what sets it apart."""

from __future__ import annotations

import numpy as np
import pandas as pd

from analysis.report import charts
from analysis.report.context import Context
from analysis.report.document import Column, Figure, Heading, Paragraph, Section, TableBlock
from analysis.report.estimates import intervals
from analysis.report.models import Segments
from surveys.definition import QuestionsPage

NAME_PARTS = 2
MIN_DIFFERENCE = 0.3


def section(ctx: Context) -> Section | None:
    with np.errstate(invalid="ignore"):  # NaN errors of a weakly identified class: a dash
        return _section(ctx)


def _section(ctx: Context) -> Section | None:
    segments: Segments | None = ctx.segments
    if segments is None:
        return None
    t = ctx.texts
    page = segments.page
    result = Section("segments", t("segments"))
    if segments.error:
        ctx.results["segments"] = {"page": page.id, "error": segments.error}
        result.blocks.append(Paragraph(t("sg_failed", reason=segments.error)))
        return result
    fitted = segments.result
    k = fitted.n_classes
    auto = ctx.options.classes == "auto"
    page_label = ctx.labels("page", page.id)
    result.blocks.append(
        Paragraph(
            t("sg_intro", page=page_label, max_k=ctx.options.max_classes, k=k)
            if auto
            else t("sg_fixed", page=page_label, k=k)
        )
    )
    numbers = ctx.results.setdefault("segments", {"page": page.id, "classes": k})
    comparison = segments.comparison if segments.comparison is not None else pd.DataFrame()
    numbers["comparison"] = comparison.to_dict("records")
    if auto:
        result.blocks.append(
            TableBlock(
                ctx.table(
                    "segments_bic",
                    t("sg_bic"),
                    comparison,
                    [
                        Column("classes", t("classes"), "count"),
                        Column("loglik", t("loglik"), "number"),
                        Column("n_params", t("parameters"), "count"),
                        Column("bic", "BIC", "number"),
                    ],
                )
            )
        )
    posteriors = fitted.posteriors
    weights = (
        ctx.weights.reindex(posteriors.index).to_numpy(float)
        if ctx.weights is not None
        else np.ones(len(posteriors))
    )
    mass = posteriors.to_numpy() * weights[:, None]
    advice = _advice(ctx, page, posteriors.index, mass, weights)
    sizes = intervals(fitted, [f"share:class{c}" for c in range(1, k + 1)])
    names = _names(ctx, advice, k)
    classes = []
    for c in range(1, k + 1):
        size = sizes.loc[f"share:class{c}"].to_dict()
        # a share lies in 0..1; the normal interval of a weakly identified class may not
        low, high = max(float(size["lower"]), 0.0), min(float(size["upper"]), 1.0)
        classes.append(
            {
                "class": c,
                "name": names[c - 1],
                "share": size["estimate"],
                "share_low": low,
                "share_high": high,
            }
        )
        result.blocks += [
            Heading(t("sg_class", k=c, name=names[c - 1])),
            Paragraph(
                t(
                    "sg_size",
                    share=t.percent(float(size["estimate"])),
                    low=t.percent(low).rstrip("%"),
                    high=t.percent(high),
                )
            ),
        ]
    numbers["class_list"] = classes
    class_columns = [Column(f"class{c}", t("sg_short", k=c), "mixed") for c in range(1, k + 1)]
    table = ctx.table(
        "segments_advice",
        t("sg_advises"),
        advice,
        [Column("label", t("option")), Column("overall", t("overall"), "mixed"), *class_columns],
    )
    numbers["advice"] = advice.drop(columns="label").to_dict("records")
    percent = bool((advice["measure"] == "share").all())
    figure = charts.bars(
        list(advice["label"]),
        [(t("sg_short", k=c), advice[f"class{c}"], None, None) for c in range(1, k + 1)],
        t("share") if percent else t("mean"),
        t.percent if percent else t.significant,
        percent,
    )
    result.blocks.append(
        Figure(
            figure,
            t(
                "a_shares_alt",
                top=advice["label"].iloc[int(advice["overall"].to_numpy(dtype=float).argmax())],
                share=t.percent(advice["overall"].max()),
            ),
            table,
        )
    )
    worth = _worth(ctx, fitted, page, k)
    if worth is not None:
        numbers["worth"] = worth.drop(columns="label").to_dict("records")
        result.blocks.append(
            TableBlock(
                ctx.table(
                    "segments_worth",
                    t("v_worth"),
                    worth,
                    [
                        Column("label", t("option")),
                        *[Column(f"class{c}", t("sg_short", k=c), "number") for c in range(1, k + 1)],
                    ],
                )
            )
        )
    profile = _profile(ctx, posteriors.index, mass, weights, k)
    if profile is not None:
        numbers["profile"] = profile.drop(columns="label").to_dict("records")
        result.blocks.append(
            TableBlock(
                ctx.table(
                    "segments_profile",
                    t("sg_profile"),
                    profile,
                    [
                        Column("label", t("category")),
                        Column("overall", t("overall"), "percent"),
                        *[Column(f"class{c}", t("sg_short", k=c), "percent") for c in range(1, k + 1)],
                    ],
                )
            )
        )
    return result


def _weighted_means(values: pd.DataFrame, mass: np.ndarray, weights: np.ndarray, k: int) -> pd.DataFrame:
    """Per column of `values` (rows: respondents) the weighted mean overall and per class."""
    x = values.to_numpy(float)
    frame = pd.DataFrame({"overall": weights @ x / weights.sum()}, index=values.columns)
    for c in range(k):
        frame[f"class{c + 1}"] = mass[:, c] @ x / mass[:, c].sum()
    return frame


def _advice(ctx: Context, page, respondents: pd.Index, mass: np.ndarray, weights: np.ndarray) -> pd.DataFrame:
    rows = ctx.rows(page)
    wide = (
        rows.pivot(index="respondent", columns="option", values="choice")
        .apply(pd.to_numeric)
        .reindex(respondents)
    )
    wide = wide[[o.id for o in page.options if o.id in wide.columns]]
    toggles = all(o.is_toggle for o in page.options)
    values = (wide > 0).astype(float) if toggles else wide
    frame = _weighted_means(values, mass, weights, mass.shape[1])
    frame.insert(0, "label", [ctx.labels("option", o) for o in frame.index])
    frame.insert(1, "measure", "share" if toggles else "mean")
    return frame.rename_axis("option").reset_index()


def _names(ctx: Context, advice: pd.DataFrame, k: int) -> list[str]:
    """A short name per class from what sets it apart: the options it advises clearly more
    often than everyone (at least MIN_DIFFERENCE of the largest difference), else the ones it
    advises least, so two classes do not get mirror-image names."""
    t = ctx.texts
    if k == 1:
        return [t("overall")]
    names = []
    for c in range(1, k + 1):
        difference = (advice[f"class{c}"] - advice["overall"]).sort_values(ascending=False)
        largest = difference.abs().max() or 1.0
        more = [i for i in difference.index if difference[i] >= MIN_DIFFERENCE * largest]
        parts = [t("sg_prefers", option=advice.loc[i, "label"]) for i in more[:NAME_PARTS]]
        if not parts:
            parts = [
                t("sg_avoids", option=advice.loc[i, "label"]) for i in difference.index[::-1][:NAME_PARTS]
            ]
        names.append(", ".join(parts))
    return names


def _worth(ctx: Context, fitted, page, k: int) -> pd.DataFrame | None:
    """Each option's worth in the budget's unit within each class (asc / delta0)."""
    if "class1:delta0" not in fitted.params.index:
        return None
    options = [o.id for o in page.options if f"class1:asc:{o.id}" in fitted.params.index]
    frame = pd.DataFrame({"option": options, "label": [ctx.labels("option", o) for o in options]})
    for c in range(1, k + 1):
        ratios = [fitted.ratio(f"class{c}:asc:{o}", f"class{c}:delta0") for o in options]
        frame[f"class{c}"] = [r["ratio"] for r in ratios]
        frame[f"class{c}_low"] = [r["lower"] for r in ratios]
        frame[f"class{c}_high"] = [r["upper"] for r in ratios]
    return frame


def _profile(
    ctx: Context, respondents: pd.Index, mass: np.ndarray, weights: np.ndarray, k: int
) -> pd.DataFrame | None:
    """Share of each background category overall and per class (--by questions, else every
    closed background question)."""
    people = ctx.data.respondents.set_index("respondent").reindex(respondents)
    variables = list(ctx.options.by) or [
        q.id
        for p in ctx.consultation.pages
        if isinstance(p, QuestionsPage)
        for q in p.questions
        if q.type == "choice" and q.id in people
    ]
    if not variables:
        return None
    frames = []
    for variable in variables:
        dummies = pd.get_dummies(people[variable].astype("string"), dtype=float)
        if dummies.empty:
            continue
        answered = people[variable].notna().to_numpy()
        frame = _weighted_means(dummies[answered], mass[answered], weights[answered], k)
        frame.insert(
            0,
            "label",
            [f"{ctx.labels('question', variable)}: {ctx.labels.choice(variable, c)}" for c in frame.index],
        )
        frame.insert(0, "category", frame.index)
        frame.insert(0, "variable", variable)
        frames.append(frame)
    return pd.concat(frames, ignore_index=True) if frames else None
