"""What a tampered form gets back is bounded: one line for any number of unknown fields, at most
ten lines in the error summary, and at most 80 characters of a field name or value echoed."""

from __future__ import annotations

import re

import pytest

from pwe.flow import steps
from surveys.definition import PointsPage
from tests.pwe.visitor import started, valid_form

SUMMARY_ITEM = re.compile(r'<li class="utrecht-unordered-list__item">')


@pytest.fixture
def points_step(app, client, example_texts):
    """A respondent on the Lelylijn points page (eleven goals)."""
    visitor, consultation = started(app, client, example_texts["lelylijn"], "lelylijn")
    step = next(s for s in steps(consultation) if isinstance(s.page, PointsPage))
    return visitor, consultation, step


def summary_items(html: str) -> int:
    summary = html.split('id="error-summary"', 1)[1].split("</ul>", 1)[0]
    return len(SUMMARY_ITEM.findall(summary))


def test_fifteen_hundred_unknown_fields_are_one_message(points_step):
    visitor, consultation, step = points_step
    form = valid_form(consultation, step) + [(f"extra{i}", "1") for i in range(1500)]
    response = visitor.answer(step.id, form)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert summary_items(html) == 1
    assert "‘extra0’, en 1.499 andere velden" in html
    assert len(html) < 60_000


def test_a_huge_field_name_or_value_is_not_echoed(points_step):
    visitor, consultation, step = points_step
    first_goal = step.page.goals[0].id
    form = [(name, value) for name, value in valid_form(consultation, step) if name != first_goal]
    response = visitor.answer(step.id, [*form, (first_goal, "9" * 100_000), ("x" * 100_000, "1")])
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert max(map(len, re.findall("x+", html))) <= 80
    assert max(map(len, re.findall("9+", html))) <= 80
    assert len(html) < 60_000


def test_the_error_summary_shows_ten_lines_and_how_many_more(points_step):
    visitor, _, step = points_step
    response = visitor.answer(step.id, [(goal.id, "veel") for goal in step.page.goals])
    html = response.get_data(as_text=True)
    assert len(step.page.goals) == 11 and response.status_code == 422
    assert summary_items(html) == 11  # ten problems and the line that counts the rest
    assert "en nog 1 ander punt op deze pagina" in html  # one: the singular form
    # each field still shows its own message next to it
    assert html.count('class="utrecht-form-field__error-message') == 11
