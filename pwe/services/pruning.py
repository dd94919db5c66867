"""Removing unfinished respondents nobody can come back to, on demand or on a schedule.

A respondent is unfinished without a response row; their last activity is the latest of their
start, their saved steps and their drafts. Completed responses are never removed here.
"""

from __future__ import annotations

import threading
import time
from datetime import datetime, timedelta

from flask import Flask
from sqlalchemy import delete, exists, func, select, update

from pwe.extensions import db
from pwe.models import PageAnswer, Respondent, Response, StepDraft, utcnow
from pwe.models_officials import Invitation, QuotaStop
from pwe.services import drafts


def prune(older_than: timedelta, now: datetime | None = None) -> int:
    """Delete unfinished respondents (and their saved steps and quota stops) idle for longer than
    `older_than`, freeing the invitation links they started; returns how many."""
    cutoff = (now or utcnow()) - older_than
    last_saved = (
        select(func.max(PageAnswer.saved_at))
        .where(PageAnswer.respondent_id == Respondent.id)
        .scalar_subquery()
    )
    last_draft = (
        select(func.max(StepDraft.saved_at)).where(StepDraft.respondent_id == Respondent.id).scalar_subquery()
    )
    stale = db.session.scalars(
        select(Respondent.id)
        .where(~exists().where(Response.respondent_id == Respondent.id))
        .where(func.coalesce(last_saved, Respondent.started_at) < cutoff)
        .where(func.coalesce(last_draft, Respondent.started_at) < cutoff)
    ).all()
    for batch in (stale[i : i + 500] for i in range(0, len(stale), 500)):
        db.session.execute(delete(PageAnswer).where(PageAnswer.respondent_id.in_(batch)))
        drafts.discard_all(batch)
        # the rows that point at them go first: an invitation link they started is free again
        # (it was never used), a quota stop goes with the respondent it stopped
        db.session.execute(
            update(Invitation)
            .where(
                Invitation.respondent_id.in_(batch),
                ~exists().where(Response.respondent_id == Invitation.respondent_id),
            )
            .values(respondent_id=None)
        )
        db.session.execute(
            delete(QuotaStop).where(
                QuotaStop.respondent_id.in_(batch),
                ~exists().where(Response.respondent_id == QuotaStop.respondent_id),
            )
        )
        # a response completed since the select keeps its respondent
        db.session.execute(
            delete(Respondent).where(
                Respondent.id.in_(batch), ~exists().where(Response.respondent_id == Respondent.id)
            )
        )
        db.session.commit()
    return len(stale)


def init_app(app: Flask) -> None:
    """With PWE_PRUNE_EVERY set, prune at most once per interval in each process, after a
    response has been sent, so no respondent waits for it."""
    every = app.config.get("PWE_PRUNE_EVERY")
    if not every:
        return
    lock = threading.Lock()
    due = [time.monotonic()]

    def prune_when_due() -> None:
        if not lock.acquire(blocking=False):
            return
        try:
            if time.monotonic() < due[0]:
                return
            due[0] = time.monotonic() + every.total_seconds()
            with app.app_context():
                removed = prune(app.config["PWE_PRUNE_AFTER"])
                app.logger.info("pruned %d unfinished respondents", removed)
        finally:
            lock.release()

    @app.after_request
    def schedule_prune(response):
        if time.monotonic() >= due[0]:
            response.call_on_close(prune_when_due)
        return response
