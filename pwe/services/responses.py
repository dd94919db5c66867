"""A respondent's way through a consultation: start, save each step, complete exactly once."""
from __future__ import annotations

import secrets
from random import Random

from sqlalchemy import func, select
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import IntegrityError

from pwe.extensions import db
from pwe.flow import steps
from pwe.models import Consultation as ConsultationRow
from pwe.models import PageAnswer, Respondent, Response, utcnow
from pwe.services import invitations
from surveys.definition import Consultation, PointsPage, PortfolioPage
from surveys.ordering import assign_version, option_order


class InvitationSpent(Exception):
    """The respondent's invitation link was revoked or used while they were answering."""


def start(row: ConsultationRow, consultation: Consultation, language: str, rng: Random,
          source: str = "open") -> Respondent:
    """A new pseudonymous respondent with a balanced design version and their own option order."""
    version = assign_version(consultation, version_counts(row.id), rng)
    respondent = Respondent(
        pseudonym=secrets.token_hex(16), consultation_id=row.id, definition_hash=row.definition_hash,
        version=version, language=language, source=source,
        option_order=option_orders(consultation, rng),
    )
    db.session.add(respondent)
    db.session.commit()
    return respondent


def version_counts(consultation_id: int) -> dict[str | None, int]:
    """How many respondents each design version has so far (for balanced assignment)."""
    return dict(db.session.execute(
        select(Respondent.version, func.count())
        .where(Respondent.consultation_id == consultation_id)
        .group_by(Respondent.version)
    ).all())


def option_orders(consultation: Consultation, rng: Random) -> dict[str, list[str]]:
    """The order to show each portfolio and points page's options in, per page id."""
    return {
        page.id: option_order(page, rng)
        for page in consultation.pages
        if isinstance(page, (PortfolioPage, PointsPage))
    }


def saved_answers(respondent: Respondent) -> dict[str, dict]:
    rows = db.session.execute(
        select(PageAnswer.step_id, PageAnswer.answer).where(PageAnswer.respondent_id == respondent.id)
    ).all()
    return {step_id: answer for step_id, answer in rows}


def _upsert_statement(respondent_id: int, step_id: str, answer: dict):
    insert = postgresql_insert if db.engine.dialect.name == "postgresql" else sqlite_insert
    statement = insert(PageAnswer).values(
        respondent_id=respondent_id, step_id=step_id, answer=answer, saved_at=utcnow()
    )
    # an upsert, so two tabs or a double click never create a second row nor fail
    return statement.on_conflict_do_update(
        index_elements=["respondent_id", "step_id"],
        set_={"answer": statement.excluded.answer, "saved_at": statement.excluded.saved_at},
    )


def save_answer(respondent: Respondent, step_id: str, answer: dict) -> None:
    db.session.execute(_upsert_statement(respondent.id, step_id, answer))
    db.session.commit()


def complete(respondent: Respondent, consultation: Consultation, step_id: str, answer: dict) -> bool:
    """Save the last step and freeze the response in one transaction.

    Returns False when the response had already been stored: the unique constraint on
    response.respondent_id decides, so concurrent submissions store exactly one. Raises
    InvitationSpent when the respondent's invitation link can no longer be used.
    """
    try:
        db.session.execute(_upsert_statement(respondent.id, step_id, answer))
        answers = saved_answers(respondent)
        frozen = {step.id: answers.get(step.id) for step in steps(consultation)}
        db.session.add(Response(
            respondent_id=respondent.id, consultation_id=respondent.consultation_id, answers=frozen,
        ))
        db.session.flush()
        if not invitations.use_up(respondent):
            db.session.rollback()
            raise InvitationSpent(respondent.pseudonym)
        db.session.commit()
        return True
    except IntegrityError:
        db.session.rollback()
        return False


def by_pseudonym(pseudonym: str) -> Respondent | None:
    return db.session.scalar(select(Respondent).where(Respondent.pseudonym == pseudonym))
