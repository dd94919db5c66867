"""Invitation batches in the browser: make links (the CSV is downloaded once, never stored),
see how far each batch got, revoke links or a whole batch."""

from __future__ import annotations

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext

from pwe.extensions import db
from pwe.models_officials import InvitationBatch
from pwe.officials import bp
from pwe.officials.access import actor, requires
from pwe.officials.consultation_routes import consultation_or_404
from pwe.services import consultations, invitations, quotas
from surveys.definition import QuestionsPage


def _page(row, errors: dict | None = None):
    batches = invitations.summaries(row)
    return render_template(
        "officials/invitations.html",
        row=row,
        c=consultations.definition_of(row),
        batches=batches,
        form=request.form,
        errors=errors or {},
        open_link=url_for("citizens.landing", slug=row.slug, _external=True),
        quota_cells={s.batch.id: _quota_cells(s.batch) for s in batches if s.batch.quota},
    ), (422 if errors else 200)


def _quota_cells(batch) -> list[tuple[str, int, int, int]]:
    """Each limited cell: its limit, completed responses and respondents stopped."""
    completed, stops = quotas.completed_per_cell(batch), quotas.stops_per_cell(batch)
    return [
        (cell, limit, completed.get(cell, 0), stops.get(cell, 0))
        for cell, limit in batch.quota["limits"].items()
    ]


@bp.post("/c/<slug>/invitations/<int:batch_id>/quota")
@requires("invite")
def set_quota(slug: str, batch_id: int):
    row = consultation_or_404(slug)
    batch = db.session.get(InvitationBatch, batch_id)
    if batch is None or batch.consultation_id != row.id:
        abort(404)
    question_ids = {
        q.id
        for page in consultations.definition_of(row).pages
        if isinstance(page, QuestionsPage)
        for q in page.questions
    }
    try:
        quotas.set_quota(
            batch,
            slug,
            request.form.get(f"questions-{batch.id}", ""),
            request.form.get(f"limits-{batch.id}", ""),
            question_ids,
            actor(),
        )
    except quotas.QuotaError as error:
        return _page(row, {f"limits-{batch.id}": str(error)[0].upper() + str(error)[1:]})
    flash(_("Quota of batch %(batch)s saved.", batch=batch.name))
    return redirect(url_for("officials.invitation_batches", slug=slug))


@bp.get("/c/<slug>/invitations")
@requires("invite")
def invitation_batches(slug: str):
    return _page(consultation_or_404(slug))


@bp.post("/c/<slug>/invitations")
@requires("invite")
def create_invitations(slug: str):
    row = consultation_or_404(slug)
    count = request.form.get("count", "").strip()
    if not count.isdigit():
        return _page(row, {"count": _("Write the number of links as a whole number, e.g. 500.")})
    try:
        links = invitations.create_links(
            row, request.form.get("batch", ""), int(count), actor(), request.host_url
        )
    except invitations.InvitationError as error:
        field = "count" if "links" in str(error) else "batch"
        return _page(row, {field: str(error)[0].upper() + str(error)[1:]})
    name = request.form["batch"].strip()
    return Response(
        invitations.links_csv(links),
        mimetype="text/csv",
        headers={"Content-Disposition": f"attachment; filename={slug}-{name}-links.csv"},
    )


@bp.post("/c/<slug>/invitations/revoke")
@requires("invite")
def revoke_invitations(slug: str):
    row = consultation_or_404(slug)
    batch = request.form.get("batch", "")
    try:
        if batch:
            revoked = invitations.revoke_batch(row, batch, actor())
        else:
            revoked = invitations.revoke(row, request.form.get("links", "").split(), actor())
    except invitations.InvitationError as error:
        flash(str(error), "error")
    else:
        flash(ngettext("%(num)s link revoked.", "%(num)s links revoked.", revoked))
    return redirect(url_for("officials.invitation_batches", slug=slug))
