"""The server is the only authority: tampered submissions come back with an error summary, the
respondent's other input kept, and nothing stored."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from pwe.extensions import db
from pwe.flow import steps
from pwe.models import PageAnswer
from pwe.services.consultations import definition_of, find, import_definition
from surveys.definition import PortfolioPage
from tests.pwe.visitor import Visitor, started, valid_form


@pytest.fixture
def lelylijn(app, example_texts, client):
    """A respondent of the Lelylijn demo standing at its portfolio step."""
    visitor, consultation = started(app, client, example_texts["lelylijn"], "lelylijn")
    for step in steps(consultation):
        if isinstance(step.page, PortfolioPage):
            break
        visitor.answer(step.id, valid_form(consultation, step))
    visitor.get(visitor.step_url(step.id))
    return app, visitor, consultation, step


def stored_count(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(PageAnswer))


def over_budget_form(consultation, page):
    budget = consultation.constraint(page.constraints[0]).max
    chosen, used, groups = [], 0, set()
    for option in sorted(page.options, key=lambda o: -o.use.get(page.constraints[0], 0)):
        if option.group in groups:
            continue
        chosen.append((option.id, "1"))
        used += option.use.get(page.constraints[0], 0)
        groups.add(option.group) if option.group else None
        if used > budget:
            return chosen
    raise AssertionError("the demo budget can never be exceeded")


def summary_links(html: str) -> list[str]:
    summary = html.split('id="error-summary"', 1)[1].split("</div>", 1)[0]
    return re.findall(r'href="#([^"]+)"', summary)


def submit(visitor, step, form):
    return visitor.post(visitor.step_url(step.id), form)


def test_over_budget_is_refused_with_message_in_dutch(lelylijn):
    app, visitor, consultation, step = lelylijn
    before = stored_count(app)
    form = over_budget_form(consultation, step.page)
    response = submit(visitor, step, form)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "<title>Fout: " in html
    assert "te hoog" in html  # "U zit ... te hoog" in Dutch
    assert summary_links(html)
    for option_id, _ in form:  # the choice is kept on screen
        assert re.search(rf'name="{option_id}" value="1" id="f-{option_id}" checked', html)
    assert stored_count(app) == before


def test_messages_follow_the_respondent_language(lelylijn):
    app, visitor, consultation, step = lelylijn
    visitor.get(visitor.step_url(step.id) + "?lang=en")
    html = submit(visitor, step, over_budget_form(consultation, step.page)).get_data(as_text=True)
    assert '<html lang="en">' in html and "Lower one or more options" in html


@pytest.mark.parametrize(
    "tamper, field",
    [
        (lambda form, page: form + [(page.options[0].id, "7")], "level"),  # a level that does not exist
        (lambda form, page: form + [("no_such_option", "1")], "unknown"),  # an unknown option id
        (lambda form, page: form + [(page.options[0].id, "-1")], "level"),  # a negative level
        (lambda form, page: form + [(page.options[0].id, "veel")], "level"),  # not a number
        (lambda form, page: form + [(page.options[0].id, "NaN")], "level"),
        (lambda form, page: form + [(page.options[0].id, "1e400")], "level"),
    ],
)
def test_tampered_portfolio_is_refused(lelylijn, tamper, field):
    app, visitor, consultation, step = lelylijn
    page = step.page
    valid = [(k, v) for k, v in valid_form(consultation, step) if k != page.options[0].id]
    before = stored_count(app)
    response = submit(visitor, step, tamper(valid, page))
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert summary_links(html)
    for option_id, value in valid:  # everything else they chose stays chosen
        assert re.search(rf'name="{option_id}" value="{value}" id="f-{option_id}"[^>]* checked', html)
    assert stored_count(app) == before


def test_points_negative_and_non_numeric_are_refused(app, example_texts, client):
    with app.app_context():
        import_definition(example_texts["lelylijn"], open_now=True)
        consultation = definition_of(find("lelylijn"))
    visitor = Visitor(client, "lelylijn")
    visitor.start()
    step = steps(consultation)[0]
    form = valid_form(consultation, step)
    goals = [g for g, _ in form]
    tampered = [(goals[0], "-10"), (goals[1], "tien")] + form[2:]
    response = visitor.answer(step.id, tampered)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert {f"f-{goals[0]}", f"f-{goals[1]}"} <= set(summary_links(html))
    assert 'value="tien"' in html  # what they typed is shown again to correct
    assert f'name="{goals[2]}" id="f-{goals[2]}" value="{form[2][1]}"' in html
    assert stored_count(app) == 0


def test_missing_required_answer_is_refused(app, example_texts, client):
    visitor, consultation = started(app, client, example_texts["ruimte-2050"], "ruimte-2050")
    for step in steps(consultation):
        if step.page.type == "questions" and any(q.required for q in step.page.questions):
            break
        visitor.answer(step.id, valid_form(consultation, step))
    required = next(q for q in step.page.questions if q.required)
    form = [(k, v) for k, v in valid_form(consultation, step) if k != required.id]
    before = stored_count(app)
    response = visitor.answer(step.id, form)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert f"f-{required.id}" in summary_links(html)
    assert 'aria-invalid="true"' in html
    assert stored_count(app) == before


def test_body_larger_than_the_limit_is_refused(lelylijn):
    app, visitor, consultation, step = lelylijn
    before = stored_count(app)
    huge = valid_form(consultation, step) + [("padding", "x" * (app.config["MAX_CONTENT_LENGTH"] + 10))]
    response = submit(visitor, step, huge)
    assert response.status_code == 413
    html = response.get_data(as_text=True)
    assert "te groot" in html and 'name="csrf_token"' in html  # the step itself, ready to try again
    assert stored_count(app) == before


def test_post_without_csrf_token_is_refused(lelylijn):
    app, visitor, consultation, step = lelylijn
    before = stored_count(app)
    response = visitor.client.post(visitor.step_url(step.id), data=dict(valid_form(consultation, step)))
    assert response.status_code == 400
    assert stored_count(app) == before


def test_recalculate_shows_totals_without_storing(lelylijn):
    app, visitor, consultation, step = lelylijn
    before = stored_count(app)
    form = valid_form(consultation, step) + [("action", "recalculate")]
    response = submit(visitor, step, form)
    assert response.status_code == 200
    assert "past binnen de grenzen" in response.get_data(as_text=True)
    assert stored_count(app) == before


def test_live_check_endpoint_uses_server_rules(lelylijn):
    app, visitor, consultation, step = lelylijn
    before = stored_count(app)
    response = visitor.post(visitor.step_url(step.id) + "/check", over_budget_form(consultation, step.page))
    data = response.get_json()
    assert data["ok"] is False and "meter" in data["html"]
    fine = visitor.post(visitor.step_url(step.id) + "/check", valid_form(consultation, step)).get_json()
    assert fine["ok"] is True
    assert stored_count(app) == before
