"""Invitation batches: single-use personal links whose tokens are kept only as SHA-256 hashes.

A link starts one respondent (invitation.respondent_id is unique) whose source is the batch name;
it is used up in the same transaction that stores the completed response (`use_up`), so a second
completion through the same link is impossible even when two arrive at once.
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
import secrets
from dataclasses import dataclass
from typing import Any, cast

from sqlalchemy import CursorResult, Executable, delete, func, select, update
from sqlalchemy.exc import IntegrityError

from pwe.extensions import db
from pwe.models import OPEN_SOURCE, Respondent, utcnow
from pwe.models import Consultation as ConsultationRow
from pwe.models_officials import Invitation, InvitationBatch
from pwe.services import audit

BATCH_PATTERN = re.compile(r"[a-z0-9][a-z0-9-]{0,19}\Z")
RESERVED_SOURCES = frozenset({OPEN_SOURCE, "simulated"})
MAX_LINKS = 100_000
LINK_PATH = "/c/{slug}/i/{token}"


class InvitationError(ValueError):
    """The batch cannot be made or changed; the message says what to change."""


@dataclass(frozen=True)
class BatchSummary:
    batch: InvitationBatch
    links: int
    started: int
    completed: int
    revoked: int


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def create_links(row: ConsultationRow, batch_name: str, count: int, actor: str, base_url: str) -> list[str]:
    """`count` new links in the batch (made when it does not exist yet); the plain links exist
    only in what this returns."""
    name = batch_name.strip()
    if not BATCH_PATTERN.match(name) or name in RESERVED_SOURCES:
        raise InvitationError(
            f"'{name}' cannot be a batch name: use 1 to 20 lower-case letters, digits and hyphens "
            f"(e.g. panel-2027), not {' or '.join(sorted(RESERVED_SOURCES))}."
        )
    if not 1 <= count <= MAX_LINKS:
        raise InvitationError(f"make between 1 and {MAX_LINKS:,} links at a time.")
    batch = batch_named(row, name)
    if batch is None:
        batch = InvitationBatch(consultation_id=row.id, name=name, created_by=actor)
        db.session.add(batch)
        try:
            db.session.flush()
        except IntegrityError:  # made at the same moment by someone else: add to theirs
            db.session.rollback()
            batch = batch_named(row, name)
            if batch is None:  # not a name taken meanwhile; nothing was stored
                raise InvitationError(f"the batch '{name}' could not be made just now; try again.") from None
    tokens = [secrets.token_urlsafe(24) for _ in range(count)]
    db.session.add_all(Invitation(batch_id=batch.id, token_hash=token_hash(t)) for t in tokens)
    audit.record(
        actor, "invitations.create", f"consultation:{row.slug}", None, {"batch": name, "links": count}
    )
    db.session.commit()
    base = base_url.rstrip("/")
    return [base + LINK_PATH.format(slug=row.slug, token=token) for token in tokens]


def links_csv(links: list[str]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["link"])
    writer.writerows([link] for link in links)
    return out.getvalue()


def batch_named(row: ConsultationRow, name: str) -> InvitationBatch | None:
    return db.session.scalar(
        select(InvitationBatch).where(InvitationBatch.consultation_id == row.id, InvitationBatch.name == name)
    )


def summaries(row: ConsultationRow) -> list[BatchSummary]:
    """Each batch with its numbers of links, started, completed and revoked."""
    counts = db.session.execute(
        select(
            InvitationBatch,
            func.count(Invitation.id),
            func.count(Invitation.respondent_id),
            func.count(Invitation.used_at),
            func.count(Invitation.revoked_at),
        )
        .join(Invitation, Invitation.batch_id == InvitationBatch.id, isouter=True)
        .where(InvitationBatch.consultation_id == row.id)
        .group_by(InvitationBatch.id)
        .order_by(InvitationBatch.name)
    ).all()
    return [BatchSummary(*values) for values in counts]


def find(row: ConsultationRow, token: str) -> Invitation | None:
    """The invitation behind a token of this consultation's links."""
    return db.session.scalar(
        select(Invitation)
        .join(InvitationBatch, Invitation.batch_id == InvitationBatch.id)
        .where(Invitation.token_hash == token_hash(token), InvitationBatch.consultation_id == row.id)
    )


def source_of(invitation: Invitation) -> str:
    return db.session.get_one(InvitationBatch, invitation.batch_id).name


def attach(invitation: Invitation, respondent: Respondent) -> bool:
    """Tie the link to the respondent it started; False when another respondent got it first."""
    attached = _changed_rows(
        update(Invitation)
        .where(Invitation.id == invitation.id, Invitation.respondent_id.is_(None))
        .values(respondent_id=respondent.id)
    )
    if attached != 1:
        db.session.rollback()
        return False
    db.session.commit()
    return True


def use_up(respondent: Respondent) -> bool:
    """Within the completing transaction: spend the respondent's link. False when their link was
    revoked or already used (then nothing may be stored); True for the open link."""
    spent = _changed_rows(
        update(Invitation)
        .where(
            Invitation.respondent_id == respondent.id,
            Invitation.used_at.is_(None),
            Invitation.revoked_at.is_(None),
        )
        .values(used_at=utcnow())
    )
    return spent == 1 or of_respondent(respondent) is None


def revoke(row: ConsultationRow, links: list[str], actor: str) -> int:
    """Revoke the given links (whole links or tokens) of this consultation; returns how many."""
    hashes = [token_hash(link.strip().rstrip("/").rsplit("/", 1)[-1]) for link in links if link.strip()]
    if not hashes:
        return 0
    batch_ids = select(InvitationBatch.id).where(InvitationBatch.consultation_id == row.id)
    return _revoke(
        row,
        actor,
        Invitation.token_hash.in_(hashes),
        Invitation.batch_id.in_(batch_ids),
        detail={"links": len(hashes)},
    )


def revoke_batch(row: ConsultationRow, name: str, actor: str) -> int:
    batch = batch_named(row, name)
    if batch is None:
        raise InvitationError(f"there is no batch '{name}'.")
    return _revoke(row, actor, Invitation.batch_id == batch.id, detail={"batch": name})


def _revoke(row: ConsultationRow, actor: str, *conditions, detail: dict) -> int:
    revoked = _changed_rows(
        update(Invitation)
        .where(*conditions, Invitation.revoked_at.is_(None), Invitation.used_at.is_(None))
        .values(revoked_at=utcnow())
    )
    audit.record(
        actor, "invitations.revoke", f"consultation:{row.slug}", None, {**detail, "revoked": revoked}
    )
    db.session.commit()
    return revoked


def of_respondent(respondent: Respondent) -> Invitation | None:
    return db.session.scalar(select(Invitation).where(Invitation.respondent_id == respondent.id))


def delete_links(row: ConsultationRow) -> int:
    """Delete the consultation's invitation links (on archiving); the batches' names stay as
    sources. The caller commits."""
    batch_ids = select(InvitationBatch.id).where(InvitationBatch.consultation_id == row.id)
    return _changed_rows(delete(Invitation).where(Invitation.batch_id.in_(batch_ids)))


def _changed_rows(statement: Executable) -> int:
    """Run an UPDATE or DELETE in the session; the number of rows it changed. Session.execute is
    typed as returning a Result, but for these statements it is a CursorResult, which counts."""
    return cast(CursorResult[Any], db.session.execute(statement)).rowcount
