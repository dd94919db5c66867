"""The structured editor: one form per part of the definition, saved through the same path as
the YAML editor (validation, revisions, the frozen rule)."""

from __future__ import annotations

from flask import abort, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from pwe.officials import bp
from pwe.officials import definition_form as df
from pwe.officials.access import actor, requires
from pwe.officials.consultation_routes import consultation_or_404
from pwe.officials.editor_routes import flash_saved
from pwe.services import consultations, editing, revisions
from surveys.load import Problem, problems

PARTS = {
    "general": _l("Texts and settings"),
    "constraints": _l("Limits (constraints)"),
    "pages": _l("Pages in order"),
}


def _render(row, part: str, data: dict, found: list[Problem], status: int = 200, page_index=None):
    errors: dict[str, str] = {}
    for problem in found:
        errors.setdefault(problem.place, problem.message)
    return render_template(
        "officials/form.html",
        row=row,
        c=consultations.definition_of(row),
        part=part,
        parts=PARTS,
        data=data,
        languages=df.languages_of(data),
        problems=found,
        errors=errors,
        df=df,
        page_index=page_index,
        frozen=consultations.respondent_count(row.id) > 0,
        page_types=df.PAGE_TYPES,
    ), status


def _data(row) -> tuple[str, dict]:
    text = revisions.latest_text(row)
    data = editing.data_of(text)
    if data is None:
        abort(409, _("The definition is not a YAML mapping; correct it in the YAML editor first."))
    return text, data


@bp.get("/c/<slug>/form/<part>")
@requires("view")
def definition_part(slug: str, part: str):
    row = consultation_or_404(slug)
    text, data = _data(row)
    if part not in PARTS:
        abort(404)
    return _render(row, part, data, problems(text))


@bp.get("/c/<slug>/form/pages/<int:page_index>/options")
@requires("view")
def page_options(slug: str, page_index: int):
    row = consultation_or_404(slug)
    text, data = _data(row)
    _portfolio_page(data, page_index)
    return _render(row, "options", data, problems(text), page_index=page_index)


@bp.post("/c/<slug>/form/<part>")
@requires("edit")
def save_part(slug: str, part: str):
    row = consultation_or_404(slug)
    text, data = _data(row)
    update = {
        "general": df.update_general,
        "constraints": df.update_constraints,
        "pages": df.update_pages,
    }.get(part)
    if update is None:
        abort(404)
    return _save(
        row,
        text,
        update(data, request.form),
        part,
        url_for("officials.definition_part", slug=slug, part=part),
    )


@bp.post("/c/<slug>/form/pages/<int:page_index>/options")
@requires("edit")
def save_options(slug: str, page_index: int):
    row = consultation_or_404(slug)
    text, data = _data(row)
    _portfolio_page(data, page_index)
    return _save(
        row,
        text,
        df.update_options(data, page_index, request.form),
        "options",
        url_for("officials.page_options", slug=slug, page_index=page_index),
        page_index,
    )


def _save(row, text: str, data: dict, part: str, back: str, page_index=None):
    try:
        saved = editing.save(row, df.dumped(data, text), actor(), f"form: {part}")
    except editing.EditRefused as refused:
        return _render(row, part, data, refused.problems, 422, page_index)
    flash_saved(saved)
    return redirect(back)


def _portfolio_page(data: dict, page_index: int) -> dict:
    pages = data.get("pages") or []
    if (
        not 0 <= page_index < len(pages)
        or not isinstance(pages[page_index], dict)
        or pages[page_index].get("type") != "portfolio"
    ):
        abort(404)
    return pages[page_index]
