"""Every saved definition of a consultation, numbered: list, compare, restore."""

from __future__ import annotations

import difflib

from sqlalchemy import func, select

from pwe.extensions import db
from pwe.models import Consultation as ConsultationRow
from pwe.models_officials import Revision


def add(row: ConsultationRow, actor: str, note: str = "") -> Revision:
    """The row's current definition as the next revision (the caller commits)."""
    return add_text(row, row.definition_text, actor, note)


def add_text(row: ConsultationRow, text: str, actor: str, note: str = "") -> Revision:
    """`text` as the next revision (the caller commits; the unique (consultation, number) pair
    refuses a number taken by a concurrent save)."""
    latest = (
        db.session.scalar(select(func.max(Revision.number)).where(Revision.consultation_id == row.id)) or 0
    )
    revision = Revision(
        consultation_id=row.id, number=latest + 1, definition_text=text, saved_by=actor, note=note[:200]
    )
    db.session.add(revision)
    return revision


def latest_text(row: ConsultationRow) -> str:
    """The newest saved definition, which may be an invalid draft not yet stored as the
    consultation's definition."""
    text = db.session.scalar(
        select(Revision.definition_text)
        .where(Revision.consultation_id == row.id)
        .order_by(Revision.number.desc())
        .limit(1)
    )
    return row.definition_text if text is None else text


def pending_invalid(row: ConsultationRow) -> bool:
    """True when the latest save is not the stored definition (an invalid draft)."""
    return latest_text(row) != row.definition_text


def of(row: ConsultationRow) -> list[Revision]:
    """Newest first."""
    return list(
        db.session.scalars(
            select(Revision).where(Revision.consultation_id == row.id).order_by(Revision.number.desc())
        )
    )


def get(row: ConsultationRow, number: int) -> Revision | None:
    return db.session.scalar(
        select(Revision).where(Revision.consultation_id == row.id, Revision.number == number)
    )


def diff(old: Revision, new: Revision) -> list[str]:
    """A unified diff of two revisions' YAML, line by line."""
    return list(
        difflib.unified_diff(
            old.definition_text.splitlines(),
            new.definition_text.splitlines(),
            f"revision {old.number}",
            f"revision {new.number}",
            lineterm="",
        )
    )
