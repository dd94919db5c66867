"""Database tables. The database itself enforces what must never happen twice."""

from __future__ import annotations

import secrets
from datetime import UTC, date, datetime

from sqlalchemy import JSON, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from pwe.extensions import Model
from pwe.models_officials import (  # noqa: F401  (registers the officials' tables)
    AuditEntry,
    ConsultationStatus,
    Invitation,
    InvitationBatch,
    QuotaStop,
    Revision,
    Role,
    User,
    VoidedResponse,
    enum_column,
)


def utcnow() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def new_handle() -> str:
    """The random value a respondent's cookie holds; never the pseudonym an export shows."""
    return secrets.token_urlsafe(24)


# The source of respondents who came by the public link; no invitation batch may take this name.
OPEN_SOURCE = "open"


class Consultation(Model):
    """A loaded definition, stored verbatim with its hash."""

    __tablename__ = "consultation"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(100), unique=True)
    # Deferred: a page needs only the hash, whose parsed definition is cached in the process.
    definition_text: Mapped[str] = mapped_column(Text, deferred=True)
    definition_hash: Mapped[str] = mapped_column(String(64))
    status: Mapped[ConsultationStatus] = mapped_column(
        enum_column(ConsultationStatus, 20), default=ConsultationStatus.draft
    )
    # optional times (UTC) at which a draft opens and an open consultation closes by itself
    opens_at: Mapped[datetime | None] = mapped_column()
    closes_at: Mapped[datetime | None] = mapped_column()
    closed_at: Mapped[datetime | None] = mapped_column()  # when it was closed by hand
    # after closing, someone who had started may still finish for this long
    grace_minutes: Mapped[int] = mapped_column(default=120)
    results_expected_on: Mapped[date | None] = mapped_column()
    # days after closing that the answers are kept; the page shows the date they are due to go
    retention_days: Mapped[int | None] = mapped_column()
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    respondents: Mapped[list[Respondent]] = relationship(back_populates="consultation")


class Respondent(Model):
    """One person taking part: pseudonymous, no IP address, no user agent.

    `pseudonym` is the key of the export and never leaves the server; `handle` is what the
    respondent's signed cookie holds to find the row again. Both are unique.
    """

    __tablename__ = "respondent"

    id: Mapped[int] = mapped_column(primary_key=True)
    pseudonym: Mapped[str] = mapped_column(String(32), unique=True)
    handle: Mapped[str] = mapped_column(String(64), unique=True, default=new_handle)
    consultation_id: Mapped[int] = mapped_column(ForeignKey("consultation.id"), index=True)
    definition_hash: Mapped[str] = mapped_column(String(64))
    version: Mapped[str | None] = mapped_column(String(100))
    language: Mapped[str] = mapped_column(String(8))
    source: Mapped[str] = mapped_column(String(20), default=OPEN_SOURCE)
    option_order: Mapped[dict] = mapped_column(JSON, default=dict)
    started_at: Mapped[datetime] = mapped_column(default=utcnow)

    consultation: Mapped[Consultation] = relationship(back_populates="respondents")
    answers: Mapped[list[PageAnswer]] = relationship(back_populates="respondent", order_by="PageAnswer.id")
    response: Mapped[Response | None] = relationship(back_populates="respondent")


class PageAnswer(Model):
    """The latest valid answer to one step, saved when the step is submitted."""

    __tablename__ = "page_answer"
    __table_args__ = (UniqueConstraint("respondent_id", "step_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    respondent_id: Mapped[int] = mapped_column(ForeignKey("respondent.id"))
    step_id: Mapped[str] = mapped_column(String(110))
    answer: Mapped[dict] = mapped_column(JSON)
    # portfolio steps: whether the respondent changed anything on the page before sending it, so
    # an advice equal to the base plan tells "did not engage" from "chose the base plan"
    touched: Mapped[bool | None] = mapped_column()
    saved_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    respondent: Mapped[Respondent] = relationship(back_populates="answers")


class StepDraft(Model):
    """What was typed on a step and sent without being checked ("Vorige", the language switch,
    Recalculate): shown again over the saved answer, never an answer itself. One per step."""

    __tablename__ = "step_draft"
    __table_args__ = (UniqueConstraint("respondent_id", "step_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    respondent_id: Mapped[int] = mapped_column(ForeignKey("respondent.id"))
    step_id: Mapped[str] = mapped_column(String(110))
    values: Mapped[dict] = mapped_column(JSON)
    saved_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class Response(Model):
    """A completed response: all answers frozen at completion. At most one per respondent."""

    __tablename__ = "response"

    id: Mapped[int] = mapped_column(primary_key=True)
    respondent_id: Mapped[int] = mapped_column(ForeignKey("respondent.id"), unique=True)
    consultation_id: Mapped[int] = mapped_column(ForeignKey("consultation.id"), index=True)
    answers: Mapped[dict] = mapped_column(JSON)
    touched: Mapped[dict | None] = mapped_column(JSON)  # {portfolio page id: bool}, frozen too
    completed_at: Mapped[datetime] = mapped_column(default=utcnow)

    respondent: Mapped[Respondent] = relationship(back_populates="response")


class VersionStart(Model):
    """How many respondents were given each design version, counted at consent: the respondent
    row appears only at their first saved step, and assignment must stay balanced before that."""

    __tablename__ = "version_start"

    consultation_id: Mapped[int] = mapped_column(ForeignKey("consultation.id"), primary_key=True)
    version: Mapped[str] = mapped_column(String(100), primary_key=True)
    starts: Mapped[int] = mapped_column(default=0)
