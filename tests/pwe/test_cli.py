"""The `pwe` command: validate, init-db, import (idempotent, refuses changes after responses), demo."""

from __future__ import annotations

import pytest
from click.testing import CliRunner
from sqlalchemy import func, select

from pwe.cli import main
from pwe.extensions import db
from pwe.models import Consultation, Respondent, Response
from tests.conftest import EXAMPLES


@pytest.fixture
def cli_env(app, database_url, tmp_path, monkeypatch):
    """The CLI builds its own app from the environment: point it at the test database."""
    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.setenv("PWE_INSTANCE_PATH", str(tmp_path / "instance"))
    return app


def run(*args):
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def test_validate_accepts_the_examples():
    result = run("validate", *map(str, sorted(EXAMPLES.glob("*.yaml"))))
    assert result.exit_code == 0
    assert result.output.count(": valid") == 2


def test_validate_lists_every_problem_with_place_and_fix(tmp_path):
    broken = tmp_path / "broken.yaml"
    broken.write_text(
        "id: Bad Slug\nlanguages: [nl]\ntitle: x\npages:\n"
        "  - {id: p, type: portfolio, options: [{id: o, title: t, use: {budget: veel}}]}\n",
        encoding="utf-8",
    )
    result = CliRunner().invoke(main, ["validate", str(broken)])
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    assert "id:" in result.output and "pages[0].options[0].use.budget" in result.output
    assert "veel" in result.output


def test_validate_reports_a_missing_file():
    result = CliRunner().invoke(main, ["validate", "/no/such/file.yaml"])
    assert result.exit_code != 0 and "Traceback" not in result.output


def test_import_is_idempotent_and_refuses_changes_after_respondents(cli_env, tmp_path):
    source = EXAMPLES / "lelylijn.yaml"
    first = run("import", str(source))
    assert first.exit_code == 0 and "lelylijn created" in first.output
    again = run("import", str(source))
    assert again.exit_code == 0 and "lelylijn unchanged" in again.output

    changed = tmp_path / "lelylijn.yaml"
    changed.write_text(
        source.read_text(encoding="utf-8").replace("min_age: 16", "min_age: 18"), encoding="utf-8"
    )
    assert "lelylijn updated" in run("import", str(changed)).output

    with cli_env.app_context():
        row = db.session.scalar(select(Consultation))
        db.session.add(
            Respondent(
                pseudonym="p1",
                consultation_id=row.id,
                definition_hash=row.definition_hash,
                language="nl",
                option_order={},
            )
        )
        db.session.commit()
        kept_hash = row.definition_hash
    refused = CliRunner().invoke(main, ["import", str(source)])
    assert refused.exit_code == 1
    assert "already has 1 respondent" in refused.output and "new id" in refused.output
    with cli_env.app_context():
        assert db.session.scalar(select(Consultation.definition_hash)) == kept_hash


def test_import_of_an_invalid_file_stores_nothing(cli_env, tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("id: ok\nlanguages: [nl]\ntitle: x\npages: []\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["import", str(bad)])
    assert result.exit_code == 1 and "pages" in result.output
    with cli_env.app_context():
        assert db.session.scalar(select(func.count()).select_from(Consultation)) == 0


def test_init_db_and_demo_without_serving(cli_env):
    assert run("init-db").exit_code == 0
    result = run("demo", "--no-serve", "--port", "5123")
    assert result.exit_code == 0
    assert "http://127.0.0.1:5123/c/lelylijn" in result.output
    assert "http://127.0.0.1:5123/c/ruimte-2050" in result.output
    with cli_env.app_context():
        assert db.session.scalar(select(func.count()).select_from(Consultation)) == 2


def test_demo_tops_up_simulated_responses_once(cli_env):
    first = run("demo", "--no-serve", "--responses", "50")
    assert first.exit_code == 0, first.output
    assert "lelylijn: 50 simulated responses added" in first.output
    assert "ruimte-2050: 50 simulated responses added" in first.output
    again = run("demo", "--no-serve", "--responses", "50")
    assert again.exit_code == 0, again.output
    assert "lelylijn: 0 simulated responses added" in again.output
    assert "ruimte-2050: 0 simulated responses added" in again.output
    with cli_env.app_context():
        per_consultation = dict(
            db.session.execute(
                select(Consultation.slug, func.count(Response.id))
                .join(Response, Response.consultation_id == Consultation.id)
                .group_by(Consultation.slug)
            ).all()
        )
        assert per_consultation == {"lelylijn": 50, "ruimte-2050": 50}
        assert set(db.session.scalars(select(Respondent.source))) == {"simulated:panel", "simulated:open"}
    # more asked later: only the missing ones are added
    assert "lelylijn: 10 simulated responses added" in run("demo", "--no-serve", "--responses", "60").output


def test_demo_without_responses_simulates_nothing(cli_env):
    result = run("demo", "--no-serve")
    assert result.exit_code == 0 and "simulated" not in result.output
    with cli_env.app_context():
        assert db.session.scalar(select(func.count()).select_from(Response)) == 0
