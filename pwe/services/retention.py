"""Privacy over a consultation's life: erase one respondent on request by the response code on
their thank-you page, and export everything held about a consultation before it is deleted."""
from __future__ import annotations

import csv
import io
import zipfile

from sqlalchemy import delete, select, update

from pwe.extensions import db
from pwe.models import Consultation as ConsultationRow
from pwe.models import PageAnswer, Respondent, Response
from pwe.models_officials import Invitation, QuotaStop, VoidedResponse
from pwe.services import audit, invitations, revisions
from pwe.services.export import TABLES, table_csv


class EraseError(ValueError):
    """Nothing to erase; the message says why."""


def erase(row: ConsultationRow, code: str, actor: str) -> None:
    """Delete every answer of the respondent with this response code, and the respondent."""
    code = code.strip().lower()
    respondent = db.session.scalar(select(Respondent).where(
        Respondent.pseudonym == code, Respondent.consultation_id == row.id))
    if respondent is None:
        raise EraseError(f"No respondent with response code '{code}' in this consultation; the "
                         "code is on the respondent's thank-you page (32 letters and digits).")
    response_ids = select(Response.id).where(Response.respondent_id == respondent.id)
    db.session.execute(delete(VoidedResponse).where(VoidedResponse.response_id.in_(response_ids)))
    db.session.execute(delete(Response).where(Response.respondent_id == respondent.id))
    db.session.execute(delete(PageAnswer).where(PageAnswer.respondent_id == respondent.id))
    db.session.execute(delete(QuotaStop).where(QuotaStop.respondent_id == respondent.id))
    # the link stays used up: erasing must not let it be answered again
    db.session.execute(update(Invitation).where(Invitation.respondent_id == respondent.id)
                       .values(respondent_id=None))
    db.session.delete(respondent)
    audit.record(actor, "respondent.erase", f"consultation:{row.slug}", {"respondent": code},
                 {"respondent": code, "erased": True})
    db.session.commit()


def everything(row: ConsultationRow) -> bytes:
    """A zip of all the platform holds about the consultation: the definition and its
    revisions, the exports, voided responses, invitation batches and the audit log."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("definition.yaml", row.definition_text)
        for revision in revisions.of(row):
            archive.writestr(f"revisions/{revision.number:04d}.yaml", revision.definition_text)
        for name in TABLES:
            archive.writestr(name, table_csv(row.slug, name))
        archive.writestr("voided.csv", _csv(["respondent", "reason", "voided_by", "voided_at"], (
            db.session.execute(
                select(Respondent.pseudonym, VoidedResponse.reason, VoidedResponse.voided_by,
                       VoidedResponse.voided_at)
                .join(Response, Response.id == VoidedResponse.response_id)
                .join(Respondent, Respondent.id == Response.respondent_id)
                .where(Response.consultation_id == row.id)).all())))
        archive.writestr("invitation_batches.csv", _csv(
            ["batch", "links", "started", "completed", "revoked"],
            [(s.batch.name, s.links, s.started, s.completed, s.revoked)
             for s in invitations.summaries(row)]))
        archive.writestr("audit.csv", audit.as_csv(audit.entries(f"consultation:{row.slug}")))
    return out.getvalue()


def _csv(header: list[str], rows) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue()
