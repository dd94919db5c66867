"""Downloads of the exports (audited), voiding responses, erasing a respondent, and the chart
library."""

from __future__ import annotations

from pathlib import Path

import plotly
from flask import Response, abort, flash, redirect, request, send_file, url_for
from flask_babel import gettext as _
from flask_babel import ngettext

from pwe.extensions import db
from pwe.officials import bp
from pwe.officials.access import actor, public, requires
from pwe.officials.consultation_routes import consultation_or_404, consultation_page
from pwe.services import audit, consultations, retention, voiding
from pwe.services.export import DOWNLOADS, table_csv

PLOTLY_JS = Path(plotly.__file__).parent / "package_data" / "plotly.min.js"


@bp.get("/c/<slug>/export/<name>")
@requires("export")
def download_export(slug: str, name: str):
    row = consultation_or_404(slug)
    if name not in DOWNLOADS:
        abort(404)
    return _audited_download(
        slug, "export.download", {"file": name}, table_csv(slug, name), "text/csv", f"{row.slug}-{name}"
    )


@bp.post("/c/<slug>/void")
@requires("void")
def void_response(slug: str):
    row = consultation_or_404(slug)
    try:
        voiding.void(row, request.form.get("respondent", ""), request.form.get("reason", ""), actor())
    except voiding.VoidError as error:
        field = "reason" if "reason" in str(error) else "respondent"
        return consultation_page(row, request.form, {field: str(error)})
    flash(_("The response is voided: it leaves the exports and results."))
    return redirect(url_for("officials.consultation", slug=slug))


@bp.get("/c/<slug>/everything.zip")
@requires("export")
def download_everything(slug: str):
    data = retention.everything(consultation_or_404(slug))
    return _audited_download(
        slug, "export.everything", {"bytes": len(data)}, data, "application/zip", f"{slug}-everything.zip"
    )


def _audited_download(slug: str, action: str, detail: dict, data, mimetype: str, filename: str):
    """A file of personal data for download, recorded in the audit log first."""
    audit.record(actor(), action, f"consultation:{slug}", None, detail)
    db.session.commit()
    return Response(
        data, mimetype=mimetype, headers={"Content-Disposition": f"attachment; filename={filename}"}
    )


@bp.post("/c/<slug>/erase")
@requires("erase")
def erase_respondent(slug: str):
    row = consultation_or_404(slug)
    try:
        retention.erase(row, request.form.get("code", ""), actor())
    except retention.EraseError as error:
        return consultation_page(row, request.form, {"code": str(error)})
    flash(_("The respondent's answers are erased."))
    return redirect(url_for("officials.consultation", slug=slug))


@bp.post("/c/<slug>/delete-free-texts")
@requires("erase")
def delete_free_texts(slug: str):
    row = consultation_or_404(slug)
    try:
        removed = retention.delete_free_texts(row, consultations.definition_of(row), actor())
    except retention.EraseError as error:
        flash(str(error), "error")
    else:
        flash(ngettext("%(num)s free text deleted.", "%(num)s free texts deleted.", removed))
    return redirect(url_for("officials.consultation", slug=slug))


@bp.get("/assets/plotly.min.js")
@public
def plotly_js():
    return send_file(PLOTLY_JS, mimetype="text/javascript", max_age=86400)
