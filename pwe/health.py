"""/healthz (the process answers) and /readyz (the database answers and its schema is current),
for load balancers and orchestrators. Neither touches the session nor says more than needed."""

from __future__ import annotations

import functools

from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask import Blueprint, Flask, current_app, jsonify
from sqlalchemy.exc import SQLAlchemyError

from pwe.database import alembic_config
from pwe.extensions import db
from pwe.limits import limiter

bp = Blueprint("health", __name__)


@bp.get("/healthz")
def healthz():
    return jsonify(status="ok")


@bp.get("/readyz")
def readyz():
    reason = not_ready_reason()
    if reason:
        return jsonify(status="unavailable", reason=reason), 503
    return jsonify(status="ok")


@functools.cache
def expected_revisions() -> frozenset[str]:
    """The migration heads this code was written for (read from disk once per process)."""
    return frozenset(ScriptDirectory.from_config(alembic_config()).get_heads())


def not_ready_reason() -> str | None:
    """Why this app server should not get traffic yet, or None when it can."""
    try:
        with db.engine.connect() as connection:
            current = frozenset(MigrationContext.configure(connection).get_current_heads())
    except SQLAlchemyError as error:
        current_app.logger.warning(
            "readiness: database unreachable",
            extra={
                "fields": {
                    "event": "database_unreachable",
                    "error": str(getattr(error, "orig", None) or error)[:300],
                }
            },
        )
        return "database unreachable"
    if current != expected_revisions():
        return (
            f"database schema at {', '.join(sorted(current)) or 'nothing'}, code expects "
            f"{', '.join(sorted(expected_revisions()))}: run `pwe init-db`"
        )
    return None


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
    limiter.exempt(bp)  # probes come often and from few addresses
