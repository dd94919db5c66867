"""Invitation batches: single-use links kept only as hashes, the batch as source, revocation,
a polite page for a second use, voided responses out of the export."""

from __future__ import annotations

import csv
import io

import pytest
from click.testing import CliRunner
from sqlalchemy import select, text

from pwe.cli import main
from pwe.extensions import db
from pwe.models import Respondent
from pwe.services import voiding
from pwe.services.consultations import find, import_definition
from pwe.services.export import completed_records
from pwe.services.invitations import create_links
from tests.conftest import EXAMPLES
from tests.pwe.officials import logged_in, post
from tests.pwe.test_cli import cli_env, run  # noqa: F401  (the CLI on the test database)
from tests.pwe.visitor import Visitor, respondent_consultation, valid_form


def opened(app, example_texts):
    with app.app_context():
        import_definition(example_texts["lelylijn"], open_now=True)


def links(app, n=3, batch="panel"):
    with app.app_context():
        return create_links(find("lelylijn"), batch, n, "test", "http://localhost/")


def complete_through(app, client, link: str):
    """Follow an invitation link and answer every step; the last response."""
    from pwe.flow import steps

    visitor = Visitor(client, "lelylijn")
    assert client.get(link.replace("http://localhost", "")).status_code == 302
    visitor.start()
    with app.app_context():
        view = respondent_consultation(client, "lelylijn")
    response = None
    for step in steps(view):
        response = visitor.answer(step.id, valid_form(view, step))
    return response


def test_a_link_works_once_and_its_batch_is_the_source(app, client, example_texts):
    opened(app, example_texts)
    link = links(app)[0]
    done = complete_through(app, client, link)
    assert done.status_code == 302 and done.headers["Location"].endswith("/thanks")
    with client.session_transaction() as session:
        assert session["invited"] == ["lelylijn"]
    with app.app_context():
        consultation, _, records = completed_records("lelylijn")
        records = list(records)
        assert [r["source"] for r in records] == ["panel"]
    second = app.test_client().get(link.replace("http://localhost", ""))
    assert second.status_code == 410
    assert "al gebruikt" in second.get_data(as_text=True)


def test_tokens_are_stored_only_as_hashes(app, example_texts):
    opened(app, example_texts)
    made = links(app, n=5)
    tokens = [link.rsplit("/", 1)[-1] for link in made]
    with app.app_context():
        stored = " ".join(
            str(value) for row in db.session.execute(text("SELECT * FROM invitation")) for value in row
        )
    assert not any(token in stored for token in tokens)


def test_a_revoked_link_is_refused_politely_and_cannot_complete(app, client, example_texts):
    opened(app, example_texts)
    first, second = links(app, n=2)
    admin = logged_in(app, "editor")
    response = post(
        admin,
        "/admin/c/lelylijn/invitations/revoke",
        {"links": first},
        token_from="/admin/c/lelylijn/invitations",
    )
    assert response.status_code == 302
    refused = app.test_client().get(first.replace("http://localhost", ""))
    assert refused.status_code == 410 and "ingetrokken" in refused.get_data(as_text=True)
    # revoked while answering: the last step is refused, nothing is stored
    visitor_client = app.test_client()
    visitor_client.get(second.replace("http://localhost", ""))
    post(
        admin,
        "/admin/c/lelylijn/invitations/revoke",
        {"batch": "panel"},
        token_from="/admin/c/lelylijn/invitations",
    )
    assert Visitor(visitor_client, "lelylijn").start().status_code == 410


def test_unknown_links_get_a_polite_page(app, client, example_texts):
    opened(app, example_texts)
    response = client.get("/c/lelylijn/i/not-a-token")
    assert response.status_code == 404 and "kennen wij niet" in response.get_data(as_text=True)


def test_invitations_in_the_browser_are_downloaded_once(app, example_texts):
    opened(app, example_texts)
    editor = logged_in(app, "editor")
    response = post(
        editor,
        "/admin/c/lelylijn/invitations",
        {"batch": "panel", "count": "50"},
        token_from="/admin/c/lelylijn/invitations",
    )
    assert response.status_code == 200 and response.mimetype == "text/csv"
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
    assert len(rows) == 50 and rows[0]["link"].startswith("http://localhost/c/lelylijn/i/")
    page = editor.get("/admin/c/lelylijn/invitations").get_data(as_text=True)
    assert rows[0]["link"] not in page and ">50<" in page


def test_a_bad_batch_name_gets_a_message_next_to_the_field(app, example_texts):
    opened(app, example_texts)
    editor = logged_in(app, "editor")
    response = post(
        editor,
        "/admin/c/lelylijn/invitations",
        {"batch": "Open Panel!", "count": "5"},
        token_from="/admin/c/lelylijn/invitations",
    )
    assert response.status_code == 422
    assert "cannot be a batch name" in response.get_data(as_text=True)


def test_invitations_command_writes_a_link_column(cli_env, tmp_path):
    run("import", "--open", str(EXAMPLES / "lelylijn.yaml"))
    out = tmp_path / "links.csv"
    result = run("invitations", "lelylijn", "--batch", "panel", "-n", "4", "--out", str(out))
    assert result.exit_code == 0 and "4 links" in result.output
    rows = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8"))))
    assert len(rows) == 4 and rows[0]["link"].startswith("http://127.0.0.1:5000/c/lelylijn/i/")
    again = CliRunner().invoke(
        main, ["invitations", "lelylijn", "--batch", "panel", "-n", "4", "--out", str(out)]
    )
    assert again.exit_code == 1 and "exists already" in again.output


def test_a_voided_response_leaves_the_export_and_stays_in_the_audit_log(app, client, example_texts):
    opened(app, example_texts)
    complete_through(app, client, links(app, n=1)[0])
    with app.app_context():
        code = db.session.scalar(select(Respondent.pseudonym))
    analyst = logged_in(app, "analyst")
    response = post(
        analyst,
        "/admin/c/lelylijn/void",
        {"respondent": code, "reason": "duplicate"},
        token_from="/admin/c/lelylijn",
    )
    assert response.status_code == 302
    with app.app_context():
        assert list(completed_records("lelylijn")[2]) == []
        with pytest.raises(voiding.VoidError, match="voided already"):
            voiding.void(find("lelylijn"), code, "again", "test")
    assert "response.void" in logged_in(app, "admin", "boss@example.nl").get("/admin/audit").get_data(
        as_text=True
    )
