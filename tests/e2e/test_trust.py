"""What surrounds the advice in a real browser, on a phone and a desktop, checked by axe: saying no
or being too young, a lost session, a shared device, the thank-you page, the identity pages."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.respondent import BrowserRespondent, platform_text
from tests.e2e.test_accessibility import Audit

pytestmark = pytest.mark.e2e

# Set to a folder to keep a screenshot of every page these tests visit.
SCREENSHOTS = os.environ.get("PWE_E2E_SCREENSHOTS")

DEVICES = ["mobile", "desktop"]


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
    page.get_by_label(platform_text("consent_decline_label"), exact=True).check()
    page.get_by_role("button", name=platform_text("start"), exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(platform_text("declined_title"))
    expect(page.get_by_text(platform_text("declined_consent"))).to_be_visible()
    look(page, audit, "declined-consent", device)

    page.get_by_role("link", name=platform_text("back_to_start")).click()
    page.get_by_label(platform_text("consent_label"), exact=True).check()
    page.get_by_label(platform_text("age_under_label", age=16), exact=True).check()
    page.get_by_role("button", name=platform_text("start"), exact=True).click()
    expect(page.get_by_text(platform_text("declined_age", age=16))).to_be_visible()
    expect(page.locator(".utrecht-form-field-error-message")).to_have_count(0)
    look(page, audit, "declined-age", device)
    assert live_server.respondent_count() == before
    assert audit.findings == []
