"""The acceptance path in a real browser: an official builds a consultation with 6 options, 2
constraints, a points page, a pairs page and 3 versions, sees its feasibility, previews it on a
phone, opens it and makes 50 invitations; a citizen completes it through one link, a second use
of that link is refused, and the export names the batch as source."""

from __future__ import annotations

import csv
import io

import pytest
from playwright.sync_api import expect

from tests.e2e.respondent import BrowserRespondent
from tests.e2e.test_admin_pages import log_in_with_keyboard, official

pytestmark = pytest.mark.e2e

# the officials here read English (their browser says so); respondents keep the Dutch default
OFFICIAL = "en-GB"

DEFINITION = """\
id: parken-2027
languages: [nl, en]
title: {nl: "Parken in de stad", en: "Parks in the city"}
intro: {nl: "Hoe besteden we het geld voor parken?", en: "How do we spend the money for parks?"}
attributes:
  - id: green
    label: {nl: "Groen", en: "Green"}
    unit: {nl: "hectare", en: "hectares"}
  - id: household_cost
    label: {nl: "Kosten per huishouden", en: "Cost per household"}
    unit: {nl: "euro", en: "euro"}
constraints:
  - id: budget
    label: {nl: "Budget", en: "Budget"}
    unit: {nl: "mln euro", en: "million euro"}
    max: 10
  - id: land
    label: {nl: "Ruimte", en: "Space"}
    unit: {nl: "hectare", en: "hectares"}
    max: 6
pages:
  - id: goals
    type: points
    title: {nl: "Wat vindt u belangrijk?", en: "What matters to you?"}
    total: 10
    goals:
      - {id: goal_play, title: {nl: "Spelen", en: "Play"}}
      - {id: goal_nature, title: {nl: "Natuur", en: "Nature"}}
      - {id: goal_quiet, title: {nl: "Rust", en: "Quiet"}}
  - id: plan
    type: portfolio
    title: {nl: "Uw plan", en: "Your plan"}
    options:
      - {id: park_north, title: {nl: "Park Noord", en: "North park"}, use: {budget: 4, land: 2}, effects: {green: 2}}
      - {id: park_south, title: {nl: "Park Zuid", en: "South park"}, use: {budget: 3, land: 2}, effects: {green: 2}}
      - {id: playground, title: {nl: "Speeltuin", en: "Playground"}, use: {budget: 1, land: 1}}
      - {id: trees, title: {nl: "Bomen", en: "Trees"}, use: {budget: 2, land: 1}, effects: {green: 1}}
      - {id: pond, title: {nl: "Vijver", en: "Pond"}, use: {budget: 2, land: 2}, effects: {green: 1}}
      - {id: benches, title: {nl: "Bankjes", en: "Benches"}, use: {budget: 1, land: 0}}
  - id: pairs
    type: pairs
    title: {nl: "Welke variant?", en: "Which variant?"}
    attributes: [green, household_cost]
    opt_out: {nl: "Geen van beide", en: "Neither"}
    sets:
      - [{green: 2, household_cost: 20}, {green: 4, household_cost: 40}]
      - [{green: 3, household_cost: 25}, {green: 1, household_cost: 10}]
versions:
  - id: A
    changes: {}
  - id: B
    changes:
      park_north: {use: {budget: 5}}
  - id: C
    changes:
      constraints: {budget: {max: 12}}
"""


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
    page.fill("#f-definition", DEFINITION)
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator(".pwe-notice").first).to_have_text("Saved.")
    feasibility = page.get_by_role("region", name="Feasible packages per portfolio page and version")
    for version in ("A", "B", "C"):
        expect(feasibility.get_by_role("row").filter(has_text=f"{version} plan")).to_have_count(1)

    # a text corrected in the structured form
    page.get_by_role("link", name="Edit with forms").click()
    page.get_by_role("link", name="Options of plan").click()
    page.fill("#f-pages-1-options-5-title-en", "Benches along the paths")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator(".pwe-notice").first).to_have_text("Saved.")

    phone = open_page("mobile", locale=OFFICIAL)
    log_in_with_keyboard(phone, official(live_server, "analyst"))
    phone.goto("/admin/c/parken-2027/preview/B/en/plan")
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
