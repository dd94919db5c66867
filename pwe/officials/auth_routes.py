"""Login and logout."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import g, redirect, render_template, request, session, url_for
from flask_babel import lazy_gettext as _l

from pwe.limits import limiter
from pwe.officials import bp
from pwe.officials.access import SESSION_KEY, public, start_session
from pwe.services import accounts

LOGIN_LIMIT = "20 per 10 minutes"
# one message for a wrong password, an unknown address and a locked account alike
LOGIN_FAILED = _l(
    "The e-mail address or password is not right, or the account is locked for a while after "
    "%(attempts)s wrong attempts. Check both and try again in %(minutes)s minutes if it keeps failing.",
    attempts=accounts.MAX_FAILED_LOGINS,
    minutes=int(accounts.LOCKOUT.total_seconds() // 60),
)


def _too_many(limit):
    return render_template(
        "officials/login.html", error=LOGIN_FAILED, email=request.form.get("email", "")
    ), 429


@bp.route("/login", methods=["GET", "POST"])
@public
@limiter.limit(LOGIN_LIMIT, methods=["POST"], on_breach=_too_many)
def login():
    email = request.form.get("email", "")
    if request.method == "POST":
        result = accounts.log_in(email, request.form.get("password", ""))
        if result.ok:
            start_session(result.user)
            return redirect(_safe_next(request.args.get("next")))
        return render_template("officials/login.html", error=LOGIN_FAILED, email=email), 401
    if g.official is not None:
        return redirect(url_for("officials.index"))
    return render_template("officials/login.html", error=None, email=email, expired=g.session_expired)


@bp.post("/logout")
@public
def logout():
    if g.official is not None:
        accounts.end_sessions(g.official)
    session.pop(SESSION_KEY, None)
    return redirect(url_for("officials.login"))


def _safe_next(target: str | None) -> str:
    """Only a path inside the management area, never another site."""
    if (
        target
        and target.startswith("/admin/")
        and not urlsplit(target).netloc
        and not target.startswith("//")
    ):
        return target
    return url_for("officials.index")
