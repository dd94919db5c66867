"""Twenty simultaneous final submissions of one respondent store exactly one response."""

from __future__ import annotations

import threading

from sqlalchemy import func, select

from pwe.extensions import db
from pwe.flow import steps
from pwe.models import Respondent, Response
from tests.pwe.visitor import Visitor, started, valid_form

SUBMISSIONS = 20
TABS = 8


def post_at_once(app, client, visitor, step_id: str, form, tabs: int) -> list[int]:
    """The same step posted from `tabs` copies of the respondent's session at the same moment."""
    cookie = client.get_cookie(app.config["SESSION_COOKIE_NAME"]).value
    barrier = threading.Barrier(tabs)
    statuses = []

    def post():
        tab = app.test_client()
        tab.set_cookie(app.config["SESSION_COOKIE_NAME"], cookie)
        copy = Visitor(tab, visitor.slug)
        copy.token = visitor.token
        barrier.wait(timeout=30)
        statuses.append(copy.post(copy.step_url(step_id), form).status_code)

    threads = [threading.Thread(target=post) for _ in range(tabs)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return statuses


def test_concurrent_final_submissions_store_one_response(app, client, example_texts):
    visitor, consultation = started(app, client, example_texts["lelylijn"], "lelylijn")
    all_steps = steps(consultation)
    for step in all_steps[:-1]:
        visitor.answer(step.id, valid_form(consultation, step))
    last = all_steps[-1]
    visitor.get(visitor.step_url(last.id))
    statuses = post_at_once(app, client, visitor, last.id, valid_form(consultation, last), SUBMISSIONS)
    assert statuses == [302] * SUBMISSIONS  # every tab ends on the thank-you page
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Response)) == 1


def test_database_constraint_decides_between_simultaneous_completions(app, client, example_texts):
    """Past every check in the views, the unique constraint alone must keep the second row out."""
    from pwe.services import responses

    visitor, consultation = started(app, client, example_texts["lelylijn"], "lelylijn")
    first, last = steps(consultation)[0], steps(consultation)[-1]
    visitor.answer(first.id, valid_form(consultation, first))
    with app.app_context():
        respondent_id = db.session.scalar(select(Respondent.id))
    barrier = threading.Barrier(SUBMISSIONS)
    outcomes = []

    def complete():
        barrier.wait(timeout=30)
        with app.app_context():
            # after the barrier: twenty threads holding connections before it would drain the pool
            respondent = db.session.get(Respondent, respondent_id)
            outcomes.append(responses.complete(respondent, consultation, last.id, {"grade": 8}))
            db.session.remove()

    threads = [threading.Thread(target=complete) for _ in range(SUBMISSIONS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(outcomes) == [False] * (SUBMISSIONS - 1) + [True]
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Response)) == 1


def test_two_tabs_saving_the_first_step_at_once_make_one_respondent(app, client, example_texts):
    visitor, consultation = started(app, client, example_texts["lelylijn"], "lelylijn")
    first = steps(consultation)[0]
    visitor.get(visitor.step_url(first.id))
    statuses = post_at_once(app, client, visitor, first.id, valid_form(consultation, first), TABS)
    assert statuses == [302] * TABS
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Respondent)) == 1
