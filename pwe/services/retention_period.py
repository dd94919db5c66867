"""Deleting a consultation's answers when its retention period after closing has ended.

What goes: every respondent with their saved steps, completed responses, voided-response records
(their reasons may describe a person), quota stops and the invitation links. What stays: the
consultation, its definition and revisions (no personal data), the invitation batches' names and
the per-version start counts (aggregates), and the audit log, whose entries name respondents only
by a pseudonymous code that no longer leads to any answer. The deletion itself is one audit entry
with the numbers removed, so the consultation page can say when the answers went and how many.

`pwe retention --apply` runs this from cron or a systemd timer; it is idempotent: a consultation
whose answers are gone is no longer due.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, exists, func, select

from pwe.extensions import db
from pwe.models import Consultation as ConsultationRow
from pwe.models import PageAnswer, Respondent, Response, utcnow
from pwe.models_officials import AuditEntry, QuotaStop, VoidedResponse
from pwe.services import audit, invitations, lifecycle

ACTION = "consultation.retention_delete"


@dataclass(frozen=True)
class Due:
    slug: str
    keep_until: datetime
    respondents: int


@dataclass(frozen=True)
class Deleted:
    at: datetime
    respondents: int
    responses: int


def due(now: datetime | None = None) -> list[Due]:
    """Consultations whose retention period has ended and that still hold answers."""
    now = now or utcnow()
    rows = db.session.scalars(
        select(ConsultationRow)
        .where(ConsultationRow.retention_days.is_not(None))
        .where(exists().where(Respondent.consultation_id == ConsultationRow.id))
        .order_by(ConsultationRow.slug)
    )
    found = []
    for row in rows:
        until = _due_at(row, now)
        if until is not None and until <= now:
            found.append(Due(row.slug, until, _count(Respondent, Respondent.consultation_id == row.id)))
    return found


def delete_answers(slug: str, actor: str, now: datetime | None = None) -> dict | None:
    """Delete the answers of one consultation whose period has ended, in one transaction
    (audited); None when it is not due (any more), so a second run changes nothing."""
    now = now or utcnow()
    # the row lock makes a second run at the same moment wait, then find nothing left to do
    row = db.session.scalar(select(ConsultationRow).where(ConsultationRow.slug == slug).with_for_update())
    until = _due_at(row, now) if row is not None else None
    if row is None or until is None or until > now:
        db.session.rollback()
        return None
    respondents = select(Respondent.id).where(Respondent.consultation_id == row.id)
    responses = select(Response.id).where(Response.consultation_id == row.id)
    counts = {
        "respondents": _count(Respondent, Respondent.consultation_id == row.id),
        "completed_responses": _count(Response, Response.consultation_id == row.id),
        "voided_responses": _count(VoidedResponse, VoidedResponse.response_id.in_(responses)),
    }
    if counts["respondents"] == 0:
        db.session.rollback()
        return None
    counts["invitation_links"] = invitations.delete_links(row)
    db.session.execute(delete(VoidedResponse).where(VoidedResponse.response_id.in_(responses)))
    db.session.execute(delete(Response).where(Response.consultation_id == row.id))
    db.session.execute(delete(PageAnswer).where(PageAnswer.respondent_id.in_(respondents)))
    db.session.execute(delete(QuotaStop).where(QuotaStop.respondent_id.in_(respondents)))
    db.session.execute(delete(Respondent).where(Respondent.consultation_id == row.id))
    audit.record(
        actor,
        ACTION,
        f"consultation:{row.slug}",
        {"keep_until": until.isoformat(timespec="minutes")},
        {"answers_deleted": True, **counts},
    )
    db.session.commit()
    return counts


def deleted(row: ConsultationRow) -> Deleted | None:
    """When the answers were last deleted at the end of the retention period, and how many."""
    entry = db.session.scalar(
        select(AuditEntry)
        .where(AuditEntry.target == f"consultation:{row.slug}", AuditEntry.action == ACTION)
        .order_by(AuditEntry.id.desc())
        .limit(1)
    )
    if entry is None:
        return None
    after = entry.after or {}
    return Deleted(entry.at, after.get("respondents", 0), after.get("completed_responses", 0))


def _due_at(row: ConsultationRow, now: datetime) -> datetime | None:
    """When the answers are due to go: the end of the retention period, but never while someone
    who started before closing may still finish (a period of 0 days)."""
    until = lifecycle.keep_until(row, now)
    since = row.closed_at or row.closes_at
    if until is None or since is None:
        return None
    return max(until, since + timedelta(minutes=row.grace_minutes))


def _count(model, condition) -> int:
    return db.session.scalar(select(func.count()).select_from(model).where(condition)) or 0
