"""Loading definitions into the database and reading them back as typed consultations."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import bindparam, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload

from pwe.caching import BoundedCache, rows_of_request, still_usable
from pwe.extensions import db
from pwe.models import Consultation as ConsultationRow
from pwe.models import Respondent, utcnow
from pwe.models_officials import ConsultationStatus as Status
from pwe.services import audit, lifecycle, responses, revisions
from pwe.services.responses import started_count
from surveys.definition import Consultation
from surveys.load import definition_hash, parse
from surveys.structure import texts_only_changed


class ImportRefused(Exception):
    """The definition is valid but may not replace the stored one."""


@dataclass(frozen=True)
class ImportResult:
    slug: str
    action: str  # created | updated | unchanged


def import_definition(
    text: str, source: str = "<string>", *, open_now: bool = False, actor: str = audit.COMMAND_LINE
) -> ImportResult:
    """Store a definition (validated first) as a draft, or open it with `open_now`; idempotent.

    Once people have answered, only its wording may change (audited), never its structure.
    """
    consultation = parse(text, source)
    digest = definition_hash(text)
    row = db.session.scalar(select(ConsultationRow).where(ConsultationRow.slug == consultation.id))
    if row is None:
        row = ConsultationRow(
            slug=consultation.id,
            definition_text=text,
            definition_hash=digest,
            status=Status.open if open_now else Status.draft,
        )
        db.session.add(row)
        try:
            db.session.flush()
        except IntegrityError:  # imported at the same moment by someone else
            db.session.rollback()
            return import_definition(text, source, open_now=open_now, actor=actor)
        audit.record(
            actor,
            "consultation.create",
            f"consultation:{row.slug}",
            None,
            {"status": row.status.value, "definition_hash": digest, "source": source},
        )
        revisions.add(row, actor, f"imported from {source}")
        db.session.commit()
        return ImportResult(consultation.id, "created")
    action = "unchanged"
    if row.definition_hash != digest:
        taken_part = respondent_count(row.id)
        if taken_part and not texts_only_changed(definition_of(row), consultation):
            raise ImportRefused(
                f"{source}: consultation '{consultation.id}' already has {taken_part} respondent(s); "
                "only its texts may still be corrected, never its options, numbers or pages, "
                "because their answers refer to them. Give the changed definition a new id to run "
                "it as a new consultation."
            )
        replace_definition(
            row,
            text,
            actor,
            f"imported from {source}",
            "consultation.correct_texts" if taken_part else "consultation.update",
        )
        action = "updated"
    if open_now and row.status == Status.draft:
        lifecycle.change_status(row, Status.open, actor)
        return ImportResult(consultation.id, "opened" if action == "unchanged" else "updated, opened")
    db.session.commit()
    return ImportResult(consultation.id, action)


def replace_definition(row: ConsultationRow, text: str, actor: str, note: str, action: str) -> None:
    """Store a new definition text with its revision and audit entry (the caller commits and has
    checked that the change is allowed)."""
    before = {"definition_hash": row.definition_hash}
    row.definition_text = text
    row.definition_hash = definition_hash(text)
    audit.record(actor, action, f"consultation:{row.slug}", before, {"definition_hash": row.definition_hash})
    revisions.add(row, actor, note)


def respondent_count(consultation_id: int) -> int:
    """How many have taken part: consented (a start, counted before any row exists) or stored as a
    respondent (rows from before starts were counted)."""
    rows = db.session.execute(
        select(func.count()).select_from(Respondent).where(Respondent.consultation_id == consultation_id)
    ).scalar_one()
    return max(rows, started_count(consultation_id))


_PARSED: BoundedCache[Consultation] = BoundedCache(64)


def definition_of(row: ConsultationRow) -> Consultation:
    """The typed consultation of a stored row, parsed once per definition; the text is read from
    the database only when this process has not parsed that definition yet."""
    return _PARSED.get(row.definition_hash, lambda: parse(row.definition_text))


_BY_SLUG = select(ConsultationRow).where(ConsultationRow.slug == bindparam("slug"))
_BY_SLUG_WITH_RESPONDENT = (
    select(ConsultationRow, Respondent)
    .outerjoin(Respondent, Respondent.handle == bindparam("handle"))
    .options(joinedload(Respondent.response))
    .where(ConsultationRow.slug == bindparam("slug"))
)


def find(slug: str, respondent_handle: str | None = None) -> ConsultationRow | None:
    """The stored consultation `slug`; looked up once per request (the limits, the view and the
    templates all ask). With the handle a citizen's session holds, their respondent row (or that
    there is none) comes in the same query, and responses.by_handle answers without one."""
    found = rows_of_request("consultation")
    row = found.get(slug)
    if row is not None and still_usable(row):
        return row
    if respondent_handle is None:
        row = db.session.scalar(_BY_SLUG, {"slug": slug})
    else:
        pair = db.session.execute(
            _BY_SLUG_WITH_RESPONDENT, {"slug": slug, "handle": respondent_handle}
        ).one_or_none()
        row, respondent = pair if pair is not None else (None, None)
        if row is not None:
            responses.loaded(respondent_handle, respondent)
    if row is not None:
        found[slug] = row
    return row


class UnknownConsultation(LookupError):
    """No consultation with that slug; the message lists the ones there are."""


def require(slug: str) -> ConsultationRow:
    """The stored consultation `slug`, or an error naming the known slugs and how to add one."""
    row = find(slug)
    if row is None:
        known = db.session.scalars(select(ConsultationRow.slug).order_by(ConsultationRow.slug))
        raise UnknownConsultation(
            f"no consultation '{slug}'; known: {', '.join(known) or 'none'} "
            "(import a definition first with: pwe import FILE)"
        )
    return row


def all_rows() -> list[ConsultationRow]:
    return list(db.session.scalars(select(ConsultationRow).order_by(ConsultationRow.slug)))


def listed() -> list[ConsultationRow]:
    """The consultations open to respondents now (opening and closing times applied)."""
    return list(
        db.session.scalars(
            select(ConsultationRow).where(lifecycle.open_condition(utcnow())).order_by(ConsultationRow.slug)
        )
    )
