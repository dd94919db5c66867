"""Section 1, the summary: five to eight sentences generated from the computed numbers (never
typed by hand), in the order a reader asks: who, what they advise, how they weigh, groups, and
how they judged the consultation."""

from __future__ import annotations

import math

from analysis.report.context import Context
from analysis.report.document import Section, Sentences
from analysis.report.models import main_portfolio_fit

MAX_SENTENCES = 8


def section(ctx: Context) -> Section:
    t = ctx.texts
    candidates = [
        _completed(ctx),
        *_advice(ctx),
        *_worth(ctx),
        *_pairs(ctx),
        _goals(ctx),
        _statements(ctx),
        _segments(ctx),
        _groups(ctx),
        _evaluation(ctx),
    ]
    sentences = [s for s in candidates if s][:MAX_SENTENCES]
    ctx.results["summary"] = sentences
    return Section("summary", t("summary"), [Sentences(sentences)])


def _finite(*values) -> bool:
    return all(v is not None and math.isfinite(v) for v in values)


def _completed(ctx: Context) -> str:
    t = ctx.texts
    numbers = ctx.results["participation"]
    sources = ", ".join(f"{row['source']}: {t.number(row['completed'])}" for row in numbers["by_source"])
    return t("s_completed", n=t.number(numbers["completed"]), sources=sources)


def _main_page(ctx: Context):
    fit = main_portfolio_fit(ctx)
    if fit is not None:
        return fit.page
    pages = [p for p in (ctx.consultation.pages if ctx.consultation else ()) if p.type == "portfolio"]
    return pages[0] if pages else None


def _advice(ctx: Context) -> list[str]:
    t, page = ctx.texts, _main_page(ctx)
    if page is None:
        return []
    options = ctx.results["advice"][page.id]["options"]
    ranked = sorted(
        (o for o in options if _finite(o["share_low"], o["share_high"])),
        key=lambda o: o["share"],
        reverse=True,
    )
    if not ranked:
        return []
    toggles = all(o.is_toggle for o in page.options)

    def sentence(key: str, row: dict) -> str:
        return t(
            key,
            words=t.share_words(row["share"]),
            option=ctx.labels("option", row["option"]),
            share=t.percent(row["share"]),
            low=t.percent(row["share_low"]).rstrip("%"),
            high=t.percent(row["share_high"]),
        )

    first = sentence("s_top_option" if toggles else "s_more_option", ranked[0])
    last = sentence("s_bottom_option" if toggles else "s_fewest_more", ranked[-1]) if len(ranked) > 1 else ""
    return [first, last]


def _worth(ctx: Context) -> list[str]:
    t = ctx.texts
    sentences = []
    for numbers in ctx.results.get("values", {}).values():
        rows = [r for r in numbers.get("worth", []) if _finite(r["lower"], r["upper"])]
        if rows:
            best = max(rows, key=lambda r: r["worth"])
            sentences.append(
                t(
                    "s_worth",
                    option=ctx.labels("option", best["option"]),
                    worth=t.significant(best["worth"]),
                    unit=numbers["worth_unit"],
                    low=t.significant(best["lower"]),
                    high=t.significant(best["upper"]),
                    cost=t.significant(best["cost"]),
                )
            )
        finite = [
            r
            for r in numbers.get("tradeoffs", [])
            if _finite(r["lower"], r["upper"]) and r["denominator"].startswith("beta:")
        ]
        if finite:
            row = finite[0]
            a, b = row["numerator"][len("beta:") :], row["denominator"][len("beta:") :]
            sentences.append(
                t(
                    "s_tradeoff",
                    amount=t.significant(row["ratio"]),
                    unit_a=ctx.labels("unit", b),
                    attribute_a=ctx.labels("attribute", b),
                    unit_b=ctx.labels("unit", a),
                    attribute_b=ctx.labels("attribute", a),
                    low=t.significant(row["lower"]),
                    high=t.significant(row["upper"]),
                )
            )
    return sentences


def _pairs(ctx: Context) -> list[str]:
    t = ctx.texts
    sentences = []
    for numbers in ctx.results.get("values", {}).values():
        rows = [r for r in numbers.get("wtp", []) if _finite(r["lower"], r["upper"])]
        if rows:
            best = max(rows, key=lambda r: abs(r["wtp"]) / r["std_err"] if r["std_err"] else 0)
            # a negative amount reads as what one unit less is worth, not as "-3 euro"
            sign = -1 if best["wtp"] < 0 else 1
            low, high = sorted((sign * best["lower"], sign * best["upper"]))
            sentences.append(
                t(
                    "s_wtp_less" if sign < 0 else "s_wtp",
                    unit=ctx.labels("unit", best["attribute"]),
                    attribute=ctx.labels("attribute", best["attribute"]),
                    wtp=t.significant(sign * best["wtp"]),
                    cost_unit=numbers["wtp_unit"],
                    low=t.significant(low),
                    high=t.significant(high),
                )
            )
    for page_id, numbers in ctx.results.get("advice", {}).items():
        if isinstance(numbers, dict) and "opt_out_mean_share" in numbers:
            sentences.append(
                t(
                    "s_opt_out",
                    share=t.percent(numbers["opt_out_mean_share"]),
                    label=ctx.labels("opt_out", page_id),
                )
            )
    return sentences


def _goals(ctx: Context) -> str:
    t = ctx.texts
    for numbers in ctx.results.get("advice", {}).values():
        if isinstance(numbers, dict) and numbers.get("type") == "points":
            top = numbers["goals"][:3]
            return t(
                "s_top_goals",
                goals=", ".join(
                    f"{ctx.labels('option', g['option'])} ({t.number(g['mean'], 1)})" for g in top
                ),
            )
    return ""


def _statements(ctx: Context) -> str:
    t = ctx.texts
    for numbers in ctx.results.get("advice", {}).values():
        if isinstance(numbers, dict) and numbers.get("type") == "statements":
            top = max(numbers["statements"], key=lambda row: row["agree"])
            return t(
                "s_statement", statement=ctx.labels("statement", top["option"]), share=t.percent(top["agree"])
            )
    return ""


def _segments(ctx: Context) -> str:
    t = ctx.texts
    numbers = ctx.results.get("segments")
    if not numbers or numbers["classes"] < 2:
        return ""
    return t(
        "s_segments",
        k=numbers["classes"],
        classes="; ".join(f"{t.percent(c['share'])} {c['name']}" for c in numbers["class_list"]),
    )


def _groups(ctx: Context) -> str:
    t = ctx.texts
    groups = ctx.results.get("groups")
    if not groups:
        return ""
    significant = [row for rows in groups.values() for row in rows if row.get("p_holm", 1) < 0.05]
    if not significant:
        return t("s_no_groups")
    strongest = min(significant, key=lambda row: row["p_holm"])
    return t("s_groups", count=len(significant), question=ctx.labels("question", strongest["variable"]))


def _evaluation(ctx: Context) -> str:
    t = ctx.texts
    for question, numbers in ctx.results.get("evaluation", {}).items():
        if question != "agree":
            return t(
                "s_evaluation",
                share=t.percent(numbers["share_6_or_more"]),
                grade=t.number(numbers["mean"], 1),
            )
    return ""
