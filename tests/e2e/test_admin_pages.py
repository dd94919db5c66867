"""The management area in a real browser: every page passes axe-core WCAG 2.1 AA on a phone and
a desktop, login works with the keyboard alone, the charts draw under the Content Security Policy,
and invitation links download as a CSV file."""

from __future__ import annotations

import csv
import io
import itertools

import pytest
from playwright.sync_api import Page, expect

from pwe.services.accounts import create_user
from tests.e2e.test_accessibility import Audit

pytestmark = pytest.mark.e2e

# the officials here read English (their browser says so)
OFFICIAL = "en-GB"

PASSWORD = "correct horse battery"
_numbers = itertools.count()


def official(live_server, role: str = "admin") -> str:
    email = f"{role}{next(_numbers)}@example.nl"
    with live_server.app.app_context():
        create_user(email, PASSWORD, role, "test")
    return email


def log_in_with_keyboard(page: Page, email: str) -> None:
    page.goto("/admin/login")
    page.keyboard.press("Tab")  # the skip link
    page.keyboard.press("Tab")  # the brand link
    page.keyboard.press("Tab")  # the two other languages of the switcher
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    expect(page.locator("#f-email")).to_be_focused()
    page.keyboard.type(email)
    page.keyboard.press("Tab")
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Consultations")


@pytest.mark.parametrize("viewport", ["mobile", "desktop"])
def test_no_wcag_violation_on_any_management_page(open_page, live_server, viewport):
    page = open_page(viewport, locale=OFFICIAL)
    errors: list[str] = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    audit = Audit(page)
    page.goto("/admin/login")
    audit("login")
    page.fill("#f-email", "nobody@example.nl")
    page.fill("#f-password", "wrong password")
    page.click("button[type=submit]")
    audit("login refused")
    log_in_with_keyboard(page, official(live_server))
    audit("consultations")
    page.get_by_role("link", name="Een snelle spoorlijn").click()
    # the chart library is large: give it time on a busy machine
    expect(page.locator("[data-chart=chart-funnel] .main-svg").first).to_be_attached(timeout=20_000)
    audit("consultation")
    page.fill("#f-grace_minutes", "soon")
    page.click("text=Save schedule")
    audit("consultation with errors")
    page.goto("/admin/c/lelylijn/invitations")
    audit("invitations")
    page.goto("/admin/users")
    audit("users")
    page.goto("/admin/audit")
    audit("audit log")
    for name, path in [
        ("editor", "/admin/c/lelylijn/edit"),
        ("preview index", "/admin/c/lelylijn/preview"),
        ("preview step", "/admin/c/lelylijn/preview/B/en/investments"),
        ("texts form", "/admin/c/lelylijn/form/general"),
        ("limits form", "/admin/c/lelylijn/form/constraints"),
        ("pages form", "/admin/c/lelylijn/form/pages"),
        ("options form", "/admin/c/lelylijn/form/pages/1/options"),
        ("attributes form", "/admin/c/lelylijn/form/attributes"),
        ("versions form", "/admin/c/lelylijn/form/versions"),
        ("points page form", "/admin/c/lelylijn/form/pages/0"),
        ("portfolio page form", "/admin/c/lelylijn/form/pages/1"),
        ("pairs page form", "/admin/c/lelylijn/form/pages/2"),
        ("questions page form", "/admin/c/lelylijn/form/pages/3"),
        ("statements page form", "/admin/c/ruimte-2050/form/pages/0"),
        ("versions helper", "/admin/c/lelylijn/versions"),
        ("new consultation", "/admin/new"),
    ]:
        page.goto(path)
        audit(name)
    slug = f"axe-{viewport}"
    page.fill("#f-slug", slug)
    page.get_by_role("button", name="Create draft").click()
    page.fill("#f-definition", page.input_value("#f-definition").replace("max: 10", "max: veel"))
    page.get_by_role("button", name="Save", exact=True).click()
    audit("editor with problems")
    page.goto(f"/admin/c/{slug}/form/constraints")
    audit("limits form with problems")
    page.goto(f"/admin/c/{slug}/form/pages/0")
    audit("page form with problems")
    page.goto(f"/admin/c/{slug}/revisions/2")
    audit("revision diff")
    page.goto("/admin/c/lelylijn/versions")
    page.fill('[name="vary.roads.use.budget"]', "300, 500")
    page.get_by_role("button", name="Show the versions").click()
    expect(page.get_by_role("heading", name="6 versions")).to_be_visible()
    audit("versions helper with versions")
    assert not audit.findings, f"{len(audit.findings)} WCAG 2.1 A/AA violations:\n" + "\n".join(
        audit.findings
    )
    # plotly's own style sheet is refused (style-src 'self') without harm; scripts must all run
    assert not [e for e in errors if "script-src" in e], errors


def test_invitation_links_download_once_as_csv(open_page, live_server):
    page = open_page("desktop", locale=OFFICIAL)
    log_in_with_keyboard(page, official(live_server, "editor"))
    page.goto("/admin/c/ruimte-2050/invitations")
    page.fill("#f-batch", "panel")
    page.fill("#f-count", "5")
    with page.expect_download() as download_info:
        page.click("text=Make links and download")
    rows = list(csv.DictReader(io.StringIO(download_info.value.path().read_text(encoding="utf-8"))))
    assert len(rows) == 5 and "/c/ruimte-2050/i/" in rows[0]["link"]
    page.goto("/admin/c/ruimte-2050/invitations")
    expect(page.get_by_role("row", name="panel")).to_contain_text("5")
    assert rows[0]["link"] not in page.content()


def test_the_structured_forms_fit_a_320_px_screen(open_page, live_server):
    """Wide tables (versions, choices) scroll inside their own region; the page never does."""
    page = open_page("mobile", viewport={"width": 320, "height": 700}, locale=OFFICIAL)
    log_in_with_keyboard(page, official(live_server, "editor"))
    for path in [
        "/admin/c/lelylijn/form/general",
        "/admin/c/lelylijn/form/attributes",
        "/admin/c/lelylijn/form/versions",
        *(f"/admin/c/lelylijn/form/pages/{index}" for index in range(5)),
        "/admin/c/lelylijn/form/pages/1/options",
        "/admin/c/lelylijn",
    ]:
        page.goto(path)
        assert page.evaluate("document.documentElement.scrollWidth") <= 320, path
