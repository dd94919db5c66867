"""The acceptance path in a real browser: an official builds a consultation with 6 options, 2
constraints, a points page, a pairs page and 3 versions in the structured forms (no YAML typed),
sees its feasibility, previews it on a
phone, opens it and makes 50 invitations; a citizen completes it through one link, a second use
of that link is refused, and the export names the batch as source."""

from __future__ import annotations

import csv
import io

import pytest
from playwright.sync_api import Page, expect

from pwe.services.consultations import definition_of, find
from tests.e2e.respondent import BrowserRespondent
from tests.e2e.test_admin_pages import log_in_with_keyboard, official

pytestmark = pytest.mark.e2e

# the officials here read English (their browser says so); respondents keep the Dutch default
OFFICIAL = "en-GB"

# option id -> (title en, use of budget, use of land, effect on green); the first two come with
# the new draft
OPTIONS = {
    "option-a": ("North park", 4, 2, 2),
    "option-b": ("South park", 3, 2, 2),
    "playground": ("Playground", 1, 1, None),
    "trees": ("Trees", 2, 1, 1),
    "pond": ("Pond", 2, 2, 1),
    "benches": ("Benches along the paths", 1, 0, None),
}


def save(page: Page, button: str = "Save") -> None:
    """Press a button of a structured form and wait for the page it comes back to."""
    page.get_by_role("button", name=button, exact=True).click()
    expect(page.locator(".pwe-notice").first).to_contain_text("Saved")


def add(page: Page, field: str, value: str) -> None:
    page.fill(field, value)
    save(page)


def part(page: Page, name: str) -> None:
    page.get_by_role("navigation", name="Parts of the definition").get_by_role(
        "link", name=name, exact=True
    ).click()


def build_in_the_forms(page: Page) -> None:
    """Attributes, a second limit, six options, a points page, a pairs page and three versions,
    each through its structured form."""
    page.get_by_role("link", name="Edit with forms").click()
    part(page, "Attributes (effects)")
    add(page, "#f-new_attribute", "green")
    add(page, "#f-new_attribute", "household_cost")
    page.fill("#f-attributes-0-label-en", "Green")
    page.fill("#f-attributes-0-unit-nl", "hectare")
    page.fill("#f-attributes-0-unit-en", "hectares")
    page.fill("#f-attributes-1-label-en", "Cost per household")
    page.fill("#f-attributes-1-unit-nl", "euro")
    page.fill("#f-attributes-1-unit-en", "euro")
    page.select_option("#f-attributes-0-direction", "1")
    save(page)

    part(page, "Limits (constraints)")
    add(page, "#f-new_constraint", "land")
    page.fill("#f-constraints-1-label-en", "Space")
    page.fill("#f-constraints-1-max", "6")
    save(page)

    part(page, "Options of choice")
    for option_id in list(OPTIONS)[2:]:
        add(page, "#f-new_option", option_id)
    for index, (title, budget, land, green) in enumerate(OPTIONS.values()):
        place = f"#f-pages-0-options-{index}"
        page.fill(f"{place}-title-en", title)
        page.fill(f"{place}-use-budget", str(budget))
        page.fill(f"{place}-use-land", str(land))
        if green is not None:
            page.fill(f"{place}-effects-green", str(green))
    save(page)

    part(page, "Pages in order")
    page.fill("#f-new_page_id", "goals")
    page.select_option("#f-new_page_type", "points")
    save(page, "Add page")
    page.get_by_role("button", name="Move up page goals").click()
    expect(page.locator(".pwe-notice").first).to_contain_text("Saved")
    page.fill("#f-new_page_id", "pairs")
    page.select_option("#f-new_page_type", "pairs")
    save(page, "Add page")

    part(page, "Page goals")
    page.fill("#f-pages-0-title-en", "What matters to you?")
    page.fill("#f-pages-0-total", "10")
    page.fill("#f-pages-0-goals-0-title-en", "Play")
    add(page, "#f-new_goal", "goal_nature")
    add(page, "#f-new_goal", "goal_quiet")
    page.fill("#f-pages-0-goals-1-title-en", "Nature")
    page.fill("#f-pages-0-goals-2-title-en", "Quiet")
    page.keyboard.press("Enter")  # saves: the first button is Save, not "Move down"
    expect(page.locator(".pwe-notice").first).to_contain_text("Saved")

    part(page, "Page pairs")
    page.fill("#f-pages-2-title-en", "Which variant?")
    page.fill("#f-pages-2-attributes", "green, household_cost")
    page.fill("#f-pages-2-opt_out-nl", "Geen van beide")
    page.fill("#f-pages-2-opt_out-en", "Neither")
    save(page, "Add a set")
    page.select_option("#f-pages-2-money", "household_cost")
    for variant, (green, cost) in enumerate([(2, 20), (4, 40)]):
        page.fill(f"#f-pages-2-sets-0-{variant}-green", str(green))
        page.fill(f"#f-pages-2-sets-0-{variant}-household_cost", str(cost))
    save(page, "Add a set")  # a copy of the first set
    for variant, (green, cost) in enumerate([(3, 25), (1, 10)]):
        page.fill(f"#f-pages-2-sets-1-{variant}-green", str(green))
        page.fill(f"#f-pages-2-sets-1-{variant}-household_cost", str(cost))
    save(page)

    part(page, "Design versions")
    for version in ("A", "B", "C"):
        add(page, "#f-new_version", version)
    page.fill("#f-versions-1-changes-option-a-use-budget", "5")
    page.fill("#f-versions-2-changes-constraints-budget-max", "12")
    save(page)
    expect(page.locator(".pwe-notice").first).to_have_text("Saved.")  # valid now
    expect(page.locator("#error-summary")).to_have_count(0)


class InvitedRespondent(BrowserRespondent):
    """Comes in through a personal link instead of the home page."""

    def __init__(self, page, live, slug: str, link: str):
        super().__init__(page, live, slug)
        self.link = link

    def open_landing(self) -> None:
        self.page.goto(self.link)
        self.page.wait_for_url(self.url(f"/c/{self.slug}"))


def test_build_preview_open_invite_and_answer(open_page, live_server):
    page = open_page("desktop", locale=OFFICIAL)
    log_in_with_keyboard(page, official(live_server, "editor"))
    page.get_by_role("link", name="New consultation").click()
    page.fill("#f-slug", "parken-2027")
    page.fill("#f-title", "Parken")
    page.get_by_role("button", name="Create draft").click()
    expect(page).to_have_url(f"{live_server.url}/admin/c/parken-2027/edit")
    build_in_the_forms(page)
    page.get_by_role("link", name="Back to the editor").click()
    feasibility = page.get_by_role("region", name="Feasible packages per portfolio page and version")
    for version in ("A", "B", "C"):
        expect(feasibility.get_by_role("row").filter(has_text=f"{version} choice")).to_have_count(1)
    with live_server.app.app_context():
        consultation = definition_of(find("parken-2027"))
    assert [p.type for p in consultation.pages] == ["points", "portfolio", "pairs"]
    assert len(consultation.page("choice").options) == 6 and len(consultation.constraints) == 2
    assert consultation.page("pairs").money == "household_cost" and len(consultation.page("pairs").sets) == 2
    assert [v.id for v in consultation.versions] == ["A", "B", "C"]
    assert [g.id for g in consultation.page("goals").goals] == ["goals-goal", "goal_nature", "goal_quiet"]
    assert consultation.page("goals").goals[2].title.get("en") == "Quiet"

    phone = open_page("mobile", locale=OFFICIAL)
    log_in_with_keyboard(phone, official(live_server, "analyst"))
    phone.goto("/admin/c/parken-2027/preview/B/en/choice")
    expect(phone.get_by_role("heading", name="Benches along the paths")).to_be_visible()
    expect(phone.get_by_text("nothing you enter is stored")).to_be_visible()
    assert phone.goto("/c/parken-2027").status == 404  # a draft is seen only in the preview

    page.goto("/admin/c/parken-2027")
    page.get_by_role("button", name="Open").click()
    expect(page.locator(".pwe-status").first).to_have_text("open")
    page.goto("/admin/c/parken-2027/invitations")
    page.fill("#f-batch", "panel")
    page.fill("#f-count", "50")
    with page.expect_download() as download:
        page.get_by_role("button", name="Make links and download").click()
    links = [
        row["link"] for row in csv.DictReader(io.StringIO(download.value.path().read_text(encoding="utf-8")))
    ]
    assert len(links) == 50

    citizen_page = open_page("mobile")
    citizen = InvitedRespondent(citizen_page, live_server, "parken-2027", links[0])
    citizen.start()
    citizen.complete()
    second = open_page("desktop")
    assert second.goto(links[0]).status == 410
    expect(second.get_by_role("heading", level=1)).to_have_text("Deze uitnodiging is al gebruikt")

    analyst = open_page("desktop", locale=OFFICIAL)
    log_in_with_keyboard(analyst, official(live_server, "analyst"))
    analyst.goto("/admin/c/parken-2027")
    with analyst.expect_download() as export:
        analyst.get_by_role("link", name="respondents.csv").click()
    rows = list(csv.DictReader(io.StringIO(export.value.path().read_text(encoding="utf-8"))))
    assert [row["source"] for row in rows] == ["panel"]
