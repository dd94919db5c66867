"""The design-versions helper in the browser: choose what varies, see the balanced versions and
their correlation, estimate the precision they give, and write them into the definition."""

from __future__ import annotations

from pathlib import Path

from flask import redirect, render_template, request, url_for
from flask_babel import gettext as _

from pwe.officials import bp
from pwe.officials.access import actor, requires
from pwe.officials.consultation_routes import consultation_or_404
from pwe.officials.editor_routes import editor_page, flash_saved
from pwe.services import consultations, design_helper, editing, revisions
from surveys.definition import PortfolioPage

EXAMPLE_WEIGHTS = Path(__file__).resolve().parents[2] / "surveys" / "examples" / "value-weights"


@bp.route("/c/<slug>/versions", methods=["GET", "POST"])
@requires("view")
def versions_helper(slug: str):
    row = consultation_or_404(slug)
    consultation = consultations.definition_of(row)
    form = request.form
    errors: dict[str, str] = {}
    result = power = None
    if request.method == "POST":
        result, errors = _design(consultation, form)
        if result is not None and form.get("action") == "power":
            try:
                power = design_helper.precision(
                    design_helper.with_versions(row.definition_text, result),
                    form.get("weights", ""),
                    form.get("page", ""),
                    _whole(form, "seed", 0, {}),
                )
            except ValueError as error:
                errors["weights"] = str(error)
    return render_template(
        "officials/versions.html",
        row=row,
        c=consultation,
        form=form,
        errors=errors,
        candidates=design_helper.candidates(consultation),
        result=result,
        power=power,
        pages=[p.id for p in consultation.pages if isinstance(p, PortfolioPage)],
        weights=form.get("weights") or _example_weights(slug),
        sizes=design_helper.POWER_SIZES,
        replications=design_helper.POWER_REPLICATIONS,
    ), (422 if errors else 200)


@bp.post("/c/<slug>/versions/apply")
@requires("edit")
def apply_versions(slug: str):
    row = consultation_or_404(slug)
    design, errors = _design(consultations.definition_of(row), request.form)
    if errors:
        return versions_helper(slug)
    text = design_helper.with_versions(revisions.latest_text(row), design)
    try:
        saved = editing.save(
            row,
            text,
            actor(),
            f"{len(design.versions)} design versions from seed {request.form.get('seed') or 0}",
        )
    except editing.EditRefused as refused:
        return editor_page(row, text, refused.problems, 422)
    flash_saved(saved)
    return redirect(url_for("officials.editor", slug=slug))


def _design(consultation, form):
    """The balanced versions the form asks for, or the messages saying what to change."""
    varied, errors = design_helper.read_varied(consultation, form)
    count, seed = _whole(form, "count", 6, errors), _whole(form, "seed", 0, errors)
    if errors:
        return None, errors
    try:
        return design_helper.design(varied, count, seed), {}
    except ValueError as error:  # no number chosen, or fewer than 2 versions
        first = next((c.field for c in design_helper.candidates(consultation)), "count")
        return None, {"count" if "versions" in str(error) else first: str(error)}


def _whole(form, name: str, default: int, errors: dict) -> int:
    text = form.get(name, "").strip()
    if not text:
        return default
    if not text.isdigit():
        errors[name] = _("Write a whole number, e.g. %(example)s.", example=default or 1)
        return default
    return int(text)


def _example_weights(slug: str) -> str:
    """Assumed value weights to start from: the example's, when the consultation is one."""
    path = EXAMPLE_WEIGHTS / f"{slug}.yaml"
    return path.read_text(encoding="utf-8") if path.exists() else ""
