"""The audit log: every change to a consultation, its status, invitations, users and responses
goes through `record`, in the same transaction as the change itself."""

from __future__ import annotations

import csv
import io
import json

from sqlalchemy import select

from pwe.extensions import db
from pwe.models_officials import AuditEntry

COMMAND_LINE = "command line"
CSV_COLUMNS = ("at", "actor", "action", "target", "before", "after")


def record(
    actor: str, action: str, target: str, before: dict | None = None, after: dict | None = None
) -> AuditEntry:
    """Add one entry to the session; the caller's commit stores it together with the change."""
    entry = AuditEntry(actor=actor, action=action, target=target, before=before, after=after)
    db.session.add(entry)
    return entry


def entries(target: str | None = None, limit: int | None = None) -> list[AuditEntry]:
    """Newest first; only those about `target` when given."""
    query = select(AuditEntry).order_by(AuditEntry.id.desc())
    if target is not None:
        query = query.where(AuditEntry.target == target)
    if limit is not None:
        query = query.limit(limit)
    return list(db.session.scalars(query))


def as_csv(rows: list[AuditEntry]) -> str:
    """The entries as CSV, before/after as JSON, oldest first."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for entry in reversed(rows):
        writer.writerow(
            [
                entry.at.isoformat(timespec="seconds") + "Z",
                entry.actor,
                entry.action,
                entry.target,
                _json(entry.before),
                _json(entry.after),
            ]
        )
    return out.getvalue()


def _json(value: dict | None) -> str:
    return "" if value is None else json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)
