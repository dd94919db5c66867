"""The structured editor: one form per part of the definition, saved through the same path as
the YAML editor (validation, revisions, the frozen rule)."""

from __future__ import annotations

from flask import abort, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from pwe.officials import bp, page_forms, version_form
from pwe.officials import definition_form as df
from pwe.officials.access import actor, requires
from pwe.officials.consultation_routes import consultation_or_404
from pwe.officials.editor_routes import flash_saved
from pwe.services import consultations, editing, revisions, yaml_text
from surveys.load import Problem, problems

PARTS = {
    "general": _l("Texts and settings"),
    "attributes": _l("Attributes (effects)"),
    "constraints": _l("Limits (constraints)"),
    "pages": _l("Pages in order"),
    "versions": _l("Design versions"),
}
UPDATES = {
    "general": df.update_general,
    "attributes": df.update_attributes,
    "constraints": df.update_constraints,
    "pages": df.update_pages,
    "versions": version_form.update_versions,
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
        pf=page_forms,
        vf=version_form,
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


@bp.post("/c/<slug>/form/<part>")
@requires("edit")
def save_part(slug: str, part: str):
    row = consultation_or_404(slug)
    text, data = _data(row)
    update = UPDATES.get(part)
    if update is None:
        abort(404)
    try:
        changed = update(data, request.form)
    except df.IdTaken as taken:
        return _render(row, part, taken.data, taken.problems, 422)
    return _save(row, text, changed, part, url_for("officials.definition_part", slug=slug, part=part))


# a page's own form, and a portfolio page's options: (the update, the endpoint, the page's type)
PAGE_PARTS = {
    "page": (page_forms.update_page, "officials.page_form", None),
    "options": (df.update_options, "officials.page_options", "portfolio"),
}


@bp.get("/c/<slug>/form/pages/<int:page_index>")
@requires("view")
def page_form(slug: str, page_index: int):
    return _show_page(slug, page_index, "page")


@bp.post("/c/<slug>/form/pages/<int:page_index>")
@requires("edit")
def save_page(slug: str, page_index: int):
    return _save_page(slug, page_index, "page")


@bp.get("/c/<slug>/form/pages/<int:page_index>/options")
@requires("view")
def page_options(slug: str, page_index: int):
    return _show_page(slug, page_index, "options")


@bp.post("/c/<slug>/form/pages/<int:page_index>/options")
@requires("edit")
def save_options(slug: str, page_index: int):
    return _save_page(slug, page_index, "options")


def _show_page(slug: str, page_index: int, part: str):
    row = consultation_or_404(slug)
    text, data = _data(row)
    _page(data, page_index, PAGE_PARTS[part][2])
    return _render(row, part, data, problems(text), page_index=page_index)


def _save_page(slug: str, page_index: int, part: str):
    row = consultation_or_404(slug)
    text, data = _data(row)
    update, endpoint, page_type = PAGE_PARTS[part]
    _page(data, page_index, page_type)
    back = url_for(endpoint, slug=slug, page_index=page_index)
    try:
        changed = update(data, page_index, request.form)
    except df.IdTaken as taken:
        return _render(row, part, taken.data, taken.problems, 422, page_index)
    return _save(row, text, changed, part, back, page_index)


def _save(row, text: str, data: dict, part: str, back: str, page_index=None):
    try:
        saved = editing.save(row, yaml_text.rewritten(text, data), actor(), f"form: {part}")
    except editing.EditRefused as refused:
        return _render(row, part, data, refused.problems, 422, page_index)
    flash_saved(saved)
    return redirect(back)


def _page(data: dict, page_index: int, page_type: str | None) -> dict:
    """The page at `page_index` (of `page_type` when given), or 404."""
    pages = data.get("pages")
    page = pages[page_index] if isinstance(pages, list) and 0 <= page_index < len(pages) else None
    if not isinstance(page, dict) or (page_type is not None and page.get("type") != page_type):
        abort(404)
    return page
