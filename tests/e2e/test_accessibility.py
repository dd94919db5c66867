"""axe-core finds no WCAG 2.2 A/AA violation on any citizen page, error states included,
on a phone and on a desktop, and without the platform's JavaScript."""

from __future__ import annotations

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page

from tests.e2e.conftest import SLUGS
from tests.e2e.respondent import BrowserRespondent, assert_error_summary, submit_broken_answer

pytestmark = pytest.mark.e2e

AXE = Axe()
WCAG_22_AA = {
    "runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]},
    "resultTypes": ["violations"],
}


class Audit:
    """Runs axe on each page visited and keeps every violation, so one run lists them all."""

    def __init__(self, page: Page, findings: list[str] | None = None):
        self.page = page
        self.pages: list[str] = []
        self.findings: list[str] = [] if findings is None else findings

    def __call__(self, name: str) -> None:
        self.pages.append(name)
        # from the top, as the page opens: what a sticky part covers depends on the scrolling,
        # which a script may still be doing when axe runs
        self.page.evaluate("window.scrollTo(0, 0)")
        for violation in self._lasting_violations():
            nodes = "\n".join(f"      {node['target']}: {node['html'][:300]}" for node in violation["nodes"])
            self.findings.append(
                f"{name} ({self.page.url}): {violation['id']} [{violation['impact']}] "
                f"{violation['help']}\n{nodes}"
            )

    def _lasting_violations(self) -> list[dict]:
        """Violations that are still there half a second later. A page under load may still be
        laying itself out when axe measures it (target-size saw footer links covered for a
        moment); a real violation stays, and is reported as found the second time."""
        found = AXE.run(self.page, options=WCAG_22_AA).response["violations"]
        if not found:
            return []
        self.page.wait_for_timeout(500)
        again = AXE.run(self.page, options=WCAG_22_AA).response["violations"]
        broken_both_times = {violation["id"] for violation in found}
        return [violation for violation in again if violation["id"] in broken_both_times]


@pytest.mark.parametrize("viewport", ["mobile", "desktop"])
@pytest.mark.parametrize("slug", SLUGS)
def test_no_wcag_violation_on_any_citizen_page(open_page, live_server, slug, viewport):
    audit_every_page(open_page(viewport), live_server, slug, scripts=True)


@pytest.mark.parametrize("slug", SLUGS)
def test_no_wcag_violation_on_any_citizen_page_without_javascript(open_page, live_server, slug):
    """The pages as a browser without JavaScript gets them: axe is itself a script, so the
    browser runs scripts but the platform's own are never delivered."""
    page = open_page("mobile")
    blocked: list[str] = []

    def refuse(route):
        blocked.append(route.request.url)
        route.abort()

    page.route("**/static/js/**", refuse)
    audit_every_page(page, live_server, slug, scripts=False)
    assert blocked, "the platform's script was not asked for, so nothing was left out"
    # pwe.js marks the page it enhances; this one stayed as the server sent it
    assert not page.evaluate("document.documentElement.classList.contains('js')")


def audit_every_page(page: Page, live_server, slug: str, scripts: bool) -> None:
    audit = Audit(page)
    respondent = BrowserRespondent(page, live_server, slug)
    page.goto("/")
    audit("home")
    assert page.goto(f"/c/{slug}-bestaat-niet").status == 404
    audit("not found")
    respondent.open_landing()
    audit("landing")
    respondent.start(consent=False, age_ok=False)
    assert_error_summary(page, focused=scripts)  # the script moves the focus to it
    audit("landing with errors")
    respondent.start()

    def audit_step_and_its_error_state(step):
        audit(step.id)
        if step is respondent.view.steps[0]:
            page.goto(f"/c/{slug}")
            audit("landing when resuming")
            page.goto(respondent.step_url(step))
        if submit_broken_answer(respondent, step):
            audit(f"{step.id} with errors")

    respondent.complete(before_answer=audit_step_and_its_error_state)
    audit("thank-you")
    page.goto(f"/c/{slug}")
    audit("landing when done")
    assert len(audit.pages) >= 10
    assert not audit.findings, f"{len(audit.findings)} WCAG 2.2 A/AA violations:\n" + "\n".join(
        audit.findings
    )
