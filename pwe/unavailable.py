"""When the database cannot answer (restarting, unreachable, read-only, disk full): a styled
"try again" page that carries the submitted answers back, a log line, and a clean session, so the
next request works again as soon as the database does; the app itself needs no restart."""

from __future__ import annotations

from flask import Flask, current_app, render_template, request
from sqlalchemy.exc import InterfaceError, OperationalError

from pwe.extensions import db

RETRY_AFTER_SECONDS = 5


def init_app(app: Flask) -> None:
    app.register_error_handler(OperationalError, database_unavailable)
    app.register_error_handler(InterfaceError, database_unavailable)

    # runs before Flask-SQLAlchemy's own teardown (registered earlier, run later), whose rollback
    # would raise out of the request when the database went away after the page was made, and
    # so take the whole worker down
    @app.teardown_appcontext
    def release_session(error) -> None:
        try:
            db.session.remove()
        except (OperationalError, InterfaceError):
            db.session.registry.clear()


def database_unavailable(error: OperationalError | InterfaceError):
    try:
        db.session.rollback()
    except (OperationalError, InterfaceError):
        db.session.close()  # the connection is gone; the pool gives the next request a new one
    current_app.logger.error(
        "database unavailable",
        extra={
            "fields": {
                "event": "database_unavailable",
                "endpoint": request.endpoint,
                "method": request.method,
                "error": str(getattr(error, "orig", None) or error).strip()[:300],
            }
        },
    )
    # a POST is re-sent as it came (its CSRF token still matches the session), so no answer is lost
    kept = list(request.form.items(multi=True)) if request.method == "POST" else []
    page = render_template("unavailable.html", kept=kept, again=request.full_path.rstrip("?"))
    return page, 503, {"Retry-After": str(RETRY_AFTER_SECONDS)}
