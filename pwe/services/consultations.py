"""Loading definitions into the database and reading them back as typed consultations."""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from pwe.extensions import db
from pwe.models import Consultation as ConsultationRow
from pwe.models import Respondent
from surveys.definition import Consultation
from surveys.load import definition_hash, parse


class ImportRefused(Exception):
    """The definition is valid but may not replace the stored one."""


@dataclass(frozen=True)
class ImportResult:
    slug: str
    action: str  # created | updated | unchanged


def import_definition(text: str, source: str = "<string>") -> ImportResult:
    """Store a definition (validated first); idempotent, and never changes one people have answered."""
    consultation = parse(text, source)
    digest = definition_hash(text)
    row = db.session.scalar(select(ConsultationRow).where(ConsultationRow.slug == consultation.id))
    if row is None:
        db.session.add(ConsultationRow(slug=consultation.id, definition_text=text, definition_hash=digest))
        try:
            db.session.commit()
        except IntegrityError:  # imported at the same moment by someone else
            db.session.rollback()
            return import_definition(text, source)
        return ImportResult(consultation.id, "created")
    if row.definition_hash == digest:
        return ImportResult(consultation.id, "unchanged")
    taken_part = respondent_count(row.id)
    if taken_part:
        raise ImportRefused(
            f"{source}: consultation '{consultation.id}' already has {taken_part} respondent(s); "
            "its definition cannot change any more, because their answers refer to it. "
            "Give the changed definition a new id to run it as a new consultation."
        )
    row.definition_text = text
    row.definition_hash = digest
    db.session.commit()
    return ImportResult(consultation.id, "updated")


def respondent_count(consultation_id: int) -> int:
    return db.session.scalar(
        select(func.count()).select_from(Respondent).where(Respondent.consultation_id == consultation_id)
    )


@lru_cache(maxsize=64)
def _parsed(digest: str, text: str) -> Consultation:
    return parse(text)


def definition_of(row: ConsultationRow) -> Consultation:
    """The typed consultation of a stored row, parsed once per definition."""
    return _parsed(row.definition_hash, row.definition_text)


def find(slug: str) -> ConsultationRow | None:
    return db.session.scalar(select(ConsultationRow).where(ConsultationRow.slug == slug))


class UnknownConsultation(LookupError):
    """No consultation with that slug; the message lists the ones there are."""


def require(slug: str) -> ConsultationRow:
    """The stored consultation `slug`, or an error naming the known slugs and how to add one."""
    row = find(slug)
    if row is None:
        known = db.session.scalars(select(ConsultationRow.slug).order_by(ConsultationRow.slug))
        raise UnknownConsultation(
            f"no consultation '{slug}'; known: {', '.join(known) or 'none'} "
            "(import a definition first with: pwe import FILE)")
    return row


def listed() -> list[ConsultationRow]:
    return list(db.session.scalars(
        select(ConsultationRow).where(ConsultationRow.status == "open").order_by(ConsultationRow.slug)
    ))
