"""A save from the forms changes only what changed in the official's YAML: comments, quotes,
flow mappings and folded paragraphs stay, and the text always holds exactly the saved data."""

from __future__ import annotations

import copy
import difflib

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pwe.services.editing import data_of
from pwe.services.yaml_text import rewritten
from surveys.load import parse
from tests.conftest import EXAMPLES
from tests.pwe.officials import logged_in, post
from tests.pwe.test_definition_form import shown_fields

LELYLIJN = (EXAMPLES / "lelylijn.yaml").read_text(encoding="utf-8")
RUIMTE = (EXAMPLES / "ruimte-2050.yaml").read_text(encoding="utf-8")


def changed_lines(before: str, after: str) -> list[str]:
    diff = difflib.unified_diff(before.splitlines(), after.splitlines(), n=0, lineterm="")
    return [line for line in diff if line[:1] in "+-" and line[:3] not in ("+++", "---")]


def comments(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip().startswith("#")]


def test_a_changed_number_or_text_rewrites_only_its_line():
    data = data_of(RUIMTE)
    data["min_age"] = 18
    data["title"]["en"] = 'A "new" title: with a colon # and a hash'
    after = rewritten(RUIMTE, data)
    assert changed_lines(RUIMTE, after) == [
        '-  en: "Space for 2050 (demo)"',
        '+  en: "A \\"new\\" title: with a colon # and a hash"',
        "-min_age: 16",
        "+min_age: 18",
    ]
    assert data_of(after) == data and comments(after) == comments(RUIMTE)


def test_a_changed_folded_text_stays_folded_at_the_files_width():
    data = data_of(RUIMTE)
    data["intro"]["nl"] = data["intro"]["nl"].replace("Let op:", "Let goed op:")
    after = rewritten(RUIMTE, data)
    changed = changed_lines(RUIMTE, after)
    assert len(changed) == 4, changed  # the first two lines of the paragraph, cut anew
    assert all(len(line) <= 1 + 4 + 98 for line in changed)
    assert "  nl: >-" in after and data_of(after) == data


def test_moved_pages_and_options_keep_their_text_and_comments():
    data = data_of(LELYLIJN)
    data["pages"].insert(0, data["pages"].pop(2))
    data["attributes"].reverse()
    after = rewritten(LELYLIJN, data)
    assert data_of(after) == data
    assert sorted(comments(after)) == sorted(comments(LELYLIJN))
    # every line of the file is still there, only in another order (and the variant sets on one line)
    flow = [line for line in LELYLIJN.splitlines() if "stops:" in line]
    kept = [line for line in LELYLIJN.splitlines() if line.strip() and line not in flow]
    assert sorted(line for line in after.splitlines() if line.strip() and "stops:" not in line) == sorted(
        kept
    )


def test_items_added_and_removed_are_written_and_the_rest_kept():
    data = data_of(RUIMTE)
    added = {"id": "noise", "label": {"nl": "Geluid", "en": "Noise"}, "unit": {"nl": "dB", "en": "dB"}}
    data["attributes"] = [*data["attributes"][1:], added]
    after = rewritten(RUIMTE, data)
    assert data_of(after) == data
    assert "  - id: noise" in after and comments(after) == comments(RUIMTE)


def test_a_form_save_keeps_the_files_comments_and_style(app):
    from pwe.services.consultations import import_definition

    with app.app_context():
        import_definition(LELYLIJN)
    editor = logged_in(app, "editor")
    url = "/admin/c/lelylijn/form/general"
    fields = dict(shown_fields(editor, url))
    fields["min_age"] = "18"
    assert post(editor, url, fields, token_from=url).status_code == 302
    saved = editor.get("/admin/c/lelylijn/definition.yaml").get_data(as_text=True)
    assert parse(saved).min_age == 18
    assert comments(saved) == comments(LELYLIJN)
    assert [line for line in changed_lines(LELYLIJN, saved) if "stops:" not in line] == [
        "-min_age: 16",
        "+min_age: 18",
    ]


SCALARS = st.one_of(
    st.integers(-(10**6), 10**6),
    st.floats(allow_nan=False, allow_infinity=False, width=32),
    st.booleans(),
    st.none(),
    st.text(max_size=120),
    st.sampled_from(
        ["", " ", "yes", "no", "null", "~", "1e3", "0x10", "- a", "a: b", "#", "'", '"', "\n\n", " lead"]
    ),
)


def _places(node, path=()):
    """Every place in the data that holds a value, as a path of keys and indexes."""
    yield path
    if isinstance(node, dict):
        for key, value in node.items():
            yield from _places(value, (*path, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _places(value, (*path, index))


PLACES = [place for place in _places(data_of(LELYLIJN)) if place]


@settings(
    max_examples=40,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(edits=st.lists(st.tuples(st.sampled_from(PLACES), SCALARS), min_size=1, max_size=4))
def test_whatever_is_changed_the_text_holds_exactly_the_data(edits):
    data = copy.deepcopy(data_of(LELYLIJN))
    for place, value in edits:
        node = data
        try:
            for step in place[:-1]:
                node = node[step]
            node[place[-1]] = value
        except (KeyError, IndexError, TypeError):
            continue  # an earlier edit replaced the place's parent
    assert data_of(rewritten(LELYLIJN, data)) == data


def test_the_examples_load_unchanged_through_an_unchanged_save():
    for path in sorted(EXAMPLES.glob("*.yaml")):
        text = path.read_text(encoding="utf-8")
        assert rewritten(text, data_of(text)) == text


def test_a_merge_that_would_not_hold_the_data_is_written_plainly_instead(monkeypatch):
    from pwe.services import yaml_text

    data = data_of(RUIMTE)
    data["min_age"] = 18
    monkeypatch.setattr(yaml_text, "_merged", lambda old, new: old)  # a merge that loses the change
    after = rewritten(RUIMTE, data)
    assert data_of(after) == data and after == yaml_text.plain(data)
