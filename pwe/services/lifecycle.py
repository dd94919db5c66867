"""A consultation's life: draft -> open -> closed -> archived.

Opening and closing times take effect on their own: the effective status is worked out from the
stored one and the clock whenever it is read, so no scheduler is needed. Every change by hand
goes through `change_status`, which records it in the audit log.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import and_, or_

from pwe.extensions import db
from pwe.models import Consultation as ConsultationRow
from pwe.models import Respondent, utcnow
from pwe.models_officials import ConsultationStatus as Status
from pwe.services import audit, invitations, revisions
from pwe.services.responses import Start

# status now -> the statuses it may change into by hand
TRANSITIONS: dict[Status, tuple[Status, ...]] = {
    Status.draft: (Status.open,),
    Status.open: (Status.closed,),
    Status.closed: (Status.open, Status.archived),
    Status.archived: (),
}
ACTIONS = {Status.open: "open", Status.closed: "close", Status.archived: "archive"}


class LifecycleError(ValueError):
    """The change is not possible now; the message says why."""


def effective_status(row: ConsultationRow, now: datetime | None = None) -> Status:
    """The status as respondents meet it, with opening and closing times applied."""
    now = now or utcnow()
    status = row.status
    if status == Status.draft and row.opens_at is not None and row.opens_at <= now:
        status = Status.open
    if status == Status.open and row.closes_at is not None and row.closes_at <= now:
        status = Status.closed
    return status


def closed_since(row: ConsultationRow, now: datetime | None = None) -> datetime | None:
    """When the consultation closed (by hand or by its closing time), None while not closed."""
    if effective_status(row, now) != Status.closed:
        return None
    return row.closed_at or row.closes_at


def may_take_part(
    row: ConsultationRow, respondent: Respondent | Start | None, now: datetime | None = None
) -> bool:
    """Newcomers only while open; someone who started before closing may finish within the
    consultation's grace period."""
    now = now or utcnow()
    status = effective_status(row, now)
    if status == Status.open:
        return True
    since = closed_since(row, now)
    return (
        status == Status.closed
        and respondent is not None
        and since is not None
        and respondent.started_at < since
        and now < since + timedelta(minutes=row.grace_minutes)
    )


def open_condition(now: datetime):
    """SQL condition for consultations whose effective status is open (the same rule as
    effective_status, for lists)."""
    not_closed_yet = or_(ConsultationRow.closes_at.is_(None), ConsultationRow.closes_at > now)
    return and_(
        not_closed_yet,
        or_(
            ConsultationRow.status == Status.open,
            and_(
                ConsultationRow.status == Status.draft,
                ConsultationRow.opens_at.is_not(None),
                ConsultationRow.opens_at <= now,
            ),
        ),
    )


def change_status(row: ConsultationRow, target: Status, actor: str, now: datetime | None = None) -> None:
    """Open, close, reopen or archive by hand (audited); refuses a change the lifecycle lacks."""
    now = now or utcnow()
    current = effective_status(row, now)
    if target not in TRANSITIONS[current]:
        allowed = ", ".join(ACTIONS[s] for s in TRANSITIONS[current]) or "nothing"
        raise LifecycleError(
            f"'{row.slug}' is {current.value}; it cannot {ACTIONS[target]} now (possible: {allowed})."
        )
    if target == Status.open and revisions.pending_invalid(row):
        raise LifecycleError(
            f"the latest saved definition of '{row.slug}' is not valid; correct "
            "it in the editor before opening."
        )
    before = schedule(row, now)
    row.status = target
    if target == Status.open:
        row.closed_at = None
        row.opens_at = None
        if row.closes_at is not None and row.closes_at <= now:
            row.closes_at = None  # a passed closing time would close it again at once
    elif target == Status.closed:
        row.closed_at = row.closed_at if current == Status.closed else now
    after = schedule(row, now)
    if target == Status.archived:
        after["invitation_links_deleted"] = invitations.delete_links(row)
    audit.record(actor, f"consultation.{ACTIONS[target]}", f"consultation:{row.slug}", before, after)
    db.session.commit()


def set_schedule(
    row: ConsultationRow,
    actor: str,
    *,
    opens_at: datetime | None,
    closes_at: datetime | None,
    grace_minutes: int,
    results_expected_on,
    retention_days: int | None = None,
) -> None:
    """Opening and closing times, grace period, the expected results date and the retention
    period (audited)."""
    if opens_at and closes_at and closes_at <= opens_at:
        raise LifecycleError("the closing time must come after the opening time.")
    if grace_minutes < 0:
        raise LifecycleError("the grace period cannot be negative.")
    before = schedule(row)
    row.opens_at, row.closes_at = opens_at, closes_at
    row.grace_minutes, row.results_expected_on = grace_minutes, results_expected_on
    row.retention_days = retention_days
    after = schedule(row)
    if after != before:
        audit.record(actor, "consultation.schedule", f"consultation:{row.slug}", before, after)
    db.session.commit()


def schedule(row: ConsultationRow, now: datetime | None = None) -> dict:
    """The lifecycle fields as plain values (for the audit log and `pwe status`)."""

    def iso(value):
        return value.isoformat(timespec="minutes") if value else None

    return {
        "status": row.status.value,
        "effective": effective_status(row, now).value,
        "opens_at": iso(row.opens_at),
        "closes_at": iso(row.closes_at),
        "closed_at": iso(row.closed_at),
        "grace_minutes": row.grace_minutes,
        "results_expected_on": row.results_expected_on.isoformat() if row.results_expected_on else None,
        "retention_days": row.retention_days,
        "keep_until": iso(keep_until(row, now)),
    }


def keep_until(row: ConsultationRow, now: datetime | None = None) -> datetime | None:
    """When the retention period after closing ends (None while open or without a period);
    archiving does not stop the clock."""
    if effective_status(row, now) == Status.archived:
        since = row.closed_at or row.closes_at
    else:
        since = closed_since(row, now)
    if since is None or row.retention_days is None:
        return None
    return since + timedelta(days=row.retention_days)
