"""What a respondent typed on a step survives "Vorige" and the language switch, with JavaScript or
without (the server keeps it as a draft), and a motivation comes back only under the question it
answered."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.e2e.respondent import BrowserRespondent, action_button, assert_fits_the_screen, platform_text
from tests.e2e.test_accessibility import AXE, WCAG_22_AA

pytestmark = pytest.mark.e2e


def at_motivation(page, live_server) -> BrowserRespondent:
    respondent = BrowserRespondent(page, live_server, "lelylijn")
    respondent.start()
    respondent.go_to(lambda s: s.kind == "motivation")
    return respondent


def previous(page):
    page.get_by_role("button", name=platform_text("Previous"), exact=True).click()


def assert_no_axe_violation(open_page, page, where: str) -> None:
    """axe on the page as served to this respondent (their cookies, the same device): axe runs
    in the page, so in a context with JavaScript, which the page without it never gets."""
    audited = open_page("mobile")
    audited.context.add_cookies(page.context.cookies())
    audited.goto(page.url)
    violations = AXE.run(audited, options=WCAG_22_AA).response["violations"]
    assert violations == [], f"{where}: {[(v['id'], [n['target'] for n in v['nodes']]) for v in violations]}"


@pytest.mark.parametrize("javascript", [True, False])
def test_text_typed_survives_previous_and_the_way_back(open_page, live_server, javascript):
    page = open_page("desktop", java_script_enabled=javascript)
    at_motivation(page, live_server)
    motivation = page.url
    page.locator("#f-why-roads").fill("Wegen zijn\nnodig")
    previous(page)
    page.wait_for_url(lambda url: url != motivation)
    page.locator(action_button("next")).click()
    page.wait_for_url(motivation)
    expect(page.locator("#f-why-roads")).to_have_value("Wegen zijn\nnodig")


@pytest.mark.parametrize("javascript", [True, False])
def test_text_typed_survives_the_language_switch(open_page, live_server, javascript):
    page = open_page("desktop", java_script_enabled=javascript)
    at_motivation(page, live_server)
    page.locator("#f-why-bike_highways").fill("Fietsen is gezond")
    page.get_by_role("navigation", name="Taal").get_by_role("button", name="English").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator("#f-why-bike_highways")).to_have_value("Fietsen is gezond")


def test_enter_in_a_field_means_next_or_recalculate_never_another_language(open_page, live_server):
    """The language buttons belong to the step form and come before it: Enter in a field still
    presses Next, or Recalculate on an allocation page, as without them."""
    page = open_page("desktop", java_script_enabled=False)
    respondent = BrowserRespondent(page, live_server, "ruimte-2050")
    respondent.start()
    respondent.go_to(lambda s: s.kind == "page" and s.page.type == "questions")
    page.locator("form input[type=text]").first.press("Enter")
    expect(page.locator("#error-summary")).to_be_visible()  # sent with Next, and checked
    expect(page.locator("html")).to_have_attribute("lang", "nl")

    page = open_page("desktop", java_script_enabled=False)
    respondent = BrowserRespondent(page, live_server, "lelylijn")
    respondent.start()
    goals = respondent.view.steps[0]
    page.locator(f'input[name="{goals.page.goals[0].id}"]').fill("10")
    page.locator(f'input[name="{goals.page.goals[0].id}"]').press("Enter")
    expect(page).to_have_url(respondent.step_url(goals) + "#summary")
    expect(page.locator("html")).to_have_attribute("lang", "nl")


def test_on_a_phone_without_javascript_a_motivation_keeps_to_its_question(open_page, live_server):
    page = open_page("mobile", java_script_enabled=False)
    respondent = at_motivation(page, live_server)
    motivation = page.url
    portfolio = next(s for s in respondent.view.steps if s.kind == "page" and s.page.type == "portfolio")
    # an option that was chosen: leaving it out afterwards always stays within the budget
    option = next(o for o, level in respondent.expected[portfolio.id].items() if level)
    field, label = page.locator(f"#f-why-{option}"), page.locator(f'label[for="f-why-{option}"]')
    question_before = label.inner_text()
    field.fill("Mijn reden")
    assert_fits_the_screen(page)
    assert_no_axe_violation(open_page, page, "motivation")
    previous(page)
    page.wait_for_url(lambda url: url != motivation)
    page.locator(action_button("next")).click()
    page.wait_for_url(motivation)
    expect(field).to_have_value("Mijn reden")  # back again: the text is there

    previous(page)
    page.wait_for_url(lambda url: url != motivation)
    page.locator(f'input[name="{option}"]').uncheck()
    page.locator(action_button("next")).click()
    page.wait_for_url(motivation)
    assert label.inner_text() != question_before
    expect(field).to_have_value("")  # the "why not" question is empty
    assert_no_axe_violation(open_page, page, "motivation after the choice changed")
