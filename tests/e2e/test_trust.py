"""What surrounds the advice in a real browser, on a phone and a desktop, checked by axe: saying no
or being too young, a lost session, a shared device, the thank-you page, the identity pages."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import select

from pwe.extensions import db
from pwe.models import PageAnswer, Respondent
from tests.e2e.respondent import BrowserRespondent, platform_text
from tests.e2e.test_accessibility import Audit

pytestmark = pytest.mark.e2e

# Set to a folder to keep a screenshot of every page these tests visit.
SCREENSHOTS = os.environ.get("PWE_E2E_SCREENSHOTS")

DEVICES = ["mobile", "desktop"]

# the platform texts these tests look for, by their msgids
DECLINED = (
    "You chose not to take part. That is perfectly fine: taking part is voluntary. Nothing "
    "about you has been stored."
)
TOO_YOUNG = (
    "Only people aged %(age)s or older can take part in this consultation. Nothing about you "
    "has been stored. Thank you for wanting to share your views!"
)
COOKIES_NEEDED = (
    "Your browser did not send our cookie back. We use one functional cookie. It tells us which"
    " steps you have already answered, so you can continue where you were, and it stops another"
    " website from sending anything on your behalf. It holds no answers and we do not track you"
    " with it."
)


def look(page: Page, audit: Audit, name: str, device: str) -> None:
    """axe on the page, and its screenshot when asked for."""
    audit(name)
    if SCREENSHOTS:
        page.screenshot(path=str(Path(SCREENSHOTS) / f"{name}-{device}.png"), full_page=True)


@pytest.mark.parametrize("device", DEVICES)
def test_saying_no_and_being_too_young_get_a_polite_page(open_page, live_server, device):
    page = open_page(device)
    audit = Audit(page)
    respondent = BrowserRespondent(page, live_server, "ruimte-2050")
    before = live_server.respondent_count()
    respondent.open_landing()
    look(page, audit, "landing", device)
    page.get_by_label(platform_text("I would rather not take part."), exact=True).check()
    page.get_by_role("button", name=platform_text("Start"), exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(platform_text("Thank you for your interest"))
    expect(page.get_by_text(platform_text(DECLINED))).to_be_visible()
    look(page, audit, "declined-consent", device)

    page.get_by_role("link", name=platform_text("Back to the start")).click()
    page.get_by_label(
        platform_text("I have read the privacy statement and take part voluntarily."), exact=True
    ).check()
    page.get_by_label(platform_text("I am younger than %(age)s.", age=16), exact=True).check()
    page.get_by_role("button", name=platform_text("Start"), exact=True).click()
    expect(
        page.get_by_text(
            platform_text(
                TOO_YOUNG,
                age=16,
            )
        )
    ).to_be_visible()
    expect(page.locator(".utrecht-form-field-error-message")).to_have_count(0)
    look(page, audit, "declined-age", device)
    assert live_server.respondent_count() == before
    assert audit.findings == []


@pytest.mark.parametrize("device", DEVICES)
def test_someone_else_on_the_device_starts_afresh_without_seeing_the_advice(open_page, live_server, device):
    page = open_page(device)
    audit = Audit(page)
    respondent = BrowserRespondent(page, live_server, "lelylijn")
    respondent.start()
    respondent.complete()
    first = respondent.view.handle
    look(page, audit, "thanks", device)
    session_cookie = next(
        c for c in page.context.cookies() if c["name"] == live_server.app.config["SESSION_COOKIE_NAME"]
    )
    assert session_cookie["expires"] == -1  # gone when the browser closes

    page.get_by_role("button", name=platform_text("Someone else wants to take part")).click()
    expect(page).to_have_url(respondent.url("/c/lelylijn"))
    expect(page.get_by_text(platform_text("You have already taken part. Thank you!"))).to_have_count(0)
    page.goto("/c/lelylijn/thanks")
    expect(page).to_have_url(respondent.url("/c/lelylijn"))  # the advice is not shown to the next one
    respondent.start()
    assert respondent.view.handle != first
    assert audit.findings == []


@pytest.mark.parametrize("device", DEVICES)
def test_a_lost_session_or_blocked_cookies_are_explained_with_the_way_back(open_page, live_server, device):
    page = open_page(device)
    audit = Audit(page)
    respondent = BrowserRespondent(page, live_server, "lelylijn")
    respondent.start()
    first = respondent.view.steps[0]
    respondent.answer(first)
    second = page.url
    page.locator('input[name="csrf_token"]').first.evaluate("input => input.value = 'stale'")
    page.locator("form button[type=submit]").last.click()
    expect(page.get_by_role("heading", level=1)).to_have_text(platform_text("Your session has ended"))
    look(page, audit, "session-lost", device)
    page.get_by_role("link", name=platform_text("Continue where you were")).click()
    # the saved first step is kept: back on the second (the stale page had the same address)
    expect(page.get_by_role("heading", level=1)).not_to_have_text(platform_text("Your session has ended"))
    expect(page).to_have_url(second)
    expect(page.locator("form.pwe-step-form")).to_be_visible()

    # a browser that refuses every cookie, in a context of its own: the page above may still be
    # sending its live check, whose answer would bring a session cookie back
    page = open_page(device)
    audit = Audit(page, audit.findings)
    page.goto("/c/lelylijn")
    page.context.clear_cookies()
    page.get_by_label(
        platform_text("I have read the privacy statement and take part voluntarily."), exact=True
    ).check()
    page.get_by_label(platform_text("I am %(age)s years of age or older.", age=16), exact=True).check()
    page.get_by_role("button", name=platform_text("Start"), exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(platform_text("Taking part needs a cookie"))
    expect(page.get_by_text(platform_text(COOKIES_NEEDED))).to_be_visible()
    look(page, audit, "cookies-needed", device)
    assert audit.findings == []


@pytest.mark.parametrize("device", DEVICES)
def test_a_portfolio_changed_and_set_back_counts_as_touched(open_page, live_server, device):
    page = open_page(device)
    respondent = BrowserRespondent(page, live_server, "lelylijn")
    respondent.start()
    step = respondent.go_to(lambda s: s.kind == "page" and s.page.type == "portfolio")
    box = page.locator(f'input[name="{step.page.options[0].id}"]')
    box.check()
    box.uncheck()  # back to the base plan: still an advice given with thought
    page.get_by_role("button", name=platform_text("Next"), exact=True).click()
    page.wait_for_url(lambda url: not url.endswith(f"/{step.id}"))
    with live_server.app.app_context():
        touched = db.session.scalar(
            select(PageAnswer.touched)
            .join(Respondent)
            .where(Respondent.handle == respondent.view.handle, PageAnswer.step_id == step.id)
        )
    assert touched is True


@pytest.mark.parametrize("device", DEVICES)
def test_the_footer_leads_to_privacy_cookies_and_accessibility(open_page, live_server, device):
    page = open_page(device)
    audit = Audit(page)
    page.goto("/c/ruimte-2050")
    # the demo disclaimer is a paragraph of its own, not merged into the first one
    first = page.locator("main .pwe-prose p").first
    expect(first).to_have_text(re.compile(r"^Let op: dit is een demo.*illustratie\.$"))
    footer = page.get_by_role("contentinfo")
    expect(footer).to_contain_text("Een raadpleging van Demonstratieplatform")
    for msgid, name in (
        ("Privacy statement", "privacy"),
        ("Cookies", "cookies"),
        ("Accessibility statement", "accessibility"),
    ):
        page.goto("/c/ruimte-2050")
        footer.get_by_role("link", name=platform_text(msgid)).click()
        expect(page.get_by_role("heading", level=1)).to_have_text(platform_text(msgid))
        look(page, audit, f"about-{name}", device)
    assert audit.findings == []
