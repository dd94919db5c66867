"""The choice models a report fits: the portfolio logit per portfolio page and the MNL per pairs
page, each with only the parameters the design identifies, and latent classes on request.

What cannot be estimated is said in words (`notes`), never printed as a number."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from analysis.models import MNL, LatentClassPortfolioLogit, PortfolioLogit
from analysis.report.context import Context
from surveys.definition import PairsPage, PortfolioPage


@dataclass
class Fit:
    """A fitted model of one page, or why there is none (`error`)."""

    page: Any
    model: str
    result: Any = None
    attributes: list[str] = field(default_factory=list)
    delta0: bool = False
    cost: str | None = None
    notes: list[str] = field(default_factory=list)
    error: str | None = None


@dataclass
class Segments:
    """Latent classes of one portfolio page: the chosen fit and the BIC of each K tried."""

    page: PortfolioPage
    result: Any = None
    comparison: pd.DataFrame | None = None
    error: str | None = None


def fit_models(ctx: Context) -> None:
    """Fit every page's model into ctx.fits, showing progress."""
    consultation = ctx.consultation
    if consultation is None:
        return
    pages = [p for p in consultation.pages if isinstance(p, (PortfolioPage, PairsPage))]
    for done, page in enumerate(pages):
        ctx.progress("models", done, len(pages))
        ctx.fits[page.id] = (
            fit_portfolio(ctx, page) if isinstance(page, PortfolioPage) else fit_pairs(ctx, page)
        )
    ctx.progress("models", len(pages), len(pages))


def _varies(rows: pd.DataFrame, column: str) -> bool:
    """Whether a column differs between respondents for the same option (design versions)."""
    return column in rows and bool((rows.groupby("option")[column].nunique() > 1).any())


def fit_portfolio(ctx: Context, page: PortfolioPage) -> Fit:
    """Portfolio logit with option constants, the attributes and budget terms that vary between
    versions; what the design leaves unidentified is dropped and named."""
    rows = ctx.rows(page)
    fit = Fit(page, "portfolio-logit")
    effects = dict.fromkeys(a for o in page.options for a in o.effects)
    fit.attributes = [a for a in effects if _varies(rows, a)]
    costs = [c for c in rows.columns if c == "cost" or c.startswith("cost_")]
    budgets = [c for c in rows.columns if c == "budget" or c.startswith("budget_")]
    fit.delta0 = any(_varies(rows, c) for c in costs) or any(rows[c].nunique() > 1 for c in budgets)
    if effects and not fit.attributes:
        fit.notes.append(ctx.texts("v_effects_fixed"))
    if not fit.delta0:
        fit.notes.append(ctx.texts("v_no_delta0"))
    attempts = [(fit.attributes, fit.delta0)]
    if fit.attributes:
        attempts.append(([], fit.delta0))
    if fit.delta0:
        attempts.append(([], False))
    for attributes, delta0 in attempts:
        try:
            fit.result = PortfolioLogit.from_consultation(
                ctx.consultation, rows, attributes, task=page.id, weights=ctx.weights, delta0=delta0
            ).fit()
        except ValueError as error:
            fit.notes.append(ctx.texts("v_not_identified", reason=str(error)))
            fit.error = str(error)
            continue
        fit.attributes, fit.delta0, fit.error = attributes, delta0, None
        break
    return fit


def fit_pairs(ctx: Context, page: PairsPage) -> Fit:
    """MNL over each set's variants and the opt-out, clustered by respondent."""
    rows = ctx.rows(page).copy()
    fit = Fit(page, "mnl", attributes=list(page.attributes), cost=page.money)
    rows[fit.attributes] = rows[fit.attributes].apply(pd.to_numeric, errors="coerce")
    try:
        fit.result = MNL(rows, fit.attributes, cost=fit.cost, weights=ctx.weights).fit()
    except ValueError as error:
        fit.error = str(error)
        fit.notes.append(ctx.texts("v_model_failed", reason=str(error)))
    return fit


def main_portfolio_fit(ctx: Context) -> Fit | None:
    """The first portfolio page's fit that succeeded: the page segments and the summary use."""
    return next((f for f in ctx.fits.values() if f.model == "portfolio-logit" and f.result), None)


def fit_segments(ctx: Context) -> Segments | None:
    """Latent classes on the main portfolio page: K classes, or with "auto" the K from 1 to
    max_classes with the lowest BIC, stopping at the first K whose BIC is higher than the one
    before (the comparison table lists the K fitted)."""
    classes = ctx.options.classes
    base = main_portfolio_fit(ctx)
    if classes is None or base is None:
        return None
    page = base.page
    segments = Segments(page)
    rows = ctx.rows(page)
    tried = range(1, ctx.options.max_classes + 1) if classes == "auto" else [int(classes)]
    fits = []
    for done, k in enumerate(tried):
        ctx.progress("latent classes", done, len(tried))
        try:
            fits.append(
                LatentClassPortfolioLogit(
                    rows,
                    base.attributes,
                    n_classes=k,
                    weights=ctx.weights,
                    task=page.id,
                    delta0=base.delta0,
                    starts=ctx.options.class_starts,
                    seed=0,
                ).fit()
            )
        except ValueError as error:
            segments.error = str(error)
            break
        if len(fits) > 1 and fits[-1].bic > fits[-2].bic:
            break  # BIC has turned up: more classes only fit noise, and cost the most time
    ctx.progress("latent classes", len(tried), len(tried))
    if segments.error:
        return segments
    segments.comparison = pd.DataFrame(
        [
            {
                "classes": r.n_classes,
                "loglik": r.loglik,
                "n_params": r.n_free,
                "aic": r.aic,
                "bic": r.bic,
                "converged": r.converged,
            }
            for r in fits
        ]
    )
    segments.result = fits[int(np.argmin([r.bic for r in fits]))]
    return segments
