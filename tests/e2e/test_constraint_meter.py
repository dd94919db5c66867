"""The summary of a portfolio page shows the state of each limit (over, under the minimum, within,
or neutral before any change) in words, a symbol and a pattern, with and without JavaScript;
cards say what an unchosen option would cost; explanations fold open without JavaScript."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from surveys.definition import PortfolioPage
from surveys.feasibility import portfolio_use
from surveys.language import format_number
from tests.e2e.respondent import BrowserRespondent, action_button, platform_text

pytestmark = pytest.mark.e2e

# Set to a folder to (re)write the phone screenshots of docs/citizens/ from this test.
SCREENSHOTS = os.environ.get("PWE_E2E_SCREENSHOTS")

# What tells the states apart besides colour: the symbol before the state word and the fill pattern.
LOOK_JS = """() => Array.from(document.querySelectorAll('#live-summary .pwe-meter'), m => ({
  state: m.className, icon: getComputedStyle(m.querySelector('.pwe-meter__text .pwe-meter__icon'), '::before').content,
  border: getComputedStyle(m.querySelector('.pwe-meter__text .pwe-meter__state')).borderTopStyle,
  pattern: m.querySelector('.pwe-meter__fill').getAttribute('fill') || 'none',
  width: m.querySelector('.pwe-meter__fill').getBoundingClientRect().width}))"""


def at_portfolio(page: Page, live_server, slug: str) -> tuple[BrowserRespondent, PortfolioPage]:
    respondent = BrowserRespondent(page, live_server, slug)
    respondent.start()
    step = respondent.go_to(lambda s: s.kind == "page" and isinstance(s.page, PortfolioPage))
    return respondent, step.page


def choose(respondent: BrowserRespondent, levels: dict[str, int], javascript: bool) -> None:
    """Set levels on the ruimte page and let the summary follow: live, or by Recalculate."""
    page = respondent.page
    before = page.locator("#live-summary").inner_text()
    for option, level in levels.items():
        page.locator(f'input[name="{option}"][value="{level}"]').check()
    if not javascript:
        page.locator(action_button("recalculate")).click()
    expect(page.locator("#live-summary")).not_to_have_text(before)


def land_text(
    respondent: BrowserRespondent, page_def: PortfolioPage, levels: dict[str, int]
) -> tuple[str, str]:
    """The state word and the sentence the summary must show for these levels of the land page."""
    consultation = respondent.view.consultation
    full = {o.id: levels.get(o.id, o.default) for o in page_def.options}
    used = portfolio_use(consultation, page_def, full)["land"]
    land = consultation.constraint("land")
    label, unit = consultation.text(land.label, "nl"), consultation.text(land.unit, "nl")
    if used > land.max:
        return platform_text("Too much"), platform_text(
            "%(label)s: %(amount)s %(unit)s more than allowed (at most %(max)s).",
            label=label,
            amount=format_number(used - land.max, "nl"),
            unit=unit,
            max="0",
        )
    if used < land.min:
        return platform_text("Too little"), platform_text(
            "%(label)s: %(amount)s %(unit)s less than allowed (at least %(min)s).",
            label=label,
            amount=format_number(land.min - used, "nl"),
            unit=unit,
            min="-60",
        )
    return platform_text("Fits"), platform_text(
        "%(label)s: %(used)s %(unit)s; allowed is from %(min)s to %(max)s.",
        label=label,
        used=format_number(used, "nl"),
        unit=unit,
        min="-60",
        max="0",
    )


OVER = {"housing": 2}  # more land than the country has
UNDER = {"housing": -2, "nature": -2, "agriculture": -2}  # more than 60 thousand hectares left unused
WITHIN = {"housing": 1, "nature": -1}


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_the_meter_shows_over_under_and_within_not_by_colour_alone(open_page, live_server, javascript):
    page = open_page("mobile", java_script_enabled=javascript)
    respondent, portfolio = at_portfolio(page, live_server, "ruimte-2050")
    summary = page.locator("#live-summary")
    expect(summary).to_contain_text(platform_text("You have not changed the basic plan yet."))
    looks = {}
    for name, levels in (("over", OVER), ("under", UNDER), ("within", WITHIN)):
        choose(respondent, levels | {o: 0 for o in UNDER if o not in levels}, javascript)
        word, sentence = land_text(respondent, portfolio, levels)
        expect(summary).to_contain_text(sentence)
        expect(summary.locator(".pwe-meter__text .pwe-meter__state")).to_have_text(word + ":")
        expect(summary.locator(".pwe-summary__line")).to_have_text(word)
        if javascript:  # on a phone the summary is folded to one line until asked for
            page.locator(".pwe-summary__toggle").click()
        [look] = page.evaluate(LOOK_JS)
        assert f"pwe-meter--{name}" in look["state"]
        looks[name] = look
        if not javascript:
            assert page.url.endswith("#summary")
            expect(page.locator("#summary-heading")).to_be_in_viewport()
        if SCREENSHOTS and javascript:
            page.screenshot(path=str(Path(SCREENSHOTS) / f"portfolio-phone-{name}.png"))
    assert len({look["icon"] for look in looks.values()}) == 3, looks
    assert looks["within"]["pattern"] == "none" and looks["over"]["pattern"].startswith("url(#"), looks
    assert all(look["width"] > 5 for look in looks.values()), "the amount is not drawn"
    assert looks["within"]["border"] != looks["over"]["border"], looks


def test_nothing_alarms_before_the_respondent_chose(open_page, live_server):
    page = open_page("desktop")
    at_portfolio(page, live_server, "lelylijn")
    summary = page.locator("#live-summary")
    expect(summary).to_contain_text(platform_text("You have not changed the basic plan yet."))
    assert not page.locator("#live-summary .pwe-meter--over, #live-summary .pwe-meter--under").count()
    expect(summary.locator(".pwe-status--not-ok")).to_have_count(0)


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_an_unchosen_card_says_what_choosing_would_cost(open_page, live_server, javascript):
    page = open_page("desktop", java_script_enabled=javascript)
    respondent, portfolio = at_portfolio(page, live_server, "lelylijn")
    option = next(o for o in portfolio.options if o.id == "bike_highways")
    cost = f"{format_number(option.use['budget'], 'nl')} mln euro"
    card = page.locator("article", has=page.locator('input[name="bike_highways"]'))
    expect(card.locator(".pwe-cost:visible")).to_have_text(
        f"{platform_text('Choosing it would use')}: {cost}"
    )
    card.locator('input[name="bike_highways"]').check()
    if not javascript:
        page.locator(action_button("recalculate")).click()
    expect(card.locator(".pwe-cost:visible")).to_have_text(f"{platform_text('Uses')}: {cost}")


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_explanations_of_limits_and_effects_fold_open(open_page, live_server, javascript):
    page = open_page("mobile", java_script_enabled=javascript)
    respondent, portfolio = at_portfolio(page, live_server, "lelylijn")
    consultation = respondent.view.consultation
    budget = consultation.text(consultation.constraint("budget").description, "nl")
    card = page.locator("article").first
    explanation = card.locator("details.pwe-explain").first
    expect(explanation.get_by_text(budget)).to_be_hidden()
    explanation.locator("summary").click()
    expect(explanation.get_by_text(budget)).to_be_visible()
    expect(page.locator("#live-summary details.pwe-explain").first).to_contain_text(
        budget, use_inner_text=False
    )
    expect(card.locator("details.pwe-explain")).to_have_count(1 + len(portfolio.options[0].effects))


def test_recalculate_is_the_first_control_of_the_summary_without_javascript(open_page, live_server):
    page = open_page("desktop", java_script_enabled=False)
    at_portfolio(page, live_server, "ruimte-2050")
    first = page.locator("#summary button, #summary summary").first
    expect(first).to_have_text(platform_text("Recalculate"))
