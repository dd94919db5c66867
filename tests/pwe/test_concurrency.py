"""Twenty simultaneous final submissions of one respondent store exactly one response."""
from __future__ import annotations

import threading

from sqlalchemy import func, select

from pwe.extensions import db
from pwe.flow import steps
from pwe.models import Respondent, Response
from pwe.services.consultations import definition_of, find, import_definition
from tests.pwe.visitor import Visitor, started, valid_form

SUBMISSIONS = 20


def test_concurrent_final_submissions_store_one_response(app, client, example_texts):
    visitor, consultation = started(app, client, example_texts["lelylijn"], "lelylijn")
    all_steps = steps(consultation)
    for step in all_steps[:-1]:
        visitor.answer(step.id, valid_form(consultation, step))
    last = all_steps[-1]
    visitor.get(visitor.step_url(last.id))
    cookie = client.get_cookie(app.config["SESSION_COOKIE_NAME"]).value
    form = valid_form(consultation, last)
    barrier = threading.Barrier(SUBMISSIONS)
    statuses = []

    def submit_final():
        twin = app.test_client()
        twin.set_cookie(app.config["SESSION_COOKIE_NAME"], cookie)
        copy = Visitor(twin, "lelylijn")
        copy.token = visitor.token
        barrier.wait(timeout=30)
        statuses.append(copy.post(copy.step_url(last.id), form).status_code)

    threads = [threading.Thread(target=submit_final) for _ in range(SUBMISSIONS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert statuses == [302] * SUBMISSIONS  # every tab ends on the thank-you page
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Response)) == 1


def test_database_constraint_decides_between_simultaneous_completions(app, client, example_texts):
    """Past every check in the views, the unique constraint alone must keep the second row out."""
    from pwe.services import responses

    with app.app_context():
        import_definition(example_texts["lelylijn"], open_now=True)
    Visitor(client, "lelylijn").start()
    with app.app_context():
        respondent_id = db.session.scalar(select(Respondent.id))
        consultation = definition_of(find("lelylijn"))
    last = steps(consultation)[-1]
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
