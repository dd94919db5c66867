"""Voiding a completed response (e.g. a detected duplicate): it leaves the exports and results
but stays in the database and the audit log, with the reason."""

from __future__ import annotations

from sqlalchemy import exists, select
from sqlalchemy.exc import IntegrityError

from pwe.extensions import db
from pwe.models import Consultation as ConsultationRow
from pwe.models import Respondent, Response
from pwe.models_officials import VoidedResponse
from pwe.services import audit


class VoidError(ValueError):
    """The response cannot be voided; the message says why."""


def void(row: ConsultationRow, respondent_code: str, reason: str, actor: str) -> None:
    """Void the completed response of the respondent (their pseudonym in the export)."""
    reason = reason.strip()
    if not reason:
        raise VoidError("Give the reason for voiding, e.g. 'duplicate of 3f2a...'.")
    response = db.session.scalar(
        select(Response)
        .join(Respondent, Respondent.id == Response.respondent_id)
        .where(Respondent.pseudonym == respondent_code.strip(), Response.consultation_id == row.id)
    )
    if response is None:
        raise VoidError(
            f"No completed response of respondent '{respondent_code.strip()}' in this "
            "consultation; copy the code from the respondent column of the export."
        )
    db.session.add(VoidedResponse(response_id=response.id, reason=reason, voided_by=actor))
    audit.record(
        actor,
        "response.void",
        f"consultation:{row.slug}",
        {"respondent": respondent_code.strip(), "voided": False},
        {"respondent": respondent_code.strip(), "voided": True, "reason": reason},
    )
    try:
        db.session.commit()
    except IntegrityError as error:
        db.session.rollback()
        raise VoidError(f"The response of '{respondent_code.strip()}' was voided already.") from error


def not_voided():
    """SQL condition on Response: not voided (for exports, results and monitoring)."""
    return ~exists().where(VoidedResponse.response_id == Response.id)
