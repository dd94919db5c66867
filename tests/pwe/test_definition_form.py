"""The structured editor: every part's form, sent back as shown, leaves the YAML unchanged for
every example; changes land in the YAML; messages appear beside their fields; a frozen
consultation's numbers cannot change through any POST."""

from __future__ import annotations

import re
from html import unescape
from html.parser import HTMLParser

import pytest

from pwe.services.consultations import import_definition
from surveys.load import load
from tests.conftest import EXAMPLES
from tests.pwe.officials import logged_in, post
from tests.pwe.visitor import Visitor

EXAMPLE_FILES = sorted(EXAMPLES.glob("*.yaml"))


class FormFields(HTMLParser):
    """The fields a browser would send from the structured form, as shown."""

    def __init__(self):
        super().__init__()
        self.fields: list[tuple[str, str]] = []
        self._inside = False
        self._textarea: str | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and "pwe-structured-form" in (attrs.get("class") or ""):
            self._inside = True
        if not self._inside or "name" not in attrs:
            return
        if tag == "input" and attrs.get("type") in ("text", "hidden"):
            self.fields.append((attrs["name"], attrs.get("value") or ""))
        elif tag == "input" and attrs.get("type") == "checkbox" and "checked" in attrs:
            self.fields.append((attrs["name"], attrs.get("value") or "on"))
        elif tag == "textarea":
            self._textarea = attrs["name"]
            self.fields.append((attrs["name"], ""))

    def handle_data(self, data):
        if self._textarea is not None:
            name, value = self.fields[-1]
            self.fields[-1] = (name, value + data)

    def handle_endtag(self, tag):
        if tag == "textarea":
            self._textarea = None
        if tag == "form":
            self._inside = False


def shown_fields(client, url: str) -> list[tuple[str, str]]:
    parser = FormFields()
    parser.feed(client.get(url).get_data(as_text=True))
    # a textarea's first newline is dropped by browsers, and the browser sends \r\n line ends
    return [
        (name, unescape(value).removeprefix("\n").replace("\n", "\r\n"))
        for name, value in parser.fields
        if name != "csrf_token"
    ]


def part_urls(path) -> list[str]:
    slug = load(path).id
    urls = [f"/admin/c/{slug}/form/{part}" for part in ("general", "constraints", "pages")]
    urls += [
        f"/admin/c/{slug}/form/pages/{index}/options"
        for index, page in enumerate(load(path).pages)
        if page.type == "portfolio"
    ]
    return urls


@pytest.mark.parametrize("path", EXAMPLE_FILES, ids=lambda p: p.stem)
def test_every_form_sent_back_unchanged_leaves_the_yaml_byte_for_byte(app, path):
    with app.app_context():
        import_definition(path.read_text(encoding="utf-8"))
    editor = logged_in(app, "editor")
    slug = load(path).id
    for url in part_urls(path):
        response = post(editor, url, shown_fields(editor, url), token_from=url)
        assert response.status_code == 302, (url, response.get_data(as_text=True)[:3000])
        assert editor.get(f"/admin/c/{slug}/definition.yaml").get_data() == path.read_bytes(), url


def test_texts_numbers_and_new_options_land_in_the_yaml(app, example_texts):
    with app.app_context():
        import_definition(example_texts["lelylijn"])
    editor = logged_in(app, "editor")
    url = "/admin/c/lelylijn/form/pages/1/options"
    fields = dict(shown_fields(editor, url))
    fields["pages[1].options[0].title.en"] = "A very fast line"
    fields["pages[1].options[0].use.budget"] = "1999"
    fields["new_option"] = "tram"
    assert post(editor, url, fields, token_from=url).status_code == 302
    yaml_text = editor.get("/admin/c/lelylijn/definition.yaml").get_data(as_text=True)
    consultation = __import__("surveys.load", fromlist=["parse"]).parse(yaml_text)
    page = consultation.page("investments")
    assert page.options[0].title.get("en") == "A very fast line"
    assert page.options[0].use["budget"] == 1999 and page.options[-1].id == "tram"


def test_a_wrong_number_gets_its_message_beside_the_field(app, example_texts):
    with app.app_context():
        import_definition(example_texts["lelylijn"], open_now=True)
    editor = logged_in(app, "editor")
    url = "/admin/c/lelylijn/form/constraints"
    fields = dict(shown_fields(editor, url))
    fields["constraints[0].max"] = "veel"
    response = post(editor, url, fields, token_from=url)
    page = response.get_data(as_text=True)
    assert response.status_code == 422  # an open consultation refuses an invalid definition
    assert re.search(r'id="e-f-constraints-0-max"[^>]*>.*veel', page, re.S)
    assert 'href="#f-constraints-0-max"' in page and 'value="veel"' in page


def test_pages_are_reordered_removed_and_added(app, example_texts):
    with app.app_context():
        import_definition(example_texts["lelylijn"])
    editor = logged_in(app, "editor")
    url = "/admin/c/lelylijn/form/pages"
    post(editor, url, [("action", "down:0")], token_from=url)
    text = editor.get("/admin/c/lelylijn/definition.yaml").get_data(as_text=True)
    assert text.index("id: investments") < text.index("id: goals")
    post(
        editor,
        url,
        [("action", "add"), ("new_page_id", "extra"), ("new_page_type", "statements")],
        token_from=url,
    )
    assert "id: extra" in editor.get("/admin/c/lelylijn/definition.yaml").get_data(as_text=True)


def test_a_frozen_consultation_keeps_its_numbers_whatever_is_posted(app, client, example_texts):
    with app.app_context():
        import_definition(example_texts["lelylijn"], open_now=True)
    Visitor(client, "lelylijn").start()
    editor = logged_in(app, "editor")
    url = "/admin/c/lelylijn/form/pages/1/options"
    fields = dict(shown_fields(editor, url))
    assert "readonly" in editor.get(url).get_data(as_text=True)
    fields["pages[1].options[0].use.budget"] = "1"
    refused = post(editor, url, fields, token_from=url)
    assert refused.status_code == 422 and "only texts may" in refused.get_data(as_text=True)
    for action in ("remove:0", "down:0"):
        assert (
            post(
                editor,
                "/admin/c/lelylijn/form/pages",
                [("action", action)],
                token_from="/admin/c/lelylijn/form/pages",
            ).status_code
            == 422
        )
    assert editor.get("/admin/c/lelylijn/definition.yaml").get_data(as_text=True) == example_texts["lelylijn"]
