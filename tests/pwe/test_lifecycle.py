"""draft -> open -> closed -> archived, by command, by button and by the clock; the grace period
for those who started; the frozen definition once people have answered."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from click.testing import CliRunner

from pwe.cli import main
from pwe.extensions import db
from pwe.models import utcnow
from pwe.models_officials import ConsultationStatus as Status
from pwe.services import lifecycle
from pwe.services.consultations import ImportRefused, find, import_definition
from tests.conftest import EXAMPLES
from tests.pwe.test_cli import cli_env, run  # noqa: F401  (the CLI on the test database)
from tests.pwe.visitor import Visitor

LELYLIJN = EXAMPLES / "lelylijn.yaml"


def set_fields(app, **fields):
    with app.app_context():
        row = find("lelylijn")
        for name, value in fields.items():
            setattr(row, name, value)
        db.session.commit()


def test_import_makes_a_draft_that_only_preview_shows(cli_env, client):
    assert "lelylijn created" in run("import", str(LELYLIJN)).output
    assert client.get("/c/lelylijn").status_code == 404
    assert "lelylijn" not in client.get("/").get_data(as_text=True)
    assert run("status", "lelylijn").output.startswith("lelylijn: draft")


def test_open_close_and_status_by_command(cli_env, client):
    run("import", str(LELYLIJN))
    assert run("open", "lelylijn").output.strip() == "lelylijn: open"
    assert client.get("/c/lelylijn").status_code == 200
    assert run("close", "lelylijn").output.strip() == "lelylijn: closed"
    assert client.get("/c/lelylijn").status_code == 410
    again = CliRunner().invoke(main, ["close", "lelylijn"])
    assert again.exit_code == 1 and "cannot close" in again.output
    assert "lelylijn: closed (0 respondents; closed_at" in run("status").output


def test_import_with_open_opens_at_once(cli_env, client):
    assert run("import", "--open", str(LELYLIJN)).exit_code == 0
    assert client.get("/c/lelylijn").status_code == 200


def test_status_of_an_unknown_consultation_names_the_known_ones(cli_env):
    run("import", str(LELYLIJN))
    result = CliRunner().invoke(main, ["open", "lelylijm"])
    assert result.exit_code == 1 and "known: lelylijn" in result.output


def test_opening_and_closing_times_take_effect_on_their_own(app, client, example_texts):
    with app.app_context():
        import_definition(example_texts["lelylijn"])
    set_fields(app, opens_at=utcnow() + timedelta(hours=1))
    assert client.get("/c/lelylijn").status_code == 404
    set_fields(app, opens_at=utcnow() - timedelta(minutes=1))
    assert client.get("/c/lelylijn").status_code == 200
    assert "lelylijn" in client.get("/").get_data(as_text=True)
    set_fields(app, closes_at=utcnow() - timedelta(seconds=1))
    assert client.get("/c/lelylijn").status_code == 410
    assert "lelylijn" not in client.get("/").get_data(as_text=True)


def test_closed_page_says_when_results_are_expected(app, client, example_texts):
    with app.app_context():
        import_definition(example_texts["lelylijn"], open_now=True)
        lifecycle.change_status(find("lelylijn"), Status.closed, "test")
    set_fields(app, results_expected_on=date(2027, 6, 30))
    page = client.get("/c/lelylijn?lang=en")
    assert page.status_code == 410
    assert "The results are expected on 30 June 2027." in page.get_data(as_text=True)


def test_starters_may_finish_within_the_grace_period_newcomers_may_not(app, client, example_texts):
    with app.app_context():
        import_definition(example_texts["lelylijn"], open_now=True)
    starter = Visitor(client, "lelylijn")
    first_step = starter.start().headers["Location"]
    with app.app_context():
        lifecycle.change_status(find("lelylijn"), Status.closed, "test")
    newcomer = Visitor(app.test_client(), "lelylijn")
    assert newcomer.get("/c/lelylijn").status_code == 410
    assert starter.get(first_step).status_code == 200
    # the grace period has passed
    set_fields(app, closed_at=utcnow() - timedelta(minutes=121))
    assert starter.get(first_step).status_code == 410


def test_lifecycle_refuses_changes_it_lacks(app, example_texts):
    with app.app_context():
        import_definition(example_texts["lelylijn"])
        row = find("lelylijn")
        with pytest.raises(lifecycle.LifecycleError, match="draft; it cannot archive"):
            lifecycle.change_status(row, Status.archived, "test")


def test_once_answered_only_texts_may_change_and_that_is_audited(app, client, example_texts):
    text = example_texts["lelylijn"]
    with app.app_context():
        import_definition(text, open_now=True)
    Visitor(client, "lelylijn").start()
    with app.app_context():
        corrected = text.replace("Lelylijn", "Lelylijn (gecorrigeerd)", 1)
        assert import_definition(corrected).action == "updated"
        with pytest.raises(ImportRefused, match="only its texts may still be corrected"):
            import_definition(corrected.replace("min_age: 16", "min_age: 18"))
        from pwe.services.audit import entries

        assert entries("consultation:lelylijn")[0].action == "consultation.correct_texts"


def test_create_user_from_the_command_line(cli_env):
    result = CliRunner().invoke(
        main,
        ["create-user", "Boss@Example.nl", "--role", "admin", "--password-stdin"],
        input="a long password\n",
    )
    assert result.exit_code == 0 and "boss@example.nl: account created with role admin" in result.output
    again = CliRunner().invoke(
        main,
        ["create-user", "boss@example.nl", "--role", "editor", "--password-stdin"],
        input="a long password\n",
    )
    assert again.exit_code == 1 and "already an account" in again.output
    short = CliRunner().invoke(
        main, ["create-user", "x@example.nl", "--role", "editor", "--password-stdin"], input="short\n"
    )
    assert short.exit_code == 1 and "at least 12" in short.output
