"""Preview: a consultation exactly as a respondent sees it, in every design version and language,
drafts included; answers are checked with the same rules and never stored."""

from __future__ import annotations

from dataclasses import dataclass, field

from flask import abort, g, jsonify, redirect, render_template, request, url_for

from pwe.citizens import presenting
from pwe.citizens.context import StepContext
from pwe.flow import step_by_id, steps
from pwe.i18n import set_language
from pwe.officials import bp
from pwe.officials.access import requires
from pwe.officials.consultation_routes import consultation_or_404
from pwe.services import consultations

NO_VERSION = "-"


@dataclass
class PreviewRespondent:
    """Stands in for a respondent: options in the definition's order, nothing saved."""

    option_order: dict = field(default_factory=dict)


@bp.get("/c/<slug>/preview")
@requires("view")
def preview_index(slug: str):
    row = consultation_or_404(slug)
    consultation = consultations.definition_of(row)
    versions = [v.id for v in consultation.versions] or [NO_VERSION]
    return render_template(
        "officials/preview_index.html", row=row, c=consultation, versions=versions, steps=steps(consultation)
    )


@bp.route("/c/<slug>/preview/<version>/<lang>/<step_id>", methods=["GET", "POST"])
@requires("view")
def preview_step(slug: str, version: str, lang: str, step_id: str):
    ctx = _context(slug, version, lang, step_id)
    asked = request.args.get("lang")
    if asked in ctx.consultation.languages and asked != lang:  # the header's language links
        return redirect(
            url_for("officials.preview_step", slug=slug, version=version, lang=asked, step_id=step_id)
        )
    if request.method == "GET":
        return render_template(ctx.template, **_view(ctx, ctx.saved_or_blank()))
    if request.form.get("action") == "previous":  # a preview keeps no drafts
        return redirect(_previous_url(ctx))
    result = _parse(ctx)
    if request.form.get("action") == "recalculate" or not result.ok:
        return render_template(ctx.template, **_view(ctx, result.answer, result, True)), (
            200 if result.ok else 422
        )
    if ctx.next_step is None:  # the last step
        return redirect(url_for("officials.preview_index", slug=slug, done=1))
    return redirect(
        url_for("officials.preview_step", slug=slug, version=version, lang=lang, step_id=ctx.next_step.id)
    )


@bp.post("/c/<slug>/preview/<version>/<lang>/<step_id>/check")
@requires("view")
def preview_check(slug: str, version: str, lang: str, step_id: str):
    ctx = _context(slug, version, lang, step_id)
    result = _parse(ctx)
    view = _view(ctx, result.answer, result, False)
    return jsonify({"ok": result.ok, "html": render_template("citizens/_live_summary.html", **view)})


def _context(slug: str, version: str, lang: str, step_id: str) -> StepContext:
    row = consultation_or_404(slug)
    consultation = consultations.definition_of(row)
    if lang not in consultation.languages:
        abort(404)
    try:
        view = consultation.for_version(None if version == NO_VERSION else version)
    except KeyError:
        abort(404)
    found = step_by_id(view, step_id)
    if found is None:
        abort(404)
    set_language(lang, consultation.default_language)
    g.consultation = view
    g.preview = {"slug": slug, "version": version, "lang": lang}
    return StepContext(
        row=row,
        consultation=view,
        respondent=PreviewRespondent(),
        steps=steps(view),
        index=found[0],
        saved={},
    )


def _view(ctx: StepContext, values: dict, result=None, show_errors: bool = False) -> dict:
    view = presenting.step_view(ctx, values, result, show_errors=show_errors)
    view["previous_url"] = _previous_url(ctx)
    view["check_url"] = url_for("officials.preview_check", step_id=ctx.step.id, **_place(ctx))
    return view


def _place(ctx: StepContext) -> dict:
    return dict(slug=ctx.row.slug, version=g.preview["version"], lang=g.preview["lang"])


def _previous_url(ctx: StepContext) -> str:
    previous = ctx.previous_step
    if previous:
        return url_for("officials.preview_step", step_id=previous.id, **_place(ctx))
    return url_for("officials.preview_index", slug=ctx.row.slug)


def _parse(ctx: StepContext):
    return ctx.parse(request.form)
