"""A Frisian respondent in a real browser: the browser's language picks Frisian, the switcher
changes it and back, and the pages carry no word of another platform language, on a phone and a
desktop, with nothing for axe to find."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from pwe.i18n import CATALOGS, DOMAIN
from pwe.services.consultations import find, import_definition
from surveys.language import load
from tests.e2e.respondent import BrowserRespondent
from tests.e2e.test_accessibility import AXE, WCAG_22_AA
from tests.pwe.test_languages import FRISIAN, foreign_fragments

pytestmark = pytest.mark.e2e

SLUG = "doarpshus"
SHOTS = Path(os.environ.get("PWE_SHOTS", "/tmp/i18n-shots"))


def frysk(msgid: str, **params) -> str:
    text = load(CATALOGS, DOMAIN, "fy").gettext(msgid)
    return text % params if params else text


@pytest.fixture
def frisian_consultation(live_server):
    with live_server.app.app_context():
        if find(SLUG) is None:
            import_definition(FRISIAN, open_now=True)
    return SLUG


def assert_only_frisian(page: Page, where: str) -> None:
    assert page.locator("html").get_attribute("lang") == "fy", where
    text = re.sub(r"\s+", " ", page.locator("body").inner_text())
    leaked = sorted(f for f in foreign_fragments("fy") if f in text)
    assert leaked == [], f"{where}: {leaked}"
    violations = AXE.run(page, options=WCAG_22_AA).response["violations"]
    assert violations == [], f"{where}: {[v['id'] for v in violations]}"


@pytest.mark.parametrize("device", ["mobile", "desktop"])
def test_a_frisian_respondent_sees_only_frisian(open_page, frisian_consultation, device):
    page = open_page(device, locale="fy-NL")
    page.goto(f"/c/{SLUG}")
    expect(page.get_by_role("heading", level=1)).to_have_text("In nij doarpshûs (demo)")
    assert_only_frisian(page, "landing")

    # the switcher names each language in its own words and changes the page's language
    languages = page.get_by_role("navigation", name=frysk("Language"))
    languages.get_by_role("link", name="Nederlands").click()
    expect(page.locator("html")).to_have_attribute("lang", "nl")
    expect(page.get_by_role("heading", level=1)).to_have_text("Een nieuw dorpshuis (demo)")
    page.get_by_role("navigation", name="Taal").get_by_role("link", name="Frysk").click()
    expect(page.locator("html")).to_have_attribute("lang", "fy")

    page.get_by_label(frysk("I have read the privacy statement and take part voluntarily.")).check()
    page.get_by_label(frysk("I am %(age)s years of age or older.", age=16)).check()
    page.get_by_role("button", name=frysk("Start"), exact=True).click()
    expect(page.locator(".pwe-progress__label")).to_have_text(
        frysk("Step %(number)s of %(total)s", number=1, total=6)
    )
    assert_only_frisian(page, "goals")

    # a mistake is explained in Frisian too
    page.get_by_role("button", name=frysk("Next"), exact=True).click()
    expect(page.locator("#error-summary")).to_contain_text(frysk("There is a problem"))
    assert_only_frisian(page, "goals with errors")

    inputs = page.locator("input.utrecht-textbox")
    for index in range(inputs.count()):
        inputs.nth(index).fill("10" if index == 0 else "0")
    page.get_by_role("button", name=frysk("Next"), exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Jo advys: wat komt der yn it doarpshûs?")
    page.get_by_label(frysk("Yes, I advise this")).first.check()
    expect(page.locator("#live-summary")).to_contain_text("800 fan 2.000 tûzen euro brûkt, 1.200 oer.")
    assert_only_frisian(page, "plan")
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"fy-plan-{device}.png"), full_page=True)


SWITCHER_STYLE = """() => [...document.querySelectorAll('.pwe-languages a, .pwe-languages button')].map(item => {
    const style = getComputedStyle(item);
    return [item.textContent.trim(), style.textDecorationLine, style.textDecorationColor, style.color];
})"""


@pytest.mark.parametrize("where", ["landing", "not found", "step"])
def test_the_other_languages_are_underlined_in_the_headers_white(open_page, live_server, where):
    """Links and the step page's switch buttons alike: underlined, and the underline as white as
    the text (the theme's link blue cannot be seen on the blue header)."""
    page = open_page("mobile")
    if where == "step":
        respondent = BrowserRespondent(page, live_server, "lelylijn")
        respondent.open_landing()
        respondent.start()  # now on the first step, whose switcher sends the step's form
    else:
        page.goto("/c/lelylijn" if where == "landing" else "/c/bestaat-niet")
    shown = page.evaluate(SWITCHER_STYLE)
    assert len(shown) >= 1, "no language to switch to"
    for name, line, underline_colour, colour in shown:
        assert line == "underline", (name, line)
        assert underline_colour == colour == "rgb(255, 255, 255)", (name, underline_colour, colour)
