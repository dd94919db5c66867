"""The layout's parts rendered once per process (pwe.templating): the language switcher still
points at each page's own address, escaped, and the footer names each consultation's organiser."""

from __future__ import annotations

import re

from pwe.flow import steps
from pwe.services.consultations import import_definition
from tests.pwe.visitor import Visitor, respondent_consultation, valid_form


def switch_targets(html: str) -> list[str]:
    return re.findall(r'(?:formaction|href)="([^"]*\?lang=[a-z]+)"', html)


def test_the_language_switcher_keeps_each_page_s_own_address(app, client, example_texts):
    with app.app_context():
        for text in example_texts.values():
            import_definition(text, open_now=True)
    visitor = Visitor(client, "lelylijn")
    assert switch_targets(visitor.get("/c/lelylijn").get_data(as_text=True)) == ["/c/lelylijn?lang=en"]
    visitor.start()
    with app.app_context():
        consultation = respondent_consultation(client, "lelylijn")
    first, second = steps(consultation)[:2]
    for step in (first, second):
        page = visitor.get(visitor.step_url(step.id)).get_data(as_text=True)
        # a button of the step's form: switching keeps what was typed
        assert switch_targets(page) == [f"/c/lelylijn/{step.id}?lang=en"]
        assert 'form="step-form"' in page
        visitor.answer(step.id, valid_form(consultation, step))
    other = Visitor(client, "ruimte-2050").get("/c/ruimte-2050").get_data(as_text=True)
    assert switch_targets(other) == ["/c/ruimte-2050?lang=en"]


def test_an_address_in_the_switcher_is_escaped(app, client):
    page = client.get('/c/no"where<b>').get_data(as_text=True)
    assert "<b>" not in page
    for target in switch_targets(page):
        assert target.startswith("/c/no&#34;where&lt;b&gt;?lang=")


def test_each_consultation_s_footer_names_its_own_organiser_and_pages(app, client, example_texts):
    other = example_texts["lelylijn"].replace(
        "Participatory Value Evaluation demonstration platform", "Flevoland", 1
    )
    with app.app_context():
        import_definition(other, open_now=True)
        import_definition(example_texts["ruimte-2050"], open_now=True)
    footers = {
        slug: client.get(f"/c/{slug}?lang=en").get_data(as_text=True).split('<footer class="pwe-footer">')[1]
        for slug in ("lelylijn", "ruimte-2050")
    }
    assert "A consultation by Flevoland" in footers["lelylijn"]
    assert "/c/lelylijn/about/privacy" in footers["lelylijn"]
    assert "A consultation by Participatory Value Evaluation demonstration platform" in footers["ruimte-2050"]
    assert "/c/ruimte-2050/about/privacy" in footers["ruimte-2050"]
    nl = client.get("/c/ruimte-2050?lang=nl").get_data(as_text=True)
    assert "Een raadpleging van Demonstratieplatform" in nl
