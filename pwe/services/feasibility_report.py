"""Feasibility at a glance, per portfolio page and design version: how many level combinations
the rules allow, the cheapest and the most expensive of them, and warnings when the limits leave
almost no choice or none binds. Counts come from surveys.feasibility, the one feasibility rule."""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from surveys.definition import Consultation, PortfolioPage
from surveys.feasibility import feasible_level_vectors

# above this many combinations the page is not enumerated here
COUNT_LIMIT = 200_000
ALMOST_NO_CHOICE = 3


@dataclass
class PageFeasibility:
    version: str | None
    page_id: str
    combinations: int
    feasible: int | None = None  # None: too many to count here
    cost_label: str | None = None  # the constraint the packages are priced in
    cheapest: tuple[float, list[str]] | None = None  # total, options chosen
    dearest: tuple[float, list[str]] | None = None
    warnings: list[str] = field(default_factory=list)


def report(consultation: Consultation) -> list[PageFeasibility]:
    versions: list[str | None] = [v.id for v in consultation.versions] or [None]
    return [
        page_feasibility(consultation.for_version(version), page, version)
        for version in versions
        for page in consultation.for_version(version).pages
        if isinstance(page, PortfolioPage)
    ]


def page_feasibility(view: Consultation, page: PortfolioPage, version: str | None) -> PageFeasibility:
    combinations = math.prod(len(option.levels) for option in page.options)
    result = PageFeasibility(version, page.id, combinations)
    if combinations > COUNT_LIMIT:
        result.warnings.append(f"{combinations:,} combinations: too many to count here.")
        return result
    vectors = feasible_level_vectors(view, page, limit=COUNT_LIMIT)
    result.feasible = len(vectors)
    if result.feasible == combinations:
        result.warnings.append(
            "No limit binds: every combination is allowed, so the answers say nothing about trade-offs."
        )
    elif result.feasible <= ALMOST_NO_CHOICE:
        result.warnings.append(
            f"Only {result.feasible} combination(s) allowed: the limits leave almost no choice."
        )
    if page.constraints and result.feasible:
        cost = page.constraints[0]
        result.cost_label = view.text(view.constraint(cost).label, view.default_language) or cost
        per_unit = np.array([float(option.use.get(cost, 0)) for option in page.options])
        totals = vectors.astype(float) @ per_unit
        result.cheapest = _package(page, vectors[int(np.argmin(totals))], float(totals.min()))
        result.dearest = _package(page, vectors[int(np.argmax(totals))], float(totals.max()))
    return result


def _package(page: PortfolioPage, levels, total: float) -> tuple[float, list[str]]:
    chosen = [
        option.id if option.is_toggle else f"{option.id}={level:g}"
        for option, level in zip(page.options, levels)
        if not (option.is_toggle and level == 0)
    ]
    return round(total, 6), chosen
