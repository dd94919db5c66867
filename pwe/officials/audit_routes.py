"""The audit log, for admins: read and download."""

from __future__ import annotations

from flask import Response, render_template

from pwe.officials import bp
from pwe.officials.access import requires
from pwe.services import audit

SHOWN = 500


@bp.get("/audit")
@requires("audit")
def audit_log():
    entries = audit.entries(limit=SHOWN)
    return render_template("officials/audit.html", entries=entries, limited=len(entries) == SHOWN)


@bp.get("/audit.csv")
@requires("audit")
def audit_csv():
    return Response(
        audit.as_csv(audit.entries()),
        mimetype="text/csv",
        headers={"Content-Disposition": "attachment; filename=audit-log.csv"},
    )
