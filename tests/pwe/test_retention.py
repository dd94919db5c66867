"""Privacy: erasing a respondent by the code on their thank-you page, the export of everything
held about a consultation, and archiving that deletes the invitation links."""

from __future__ import annotations

import csv
import io
import json
import zipfile

from sqlalchemy import func, select

from pwe.extensions import db
from pwe.models import PageAnswer, Respondent, Response
from pwe.models_officials import ConsultationStatus as Status
from pwe.models_officials import Invitation
from pwe.services import lifecycle
from pwe.services.consultations import find
from tests.pwe.officials import logged_in, post
from tests.pwe.test_invitations import complete_through, links, opened


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def test_a_respondent_erased_by_the_code_on_their_thank_you_page(app, client, example_texts):
    opened(app, example_texts)
    link = links(app, n=1)[0]
    complete_through(app, client, link)
    page = client.get("/c/lelylijn/thanks").get_data(as_text=True)
    with app.app_context():
        code = db.session.scalar(select(Respondent.pseudonym))
    assert code in page and "responscode" in page
    admin = logged_in(app, "admin")
    response = post(admin, "/admin/c/lelylijn/erase", {"code": code}, token_from="/admin/c/lelylijn")
    assert response.status_code == 302
    with app.app_context():
        assert count(Respondent) == count(Response) == count(PageAnswer) == 0
        assert db.session.scalar(select(Invitation.used_at)) is not None  # the link stays used
    assert app.test_client().get(link.replace("http://localhost", "")).status_code == 410
    unknown = post(admin, "/admin/c/lelylijn/erase", {"code": code}, token_from="/admin/c/lelylijn")
    assert unknown.status_code == 422 and "No respondent" in unknown.get_data(as_text=True)


def test_analysts_cannot_erase(app, example_texts):
    opened(app, example_texts)
    analyst = logged_in(app, "analyst")
    assert (
        post(analyst, "/admin/c/lelylijn/erase", {"code": "x"}, token_from="/admin/c/lelylijn").status_code
        == 403
    )


def test_everything_held_about_a_consultation_in_one_zip(app, client, example_texts):
    opened(app, example_texts)
    complete_through(app, client, links(app, n=2)[0])
    archive = zipfile.ZipFile(
        io.BytesIO(logged_in(app, "analyst").get("/admin/c/lelylijn/everything.zip").get_data())
    )
    names = set(archive.namelist())
    assert {
        "definition.yaml",
        "revisions/0001.yaml",
        "respondents.csv",
        "choices.csv",
        "voided.csv",
        "invitation_batches.csv",
        "audit.csv",
    } <= names
    assert archive.read("definition.yaml").decode() == example_texts["lelylijn"]
    assert "panel,2,1,1,0" in archive.read("invitation_batches.csv").decode()


def test_archiving_deletes_the_invitation_links(app, example_texts):
    opened(app, example_texts)
    links(app, n=3)
    with app.app_context():
        row = find("lelylijn")
        lifecycle.change_status(row, Status.closed, "test")
        lifecycle.change_status(row, Status.archived, "test")
        assert count(Invitation) == 0


def test_free_texts_are_deleted_after_closing_and_the_rest_stays(app, client, example_texts):
    opened(app, example_texts)
    complete_through(app, client, links(app, n=1)[0])
    admin = logged_in(app, "admin")
    too_early = post(admin, "/admin/c/lelylijn/delete-free-texts", token_from="/admin/c/lelylijn")
    assert "only after closing" in admin.get(too_early.headers["Location"]).get_data(as_text=True)
    with app.app_context():
        lifecycle.change_status(find("lelylijn"), Status.closed, "test")
        before = db.session.scalar(select(Response.answers))
    assert any("Reden voor" in str(v) for v in before["why-investments"].values())
    post(admin, "/admin/c/lelylijn/delete-free-texts", token_from="/admin/c/lelylijn")
    with app.app_context():
        after = db.session.scalar(select(Response.answers))
        saved = dict(db.session.execute(select(PageAnswer.step_id, PageAnswer.answer)).all())
    assert after["why-investments"] == {} and saved["why-investments"] == {}
    assert after["evaluation"]["eval_improve"] is None and "Meer tijd" not in str(after)
    assert after["investments"] == before["investments"] and after["goals"] == before["goals"]


def test_the_retention_period_gives_the_date_the_answers_are_due_to_go(app, example_texts):
    opened(app, example_texts)
    admin = logged_in(app, "admin")
    response = post(
        admin,
        "/admin/c/lelylijn/schedule",
        {"grace_minutes": "120", "retention_days": "30"},
        token_from="/admin/c/lelylijn",
    )
    assert response.status_code == 302
    with app.app_context():
        row = find("lelylijn")
        lifecycle.change_status(row, Status.closed, "test")
        assert (lifecycle.keep_until(row) - row.closed_at).days == 30
    assert "The retention period ends on" in admin.get("/admin/c/lelylijn").get_data(as_text=True)


def test_the_zip_holds_what_unfinished_respondents_saved_and_drafted_spreadsheet_safe(app, example_texts):
    from pwe.services import drafts
    from tests.pwe.test_drafts import walk_to
    from tests.pwe.visitor import respondent_row

    opened(app, example_texts)
    unfinished = app.test_client()
    walk_to(app, unfinished, "lelylijn", lambda s: s.kind == "motivation")
    with app.app_context():
        respondent = respondent_row(unfinished, "lelylijn")
        code = respondent.pseudonym
        assert drafts.keep(respondent.id, "why-investments", {"why": '=HYPERLINK("http://x")'})
    archive = zipfile.ZipFile(
        io.BytesIO(logged_in(app, "analyst").get("/admin/c/lelylijn/everything.zip").get_data())
    )
    lines = archive.read("unfinished.csv").decode().splitlines()
    assert lines[0] == "respondent,step,kind,saved_at,answer"
    assert any(line.startswith(f"{code},") and ",saved," in line for line in lines[1:])
    rows = list(csv.reader(lines))
    draft = next(row for row in rows if row[2] == "draft")
    # every cell a spreadsheet would read as a formula is quoted; the answer is JSON text
    assert draft[0] == code and json.loads(draft[4]) == {"why": '=HYPERLINK("http://x")'}
    assert not any(cell[:1] in "=+-@" for row in rows for cell in row if cell)
