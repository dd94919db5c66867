"""Quotas per invitation batch on background answers (e.g. age x gender): once a cell has its
number of completed responses, a new respondent of the batch in that cell is thanked and
stopped as soon as their background answers are saved, and counted.

A batch's quota is {"questions": [question ids], "limits": {"16-24/woman": 50, ...}}; cells
without a limit are open. The cell is the answers joined by "/" in the order of the questions.
"""

from __future__ import annotations

from collections import Counter
from typing import TypeGuard

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from pwe.extensions import db
from pwe.models import OPEN_SOURCE, Respondent, Response
from pwe.models_officials import InvitationBatch, QuotaStop
from pwe.services import audit, invitations
from pwe.services.responses import Start
from pwe.services.voiding import not_voided

SEPARATOR = "/"


class QuotaError(ValueError):
    """The quota cannot be set; the message says what to change."""


def set_quota(
    batch: InvitationBatch,
    slug: str,
    questions_text: str,
    limits_text: str,
    question_ids: set[str],
    actor: str,
) -> None:
    """Set (or with empty questions, remove) a batch's quota from the form's two texts."""
    questions = [q.strip() for q in questions_text.split(",") if q.strip()]
    unknown = [q for q in questions if q not in question_ids]
    if unknown:
        raise QuotaError(
            f"no question {', '.join(unknown)}; use the ids of questions, e.g. "
            f"{', '.join(sorted(question_ids)[:3])}."
        )
    limits = {}
    for number, line in enumerate(limits_text.splitlines(), start=1):
        if not line.strip():
            continue
        cell, _, most = line.rpartition("=")
        if not cell.strip() or not most.strip().isdigit():
            raise QuotaError(f"line {number}: write a cell and its number as '16-24{SEPARATOR}woman = 50'.")
        if cell.count(SEPARATOR) != len(questions) - 1:
            raise QuotaError(
                f"line {number}: '{cell.strip()}' needs one answer per question "
                f"({SEPARATOR.join(questions) or 'no questions given'})."
            )
        limits[SEPARATOR.join(part.strip() for part in cell.split(SEPARATOR))] = int(most)
    before = batch.quota
    batch.quota = {"questions": questions, "limits": limits} if questions else None
    audit.record(
        actor,
        "invitations.quota",
        f"consultation:{slug}",
        {"batch": batch.name, "quota": before},
        {"batch": batch.name, "quota": batch.quota},
    )
    db.session.commit()


def may_stop(respondent: Respondent | Start) -> TypeGuard[Respondent]:
    """Whether a quota can apply: a start that saved no step has no row yet, and an open link has
    no batch, so no quota. Read it before a commit expires the row, to spare a reload."""
    return isinstance(respondent, Respondent) and respondent.source != OPEN_SOURCE


def stopped(respondent: Respondent | Start) -> bool:
    return may_stop(respondent) and db.session.get(QuotaStop, respondent.id) is not None


def stop_if_full(respondent: Respondent, saved: dict[str, dict]) -> bool:
    """After a saved step: stop (and count) the respondent when their cell is full."""
    invitation = invitations.of_respondent(respondent)
    batch = db.session.get(InvitationBatch, invitation.batch_id) if invitation else None
    if batch is None or not batch.quota:
        return False
    cell = cell_of(batch.quota["questions"], saved)
    limit = batch.quota["limits"].get(cell) if cell is not None else None
    if limit is None or completed_per_cell(batch).get(cell, 0) < limit:
        return False
    db.session.add(QuotaStop(respondent_id=respondent.id, batch_id=batch.id, cell=cell))
    try:
        db.session.commit()
    except IntegrityError:  # stopped already, by a second tab
        db.session.rollback()
    return True


def cell_of(questions: list[str], answers: dict[str, dict]) -> str | None:
    """The respondent's cell from their answers per step; None until every question is answered."""
    merged = {
        key: value for answer in answers.values() if isinstance(answer, dict) for key, value in answer.items()
    }
    values = [merged.get(question) for question in questions]
    if any(value in (None, "", []) for value in values):
        return None
    return SEPARATOR.join(str(value) for value in values)


def completed_per_cell(batch: InvitationBatch) -> Counter:
    """Completed, not voided responses of the batch per cell (none without a quota)."""
    if not batch.quota:
        return Counter()
    questions = batch.quota["questions"]
    rows = db.session.scalars(
        select(Response.answers)
        .join(Respondent, Respondent.id == Response.respondent_id)
        .where(
            Respondent.source == batch.name, Respondent.consultation_id == batch.consultation_id, not_voided()
        )
    )
    return Counter(cell for answers in rows if (cell := cell_of(questions, answers)) is not None)


def stops_per_cell(batch: InvitationBatch) -> dict[str, int]:
    return dict(
        db.session.execute(
            select(QuotaStop.cell, func.count())
            .where(QuotaStop.batch_id == batch.id)
            .group_by(QuotaStop.cell)
        ).all()
    )
