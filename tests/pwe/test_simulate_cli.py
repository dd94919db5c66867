"""`pwe simulate` (to the export's two files, or into the database) and `pwe power`."""

from __future__ import annotations

import csv

import pytest
from click.testing import CliRunner
from sqlalchemy import func, select

from pwe.cli import main
from pwe.extensions import db
from pwe.models import PageAnswer, Respondent, Response
from pwe.services.consultations import import_definition
from tests.conftest import EXAMPLES
from tests.pwe.test_export import close_command_app

LELYLIJN = EXAMPLES / "lelylijn.yaml"
WEIGHTS = EXAMPLES / "value-weights" / "lelylijn.yaml"


@pytest.fixture
def cli(app, database_url, tmp_path, monkeypatch):
    """Runs `pwe ...` against the test database, with the Lelylijn demo imported."""
    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.setenv("PWE_INSTANCE_PATH", str(tmp_path / "instance"))
    with app.app_context():
        import_definition(LELYLIJN.read_text(encoding="utf-8"), open_now=True)

    def run(*args: str):
        try:
            return CliRunner().invoke(main, [str(arg) for arg in args], catch_exceptions=False)
        finally:
            close_command_app()

    return run


def rows(path) -> list[dict[str, str]]:
    with open(path, newline="", encoding="utf-8") as file:
        return list(csv.DictReader(file))


def header(path) -> list[str]:
    with open(path, newline="", encoding="utf-8") as file:
        return next(csv.reader(file))


def test_out_writes_the_exports_two_files_with_its_columns(cli, tmp_path):
    assert cli("export", "lelylijn", "--out", tmp_path / "empty").exit_code == 0
    result = cli("simulate", LELYLIJN, "--weights", WEIGHTS, "-n", 30, "--seed", 4, "--out", tmp_path / "sim")
    assert result.exit_code == 0, result.output
    assert f"{tmp_path / 'sim' / 'respondents.csv'}: 30 rows" in result.output
    for name in ("respondents.csv", "choices.csv"):
        assert header(tmp_path / "sim" / name) == header(tmp_path / "empty" / name)
    respondents = rows(tmp_path / "sim" / "respondents.csv")
    assert {r["source"] for r in respondents} == {"simulated:panel", "simulated:open"}
    assert {r["version"] for r in respondents} == {"A", "B", "C"}
    # a slug works as well as the file, and the same seed gives the same files
    again = cli(
        "simulate", "lelylijn", "--weights", WEIGHTS, "-n", 30, "--seed", 4, "--out", tmp_path / "again"
    )
    assert again.exit_code == 0, again.output
    for name in ("respondents.csv", "choices.csv"):
        assert (tmp_path / "again" / name).read_text() == (tmp_path / "sim" / name).read_text()


def test_pwe_fit_reads_the_simulated_choices(cli, tmp_path):
    """The Lelylijn pairs have an attribute cost_household: not a constraint of the portfolio."""
    assert (
        cli("simulate", LELYLIJN, "--weights", WEIGHTS, "-n", 600, "--out", tmp_path / "sim").exit_code == 0
    )
    result = cli(
        "fit", tmp_path / "sim" / "choices.csv", "--model", "portfolio-logit", "--task", "investments"
    )
    assert result.exit_code == 0, result.output
    assert "Respondents: 600" in result.output and "delta0" in result.output


def test_to_database_stores_completed_responses_that_export_exports(cli, app, tmp_path):
    result = cli("simulate", "lelylijn", "--weights", WEIGHTS, "-n", 25, "--to-database")
    assert result.exit_code == 0, result.output
    assert "lelylijn: 25 simulated responses stored" in result.output
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Response)) == 25
        sources = set(db.session.scalars(select(Respondent.source)))
        assert {source.split(":")[0] for source in sources} == {"simulated"}
        # every step saved, as a respondent who walked through the pages leaves them
        assert db.session.scalar(select(func.count()).select_from(PageAnswer)) == 25 * 6
    exported = cli("export", "lelylijn", "--out", tmp_path / "out")
    assert exported.exit_code == 0, exported.output
    assert len(rows(tmp_path / "out" / "respondents.csv")) == 25
    # a second run adds to them, keeping the versions balanced
    assert (
        cli("simulate", LELYLIJN, "--weights", WEIGHTS, "-n", 5, "--seed", 1, "--to-database").exit_code == 0
    )
    with app.app_context():
        versions = db.session.execute(
            select(Respondent.version, func.count()).group_by(Respondent.version)
        ).all()
    assert sorted(count for _, count in versions) == [10, 10, 10]


@pytest.mark.parametrize(
    "args, message",
    [
        (["-n", "5"], "give either --out DIR or --to-database"),
        (["-n", "5", "--to-database", "--out", "x"], "give either --out DIR or --to-database"),
    ],
)
def test_out_or_database_but_one_of_them(cli, args, message):
    result = cli("simulate", "lelylijn", "--weights", WEIGHTS, *args)
    assert result.exit_code == 1
    assert message in result.output


def test_unknown_consultation_and_bad_weights_exit_1_with_the_fix(cli, tmp_path):
    unknown = cli("simulate", "nope", "--weights", WEIGHTS, "-n", 5, "--to-database")
    assert unknown.exit_code == 1
    assert "no consultation 'nope'" in unknown.output and "pwe import FILE" in unknown.output
    missing = cli(
        "simulate", tmp_path / "nope.yaml", "--weights", WEIGHTS, "-n", 5, "--out", tmp_path / "out"
    )
    assert missing.exit_code == 1 and "nope.yaml" in missing.output
    weights = tmp_path / "w.yaml"
    weights.write_text("investments: {asc: {metro: 1}, delta0: lots}\n", encoding="utf-8")
    bad = cli("simulate", LELYLIJN, "--weights", weights, "-n", 5, "--out", tmp_path / "out")
    assert bad.exit_code == 1
    assert f"{weights}: investments.asc.metro: not one of the page's options" in bad.output
    assert "investments.delta0: must be a number, got 'lots'" in bad.output
    assert not (tmp_path / "out").exists()


def test_power_prints_the_table_and_the_smallest_size(cli):
    result = cli(
        "power",
        LELYLIJN,
        "--weights",
        WEIGHTS,
        "--page",
        "investments",
        "--sizes",
        "150,600",
        "--replications",
        2,
        "--target-se",
        0.0004,
    )
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert sum(line.lstrip().startswith(("150 ", "600 ")) for line in lines) == 2 * 9
    assert "Smallest number of respondents with a standard error of at most 0.0004:" in lines
    assert any(line.startswith("  delta0: ") for line in lines)


@pytest.mark.parametrize(
    "args, message",
    [
        (
            ["--page", "goals"],
            "'goals' is not a portfolio or pairs page of 'lelylijn' (those are: investments, variants)",
        ),
        (["--page", "investments", "--sizes", "many"], "sizes must be whole numbers"),
    ],
)
def test_power_errors_exit_1(cli, args, message):
    result = cli("power", LELYLIJN, "--weights", WEIGHTS, *args)
    assert result.exit_code == 1
    assert message in result.output


def test_reading_commands_on_a_database_without_tables_say_what_to_run(tmp_path, monkeypatch):
    from click.testing import CliRunner

    from pwe.cli import main

    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'empty.sqlite3'}")
    monkeypatch.setenv("PWE_INSTANCE_PATH", str(tmp_path / "instance"))
    result = CliRunner().invoke(
        main, ["simulate", "lelylijn", "--weights", "w.yaml", "-n", "5", "--out", str(tmp_path / "out")]
    )
    assert result.exit_code == 1
    assert "run `pwe init-db`" in result.output and "Traceback" not in result.output


def test_the_database_url_is_shown_without_its_password(tmp_path):
    from pwe import create_app
    from pwe.cli import _shown_url

    app = create_app(
        {"SECRET_KEY": "x" * 32, "SQLALCHEMY_DATABASE_URI": "postgresql+psycopg://u:secret@h/db"}
    )
    assert "secret" not in _shown_url(app) and "u:***@h" in _shown_url(app)
