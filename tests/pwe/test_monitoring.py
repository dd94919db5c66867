"""The consultation page for officials: monitoring figures without answers, audited downloads."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from pwe.extensions import db
from pwe.models import Respondent, Response
from pwe.services.consultations import definition_of, find, import_definition
from pwe.services.monitoring import monitoring
from tests.pwe.officials import logged_in
from tests.pwe.visitor import Visitor, respondent_consultation, valid_form


def complete_one(app, client):
    from pwe.flow import steps

    visitor = Visitor(client, "lelylijn")
    visitor.start()
    with app.app_context():
        view = respondent_consultation(client, "lelylijn")
    for step in steps(view):
        visitor.answer(step.id, valid_form(view, step))


def test_funnel_durations_and_fast_respondents(app, example_texts):
    with app.app_context():
        import_definition(example_texts["lelylijn"], open_now=True)
    for _ in range(3):
        complete_one(app, app.test_client())
    Visitor(app.test_client(), "lelylijn").start()  # started, nothing saved
    with app.app_context():
        # two took 30 minutes, one 2 minutes
        for index, respondent in enumerate(db.session.scalars(select(Respondent).order_by(Respondent.id))):
            if respondent.response is not None:
                respondent.started_at = respondent.response.completed_at - timedelta(
                    minutes=2 if index == 0 else 30
                )
        db.session.commit()
        row = find("lelylijn")
        figures = monitoring(row, definition_of(row))
        first_code = db.session.scalar(select(Respondent.pseudonym).order_by(Respondent.id))
    assert figures.started == 4 and figures.completed == 3
    assert figures.funnel[1] == ("answered goals", 3)
    assert round(figures.median_minutes) == 30
    assert [code for code, _ in figures.fast] == [first_code]
    assert sum(r[3] for r in figures.per_day) == 3 and figures.sources == ["open"]


def test_the_page_shows_counts_but_no_answers_and_downloads_are_audited(app, example_texts):
    with app.app_context():
        import_definition(example_texts["lelylijn"], open_now=True)
    complete_one(app, app.test_client())
    analyst = logged_in(app, "analyst")
    page = analyst.get("/admin/c/lelylijn").get_data(as_text=True)
    assert "Funnel" in page and "chart-per-day" in page
    assert "Reden voor" not in page and "Meer tijd voor uitleg" not in page
    download = analyst.get("/admin/c/lelylijn/export/choices.csv")
    assert download.status_code == 200 and download.mimetype == "text/csv"
    with app.app_context():
        assert db.session.scalar(select(Response.id)) is not None
    admin = logged_in(app, "admin")
    assert "export.download" in admin.get("/admin/audit").get_data(as_text=True)


def test_editors_see_no_downloads(app, example_texts):
    with app.app_context():
        import_definition(example_texts["lelylijn"], open_now=True)
    editor = logged_in(app, "editor")
    assert "export/respondents.csv" not in editor.get("/admin/c/lelylijn").get_data(as_text=True)
    assert editor.get("/admin/c/lelylijn/export/respondents.csv").status_code == 403
