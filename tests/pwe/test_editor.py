"""The editor: YAML round trips, validation messages, invalid drafts, the frozen definition,
revisions, new consultations and the preview that stores nothing."""

from __future__ import annotations

import io
import time

import pytest
from sqlalchemy import func, select

from pwe.extensions import db
from pwe.models import Respondent
from pwe.services.consultations import find, import_definition
from tests.conftest import EXAMPLES
from tests.pwe.officials import logged_in, post
from tests.pwe.visitor import Visitor, valid_form

EXAMPLE_FILES = sorted(EXAMPLES.glob("*.yaml"))


def upload_new(client, path):
    return post(
        client,
        "/admin/new",
        {"how": "upload", "file": (io.BytesIO(path.read_bytes()), path.name)},
        token_from="/admin/new",
        content_type="multipart/form-data",
    )


@pytest.mark.parametrize("path", EXAMPLE_FILES, ids=lambda p: p.stem)
def test_every_example_round_trips_through_the_editor_unchanged(app, path):
    editor = logged_in(app, "editor")
    created = upload_new(editor, path)
    assert created.status_code == 302, created.get_data(as_text=True)
    slug = created.headers["Location"].split("/")[-2]
    downloaded = editor.get(f"/admin/c/{slug}/definition.yaml").get_data()
    assert downloaded == path.read_bytes()
    # saved back through the editor's form, then uploaded again: still byte for byte the same
    saved = post(
        editor,
        f"/admin/c/{slug}/edit",
        {"definition": downloaded.decode("utf-8")},
        token_from=f"/admin/c/{slug}/edit",
    )
    assert saved.status_code == 302
    post(
        editor,
        f"/admin/c/{slug}/edit",
        {"file": (io.BytesIO(downloaded), "again.yaml")},
        token_from=f"/admin/c/{slug}/edit",
        content_type="multipart/form-data",
    )
    assert editor.get(f"/admin/c/{slug}/definition.yaml").get_data() == path.read_bytes()


def test_validation_messages_are_shown_and_an_invalid_draft_is_kept_but_cannot_open(app, example_texts):
    with app.app_context():
        import_definition(example_texts["lelylijn"])
    editor = logged_in(app, "editor")
    broken = example_texts["lelylijn"].replace("min_age: 16", "min_age: zestien")
    response = post(
        editor, "/admin/c/lelylijn/edit", {"definition": broken}, token_from="/admin/c/lelylijn/edit"
    )
    assert response.status_code == 302
    page = editor.get("/admin/c/lelylijn/edit").get_data(as_text=True)
    assert "min_age" in page and "zestien" in page and 'id="error-summary"' in page
    opened = post(editor, "/admin/c/lelylijn/status", {"status": "open"}, token_from="/admin/c/lelylijn")
    assert opened.status_code == 302
    assert "not valid" in editor.get("/admin/c/lelylijn").get_data(as_text=True)
    with app.app_context():
        assert find("lelylijn").status.value == "draft"


def test_a_draft_whose_aliases_explode_is_refused_by_the_forms_at_once(app, example_texts):
    """The YAML editor keeps such a draft with its message; the structured forms, which read the
    latest draft, refuse it in the same guarded way instead of expanding it."""
    with app.app_context():
        import_definition(example_texts["lelylijn"])
    editor = logged_in(app, "editor")
    laughs = ["a: &a [x, x, x, x, x, x, x, x, x, x]"]
    laughs += [
        f"{b}: &{b} [*{a}, *{a}, *{a}, *{a}, *{a}, *{a}, *{a}, *{a}, *{a}, *{a}]"
        for a, b in zip("abcdefgh", "bcdefghi")
    ]
    bomb = "\n".join(laughs) + "\n"
    saved = post(editor, "/admin/c/lelylijn/edit", {"definition": bomb}, token_from="/admin/c/lelylijn/edit")
    assert saved.status_code == 302
    assert "aliases" in editor.get("/admin/c/lelylijn/edit").get_data(as_text=True)
    started = time.monotonic()
    response = editor.get("/admin/c/lelylijn/form/general")
    assert response.status_code == 409 and "YAML editor" in response.get_data(as_text=True)
    assert time.monotonic() - started < 5


def test_a_frozen_consultation_refuses_option_changes_and_accepts_typo_fixes(app, client, example_texts):
    text = example_texts["lelylijn"]
    with app.app_context():
        import_definition(text, open_now=True)
    Visitor(client, "lelylijn").start()
    editor = logged_in(app, "editor")
    changed = text.replace("min_age: 16", "min_age: 18")
    refused = post(
        editor, "/admin/c/lelylijn/edit", {"definition": changed}, token_from="/admin/c/lelylijn/edit"
    )
    assert refused.status_code == 422 and "only texts may" in refused.get_data(as_text=True)
    typo = text.replace("Een snelle spoorlijn", "Een snelle treinverbinding")
    assert (
        post(
            editor, "/admin/c/lelylijn/edit", {"definition": typo}, token_from="/admin/c/lelylijn/edit"
        ).status_code
        == 302
    )
    assert b"treinverbinding" in editor.get("/admin/c/lelylijn/definition.yaml").get_data()


def test_revisions_show_a_diff_and_restore(app, example_texts):
    text = example_texts["lelylijn"]
    with app.app_context():
        import_definition(text)
    editor = logged_in(app, "editor")
    post(
        editor,
        "/admin/c/lelylijn/edit",
        {"definition": text.replace("min_age: 16", "min_age: 18")},
        token_from="/admin/c/lelylijn/edit",
    )
    diff = editor.get("/admin/c/lelylijn/revisions/2").get_data(as_text=True)
    assert "-min_age: 16" in diff and "+min_age: 18" in diff
    post(editor, "/admin/c/lelylijn/revisions/1/restore", token_from="/admin/c/lelylijn/edit")
    assert editor.get("/admin/c/lelylijn/definition.yaml").get_data(as_text=True) == text
    assert "restored revision 1" in editor.get("/admin/c/lelylijn/edit").get_data(as_text=True)


def test_new_from_scratch_and_as_a_copy(app, example_texts):
    with app.app_context():
        import_definition(example_texts["lelylijn"])
    editor = logged_in(app, "editor")
    made = post(
        editor,
        "/admin/new",
        {"how": "scratch", "slug": "parken-2027", "title": "Parken", "languages": ["nl", "en"]},
        token_from="/admin/new",
    )
    assert made.headers["Location"] == "/admin/c/parken-2027/edit"
    copied = post(
        editor,
        "/admin/new",
        {"how": "copy", "source": "lelylijn", "copy_slug": "lelylijn-2"},
        token_from="/admin/new",
    )
    assert copied.headers["Location"] == "/admin/c/lelylijn-2/edit"
    again = post(
        editor,
        "/admin/new",
        {"how": "copy", "source": "lelylijn", "copy_slug": "lelylijn-2"},
        token_from="/admin/new",
    )
    assert again.status_code == 422 and "already a consultation" in again.get_data(as_text=True)


def test_the_feasibility_is_shown_per_page_and_version(app, example_texts):
    with app.app_context():
        import_definition(example_texts["lelylijn"])
    page = logged_in(app, "analyst").get("/admin/c/lelylijn/edit").get_data(as_text=True)
    assert "152 of 256" in page and "147 of 256" in page


def test_the_preview_shows_every_version_and_language_and_stores_nothing(app, example_texts):
    with app.app_context():
        import_definition(example_texts["lelylijn"])
        from pwe.flow import steps
        from pwe.services.consultations import definition_of

        view = definition_of(find("lelylijn")).for_version("B")
    editor = logged_in(app, "editor")
    index = editor.get("/admin/c/lelylijn/preview").get_data(as_text=True)
    assert "/admin/c/lelylijn/preview/C/en/goals" in index
    first = editor.get("/admin/c/lelylijn/preview/B/en/goals")
    assert first.status_code == 200 and "nothing you enter is stored" in first.get_data(as_text=True)
    for step in steps(view):
        response = post(
            editor,
            f"/admin/c/lelylijn/preview/B/nl/{step.id}",
            valid_form(view, step),
            token_from=f"/admin/c/lelylijn/preview/B/nl/{step.id}",
        )
        assert response.status_code == 302, (step.id, response.get_data(as_text=True)[:2000])
    assert response.headers["Location"].endswith("done=1")
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Respondent)) == 0


def test_the_versions_helper_shows_balanced_versions_and_writes_them(app, example_texts):
    with app.app_context():
        import_definition(example_texts["lelylijn"])
    editor = logged_in(app, "editor")
    url = "/admin/c/lelylijn/versions"
    fields = {
        "vary.lelylijn_fast.use.budget": "1800, 2200, 2600",
        "vary.roads.use.budget": "300, 500",
        "count": "6",
        "seed": "2",
        "action": "generate",
    }
    shown = post(editor, url, fields, token_from=url)
    page = shown.get_data(as_text=True)
    assert shown.status_code == 200 and "6 versions" in page and "Largest correlation" in page
    applied = post(editor, "/admin/c/lelylijn/versions/apply", fields, token_from=url)
    assert applied.status_code == 302
    from surveys.load import parse

    consultation = parse(editor.get("/admin/c/lelylijn/definition.yaml").get_data(as_text=True))
    assert len(consultation.versions) == 6
    roads = {
        consultation.for_version(v.id).page("investments").option("roads").use["budget"]
        for v in consultation.versions
    }
    assert roads == {300, 500}


def test_the_versions_helper_names_unreadable_values(app, example_texts):
    with app.app_context():
        import_definition(example_texts["lelylijn"])
    editor = logged_in(app, "analyst")
    url = "/admin/c/lelylijn/versions"
    response = post(
        editor, url, {"vary.roads.use.budget": "veel, weinig", "action": "generate"}, token_from=url
    )
    assert response.status_code == 422 and "separated by commas" in response.get_data(as_text=True)


def test_a_bad_id_gets_the_validators_message(app):
    editor = logged_in(app, "editor")
    response = post(
        editor,
        "/admin/new",
        {"how": "scratch", "slug": "Parken 2027", "title": "P", "languages": "nl"},
        token_from="/admin/new",
    )
    text = response.get_data(as_text=True)
    assert response.status_code == 422 and "must be a slug" in text and 'href="#f-slug"' in text
