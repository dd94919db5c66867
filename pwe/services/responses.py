"""A respondent's way through a consultation: start, save each step, complete exactly once."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime
from random import Random

from sqlalchemy import bindparam, false, func, null, select, true, union_all
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload

from pwe.caching import rows_of_request, still_usable
from pwe.database import upsert_per_step
from pwe.extensions import db
from pwe.flow import steps
from pwe.models import (
    OPEN_SOURCE,
    PageAnswer,
    Respondent,
    Response,
    StepDraft,
    VersionStart,
    new_handle,
    utcnow,
)
from pwe.models import Consultation as ConsultationRow
from pwe.services import drafts, invitations
from surveys.definition import Consultation, PointsPage, PortfolioPage
from surveys.ordering import assign_version, option_order


class InvitationSpent(Exception):
    """The respondent's invitation link was revoked or used while they were answering."""


@dataclass(frozen=True)
class Start:
    """A respondent who consented but saved no step yet. It lives in their signed session, not in
    the database, so a start that is abandoned (or repeated by a script) leaves no row behind."""

    handle: str
    definition_hash: str
    version: str | None
    option_order: dict[str, list[str]]
    started_at: datetime
    source: str = OPEN_SOURCE  # or "invitation", "panel": how they came
    response: None = None  # read like a Respondent's: not completed

    def to_session(self) -> dict:
        return {
            "handle": self.handle,
            "definition": self.definition_hash,
            "version": self.version,
            "order": self.option_order,
            "started": self.started_at.isoformat(),
            "source": self.source,
        }

    @classmethod
    def from_session(cls, entry: dict) -> Start | None:
        """The start kept in a session entry; None for an entry this code did not write."""
        try:
            return cls(
                entry["handle"],
                entry["definition"],
                entry["version"],
                entry["order"],
                datetime.fromisoformat(entry["started"]),
                entry.get("source", OPEN_SOURCE),
            )
        except (KeyError, TypeError, ValueError):
            return None


def start(row: ConsultationRow, consultation: Consultation, rng: Random, source: str = OPEN_SOURCE) -> Start:
    """A new start with a balanced design version and its own option order (no respondent row)."""
    version = assign_version(consultation, version_starts(row.id), rng)
    # every start is counted, also without versions: the count freezes the definition
    count_starts(row.id, version)
    db.session.commit()
    return Start(
        handle=new_handle(),
        definition_hash=row.definition_hash,
        version=version,
        option_order=option_orders(consultation, rng),
        started_at=utcnow(),
        source=source,
    )


# the version_start key of a consultation without design versions
NO_VERSION = ""


def started_count(consultation_id: int) -> int:
    """How many respondents consented so far, whether or not they saved a step."""
    return db.session.execute(
        select(func.coalesce(func.sum(VersionStart.starts), 0)).where(
            VersionStart.consultation_id == consultation_id
        )
    ).scalar_one()


def version_starts(consultation_id: int) -> dict[str, int]:
    """How many respondents were given each design version so far, counted at consent."""
    return dict(
        db.session.execute(
            select(VersionStart.version, VersionStart.starts).where(
                VersionStart.consultation_id == consultation_id
            )
        ).all()
    )


def count_starts(consultation_id: int, version: str | None, starts: int = 1) -> None:
    """Add starts to a version's count in one statement (the caller commits): concurrent starts
    never lose a count."""
    insert = postgresql_insert if db.engine.dialect.name == "postgresql" else sqlite_insert
    key = version if version is not None else NO_VERSION
    statement = insert(VersionStart).values(consultation_id=consultation_id, version=key, starts=starts)
    db.session.execute(
        statement.on_conflict_do_update(
            index_elements=["consultation_id", "version"],
            set_={"starts": VersionStart.starts + starts},
        )
    )


def persist(row: ConsultationRow, respondent: Respondent | Start, language: str) -> Respondent:
    """The respondent's row, created from their start at their first saved step (committed at
    once: the unique handle lets two tabs end up with the same row). The language they last
    used is saved with the step."""
    if isinstance(respondent, Start):
        created = Respondent(
            pseudonym=secrets.token_hex(16),
            handle=respondent.handle,
            consultation_id=row.id,
            definition_hash=respondent.definition_hash,
            version=respondent.version,
            language=language,
            source=respondent.source,
            option_order=respondent.option_order,
            started_at=respondent.started_at,
        )
        db.session.add(created)
        try:
            db.session.commit()
        except IntegrityError:  # the same start saved in another tab at the same moment
            db.session.rollback()
            rows_of_request("respondent").pop(respondent.handle, None)  # not there when read
            existing = by_handle(respondent.handle)
            if existing is None:
                raise
            return persist(row, existing, language)
        loaded(created.handle, created)
        return created
    if respondent.language != language:  # an unchanged row is not flushed
        respondent.language = language
    return respondent


def option_orders(consultation: Consultation, rng: Random) -> dict[str, list[str]]:
    """The order to show each portfolio and points page's options in, per page id."""
    return {
        page.id: option_order(page, rng)
        for page in consultation.pages
        if isinstance(page, (PortfolioPage, PointsPage))
    }


# Built once: these run on every citizen request, and building a statement costs more than its query.
_BY_HANDLE = (
    # with the response in the same query: every citizen page asks whether it exists
    select(Respondent)
    .options(joinedload(Respondent.response))
    .where(Respondent.handle == bindparam("handle"))
)


@dataclass(frozen=True)
class Progress:
    """What a respondent has done so far, as a step page needs it."""

    saved: dict[str, dict]  # step id -> the saved valid answer
    touched: dict[str, bool]  # saved portfolio steps: whether anything was changed on the page
    draft: dict | None = None  # the unchecked draft of the step asked about, if any


# One round trip for all three: every step page and submission reads them.
_PROGRESS = union_all(
    select(PageAnswer.step_id, PageAnswer.answer, PageAnswer.touched, false().label("is_draft")).where(
        PageAnswer.respondent_id == bindparam("respondent_id")
    ),
    select(StepDraft.step_id, StepDraft.values, null(), true()).where(*drafts.OF_STEP),
)


def progress(respondent: Respondent | Start, step_id: str | None = None) -> Progress:
    """The respondent's saved answers, which portfolio steps they touched, and the draft of
    `step_id` (none asked: None)."""
    if isinstance(respondent, Start):
        return Progress({}, {})
    saved, touched, draft = {}, {}, None
    rows = db.session.execute(_PROGRESS, {"respondent_id": respondent.id, "step_id": step_id})
    for row_step, value, was_touched, is_draft in rows:
        if is_draft:
            draft = value
            continue
        saved[row_step] = value
        if was_touched is not None:
            touched[row_step] = bool(was_touched)
    return Progress(saved, touched, draft)


def saved_answers(respondent: Respondent | Start) -> dict[str, dict]:
    return progress(respondent).saved


def _upsert(respondent_id: int, step_id: str, answer: dict, touched: bool | None = None) -> None:
    """Store a step's answer in the session's transaction (Core: no ORM bookkeeping needed)."""
    db.session.connection().execute(
        upsert_per_step(PageAnswer, "answer", "touched"),
        {
            "respondent_id": respondent_id,
            "step_id": step_id,
            "answer": answer,
            "touched": touched,
            "saved_at": utcnow(),
        },
    )


def save_answer(
    respondent: Respondent,
    step_id: str,
    answer: dict,
    touched: bool | None = None,
    drafted: bool = True,
) -> None:
    """Save a step's valid answer; its draft, if it has one (`drafted`), is done with."""
    _upsert(respondent.id, step_id, answer, touched)
    if drafted:
        drafts.discard(respondent.id, step_id)
    db.session.commit()


def replace_motivations(respondent: Respondent, step_id: str, texts: dict, draft: dict) -> None:
    """The saved motivation texts that still answer their question, and the draft that keeps
    the others (pwe.citizens.drafting), in one transaction."""
    _upsert(respondent.id, step_id, texts)
    drafts.save(respondent.id, step_id, draft)
    db.session.commit()


def complete(
    respondent: Respondent,
    consultation: Consultation,
    step_id: str,
    answer: dict,
    touched: bool | None = None,
) -> bool:
    """Save the last step and freeze the response in one transaction.

    Returns False when the response had already been stored: the unique constraint on
    response.respondent_id decides, so concurrent submissions store exactly one. Raises
    InvitationSpent when the respondent's invitation link can no longer be used.
    """
    try:
        _upsert(respondent.id, step_id, answer, touched)
        stored = progress(respondent)
        frozen = {step.id: stored.saved.get(step.id) for step in steps(consultation)}
        db.session.add(
            Response(
                respondent_id=respondent.id,
                consultation_id=respondent.consultation_id,
                answers=frozen,
                touched=stored.touched,
            )
        )
        db.session.flush()
        drafts.discard_all([respondent.id])  # never part of what was sent
        if not invitations.use_up(respondent):
            db.session.rollback()
            raise InvitationSpent(respondent.pseudonym)
        db.session.commit()
        return True
    except IntegrityError:
        db.session.rollback()
        return False


def by_handle(handle: str) -> Respondent | None:
    """The respondent whose session holds `handle`, read at most once per request."""
    known = rows_of_request("respondent")
    if handle in known and (known[handle] is None or still_usable(known[handle])):
        return known[handle]
    respondent = known[handle] = db.session.scalar(_BY_HANDLE, {"handle": handle})
    return respondent


def loaded(handle: str, respondent: Respondent | None) -> None:
    """What a query of this request found for `handle` (consultations.find reads it along)."""
    rows_of_request("respondent")[handle] = respondent
