"""Who is logged in, and what each role may do. Every management view declares its permission
with `requires`; tests read REQUIRED to check that no view is reachable without it."""

from __future__ import annotations

import time
from collections.abc import Callable
from functools import wraps

from flask import abort, current_app, g, redirect, request, session, url_for
from flask_babel import lazy_gettext as _l

from pwe import settings
from pwe.i18n import use_language
from pwe.models import utcnow
from pwe.models_officials import ConsultationStatus as Status
from pwe.models_officials import Role, User
from pwe.officials import bp
from pwe.services import accounts
from surveys.language import LANGUAGES

SESSION_KEY = "official"
IDLE_DEFAULT = settings.BY_NAME["PWE_ADMIN_IDLE_MINUTES"].default

# permission -> the roles that have it; admin has every permission
PERMISSIONS: dict[str, frozenset[Role]] = {
    "view": frozenset({Role.admin, Role.editor, Role.analyst}),
    "monitor": frozenset({Role.admin, Role.editor, Role.analyst}),
    "edit": frozenset({Role.admin, Role.editor}),
    "lifecycle": frozenset({Role.admin, Role.editor}),
    "invite": frozenset({Role.admin, Role.editor}),
    "export": frozenset({Role.admin, Role.analyst}),
    "void": frozenset({Role.admin, Role.analyst}),
    "erase": frozenset({Role.admin}),
    "users": frozenset({Role.admin}),
    "audit": frozenset({Role.admin}),
}

# a status and the change to it as the pages name them, in the official's language
STATUS_NAMES = {
    Status.draft: _l("draft"),
    Status.open: _l("open"),
    Status.closed: _l("closed"),
    Status.archived: _l("archived"),
}
ACTION_NAMES = {Status.open: _l("Open"), Status.closed: _l("Close"), Status.archived: _l("Archive")}

REQUIRED: dict[str, str] = {}  # endpoint -> permission
PUBLIC: set[str] = set()  # endpoints open without login (the login page itself)


def status_name(status: Status | str) -> str:
    return str(STATUS_NAMES.get(Status(status), status))


def action_name(target: Status) -> str:
    return str(ACTION_NAMES[target])


def may(permission: str, user: User | None = None) -> bool:
    user = user if user is not None else g.get("official")
    return user is not None and user.role in PERMISSIONS[permission]


def requires(permission: str) -> Callable:
    """Only logged-in officials whose role has `permission` reach the view."""
    if permission not in PERMISSIONS:
        raise KeyError(permission)

    def decorate(view: Callable) -> Callable:
        REQUIRED[f"{bp.name}.{view.__name__}"] = permission

        @wraps(view)
        def guarded(*args, **kwargs):
            if g.get("official") is None:
                return redirect(url_for("officials.login", next=request.full_path))
            if not may(permission):
                abort(403)
            return view(*args, **kwargs)

        return guarded

    return decorate


def public(view: Callable) -> Callable:
    PUBLIC.add(f"{bp.name}.{view.__name__}")
    return view


def actor() -> str:
    """The logged-in official as the audit log names them."""
    return g.official.email


def start_session(user: User) -> None:
    """A new session: nothing from before the login carries over."""
    session.clear()
    session[SESSION_KEY] = {"id": user.id, "nonce": user.session_nonce, "seen": int(time.time())}


@bp.before_request
def load_official() -> None:
    # the official's choice or the browser's language; English, the area's default, when neither says
    use_language(LANGUAGES, "en")
    g.official = None
    g.session_expired = False
    state = session.get(SESSION_KEY)
    if not state:
        return
    idle_seconds = current_app.config.get("PWE_ADMIN_IDLE_MINUTES", IDLE_DEFAULT) * 60
    user = accounts.by_id(state.get("id"))
    if (
        user is None
        or not user.active
        or user.session_nonce != state.get("nonce")
        or time.time() - state.get("seen", 0) > idle_seconds
    ):
        session.pop(SESSION_KEY, None)
        g.session_expired = True
        return
    g.official = user
    session[SESSION_KEY] = {**state, "seen": int(time.time())}


@bp.after_request
def never_cache(response):
    # management pages and downloads hold unpublished definitions and personal data
    if request.endpoint != "officials.plotly_js":
        response.headers["Cache-Control"] = "no-store"
    return response


@bp.app_context_processor
def officials_helpers() -> dict:
    return {
        "may": may,
        "status_name": status_name,
        "action_name": action_name,
        "now_utc": lambda: utcnow().strftime("%Y-%m-%d %H:%M"),
    }
