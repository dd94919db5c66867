"""The editor: the definition's YAML with the validator's messages, feasibility at a glance,
upload and download, revisions with diff and restore, and new consultations."""

from __future__ import annotations

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from pwe.officials import bp
from pwe.officials.access import actor, requires
from pwe.officials.consultation_routes import consultation_or_404
from pwe.services import consultations, editing, feasibility_report, revisions
from pwe.services.consultations import find
from surveys.load import Problem, problems

UPLOAD_LIMIT = 200 * 1024


def editor_page(row, text: str | None = None, found: list[Problem] | None = None, status: int = 200):
    latest = revisions.latest_text(row)
    text = latest if text is None else text
    found = problems(text) if found is None else found
    return render_template(
        "officials/editor.html",
        row=row,
        c=consultations.definition_of(row),
        text=text,
        problems=found,
        frozen=consultations.respondent_count(row.id) > 0,
        feasibility=feasibility_report.report(consultations.definition_of(row)),
        revisions=revisions.of(row),
        pending=revisions.pending_invalid(row),
    ), status


@bp.get("/c/<slug>/edit")
@requires("view")
def editor(slug: str):
    return editor_page(consultation_or_404(slug))


@bp.post("/c/<slug>/edit")
@requires("edit")
def save_definition(slug: str):
    row = consultation_or_404(slug)
    text = request.form.get("definition", "")
    upload = request.files.get("file")
    if upload and upload.filename:
        uploaded = _read_upload(upload)
        if uploaded is None:
            return editor_page(
                row,
                "",
                [Problem("", _("The file is not UTF-8 text; save it as UTF-8 YAML and upload it again."))],
                422,
            )
        text = uploaded
    try:
        saved = editing.save(row, text, actor(), "uploaded" if upload and upload.filename else "edited")
    except editing.EditRefused as refused:
        return editor_page(row, text, refused.problems, 422)
    flash_saved(saved)
    return redirect(url_for("officials.editor", slug=slug))


def flash_saved(saved: editing.Saved) -> None:
    if not saved.changed:
        flash(_("Nothing changed."))
    elif saved.valid:
        flash(_("Saved."))
    else:
        flash(
            _("Saved as a draft that is not valid yet: correct the problems listed before opening."), "error"
        )


@bp.get("/c/<slug>/definition.yaml")
@requires("view")
def download_definition(slug: str):
    row = consultation_or_404(slug)
    return Response(
        revisions.latest_text(row),
        mimetype="application/yaml",
        headers={"Content-Disposition": f"attachment; filename={slug}.yaml"},
    )


@bp.get("/c/<slug>/revisions/<int:number>")
@requires("view")
def revision_diff(slug: str, number: int):
    row = consultation_or_404(slug)
    shown = revisions.get(row, number)
    against_number = request.args.get("against", type=int) or number - 1
    against = revisions.get(row, against_number)
    if shown is None:
        abort(404)
    lines = revisions.diff(against, shown) if against else []
    return render_template(
        "officials/revision.html",
        row=row,
        c=consultations.definition_of(row),
        shown=shown,
        against=against,
        lines=lines,
        numbers=[r.number for r in revisions.of(row)],
    )


@bp.post("/c/<slug>/revisions/<int:number>/restore")
@requires("edit")
def restore_revision(slug: str, number: int):
    row = consultation_or_404(slug)
    revision = revisions.get(row, number)
    if revision is None:
        abort(404)
    try:
        editing.save(row, revision.definition_text, actor(), f"restored revision {number}")
    except editing.EditRefused as refused:
        return editor_page(row, revision.definition_text, refused.problems, 422)
    flash(_("Revision %(number)s restored as the newest revision.", number=number))
    return redirect(url_for("officials.editor", slug=slug))


@bp.route("/new", methods=["GET", "POST"])
@requires("edit")
def new_consultation():
    if request.method == "GET":
        return _new_page()
    how = request.form.get("how", "")
    try:
        if how == "scratch":
            languages = [code for code in ("nl", "en") if code in request.form.getlist("languages")]
            text = editing.scratch(
                request.form.get("slug", "").strip(), request.form.get("title", ""), languages or ["nl"]
            )
            note = "created from scratch"
        elif how == "copy":
            source = find(request.form.get("source", ""))
            if source is None:
                raise editing.EditRefused([Problem("source", _("Choose the consultation to copy."))])
            text = editing.copy_text(source, request.form.get("copy_slug", "").strip())
            note = f"copied from {source.slug}"
        elif how == "upload":
            upload = request.files.get("file")
            text = _read_upload(upload) if upload and upload.filename else None
            if text is None:
                raise editing.EditRefused([Problem("file", _("Choose a UTF-8 YAML file to upload."))])
            note = f"uploaded {upload.filename}"
        else:
            abort(400)
        row = editing.create(text, actor(), note)
    except editing.EditRefused as refused:
        return _new_page(how, refused.problems, 422)
    flash(_("Draft '%(slug)s' created.", slug=row.slug))
    return redirect(url_for("officials.editor", slug=row.slug))


def _new_page(how: str = "", found: list[Problem] | None = None, status: int = 200):
    return render_template(
        "officials/new.html",
        how=how,
        problems=found or [],
        form=request.form,
        sources=[r.slug for r in consultations.all_rows()],
    ), status


def _read_upload(upload) -> str | None:
    data = upload.read(UPLOAD_LIMIT + 1)
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return None
