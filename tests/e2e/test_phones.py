"""On small phones the sticky summary is one compact line that folds open on demand, no focused
field is ever under it (WCAG 2.2 SC 2.4.11), and nothing is wider than a 320 px screen."""

from __future__ import annotations

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout
from playwright.sync_api import expect

from surveys.definition import PortfolioPage
from tests.e2e.conftest import SLUGS
from tests.e2e.respondent import BrowserRespondent, assert_fits_the_screen

pytestmark = pytest.mark.e2e

SCREENS = {"390x844": {"width": 390, "height": 844}, "320x568": {"width": 320, "height": 568}}

# The focused element's box, the screen, and the box of the sticky summary unless focus is inside it.
FOCUS_BOX_JS = """() => { const e = document.activeElement, r = e.getBoundingClientRect();
  const s = document.getElementById('summary');
  const cover = s && !s.contains(e) && getComputedStyle(s).position === 'sticky' ? s.getBoundingClientRect() : null;
  return {what: e.outerHTML.slice(0, 120), top: r.top, bottom: r.bottom, height: innerHeight,
          coverTop: cover ? cover.top : null, coverBottom: cover ? cover.bottom : null}; }"""

MAX_TABS = 120

# True once the focused element is whole on the screen and clear of the sticky summary.
FOCUS_SHOWN_JS = (
    "() => { const b = (" + FOCUS_BOX_JS + ")(); return b.top >= -0.5 && b.bottom <= b.height + 0.5 &&"
    " (b.coverTop === null || b.bottom <= b.coverTop + 0.5 || b.top >= b.coverBottom); }"
)


def tab_through_the_form(page) -> int:
    """Press Tab from the top through every control of the step form; return how many were seen."""
    page.locator("h1").first.click()
    seen = 0
    for _ in range(MAX_TABS):
        page.keyboard.press("Tab")
        if not page.evaluate("() => !!document.activeElement.closest('form')"):
            if seen:
                return seen
            continue
        # The page scrolls a focused field into view after the focus event, and again when the live
        # status changes the summary's height; a field still hidden after a second is a failure.
        try:
            page.wait_for_function(FOCUS_SHOWN_JS, timeout=1000)
        except PlaywrightTimeout:
            box = page.evaluate(FOCUS_BOX_JS)
            assert box["top"] >= -0.5 and box["bottom"] <= box["height"] + 0.5, (
                f"focus outside the screen: {box}"
            )
            raise AssertionError(f"focused element under the sticky summary: {box}") from None
        seen += 1
    raise AssertionError(f"{MAX_TABS} presses of Tab never left the form")


@pytest.mark.parametrize("screen", SCREENS)
@pytest.mark.parametrize("slug", SLUGS)
def test_every_focused_field_is_fully_visible_on_a_phone(open_page, live_server, slug, screen):
    page = open_page("mobile", viewport=SCREENS[screen])
    respondent = BrowserRespondent(page, live_server, slug)
    respondent.start()
    assert_fits_the_screen(page)
    counts = []

    def check(step):
        assert_fits_the_screen(page)
        counts.append(tab_through_the_form(page))

    respondent.complete(before_answer=check)
    assert_fits_the_screen(page)
    assert all(counts), counts


@pytest.mark.parametrize("slug", SLUGS)
def test_the_summary_is_one_compact_line_that_folds_open(open_page, live_server, slug):
    page = open_page("mobile")
    respondent = BrowserRespondent(page, live_server, slug)
    respondent.start()
    respondent.go_to(lambda s: s.kind == "page" and isinstance(s.page, PortfolioPage))
    summary = page.locator("#summary")
    toggle = summary.get_by_role("button", name="Uw keuze tot nu toe", exact=True)
    expect(toggle).to_have_attribute("aria-expanded", "false")
    collapsed = summary.bounding_box()
    assert collapsed["height"] <= 844 / 5, collapsed
    assert collapsed["height"] <= 60, f"more than one line when folded: {collapsed}"
    toggle.click()
    expect(toggle).to_have_attribute("aria-expanded", "true")
    expect(summary.locator(".pwe-meter__text").first).to_be_visible()
    page.locator("form input:not([type=hidden])").first.focus()
    expect(toggle).to_have_attribute("aria-expanded", "false")
