"""The steps a respondent walks through: the definition's pages, each portfolio page followed by
its motivation step when the definition asks for one."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from surveys.answers import MOTIVATION_PREFIX
from surveys.definition import Consultation, Page, PortfolioPage


@dataclass(frozen=True)
class Step:
    id: str
    page: Page
    kind: Literal["page", "motivation"] = "page"

    @property
    def template(self) -> str:
        return "motivation" if self.kind == "motivation" else self.page.type


def steps(consultation: Consultation) -> list[Step]:
    result = []
    for page in consultation.pages:
        result.append(Step(page.id, page))
        if isinstance(page, PortfolioPage) and page.motivation:
            # the prefix is reserved in the format, so a step id never collides with a page id
            result.append(Step(MOTIVATION_PREFIX + page.id, page, "motivation"))
    return result


def step_by_id(consultation: Consultation, step_id: str) -> tuple[int, Step] | None:
    for index, step in enumerate(steps(consultation)):
        if step.id == step_id:
            return index, step
    return None


def next_open_step(consultation: Consultation, answered: set[str]) -> Step | None:
    """Where a returning respondent resumes: the first step without a saved answer."""
    for step in steps(consultation):
        if step.id not in answered:
            return step
    return None
