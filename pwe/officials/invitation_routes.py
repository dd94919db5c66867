"""Invitation batches in the browser: make links (the CSV is downloaded once, never stored),
see how far each batch got, revoke links or a whole batch."""
from __future__ import annotations

from flask import Response, flash, redirect, render_template, request, url_for

from pwe.officials import bp
from pwe.officials.access import actor, requires
from pwe.officials.consultation_routes import consultation_or_404
from pwe.services import consultations, invitations


def _page(row, errors: dict | None = None):
    return render_template(
        "officials/invitations.html", row=row, c=consultations.definition_of(row),
        batches=invitations.summaries(row), form=request.form, errors=errors or {},
        open_link=url_for("citizens.landing", slug=row.slug, _external=True),
    ), (422 if errors else 200)


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
        return _page(row, {"count": "Write the number of links as a whole number, e.g. 500."})
    try:
        links = invitations.create_links(row, request.form.get("batch", ""), int(count), actor(),
                                         request.host_url)
    except invitations.InvitationError as error:
        field = "count" if "links" in str(error) else "batch"
        return _page(row, {field: str(error)[0].upper() + str(error)[1:]})
    name = request.form["batch"].strip()
    return Response(invitations.links_csv(links), mimetype="text/csv", headers={
        "Content-Disposition": f"attachment; filename={slug}-{name}-links.csv"})


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
        flash(f"{revoked} link(s) revoked.")
    return redirect(url_for("officials.invitation_batches", slug=slug))
