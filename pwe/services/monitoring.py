"""Figures for watching a consultation while it is open: responses per day and source, the
funnel, durations and respondents who finished suspiciously fast. Counts only; no answers."""

from __future__ import annotations

import statistics
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy import func, select

from pwe.extensions import db
from pwe.flow import steps
from pwe.models import Consultation as ConsultationRow
from pwe.models import PageAnswer, Respondent, Response
from pwe.services.consultations import respondent_count
from pwe.services.voiding import not_voided
from surveys.definition import Consultation

# finishing in less than this share of the median time is reported as suspiciously fast
FAST_SHARE = 1 / 3


@dataclass
class Monitoring:
    per_day: list[tuple[date, str, int, int]] = field(default_factory=list)  # day, source, started, completed
    funnel: list[tuple[str, int]] = field(default_factory=list)  # stage, respondents
    median_minutes: float | None = None
    fast_threshold_minutes: float | None = None
    fast: list[tuple[str, float]] = field(default_factory=list)  # respondent, minutes
    sources: list[str] = field(default_factory=list)
    voided: int = 0

    @property
    def started(self) -> int:
        return self.funnel[0][1] if self.funnel else 0

    @property
    def completed(self) -> int:
        return self.funnel[-1][1] if self.funnel else 0


def monitoring(row: ConsultationRow, consultation: Consultation) -> Monitoring:
    result = Monitoring()
    respondents = db.session.execute(
        select(
            Respondent.id,
            Respondent.pseudonym,
            Respondent.source,
            Respondent.started_at,
            Response.completed_at,
        )
        .join(Response, (Response.respondent_id == Respondent.id) & not_voided(), isouter=True)
        .where(Respondent.consultation_id == row.id)
    ).all()
    started: Counter = Counter()
    completed: Counter = Counter()
    durations = []
    for _, pseudonym, source, started_at, completed_at in respondents:
        started[(started_at.date(), source)] += 1
        if completed_at is not None:
            completed[(completed_at.date(), source)] += 1
            durations.append((pseudonym, (completed_at - started_at).total_seconds() / 60))
    result.sources = sorted({source for _, _, source, _, _ in respondents})
    result.per_day = _days(started, completed, result.sources)
    # consent is counted before a respondent row exists (the row waits for the first saved step)
    result.funnel = _funnel(
        row,
        consultation,
        respondent_count(row.id),
        sum(1 for r in respondents if r.completed_at is not None),
    )
    if durations:
        result.median_minutes = statistics.median(minutes for _, minutes in durations)
        result.fast_threshold_minutes = result.median_minutes * FAST_SHARE
        result.fast = sorted(
            (code, minutes) for code, minutes in durations if minutes < result.fast_threshold_minutes
        )
    result.voided = db.session.execute(
        select(func.count()).select_from(Response).where(Response.consultation_id == row.id, ~not_voided())
    ).scalar_one()
    return result


def _days(started: Counter, completed: Counter, sources: list[str]) -> list[tuple]:
    days = sorted({day for day, _ in started} | {day for day, _ in completed})
    if not days:
        return []
    rows = []
    day = days[0]
    while day <= days[-1]:  # every day, also those without anyone, so the chart has no gaps
        rows += [(day, source, started[(day, source)], completed[(day, source)]) for source in sources]
        day += timedelta(days=1)
    return rows


def _funnel(
    row: ConsultationRow, consultation: Consultation, started: int, completed: int
) -> list[tuple[str, int]]:
    """Started, then how many saved each step, then completed. Steps of the design versions
    are the same pages, so the base definition's steps name them."""
    answered = dict(
        db.session.execute(
            select(PageAnswer.step_id, func.count(func.distinct(PageAnswer.respondent_id)))
            .join(Respondent, Respondent.id == PageAnswer.respondent_id)
            .where(Respondent.consultation_id == row.id)
            .group_by(PageAnswer.step_id)
        ).all()
    )
    stages = [("started", started)]
    stages += [(f"answered {step.id}", answered.get(step.id, 0)) for step in steps(consultation)]
    stages.append(("completed", completed))
    return stages
