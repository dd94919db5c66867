"""Section 8, method: the design (pages, versions and what varies), fieldwork, weighting, each
model in words with N, log-likelihood and its parameters with standard and robust errors,
identification notes, what the numbers can and cannot say, the definition's sha256 and the
command that made the report."""

from __future__ import annotations

from typing import Any

import numpy as np

from analysis.report.context import Context
from analysis.report.document import Column, Heading, Paragraph, Section, TableBlock
from analysis.report.estimates import intervals


def section(ctx: Context) -> Section:
    t, segments = ctx.texts, ctx.segments
    numbers = ctx.results.setdefault("method", {})
    result = Section("method", t("method"))
    consultation = ctx.consultation
    if consultation is not None:
        varying = sorted({key for version in consultation.versions for key in version.changes})
        versions = (
            t(
                "m_versions",
                count=len(consultation.versions),
                what=", ".join(
                    ctx.labels("option", k) if k != "constraints" else t("v_cost") for k in varying
                ),
            )
            if consultation.versions
            else t("m_no_versions")
        )
        numbers.update(pages=len(consultation.pages), versions=[v.id for v in consultation.versions])
        result.blocks += [
            Heading(t("m_design")),
            Paragraph(t("m_design_text", pages=len(consultation.pages), versions=versions)),
        ]
    participation = ctx.results.get("participation", {})
    result.blocks.append(
        Paragraph(
            t(
                "m_fieldwork",
                first=participation.get("first_completed"),
                last=participation.get("last_completed"),
                n=t.number(participation.get("completed", 0)),
            )
        )
    )
    fits = [f for f in ctx.fits.values() if f.result is not None]
    if fits or segments is not None:
        result.blocks.append(Heading(t("m_models")))
        models = {f.model for f in fits}
        if "portfolio-logit" in models:
            result.blocks.append(Paragraph(t("m_portfolio_formula")))
        if "mnl" in models:
            result.blocks.append(Paragraph(t("m_mnl_formula")))
        if segments is not None and segments.result is not None:
            result.blocks.append(Paragraph(t("m_latent_formula")))
    numbers["models"] = {}
    for fit in fits:
        result.blocks += _model(ctx, fit.model, fit.page, fit.result, fit.notes, numbers)
    if segments is not None and segments.result is not None:
        result.blocks += _model(ctx, "latent-class", segments.page, segments.result, [], numbers)
    result.blocks += [Heading(t("m_limits")), Paragraph(t("m_limits_text")), Heading(t("m_reproduce"))]
    sha = ctx.data.definition_sha256
    numbers["definition_sha256"] = sha
    numbers["command"] = ctx.options.command
    result.blocks.append(Paragraph(t("m_sha", sha=sha) if sha else t("m_no_sha")))
    result.blocks.append(Paragraph(f"{t('m_command')} {ctx.options.command}"))
    return result


def _model(ctx: Context, model: str, page, fitted, notes: list[str], numbers: dict) -> list:
    """A model's line in words and its parameter table (the names `pwe fit --json` uses)."""
    t = ctx.texts
    label = ctx.labels("page", page.id)
    with np.errstate(invalid="ignore"):  # NaN errors of a weakly identified fit show as a dash
        described = fitted.to_dict()
        classical = fitted.classical_bse
    bounds = intervals(fitted)
    for row in described["params"]:
        row.update(
            lower=float(bounds.loc[row["name"], "lower"]), upper=float(bounds.loc[row["name"], "upper"])
        )
    numbers["models"][f"{model}:{page.id}"] = described
    blocks: list[Any] = [
        Paragraph(
            t(
                "m_model_line",
                model=model,
                page=label,
                n=t.number(fitted.n_respondents),
                loglik=t.number(fitted.loglik, 1),
                converged=t("m_converged" if fitted.converged else "m_not_converged"),
            )
        )
    ]
    blocks += [Paragraph(note) for note in [*dict.fromkeys(notes), *fitted.notes]]
    frame = bounds.rename_axis("name").reset_index()
    frame["classical_std_err"] = classical[frame["name"]].to_numpy()
    blocks.append(
        TableBlock(
            ctx.table(
                f"parameters_{model}_{page.id}",
                f"{t('v_parameters')}: {model}, {label}",
                frame,
                [
                    Column("name", t("parameter")),
                    Column("estimate", t("estimate"), "number"),
                    Column("classical_std_err", t("std_err"), "number"),
                    Column("std_err", t("robust_std_err"), "number"),
                    Column("lower", t("interval"), "interval", high="upper", percent=False),
                ],
            )
        )
    )
    return blocks
