"""Mistakes in a real browser: the page comes back with a focused error summary whose links lead to
the fields, a title that starts with "Fout:", and everything the respondent entered kept."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from surveys.definition import PointsPage
from tests.e2e.conftest import SLUGS
from tests.e2e.respondent import BrowserRespondent, assert_error_summary, submit_broken_answer

pytestmark = pytest.mark.e2e


@pytest.mark.parametrize("slug", SLUGS)
def test_mistakes_show_a_focused_error_summary_linking_to_the_fields(open_page, live_server, slug):
    page = open_page("desktop")
    respondent = BrowserRespondent(page, live_server, slug)
    before = live_server.respondent_count()
    respondent.start(consent=False)
    assert_error_summary(page)
    expect(page.locator("#f-age_ok")).to_be_checked()
    assert live_server.respondent_count() == before

    broken = []

    def submit_a_mistake_first(step):
        if submit_broken_answer(respondent, step):
            assert_error_summary(page)
            broken.append(step.page.type)

    respondent.start()
    respondent.complete(before_answer=submit_a_mistake_first)
    respondent.assert_stored_answers_equal_input()  # nothing of the mistakes was stored
    has_points = any(isinstance(p, PointsPage) for p in respondent.view.consultation.pages)
    assert broken == ["points", "portfolio"] if has_points else broken == ["portfolio"]
