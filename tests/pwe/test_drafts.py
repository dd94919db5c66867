"""Drafts: "Vorige", the language switch and Recalculate keep what was typed on a step, unchecked,
per respondent and step; a motivation comes back only under the question it answered."""

from __future__ import annotations

import json
import re
from datetime import timedelta
from html import unescape

import pytest
from sqlalchemy import func, select

from pwe.citizens import drafting
from pwe.extensions import db
from pwe.flow import steps
from pwe.models import PageAnswer, Respondent, Response, StepDraft
from pwe.services import drafts
from pwe.services.consultations import definition_of, find, import_definition
from pwe.services.pruning import prune
from surveys.answers import MOTIVATION_MAX_LENGTH, MOTIVATION_PREFIX
from tests.pwe.visitor import Visitor, respondent_consultation, respondent_row, valid_form


@pytest.fixture
def demo(app, example_texts):
    with app.app_context():
        for text in example_texts.values():
            import_definition(text, open_now=True)
    return app


def lelylijn_portfolio(app):
    with app.app_context():
        consultation = definition_of(find("lelylijn"))
    step = next(s for s in steps(consultation) if s.kind == "motivation")
    return consultation, step


def draft_rows(respondent_id=None) -> list[StepDraft]:
    query = select(StepDraft)
    if respondent_id is not None:
        query = query.where(StepDraft.respondent_id == respondent_id)
    return list(db.session.scalars(query))


def textarea(html: str, name: str) -> str:
    found = re.search(rf'<textarea[^>]*name="{name}"[^>]*>(.*?)</textarea>', html, re.S)
    assert found, name
    return unescape(found.group(1))


def label_for(html: str, name: str) -> str:
    found = re.search(rf'<label[^>]*for="f-{name}"[^>]*>(.*?)</label>', html, re.S)
    assert found, name
    return unescape(re.sub(r"<[^>]+>", "", found.group(1))).strip()


def input_value(html: str, name: str) -> str:
    found = re.search(rf'<input[^>]*name="{name}"[^>]*value="([^"]*)"', html)
    assert found, name
    return unescape(found.group(1))


def walk_to(app, client, slug: str, stop):
    """Start and save every step validly until the one `stop` accepts; that step and the view."""
    visitor = Visitor(client, slug)
    visitor.start()
    with app.app_context():
        consultation = respondent_consultation(client, slug)
    for step in steps(consultation):
        if stop(step):
            visitor.get(visitor.step_url(step.id))
            return visitor, consultation, step
        assert visitor.answer(step.id, valid_form(consultation, step)).status_code == 302


# --- the draft store and the rules, as plain functions --------------------------------------------


def test_a_draft_is_bounded_before_it_is_stored():
    kept = drafts.bounded({"many": [str(i) for i in range(5000)], "odd": {"nested": 1}, "n": 3})
    assert len(kept["many"]) == drafts.MAX_VALUES
    assert "odd" not in kept and kept["n"] == 3
    assert drafts.bounded({"huge": "x" * (drafts.MAX_DRAFT_CHARS + 1)}) is None


def test_the_store_keeps_one_draft_per_step_and_forgets_it(demo, client):
    visitor, consultation, step = walk_to(demo, client, "lelylijn", lambda s: s.kind == "motivation")
    with demo.app_context():
        respondent = respondent_row(client, "lelylijn")
        assert drafts.keep(respondent.id, step.id, {"a": "first"})
        assert drafts.keep(respondent.id, step.id, {"a": "second"})
        assert drafts.keep(respondent.id, "other", {"b": "x"})
        assert drafts.load(respondent.id, step.id) == {"a": "second"}
        assert len(draft_rows(respondent.id)) == 2
        assert drafts.load(None, step.id) is None
        drafts.discard(respondent.id, step.id)
        db.session.commit()
        assert drafts.load(respondent.id, step.id) is None
        assert not drafts.keep(respondent.id, step.id, {"a": "x" * drafts.MAX_DRAFT_CHARS})
        assert drafts.load(respondent.id, step.id) is None  # nothing half-written


def test_motivation_texts_are_kept_per_option_and_direction(demo):
    consultation, step = lelylijn_portfolio(demo)
    page = step.page
    toggle = page.options[0]
    assert drafting.direction(toggle, 1) == "more" and drafting.direction(toggle, 0) == "same"
    chosen = {page.id: {toggle.id: 1}}
    draft = drafting.draft_of(step, {toggle.id: "Snel is goed"}, chosen, None)
    assert draft[f"{toggle.id}:more"] == "Snel is goed"
    # the same draft answers only the question it was written for
    assert drafting.shown(step, {}, chosen, draft) == {toggle.id: "Snel is goed"}
    not_chosen = {page.id: {toggle.id: 0}}
    assert drafting.shown(step, {}, not_chosen, draft) == {}
    # a text written under "why not" is kept beside it, and a cleared one stays cleared
    both = drafting.draft_of(step, {toggle.id: "Te duur"}, not_chosen, draft)
    assert both[f"{toggle.id}:more"] == "Snel is goed" and both[f"{toggle.id}:same"] == "Te duur"
    cleared = drafting.draft_of(step, {}, chosen, both)
    assert drafting.shown(step, {toggle.id: "saved earlier"}, chosen, cleared) == {}


def test_a_saved_motivation_whose_question_changed_is_set_aside(demo):
    consultation, step = lelylijn_portfolio(demo)
    page = step.page
    a, b = page.options[0], page.options[1]
    kept, draft = drafting.set_aside(
        page, {a.id: 1, b.id: 1}, {a.id: 0, b.id: 1}, {a.id: "waarom wel", b.id: "ook wel"}, None
    )
    assert kept == {b.id: "ook wel"}
    assert draft == {f"{a.id}:more": "waarom wel"}
    # a newer draft text for the old question wins over the saved one
    _, draft = drafting.set_aside(page, {a.id: 1}, {a.id: 0}, {a.id: "oud"}, {f"{a.id}:more": "nieuwer"})
    assert draft == {f"{a.id}:more": "nieuwer"}


# --- through the test client: no JavaScript, the form posts -----------------------------------


def test_previous_keeps_unchecked_input_even_from_the_first_step(demo, client):
    """A start has no row yet: going back from the first step creates it, as a saved step does."""
    visitor = Visitor(client, "lelylijn")
    visitor.start()
    with demo.app_context():
        consultation = respondent_consultation(client, "lelylijn")
    first = steps(consultation)[0]
    goals = [g.id for g in first.page.goals]
    url = visitor.step_url(first.id)
    visitor.get(url)
    sent = visitor.post(url, {goals[0]: "9999", goals[1]: "veel", "action": "previous"})
    assert sent.status_code == 302 and sent.headers["Location"].endswith("/c/lelylijn")
    html = visitor.get(url).get_data(as_text=True)
    assert input_value(html, goals[0]) == "9999" and input_value(html, goals[1]) == "veel"
    assert 'id="error-summary"' not in html  # a draft is shown, not judged
    with demo.app_context():
        respondent = respondent_row(client, "lelylijn")
        assert respondent is not None
        assert db.session.scalar(select(func.count()).select_from(PageAnswer)) == 0  # not an answer


def test_the_language_switch_keeps_input_and_shows_the_same_step(demo, client):
    visitor, consultation, step = walk_to(demo, client, "lelylijn", lambda s: s.kind == "motivation")
    option = step.page.options[0]
    url = visitor.step_url(step.id)
    sent = visitor.client.post(
        f"{url}?lang=en",
        data={"csrf_token": visitor.token, f"why-{option.id}": "Fietsen is gezond", "action": "language"},
    )
    assert sent.status_code == 302 and sent.headers["Location"].endswith(url)
    html = visitor.get(url).get_data(as_text=True)
    assert '<html lang="en">' in html
    assert textarea(html, f"why-{option.id}") == "Fietsen is gezond"


def test_recalculate_keeps_the_input_for_the_way_back(demo, client):
    visitor, consultation, step = walk_to(
        demo, client, "lelylijn", lambda s: s.kind == "page" and s.page.type == "portfolio"
    )
    url = visitor.step_url(step.id)
    every = [(o.id, "1") for o in step.page.options]  # over the budget: not a valid answer
    assert visitor.post(url, every + [("action", "recalculate")]).status_code in (200, 422)
    html = visitor.get(url).get_data(as_text=True)
    for option in step.page.options:
        assert re.search(rf'<input[^>]*name="{option.id}"[^>]*checked', html), option.id


def test_hostile_drafts_never_crash_and_stay_bounded(demo, client):
    visitor, consultation, step = walk_to(demo, client, "lelylijn", lambda s: s.kind == "motivation")
    url = visitor.step_url(step.id)
    first, second = step.page.options[0].id, step.page.options[1].id
    form = [(f"why-{first}", "x" * 200_000), (f"why-{second}", "een"), (f"why-{second}", "twee")]
    form += [(f"made-up-{i}", "y" * 50) for i in range(300)] + [("action", "previous")]
    assert visitor.post(url, form).status_code == 302
    with demo.app_context():
        (row,) = draft_rows(respondent_row(client, "lelylijn").id)
        assert not any(key.startswith("made-up") for key in row.values)
        assert len(json.dumps(row.values)) < 3 * MOTIVATION_MAX_LENGTH + 2000
    html = visitor.get(url).get_data(as_text=True)
    assert textarea(html, f"why-{first}") == "x" * (2 * MOTIVATION_MAX_LENGTH)
    # a body over the limit is refused politely, and the draft kept before stays
    too_big = visitor.post(url, {f"why-{first}": "z" * 400_000, "action": "previous"})
    assert too_big.status_code == 413
    assert textarea(too_big.get_data(as_text=True), f"why-{first}") == "x" * (2 * MOTIVATION_MAX_LENGTH)


def test_a_valid_save_ends_the_draft_and_drafts_never_reach_the_response(demo, client):
    visitor, consultation, step = walk_to(demo, client, "lelylijn", lambda s: s.kind == "motivation")
    url = visitor.step_url(step.id)
    visitor.post(url, {f"why-{step.page.options[0].id}": "alleen een concept", "action": "previous"})
    with demo.app_context():
        respondent_id = respondent_row(client, "lelylijn").id
        assert len(draft_rows(respondent_id)) == 1
    form = valid_form(consultation, step)
    assert visitor.answer(step.id, form).status_code == 302
    with demo.app_context():
        assert draft_rows(respondent_id) == []
    # a draft on a later step, then the response completed: the draft goes, the answers stay
    rest = steps(consultation)[steps(consultation).index(step) + 1 :]
    visitor.post(visitor.step_url(rest[0].id), {"action": "previous", "made-up": "x"})
    for later in rest:
        assert visitor.answer(later.id, valid_form(consultation, later)).status_code == 302
    with demo.app_context():
        assert draft_rows(respondent_id) == []
        stored = db.session.scalar(select(Response).where(Response.respondent_id == respondent_id))
        assert "alleen een concept" not in json.dumps(stored.answers)


def _portfolio_form(step, levels: dict) -> list[tuple[str, str]]:
    return [(o.id, str(levels[o.id])) for o in step.page.options if levels[o.id]]


def test_a_motivation_never_reappears_under_the_opposite_question(demo, client):
    visitor, consultation, motivation = walk_to(demo, client, "lelylijn", lambda s: s.kind == "motivation")
    portfolio = steps(consultation)[steps(consultation).index(motivation) - 1]
    with demo.app_context():
        levels = dict(drafting.chosen_levels(portfolio.page, {portfolio.id: _saved(client, portfolio.id)}))
    option = next(o for o in portfolio.page.options if levels[o.id])  # one that was chosen
    field, url = f"{MOTIVATION_PREFIX}{option.id}", visitor.step_url(motivation.id)
    html = visitor.get(url).get_data(as_text=True)
    asked = label_for(html, field)

    # a draft: typed, then "Vorige", then the choice changed
    visitor.post(url, {field: "Mijn reden", "action": "previous"})
    assert (
        visitor.answer(portfolio.id, _portfolio_form(portfolio, {**levels, option.id: 0})).status_code == 302
    )
    html = visitor.get(url).get_data(as_text=True)
    assert label_for(html, field) != asked and textarea(html, field) == ""
    # chosen again: the text comes back under its own question
    assert visitor.answer(portfolio.id, _portfolio_form(portfolio, levels)).status_code == 302
    html = visitor.get(url).get_data(as_text=True)
    assert label_for(html, field) == asked and textarea(html, field) == "Mijn reden"

    # a saved motivation: the changed choice takes it out of the saved answer too
    assert visitor.answer(motivation.id, {field: "Opgeslagen reden"}).status_code == 302
    assert (
        visitor.answer(portfolio.id, _portfolio_form(portfolio, {**levels, option.id: 0})).status_code == 302
    )
    with demo.app_context():
        assert option.id not in _saved(client, motivation.id)
    assert textarea(visitor.get(url).get_data(as_text=True), field) == ""
    assert visitor.answer(portfolio.id, _portfolio_form(portfolio, levels)).status_code == 302
    assert textarea(visitor.get(url).get_data(as_text=True), field) == "Opgeslagen reden"


def _saved(client, step_id: str) -> dict:
    respondent = respondent_row(client, "lelylijn")
    return db.session.scalar(
        select(PageAnswer.answer).where(
            PageAnswer.respondent_id == respondent.id, PageAnswer.step_id == step_id
        )
    )


def test_drafts_go_with_the_respondent_when_pruned(demo, client):
    visitor = Visitor(client, "lelylijn")
    visitor.start()
    with demo.app_context():
        first = steps(respondent_consultation(client, "lelylijn"))[0]
    visitor.get(visitor.step_url(first.id))
    visitor.post(visitor.step_url(first.id), {"action": "previous"})
    with demo.app_context():
        respondent = respondent_row(client, "lelylijn")
        assert prune(timedelta(days=7)) == 0  # a fresh draft is activity
        respondent.started_at -= timedelta(days=10)
        for row in draft_rows(respondent.id):
            row.saved_at -= timedelta(days=10)
        db.session.commit()
        assert prune(timedelta(days=7)) == 1
        assert draft_rows() == [] and db.session.scalar(select(func.count()).select_from(Respondent)) == 0
