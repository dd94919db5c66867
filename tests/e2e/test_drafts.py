"""What a respondent typed on a step survives "Vorige" and the language switch, and a motivation
comes back only under the question it answered."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.e2e.respondent import BrowserRespondent, action_button, platform_text

pytestmark = pytest.mark.e2e


def at_motivation(page, live_server) -> BrowserRespondent:
    respondent = BrowserRespondent(page, live_server, "lelylijn")
    respondent.start()
    respondent.go_to(lambda s: s.kind == "motivation")
    return respondent


def test_text_typed_survives_previous_and_the_way_back(open_page, live_server):
    page = open_page("desktop")
    at_motivation(page, live_server)
    motivation = page.url
    page.locator("#f-why-roads").fill("Wegen zijn\nnodig")
    page.get_by_role("link", name=platform_text("Previous"), exact=True).click()
    page.wait_for_url(lambda url: url != motivation)
    page.locator(action_button("next")).click()
    page.wait_for_url(motivation)
    expect(page.locator("#f-why-roads")).to_have_value("Wegen zijn\nnodig")


def test_text_typed_survives_the_language_switch(open_page, live_server):
    page = open_page("desktop")
    at_motivation(page, live_server)
    page.locator("#f-why-bike_highways").fill("Fietsen is gezond")
    page.get_by_role("link", name="English").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator("#f-why-bike_highways")).to_have_value("Fietsen is gezond")


def test_a_motivation_does_not_reappear_under_the_opposite_question(open_page, live_server):
    page = open_page("desktop")
    respondent = at_motivation(page, live_server)
    motivation = page.url
    portfolio = next(s for s in respondent.view.steps if s.kind == "page" and s.page.type == "portfolio")
    # an option that was chosen: leaving it out afterwards always stays within the budget
    option = next(o for o, level in respondent.expected[portfolio.id].items() if level)
    field, label = page.locator(f"#f-why-{option}"), page.locator(f'label[for="f-why-{option}"]')
    question_before = label.inner_text()
    field.fill("Mijn reden")
    page.get_by_role("link", name=platform_text("Previous"), exact=True).click()
    page.wait_for_url(lambda url: url != motivation)
    page.locator(f'input[name="{option}"]').uncheck()
    page.locator(action_button("next")).click()
    page.wait_for_url(motivation)
    assert label.inner_text() != question_before
    expect(field).to_have_value("")
