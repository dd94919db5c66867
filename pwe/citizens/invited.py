"""Personal invitation links: /c/<slug>/i/<token> starts (or resumes) the respondent of that link,
whose source is the batch name; the session remembers the consultations its visitor was invited to.
/c/<slug>/full thanks those a batch's quota stopped."""

from __future__ import annotations

from typing import NoReturn

from flask import abort, make_response, redirect, render_template, session, url_for

from pwe.citizens import bp
from pwe.citizens.context import current_respondent, load_consultation, remember_respondent
from pwe.extensions import db
from pwe.limits import mark_invited
from pwe.models import Consultation as ConsultationRow
from pwe.models import Respondent
from pwe.models_officials import Invitation
from pwe.services import invitations, quotas, responses
from surveys.definition import Consultation

SESSION_KEY = "invitations"  # slug -> invitation id


@bp.get("/c/<slug>/i/<token>")
def invitation(slug: str, token: str):
    row, consultation = load_consultation(slug)
    found = invitations.find(row, token)
    if found is None or found.revoked_at is not None or found.used_at is not None:
        refuse(row, consultation, found)
    mark_invited(slug)
    session[SESSION_KEY] = {**session.get(SESSION_KEY, {}), slug: found.id}
    if found.respondent_id is not None:  # the same person again, perhaps on another device
        respondent = db.session.get(Respondent, found.respondent_id)
        if respondent is not None:
            remember_respondent(row, respondent)
    return redirect(url_for("citizens.landing", slug=slug))


@bp.get("/c/<slug>/full")
def quota_full(slug: str):
    """Thanks for someone whose group (quota cell) already had enough respondents."""
    row, consultation = load_consultation(slug, allow_closed=True)
    respondent = current_respondent(row)
    if respondent is None or not quotas.stopped(respondent):
        return redirect(url_for("citizens.landing", slug=slug))
    return render_template("citizens/invitation.html", row=row, c=consultation, reason="quota_full")


def refuse(row: ConsultationRow, consultation: Consultation, found: Invitation | None) -> NoReturn:
    """Stop with the polite page for a link that is unknown, revoked or already used."""
    reason = (
        "invitation_unknown"
        if found is None
        else ("invitation_used" if found.used_at is not None else "invitation_revoked")
    )
    abort(
        make_response(
            render_template("citizens/invitation.html", row=row, c=consultation, reason=reason),
            404 if found is None else 410,
        )
    )


def start(row: ConsultationRow, consultation: Consultation, rng) -> responses.Start:
    """A new start: through this session's invitation link when there is one, else open."""
    found = _session_invitation(row)
    if found is None:
        return responses.start(row, consultation, rng)
    if found.revoked_at is not None or found.used_at is not None:
        refuse(row, consultation, found)
    return responses.start(row, consultation, rng, source=invitations.source_of(found))


def attach(row: ConsultationRow, consultation: Consultation, respondent: Respondent) -> None:
    """At the first saved step, when the respondent row appears: tie this session's link to it
    (one respondent per link, decided by the database)."""
    found = _session_invitation(row)
    if found is not None and not invitations.attach(found, respondent):
        refuse(row, consultation, db.session.get(Invitation, found.id))


def forget(row: ConsultationRow) -> None:
    """The next person on this device was not invited by the previous person's link."""
    invited = session.get(SESSION_KEY, {})
    if row.slug in invited:
        session[SESSION_KEY] = {k: v for k, v in invited.items() if k != row.slug}


def _session_invitation(row: ConsultationRow) -> Invitation | None:
    invitation_id = session.get(SESSION_KEY, {}).get(row.slug)
    return db.session.get(Invitation, invitation_id) if invitation_id else None
