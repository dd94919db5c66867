"""The list of consultations and each consultation's page: status, lifecycle, schedule."""

from __future__ import annotations

from datetime import date, datetime

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from pwe.models import Consultation as ConsultationRow
from pwe.models import utcnow
from pwe.models_officials import ConsultationStatus as Status
from pwe.officials import bp, charts
from pwe.officials.access import actor, may, requires, status_name
from pwe.services import audit, consultations, lifecycle, monitoring, retention_period
from pwe.services.export import DOWNLOADS


def consultation_or_404(slug: str) -> ConsultationRow:
    row = consultations.find(slug)
    if row is None:
        abort(404)
    return row


@bp.get("/")
@requires("view")
def index():
    rows = consultations.all_rows()
    items = [(row, consultations.definition_of(row), lifecycle.effective_status(row)) for row in rows]
    return render_template("officials/index.html", items=items)


@bp.get("/c/<slug>")
@requires("view")
def consultation(slug: str):
    return consultation_page(consultation_or_404(slug))


def consultation_page(row: ConsultationRow, form=None, errors: dict | None = None):
    """The consultation's page; `form` and `errors` re-show a refused form."""
    status = lifecycle.effective_status(row)
    definition = consultations.definition_of(row)
    figures = monitoring.monitoring(row, definition) if may("monitor") else None
    return render_template(
        "officials/consultation.html",
        row=row,
        c=definition,
        status=status,
        schedule=lifecycle.schedule(row),
        transitions=lifecycle.TRANSITIONS[status],
        actions=lifecycle.ACTIONS,
        respondents=consultations.respondent_count(row.id),
        history=audit.entries(f"consultation:{row.slug}", limit=20),
        form=form or {},
        errors=errors or {},
        figures=figures,
        charts={"per_day": charts.per_day(figures), "funnel": charts.funnel(figures)} if figures else {},
        exports=list(DOWNLOADS),
        answers_deleted=retention_period.deleted(row),
        retention_over=(lifecycle.keep_until(row) or datetime.max) <= utcnow(),
    ), (422 if errors else 200)


@bp.post("/c/<slug>/status")
@requires("lifecycle")
def change_status(slug: str):
    row = consultation_or_404(slug)
    try:
        target = Status(request.form.get("status", ""))
        lifecycle.change_status(row, target, actor())
    except ValueError as error:  # an unknown status or a LifecycleError
        flash(
            str(error)
            if isinstance(error, lifecycle.LifecycleError)
            else _("Choose one of the buttons to change the status."),
            "error",
        )
    else:
        status = lifecycle.effective_status(row).value
        flash(_("'%(slug)s' is now %(status)s.", slug=slug, status=status_name(status)))
    return redirect(url_for("officials.consultation", slug=slug))


@bp.post("/c/<slug>/schedule")
@requires("lifecycle")
def schedule(slug: str):
    row = consultation_or_404(slug)
    form = request.form
    errors: dict[str, str] = {}
    opens_at = _read(form, "opens_at", errors, MOMENT)
    closes_at = _read(form, "closes_at", errors, MOMENT)
    expected = _read(form, "results_expected_on", errors, DAY)
    grace = form.get("grace_minutes", "").strip()
    if not grace.isdigit():
        errors["grace_minutes"] = _("Write the grace period as a whole number of minutes, e.g. 120.")
    retention = form.get("retention_days", "").strip()
    if retention and not retention.isdigit():
        errors["retention_days"] = _(
            "Write the retention period as a whole number of days, e.g. 365, or leave it empty."
        )
    if not errors:
        try:
            lifecycle.set_schedule(
                row,
                actor(),
                opens_at=opens_at,
                closes_at=closes_at,
                grace_minutes=int(grace),
                results_expected_on=expected,
                retention_days=int(retention) if retention else None,
            )
        except lifecycle.LifecycleError as error:
            errors["closes_at"] = str(error).capitalize()
    if errors:
        return consultation_page(row, form, errors)
    flash(_("Schedule saved."))
    return redirect(url_for("officials.consultation", slug=slug))


MOMENT = (
    datetime.fromisoformat,
    _l("Write the time as YYYY-MM-DD HH:MM (UTC), e.g. 2027-03-01 09:00, or leave it empty."),
)
DAY = (date.fromisoformat, _l("Write the date as YYYY-MM-DD, e.g. 2027-06-30, or leave it empty."))


def _read(form, name: str, errors: dict, kind: tuple):
    """The field read by kind's parser; None when empty; the kind's message when unreadable."""
    text = form.get(name, "").strip()
    if not text:
        return None
    parse, message = kind
    try:
        return parse(text)
    except ValueError:
        errors[name] = str(message)
        return None
