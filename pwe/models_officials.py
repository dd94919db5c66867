"""Tables of the officials' area: accounts, the audit log, invitations, voided responses and
definition revisions."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import JSON, Enum, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from pwe.extensions import Model


def _utcnow() -> datetime:
    from pwe.models import utcnow

    return utcnow()


class ConsultationStatus(str, enum.Enum):
    """The stored status; opening and closing times can make the effective one differ
    (pwe.services.lifecycle)."""

    draft = "draft"
    open = "open"
    closed = "closed"
    archived = "archived"


class Role(str, enum.Enum):
    admin = "admin"
    editor = "editor"
    analyst = "analyst"


def enum_column(kind: type[enum.Enum], length: int) -> Enum:
    """An Enum stored as its values in a VARCHAR with a CHECK constraint (same on every database)."""
    return Enum(
        kind,
        native_enum=False,
        create_constraint=True,
        length=length,
        values_callable=lambda members: [m.value for m in members],
        name=f"{kind.__name__.lower()}_value",
    )


class User(Model):
    """An official's account. The password is kept only as an argon2 hash."""

    __tablename__ = "official"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    password_hash: Mapped[str] = mapped_column(String(200))
    role: Mapped[Role] = mapped_column(enum_column(Role, 10))
    active: Mapped[bool] = mapped_column(default=True)
    failed_logins: Mapped[int] = mapped_column(default=0)
    locked_until: Mapped[datetime | None] = mapped_column()
    # changes on every login and logout, so a copied old cookie no longer opens a session
    session_nonce: Mapped[str] = mapped_column(String(64), default="")
    created_at: Mapped[datetime] = mapped_column(default=_utcnow)


class AuditEntry(Model):
    """One change: who made it, when, what, and the state before and after."""

    __tablename__ = "audit_entry"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(default=_utcnow, index=True)
    actor: Mapped[str] = mapped_column(String(254))
    action: Mapped[str] = mapped_column(String(60))
    target: Mapped[str] = mapped_column(String(200), index=True)
    before: Mapped[dict | None] = mapped_column(JSON)
    after: Mapped[dict | None] = mapped_column(JSON)


class InvitationBatch(Model):
    """A named group of personal links, e.g. a representative panel; its name is the
    respondents' source."""

    __tablename__ = "invitation_batch"
    __table_args__ = (UniqueConstraint("consultation_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    consultation_id: Mapped[int] = mapped_column(ForeignKey("consultation.id"), index=True)
    name: Mapped[str] = mapped_column(String(20))
    created_at: Mapped[datetime] = mapped_column(default=_utcnow)
    created_by: Mapped[str] = mapped_column(String(254))
    # optional: {"questions": [question ids], "limits": {"value/value": most completed}}
    quota: Mapped[dict | None] = mapped_column(JSON)


class Invitation(Model):
    """One single-use personal link, known here only by the SHA-256 of its token."""

    __tablename__ = "invitation"

    id: Mapped[int] = mapped_column(primary_key=True)
    batch_id: Mapped[int] = mapped_column(ForeignKey("invitation_batch.id"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    # the one respondent this link started; unique, so a link never starts a second one
    respondent_id: Mapped[int | None] = mapped_column(ForeignKey("respondent.id"), unique=True)
    used_at: Mapped[datetime | None] = mapped_column()
    revoked_at: Mapped[datetime | None] = mapped_column()


class QuotaStop(Model):
    """A respondent stopped because their quota cell was full (counted in monitoring)."""

    __tablename__ = "quota_stop"

    respondent_id: Mapped[int] = mapped_column(ForeignKey("respondent.id"), primary_key=True)
    batch_id: Mapped[int] = mapped_column(ForeignKey("invitation_batch.id"), index=True)
    cell: Mapped[str] = mapped_column(String(200))
    stopped_at: Mapped[datetime] = mapped_column(default=_utcnow)


class VoidedResponse(Model):
    """A completed response taken out of exports and results, with the reason."""

    __tablename__ = "voided_response"

    id: Mapped[int] = mapped_column(primary_key=True)
    response_id: Mapped[int] = mapped_column(ForeignKey("response.id"), unique=True)
    reason: Mapped[str] = mapped_column(Text)
    voided_by: Mapped[str] = mapped_column(String(254))
    voided_at: Mapped[datetime] = mapped_column(default=_utcnow)


class Revision(Model):
    """Every saved version of a consultation's definition, numbered from 1."""

    __tablename__ = "revision"
    __table_args__ = (UniqueConstraint("consultation_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    consultation_id: Mapped[int] = mapped_column(ForeignKey("consultation.id"), index=True)
    number: Mapped[int] = mapped_column()
    definition_text: Mapped[str] = mapped_column(Text)
    saved_by: Mapped[str] = mapped_column(String(254))
    saved_at: Mapped[datetime] = mapped_column(default=_utcnow)
    note: Mapped[str] = mapped_column(String(200), default="")
