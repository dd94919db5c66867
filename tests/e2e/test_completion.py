"""A respondent completes each demo consultation in a real browser: on a phone, on a desktop,
with the keyboard alone and without JavaScript; what is stored equals what they entered."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from surveys.definition import PortfolioPage
from tests.e2e.conftest import SLUGS
from tests.e2e.respondent import BrowserRespondent, action_button, assert_fits_the_screen, platform_text
from tests.pwe.visitor import valid_form

pytestmark = pytest.mark.e2e

# Remembers, across the pages of the tab, any press of a mouse, finger or pen.
POINTER_WATCH = "addEventListener('pointerdown', () => sessionStorage.setItem('pointer-used', '1'), true)"


@pytest.mark.parametrize("viewport", ["mobile", "desktop"])
@pytest.mark.parametrize("slug", SLUGS)
def test_respondent_completes_the_consultation(open_page, live_server, slug, viewport):
    page = open_page(viewport)
    respondent = BrowserRespondent(page, live_server, slug)
    respondent.open_landing()
    assert_fits_the_screen(page)
    respondent.start()
    respondent.complete(before_answer=lambda step: assert_fits_the_screen(page))
    assert_fits_the_screen(page)
    respondent.assert_stored_answers_equal_input()


@pytest.mark.parametrize("slug", SLUGS)
def test_respondent_completes_the_consultation_with_the_keyboard_only(open_page, live_server, slug):
    """Tab, Shift+Tab, Space, arrows, typing and Enter only; every element reached shows its focus."""
    page = open_page("desktop")
    page.add_init_script(POINTER_WATCH)
    respondent = BrowserRespondent(page, live_server, slug, keyboard=True)
    respondent.start()
    respondent.complete()
    respondent.assert_stored_answers_equal_input()
    assert respondent.focus_checks > 20
    assert page.evaluate("sessionStorage.getItem('pointer-used')") is None, "a pointer was used"


@pytest.mark.parametrize("slug", SLUGS)
def test_respondent_completes_the_consultation_without_javascript(open_page, live_server, slug):
    page = open_page("desktop", java_script_enabled=False)
    respondent = BrowserRespondent(page, live_server, slug)

    def recalculate_first_on_the_portfolio(step):
        if step.kind != "page" or not isinstance(step.page, PortfolioPage):
            return
        status = page.locator("#live-summary")
        before = status.inner_text()
        respondent.fill(valid_form(respondent.view.consultation, step))
        page.locator(action_button("recalculate")).click()
        expect(status).not_to_have_text(before)
        expect(status).to_contain_text(platform_text("Your choice stays within the limits."))
        respondent.assert_form_shows(valid_form(respondent.view.consultation, step))

    respondent.start()
    respondent.complete(before_answer=recalculate_first_on_the_portfolio)
    respondent.assert_stored_answers_equal_input()
