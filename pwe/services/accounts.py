"""Officials' accounts: argon2 password hashes, login with a lockout per account, roles."""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from datetime import timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from pwe.extensions import db
from pwe.models import utcnow
from pwe.models_officials import Role, User
from pwe.services import audit

MAX_FAILED_LOGINS = 5
LOCKOUT = timedelta(minutes=15)
MIN_PASSWORD_LENGTH = 12
EMAIL_PATTERN = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+\Z")

_hasher = PasswordHasher()
# verified for unknown addresses too, so the answer takes as long whether the account exists or not
_DUMMY_HASH = _hasher.hash(secrets.token_hex(16))


class AccountError(ValueError):
    """The account cannot be made or changed; the message says what to change."""


@dataclass(frozen=True)
class LoginResult:
    user: User | None

    @property
    def ok(self) -> bool:
        return self.user is not None


def normalised_email(email: str) -> str:
    return email.strip().lower()


def password_problem(password: str) -> str | None:
    if len(password) < MIN_PASSWORD_LENGTH:
        return f"Choose a password of at least {MIN_PASSWORD_LENGTH} characters."
    return None


def create_user(email: str, password: str, role: str, actor: str) -> User:
    """A new account (audited); refuses a bad address, a short password or an address in use."""
    email = normalised_email(email)
    if not EMAIL_PATTERN.match(email):
        raise AccountError(f"'{email}' is not an e-mail address; write it as name@example.nl.")
    if role not in Role.__members__:
        raise AccountError(f"unknown role '{role}'; use one of {', '.join(Role.__members__)}.")
    problem = password_problem(password)
    if problem:
        raise AccountError(problem)
    user = User(
        email=email,
        password_hash=_hasher.hash(password),
        role=Role(role),
        session_nonce=secrets.token_hex(16),
    )
    db.session.add(user)
    audit.record(actor, "user.create", f"user:{email}", None, {"role": role, "active": True})
    try:
        db.session.commit()
    except IntegrityError as error:  # the database decides, also when two admins race
        db.session.rollback()
        raise AccountError(f"there is already an account for {email}.") from error
    return user


def by_email(email: str) -> User | None:
    return db.session.scalar(select(User).where(User.email == normalised_email(email)))


def by_id(user_id: int) -> User | None:
    return db.session.get(User, user_id)


def all_users() -> list[User]:
    return list(db.session.scalars(select(User).order_by(User.email)))


def log_in(email: str, password: str) -> LoginResult:
    """Check the password; count failures and lock the account for a while after too many.

    The caller shows one message for every failure, so nobody learns whether an account exists
    or is locked.
    """
    user = by_email(email)
    now = utcnow()
    if user is None or not user.active:
        _verify(_DUMMY_HASH, password)
        return LoginResult(None)
    if user.locked_until is not None and user.locked_until > now:
        _verify(_DUMMY_HASH, password)
        return LoginResult(None)
    if not _verify(user.password_hash, password):
        # counted in the database, so every app server sees the same number
        user.failed_logins += 1
        if user.failed_logins >= MAX_FAILED_LOGINS:
            user.failed_logins = 0
            user.locked_until = now + LOCKOUT
            audit.record(
                "login",
                "user.locked",
                f"user:{user.email}",
                None,
                {"locked_until": user.locked_until.isoformat(timespec="seconds")},
            )
        db.session.commit()
        return LoginResult(None)
    user.failed_logins = 0
    user.locked_until = None
    user.session_nonce = secrets.token_hex(16)
    if _hasher.check_needs_rehash(user.password_hash):
        user.password_hash = _hasher.hash(password)
    db.session.commit()
    return LoginResult(user)


def end_sessions(user: User) -> None:
    """Invalidate every session of this account (logout)."""
    user.session_nonce = secrets.token_hex(16)
    db.session.commit()


def update_user(user: User, actor: str, role: str | None = None, active: bool | None = None) -> None:
    """Change a role or (de)activate an account, audited; ends its sessions."""
    if role is not None and role not in Role.__members__:
        raise AccountError(f"unknown role '{role}'; use one of {', '.join(Role.__members__)}.")
    before = {"role": user.role.value, "active": user.active}
    if role is not None:
        user.role = Role(role)
    if active is not None:
        user.active = active
    after = {"role": user.role.value, "active": user.active}
    if after == before:
        return
    user.session_nonce = secrets.token_hex(16)
    audit.record(actor, "user.update", f"user:{user.email}", before, after)
    db.session.commit()


def _verify(digest: str, password: str) -> bool:
    try:
        return _hasher.verify(digest, password)
    except (VerificationError, InvalidHashError):
        return False
