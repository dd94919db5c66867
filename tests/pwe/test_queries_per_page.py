"""What a citizen page costs the database: the queries docs/performance.md counts, kept from
growing back, and a request's session settings kept to that request."""

from __future__ import annotations

from contextlib import contextmanager

from sqlalchemy import event

from pwe.extensions import db
from pwe.flow import steps
from tests.pwe.visitor import respondent_consultation, started, valid_form


@contextmanager
def counted(app):
    statements: list[str] = []
    with app.app_context():
        engine = db.engine

    def record(_conn, _cursor, statement, *_args):
        statements.append(statement)

    event.listen(engine, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", record)


def test_a_step_page_and_its_submission_make_few_queries(app, client, example_texts):
    visitor, consultation = started(app, client, example_texts["lelylijn"], "lelylijn")
    first, second = steps(consultation)[:2]
    assert visitor.answer(first.id, valid_form(consultation, first)).status_code == 302
    with counted(app) as statements:
        assert visitor.get(f"/c/lelylijn/{second.id}").status_code == 200
    # the consultation with the session's respondent and their response; saved answers with
    # touched steps and draft
    assert len(statements) == 2, statements
    with counted(app) as statements:
        assert visitor.post(visitor.step_url(second.id), valid_form(consultation, second)).status_code == 302
    # the same two and the upsert; no draft to delete, no row read again after the commit
    assert len(statements) == 3, statements


def test_a_submission_with_a_draft_deletes_it(app, client, example_texts):
    visitor, consultation = started(app, client, example_texts["lelylijn"], "lelylijn")
    first = steps(consultation)[0]
    assert (
        visitor.answer(first.id, [*valid_form(consultation, first), ("action", "language")]).status_code
        == 302
    )
    visitor.get(visitor.step_url(first.id))
    with counted(app) as statements:
        assert visitor.post(visitor.step_url(first.id), valid_form(consultation, first)).status_code == 302
    assert any(statement.startswith("DELETE FROM step_draft") for statement in statements)
    visitor.get(visitor.step_url(first.id))
    with counted(app) as statements:
        assert visitor.post(visitor.step_url(first.id), valid_form(consultation, first)).status_code == 302
    assert not any(statement.startswith("DELETE FROM step_draft") for statement in statements)


def test_a_citizen_request_leaves_the_session_expiring_rows(app, client, example_texts):
    """The citizens' requests keep their rows after a commit; code around them, sharing an
    application context (a test, a command), still sees rows read again after its commits."""
    with app.app_context():
        visitor, consultation = started(app, client, example_texts["lelylijn"], "lelylijn")
        first = steps(respondent_consultation(client, "lelylijn"))[0]
        assert visitor.answer(first.id, valid_form(consultation, first)).status_code == 302
        assert db.session().expire_on_commit is True
