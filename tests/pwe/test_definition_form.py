"""The structured editor: every part's form, sent back as shown, leaves the YAML unchanged for
every example; changes land in the YAML; messages appear beside their fields; a frozen
consultation's numbers cannot change through any POST."""

from __future__ import annotations

import re
from html import unescape
from html.parser import HTMLParser

import pytest

from pwe.officials.form_routes import PARTS
from pwe.services import editing
from pwe.services.consultations import import_definition
from surveys.load import load, parse
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
        self._select: str | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and "pwe-structured-form" in (attrs.get("class") or ""):
            self._inside = True
        if tag == "option" and self._select is not None and "selected" in attrs:
            self.fields.append((self._select, attrs.get("value") or ""))
        if not self._inside or "name" not in attrs or "disabled" in attrs:
            return  # a disabled field is not sent
        if tag == "input" and attrs.get("type") in ("text", "hidden"):
            self.fields.append((attrs["name"], attrs.get("value") or ""))
        elif tag == "input" and attrs.get("type") == "checkbox" and "checked" in attrs:
            self.fields.append((attrs["name"], attrs.get("value") or "on"))
        elif tag == "textarea":
            self._textarea = attrs["name"]
            self.fields.append((attrs["name"], ""))
        elif tag == "select":
            self._select = attrs["name"]

    def handle_data(self, data):
        if self._textarea is not None:
            name, value = self.fields[-1]
            self.fields[-1] = (name, value + data)

    def handle_endtag(self, tag):
        if tag == "textarea":
            self._textarea = None
        if tag == "select":
            self._select = None
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
    """Every form of the structured editor for this file: each part, each page, each portfolio
    page's options."""
    slug = load(path).id
    urls = [f"/admin/c/{slug}/form/{part}" for part in PARTS]
    for index, page in enumerate(load(path).pages):
        urls.append(f"/admin/c/{slug}/form/pages/{index}")
        if page.type == "portfolio":
            urls.append(f"/admin/c/{slug}/form/pages/{index}/options")
    return urls


def test_empty_lists_written_so_stay_when_the_forms_are_sent_back(app):
    text = editing.scratch("lists", "Lists", ["nl", "en"]) + "attributes: []\nversions: []\n"
    with app.app_context():
        import_definition(text)
    editor = logged_in(app, "editor")
    for url in [
        "/admin/c/lists/form/attributes",
        "/admin/c/lists/form/versions",
        "/admin/c/lists/form/pages/0",
    ]:
        assert post(editor, url, shown_fields(editor, url), token_from=url).status_code == 302
    assert editor.get("/admin/c/lists/definition.yaml").get_data(as_text=True) == text


def test_the_examples_have_every_kind_of_page_and_versions():
    """So that the round trip below covers every form."""
    kinds = {page.type for path in EXAMPLE_FILES for page in load(path).pages}
    assert kinds == {"questions", "statements", "portfolio", "points", "pairs"}
    assert all(load(path).versions for path in EXAMPLE_FILES)
    assert any(
        page.motivation for path in EXAMPLE_FILES for page in load(path).pages if page.type == "portfolio"
    )
    questions = {
        q.type
        for path in EXAMPLE_FILES
        for p in load(path).pages
        if p.type == "questions"
        for q in p.questions
    }
    assert {"choice", "multi", "number", "text", "scale"} <= questions


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
    consultation = parse(yaml_text)
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


def edited(app, example_texts, url: str, changes: dict, slug: str = "lelylijn", drop=()):
    """Send the form at `url` as shown, with `changes` and without the fields in `drop`; the
    response and the consultation as the saved YAML reads."""
    with app.app_context():
        import_definition(example_texts[slug])
    editor = logged_in(app, "editor")
    fields = [
        (name, value) for name, value in shown_fields(editor, url) if name not in drop and name not in changes
    ]
    response = post(editor, url, fields + list(changes.items()), token_from=url)
    text = editor.get(f"/admin/c/{slug}/definition.yaml").get_data(as_text=True)
    return response, text


def test_a_questions_page_edits_questions_their_choices_and_types(app, example_texts):
    url = "/admin/c/lelylijn/form/pages/3"
    response, text = edited(
        app,
        example_texts,
        url,
        {
            "pages[3].questions[0].label.en": "How old are you?",
            "pages[3].questions[0].choices[0].label.en": "younger than 35",
            "pages[3].questions[0].new_choice": "80plus",
            "pages[3].questions[0].choices[1].remove": "1",
            "pages[3].questions[5].type": "choice",
            "new_question": "cycling",
            "new_question_type": "multi",
            "action": "up:1",
        },
    )
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    page = parse(text).page("about_you")
    age = next(q for q in page.questions if q.id == "age")
    assert page.questions[0].id == "gender" and page.questions[1].id == "age"  # moved up
    assert age.label.get("en") == "How old are you?" and age.choices[0].label.get("en") == "younger than 35"
    assert [c.id for c in age.choices][:2] == ["16-24", "35-44"]  # 25-34 removed
    assert [c.id for c in age.choices][-1] == "80plus"
    trips = next(q for q in page.questions if q.id == "trips_per_year")
    assert trips.type == "choice" and [c.id for c in trips.choices] == ["a", "b"] and trips.min is None
    assert page.questions[-1].id == "cycling" and page.questions[-1].type == "multi"


def test_a_choice_moves_within_its_question_only(app, example_texts):
    url = "/admin/c/lelylijn/form/pages/3"
    response, text = edited(app, example_texts, url, {"action": "down:pages[3].questions[1].choices:0"})
    assert response.status_code == 302
    page = parse(text).page("about_you")
    original = load(EXAMPLES / "lelylijn.yaml").page("about_you")
    moved = [c.id for c in original.questions[1].choices]
    moved[0], moved[1] = moved[1], moved[0]
    assert [c.id for c in page.questions[1].choices] == moved
    assert [q.id for q in page.questions] == [q.id for q in original.questions]
    assert page.questions[0].choices == original.questions[0].choices


def test_a_points_page_sets_its_budget_of_points_and_goals(app, example_texts):
    url = "/admin/c/lelylijn/form/pages/0"
    response, text = edited(
        app,
        example_texts,
        url,
        {"pages[0].total": "50", "pages[0].goals[0].title.en": "Faster trips", "new_goal": "safety"},
        drop=("pages[0].randomize",),
    )
    assert response.status_code == 302
    page = parse(text).page("goals")
    assert page.total == 50 and page.goals[0].title.get("en") == "Faster trips"
    assert page.goals[-1].id == "safety" and page.randomize is False


def test_a_pairs_page_edits_numbers_sets_variants_and_the_money_attribute(app, example_texts):
    url = "/admin/c/lelylijn/form/pages/2"
    response, text = edited(
        app,
        example_texts,
        url,
        {"pages[2].sets[0][0].stops": "7", "pages[2].money": "", "action": "add_variant:4"},
    )
    assert response.status_code == 302
    page = parse(text).page("variants")
    assert page.sets[0][0]["stops"] == 7 and page.money is None
    assert len(page.sets[4]) == 3 and page.sets[4][2] == dict.fromkeys(page.attributes, 0)


def labels(page: str, field_prefix: str) -> list[str]:
    return [
        unescape(label)
        for label in re.findall(rf'<label class="utrecht-form-label" for="{field_prefix}[^"]*">([^<]*)', page)
    ]


def test_numbers_of_limits_and_attributes_are_labelled_by_name_and_unit(app, example_texts):
    """Officials see "Reistijd Amsterdam–Groningen (minuten)" beside a number, not the id, in their
    own language when the consultation has it and in its first language otherwise."""
    with app.app_context():
        import_definition(example_texts["lelylijn"])
    editor = logged_in(app, "editor")
    dutch = editor.get("/admin/c/lelylijn/form/pages/2?lang=nl").get_data(as_text=True)
    assert labels(dutch, "f-pages-2-sets-0-0-")[:2] == [
        "Aantal stations onderweg (stations)",
        "Reistijd Amsterdam–Groningen (minuten)",
    ]
    english = editor.get("/admin/c/lelylijn/form/pages/1/options?lang=en").get_data(as_text=True)
    assert labels(english, "f-pages-1-options-0-use-") == ["Budget (million euro)"]
    assert labels(english, "f-pages-1-options-0-effects-")[0] == "Travel time saved (minutes)"
    frisian = editor.get("/admin/c/lelylijn/form/pages/2?lang=fy").get_data(as_text=True)
    assert labels(frisian, "f-pages-2-sets-0-0-")[0] == "Aantal stations onderweg (stations)"


def test_a_limit_or_attribute_without_a_label_is_named_by_its_id():
    from pwe.officials.definition_form import item_names

    data = {
        "languages": ["nl", "en"],
        "attributes": [
            {"id": "stops", "label": {"nl": "Haltes"}},
            {"id": "fresh"},
            {"id": "cost", "label": {"nl": "", "en": "Cost"}, "unit": {"en": "euro"}},
            "not a mapping",
            {"label": {"nl": "no id"}},
        ],
    }
    assert item_names(data, "attributes", "en") == {
        "stops": "Haltes",
        "fresh": "fresh",
        "cost": "Cost (euro)",
    }
    assert item_names({"attributes": "broken"}, "attributes", "nl") == {}


def attribute_index(text: str, attribute_id: str) -> int:
    return [a["id"] for a in editing.data_of(text)["attributes"]].index(attribute_id)


def renamed_attributes(app, example_texts, renames: dict[str, str]):
    """The attributes form of lelylijn sent with the ids of `renames` changed (old: new)."""
    text = example_texts["lelylijn"]
    changes = {f"attributes[{attribute_index(text, old)}].id": new for old, new in renames.items()}
    return edited(app, example_texts, "/admin/c/lelylijn/form/attributes", changes)


def test_a_renamed_attribute_is_renamed_wherever_it_is_used(app, example_texts):
    before = parse(example_texts["lelylijn"])
    response, text = renamed_attributes(
        app, example_texts, {"stops": "halts", "cost_household": "cost_per_home"}
    )
    assert response.status_code == 302
    after = parse(text)
    pairs = after.page("variants")
    assert pairs.attributes == ("halts", "travel_time", "frequency", "cost_per_home")
    assert pairs.money == "cost_per_home"
    assert [variant["halts"] for variant in pairs.sets[0]] == [
        v["stops"] for v in before.page("variants").sets[0]
    ]
    assert not re.search(r"\bstops:|- stops\b|\bcost_household\b", text)


def test_a_renamed_limit_or_option_is_renamed_in_the_options_and_the_versions(app, example_texts):
    response, text = edited(
        app, example_texts, "/admin/c/lelylijn/form/constraints", {"constraints[0].id": "money"}
    )
    assert response.status_code == 302
    consultation = parse(text)
    assert not re.search(r"\bbudget:|id: budget\b", text)
    assert consultation.for_version("B").page("investments").options[0].use == {"money": 2500}
    assert consultation.for_version("C").constraints[0].max == 2700
    editor = logged_in(app, "admin")
    url = "/admin/c/lelylijn/form/pages/1/options"
    fields = [(name, value) for name, value in shown_fields(editor, url) if name != "pages[1].options[0].id"]
    assert (
        post(editor, url, [*fields, ("pages[1].options[0].id", "lelylijn_snel")], token_from=url).status_code
        == 302
    )
    text = editor.get("/admin/c/lelylijn/definition.yaml").get_data(as_text=True)
    assert "lelylijn_fast" not in text and "lelylijn_snel: {use: {money: 2500}}" in text
    assert parse(text).for_version("B").page("investments").options[0].id == "lelylijn_snel"


def test_a_form_sent_without_its_id_fields_keeps_the_ids(app, example_texts):
    """A page opened before ids were fields sends none: the ids stay, the other changes land."""
    url = "/admin/c/lelylijn/form/attributes"
    with app.app_context():
        import_definition(example_texts["lelylijn"])
    editor = logged_in(app, "editor")
    fields = [(name, value) for name, value in shown_fields(editor, url) if not name.endswith(".id")]
    fields = [
        (name, "Reistijdwinst in minuten" if name == "attributes[0].label.nl" else value)
        for name, value in fields
    ]
    assert post(editor, url, fields, token_from=url).status_code == 302
    text = editor.get("/admin/c/lelylijn/definition.yaml").get_data(as_text=True)
    assert parse(text).attributes[0].id == "time_saved"
    assert parse(text).attributes[0].label.get("nl") == "Reistijdwinst in minuten"


def test_two_attributes_that_swap_ids_swap_their_uses(app, example_texts):
    before = parse(example_texts["lelylijn"]).page("variants")
    response, text = renamed_attributes(app, example_texts, {"stops": "frequency", "frequency": "stops"})
    assert response.status_code == 302
    after = parse(text).page("variants")
    assert after.attributes == ("frequency", "travel_time", "stops", "cost_household")
    assert [v["frequency"] for v in after.sets[0]] == [v["stops"] for v in before.sets[0]]


def test_an_id_already_taken_is_refused_beside_its_field_with_the_rest_kept(app, example_texts):
    """Saving it would leave the old id's uses pointing at nothing: nothing is saved, and the form
    comes back with what was typed and the message beside the id."""
    stops = attribute_index(example_texts["lelylijn"], "stops")
    response, text = edited(
        app,
        example_texts,
        "/admin/c/lelylijn/form/attributes",
        {f"attributes[{stops}].id": "jobs", "attributes[0].label.nl": "Minder reistijd"},
    )
    assert response.status_code == 422 and text == example_texts["lelylijn"]
    page = response.get_data(as_text=True)
    field = f"f-attributes-{stops}-id"
    assert re.search(rf'id="e-{field}"[^>]*>.*already taken', page, re.S)
    assert f'href="#{field}"' in page
    assert f'id="{field}" value="jobs"' in page and 'value="Minder reistijd"' in page
    options = "/admin/c/lelylijn/form/pages/1/options"
    editor = logged_in(app, "admin")
    fields = [
        (name, value) for name, value in shown_fields(editor, options) if name != "pages[1].options[1].id"
    ]
    refused = post(
        editor, options, [*fields, ("pages[1].options[1].id", "lelylijn_fast")], token_from=options
    )
    assert refused.status_code == 422 and 'id="e-f-pages-1-options-1-id"' in refused.get_data(as_text=True)


def test_a_set_left_with_one_variant_gets_its_message_beside_it(app, example_texts):
    url = "/admin/c/lelylijn/form/pages/2"
    response, _ = edited(app, example_texts, url, {"pages[2].sets[1][1].remove": "1"})
    assert response.status_code == 302  # a draft keeps an invalid save as its latest revision
    page = logged_in(app, "admin").get(url).get_data(as_text=True)
    assert re.search(r'id="e-f-pages-2-sets-1"[^>]*>.*at least 2', page, re.S)
    assert 'href="#f-pages-2-sets-1"' in page


def test_sets_follow_the_pairs_page_attributes(app, example_texts):
    url = "/admin/c/lelylijn/form/pages/2"
    response, text = edited(
        app,
        example_texts,
        url,
        {"pages[2].attributes": "stops, travel_time, cost_household", "action": "add_set"},
    )
    assert response.status_code == 302
    page = parse(text).page("variants")
    assert all(set(variant) == set(page.attributes) for variants in page.sets for variant in variants)
    assert len(page.sets) == 6 and page.sets[5] == page.sets[4]


def test_a_portfolio_page_settings_and_the_motivation_step(app, example_texts):
    url = "/admin/c/lelylijn/form/pages/1"
    response, text = edited(
        app, example_texts, url, {"pages[1].leftover": "must_use_all"}, drop=("pages[1].motivation",)
    )
    page = parse(text).page("investments") if response.status_code == 302 else None
    assert page is not None and page.leftover == "must_use_all" and page.motivation is False


def test_attributes_are_edited_and_added(app, example_texts):
    url = "/admin/c/lelylijn/form/attributes"
    response, text = edited(
        app,
        example_texts,
        url,
        {"attributes[0].direction": "-1", "attributes[0].unit.en": "minutes", "new_attribute": "noise"},
    )
    assert response.status_code == 302
    consultation = parse(text)
    assert consultation.attributes[0].direction == -1
    assert (
        consultation.attributes[0].unit.get("en") == "minutes" and consultation.attributes[-1].id == "noise"
    )


def test_versions_change_numbers_keep_the_files_and_are_added_and_removed(app, example_texts):
    url = "/admin/c/lelylijn/form/versions"
    response, text = edited(
        app,
        example_texts,
        url,
        {
            "versions[1].changes.lelylijn_fast.use.budget": "2600",
            "versions[1].changes.roads.use.budget": "",
            "versions[0].changes.constraints.budget.max": "3100",
            "versions[2].remove": "1",
            "new_version": "D",
        },
    )
    assert response.status_code == 302, response.get_data(as_text=True)[:3000]
    versions = {v.id: v for v in parse(text).versions}
    assert list(versions) == ["A", "B", "D"]
    assert versions["B"].changes["lelylijn_fast"]["use"] == {"budget": 2600}
    assert "roads" not in versions["B"].changes  # emptied: the file's number again
    assert versions["A"].changes["constraints"] == {"budget": {"max": 3100}}
    assert versions["D"].changes == {}


def test_a_message_on_a_new_form_lands_beside_its_field(app, example_texts):
    url = "/admin/c/lelylijn/form/pages/0"
    response, _ = edited(app, example_texts, url, {"pages[0].step": "7"})
    assert response.status_code == 302  # a draft keeps an invalid save as its latest revision
    page = logged_in(app, "admin").get(url).get_data(as_text=True)
    assert re.search(r'id="e-f-pages-0-step"[^>]*>.*divid', page, re.S)
    assert 'href="#f-pages-0-step"' in page


@pytest.mark.parametrize(
    ("url", "change"),
    [
        ("/admin/c/lelylijn/form/pages/0", {"pages[0].total": "90"}),
        ("/admin/c/lelylijn/form/pages/0", {"pages[0].must_use_all": ""}),
        ("/admin/c/lelylijn/form/pages/0", {"action": "down:0"}),
        ("/admin/c/lelylijn/form/pages/1", {"pages[1].leftover": "must_use_all"}),
        ("/admin/c/lelylijn/form/pages/2", {"pages[2].sets[0][0].stops": "9"}),
        ("/admin/c/lelylijn/form/pages/2", {"action": "add_set"}),
        ("/admin/c/lelylijn/form/pages/3", {"pages[3].questions[0].choices[0].remove": "1"}),
        ("/admin/c/lelylijn/form/pages/3", {"pages[3].questions[0].type": "text"}),
        ("/admin/c/lelylijn/form/attributes", {"attributes[0].direction": "-1"}),
        ("/admin/c/lelylijn/form/attributes", {"attributes[0].id": "minutes_saved"}),
        ("/admin/c/lelylijn/form/constraints", {"constraints[0].id": "money"}),
        ("/admin/c/lelylijn/form/pages/1/options", {"pages[1].options[0].id": "lelylijn_snel"}),
        ("/admin/c/lelylijn/form/versions", {"versions[1].changes.roads.use.budget": "1"}),
        ("/admin/c/lelylijn/form/versions", {"new_version": "D"}),
    ],
)
def test_the_new_forms_cannot_change_a_frozen_consultations_numbers(app, client, example_texts, url, change):
    with app.app_context():
        import_definition(example_texts["lelylijn"], open_now=True)
    Visitor(client, "lelylijn").start()
    editor = logged_in(app, "editor")
    fields = dict(shown_fields(editor, url))
    if change.get("pages[0].must_use_all") == "":
        fields.pop("pages[0].must_use_all")
        change = {}
    fields.update(change)
    refused = post(editor, url, fields, token_from=url)
    assert refused.status_code == 422 and "only texts may" in refused.get_data(as_text=True)
    assert editor.get("/admin/c/lelylijn/definition.yaml").get_data(as_text=True) == example_texts["lelylijn"]


def test_a_frozen_consultations_texts_are_still_corrected_in_the_new_forms(app, client, example_texts):
    with app.app_context():
        import_definition(example_texts["lelylijn"], open_now=True)
    Visitor(client, "lelylijn").start()
    editor = logged_in(app, "editor")
    url = "/admin/c/lelylijn/form/pages/3"
    shown = editor.get(url).get_data(as_text=True)
    assert "disabled" in shown and "Add a question" not in shown
    fields = dict(shown_fields(editor, url))
    fields["pages[3].questions[0].label.en"] = "Your age"
    assert post(editor, url, fields, token_from=url).status_code == 302
    text = editor.get("/admin/c/lelylijn/definition.yaml").get_data(as_text=True)
    assert parse(text).page("about_you").questions[0].label.get("en") == "Your age"


def test_level_labels_and_the_default_level_of_an_option(app, example_texts):
    url = "/admin/c/ruimte-2050/form/pages/1/options"
    with app.app_context():
        import_definition(example_texts["ruimte-2050"])
    editor = logged_in(app, "editor")
    fields = dict(shown_fields(editor, url))
    lines = fields["pages[1].options[0].level_labels.en"].split("\r\n")
    assert len(lines) == 5 and lines[2].startswith("0: as planned")
    lines[2] = "0: exactly as planned"
    fields["pages[1].options[0].level_labels.en"] = "\r\n".join(lines)
    fields["pages[1].options[0].default"] = "1"
    assert post(editor, url, fields, token_from=url).status_code == 302
    option = (
        parse(editor.get("/admin/c/ruimte-2050/definition.yaml").get_data(as_text=True))
        .page("advice")
        .options[0]
    )
    assert option.level_labels[2].get("en") == "0: exactly as planned" and option.default == 1
    assert option.level_labels[3].get("nl") == load(EXAMPLES / "ruimte-2050.yaml").page("advice").options[
        0
    ].level_labels[3].get("nl")


def test_a_language_dropped_leaves_every_text_and_one_added_is_asked_for(app, example_texts):
    url = "/admin/c/lelylijn/form/general"
    response, text = edited(app, example_texts, url, {"languages": "nl"})
    assert response.status_code == 302
    consultation = parse(text)  # valid: every text map lost its English
    assert consultation.languages == ("nl",) and not re.search(r"^\s*en:", text, re.M)
    editor = logged_in(app, "admin")
    fields = dict(shown_fields(editor, url))
    fields["languages"] = "nl, fy"
    assert post(editor, url, fields, token_from=url).status_code == 302  # a draft, not valid yet
    fields = dict(shown_fields(editor, url))
    assert fields["title.fy"] == ""  # a field for the new language beside each text
    fields["title.fy"] = "In flugge spoarline"
    assert post(editor, url, fields, token_from=url).status_code == 302
    page = editor.get(url).get_data(as_text=True)
    assert 'value="In flugge spoarline"' in page
    assert 'href="#f-intro"' in page and 'href="#f-title"' not in page  # the intro is still to write


HOSTILE = ["", "1e309", "[1, 2]", "x" * 300, "\x00\u202e"]


@pytest.mark.parametrize("value", HOSTILE, ids=range(len(HOSTILE)))
def test_hostile_values_in_every_field_never_break_a_form(app, example_texts, value):
    """A draft keeps what cannot be valid as its latest revision (302) or the form says what is
    wrong (422); never a server error, and the stored definition stays valid."""
    with app.app_context():
        import_definition(example_texts["lelylijn"])
    editor = logged_in(app, "editor")
    for url in part_urls(EXAMPLES / "lelylijn.yaml"):
        # each form starts from the example
        post(editor, "/admin/c/lelylijn/edit", {"definition": example_texts["lelylijn"]}, token_from=url)
        fields = [(name, value) for name, _ in shown_fields(editor, url)]
        for action in ("add_set", "up:pages[9].questions[0].choices:x"):
            response = post(editor, url, [*fields, ("action", action)], token_from=url)
            assert response.status_code in (302, 422), (url, action, response.status_code)
    with app.app_context():
        from pwe.services.consultations import definition_of, find

        assert definition_of(find("lelylijn")).id == "lelylijn"
