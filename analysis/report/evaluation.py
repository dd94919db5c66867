"""Section 7, the consultation itself: the grade (mean with interval, share of 6 or higher) and
the agree items respondents answered about the consultation."""

from __future__ import annotations

import pandas as pd

from analysis.report.advice import agree_table
from analysis.report.context import Context
from analysis.report.document import Paragraph, Section
from analysis.report.proportions import mean_of
from surveys.definition import QuestionsPage

PASS_MARK = 6


def section(ctx: Context) -> Section | None:
    if ctx.consultation is None:
        return None
    t = ctx.texts
    questions = [
        q
        for p in ctx.consultation.pages
        if isinstance(p, QuestionsPage)
        for q in p.questions
        if q.type in ("scale", "agree")
    ]
    if not questions:
        return None
    people = ctx.data.respondents.set_index("respondent")
    result = Section("evaluation", t("evaluation"), [Paragraph(t("e_intro"))])
    numbers = ctx.results.setdefault("evaluation", {})
    for question in (q for q in questions if q.type == "scale" and q.id in people):
        grades = pd.to_numeric(people[question.id], errors="coerce")
        row = mean_of(grades, question.id, ctx.weights).iloc[0]
        passed = mean_of(
            (grades >= PASS_MARK).astype(float).where(grades.notna()), question.id, ctx.weights
        ).iloc[0]
        numbers[question.id] = {
            "mean": row["mean"],
            "mean_low": row["mean_low"],
            "mean_high": row["mean_high"],
            "n": int(row["n"]),
            "share_6_or_more": passed["mean"],
        }
        result.blocks.append(
            Paragraph(
                f"{ctx.labels('question', question.id)} "
                + t(
                    "e_grade",
                    mean=t.number(row["mean"], 1),
                    low=t.number(row["mean_low"], 1),
                    high=t.number(row["mean_high"], 1),
                    n=t.number(row["n"]),
                )
            )
        )
    agree = [q.id for q in questions if q.type == "agree" and q.id in people]
    if agree:
        figure = agree_table(ctx, "evaluation_agree", t("evaluation"), agree, "question")
        numbers["agree"] = figure.table.frame.drop(columns="label").to_dict("records")
        result.blocks.append(figure)
    return result
