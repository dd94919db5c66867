"""`pwe import-pb` then `pwe fit` on a real pabulib election; `pwe arguments --suggest` from the
database and from an export folder; payloads inert in every export file."""

from __future__ import annotations

import csv

import pytest
import yaml
from click.testing import CliRunner
from openpyxl import load_workbook

from analysis.exports.reading import read_export
from pwe.cli import main
from pwe.extensions import db
from pwe.models import Response
from pwe.services.consultations import import_definition
from pwe.services.simulated import store_simulated
from tests.analysis.test_pabulib import REAL
from tests.conftest import EXAMPLES
from tests.pwe.test_export import close_command_app

FORMULA = "=cmd|' /C calc'!A0"
XSS = "<script>alert('x')</script>"


def run(*args: str):
    try:
        return CliRunner().invoke(main, list(args), catch_exceptions=False)
    finally:
        close_command_app()


def test_import_pb_then_fit(tmp_path):
    out = tmp_path / "election"
    result = run("import-pb", str(REAL), "--out", str(out))
    assert result.exit_code == 0, result.output
    assert f"{out / 'respondents.csv'}: 295 rows" in result.output
    assert f"{out / 'choices.csv'}: 1475 rows" in result.output
    # costs are the same for every voter: the fit says the budget term is not identified and
    # fits without it; insisting on it is refused with the reason
    fitted = run("fit", str(out / "choices.csv"), "--model", "portfolio-logit")
    assert fitted.exit_code == 0, fitted.output
    assert "Respondents: 295" in fitted.output and "asc:1438" in fitted.output
    assert "without the budget term" in fitted.output and "not identified" in fitted.output
    refused = run("fit", str(out / "choices.csv"), "--model", "portfolio-logit", "--delta0")
    assert refused.exit_code == 1
    assert "delta0 is not identified" in refused.output


def test_import_pb_of_a_broken_file_says_where(tmp_path):
    broken = tmp_path / "broken.pb"
    broken.write_text("hallo\n", encoding="utf-8")
    result = run("import-pb", str(broken), "--out", str(tmp_path / "out"))
    assert result.exit_code == 1
    assert f"Error: {broken}, line 1: expected META, PROJECTS or VOTES first" in result.output


@pytest.fixture
def lelylijn(app, database_url, tmp_path, monkeypatch):
    """The lelylijn demo with 150 simulated respondents, two of whom wrote hostile motivations."""
    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.setenv("PWE_INSTANCE_PATH", str(tmp_path / "instance"))
    with app.app_context():
        import_definition((EXAMPLES / "lelylijn.yaml").read_text(encoding="utf-8"), open_now=True)
        weights = yaml.safe_load((EXAMPLES / "value-weights" / "lelylijn.yaml").read_text())
        store_simulated("lelylijn", weights, 150, seed=2)
        responses = db.session.scalars(db.select(Response).order_by(Response.id).limit(2)).all()
        for response, text in zip(responses, (FORMULA, XSS)):
            response.answers = {
                **response.answers,
                "why-investments": {"lelylijn_fast": text, "roads": "@SUM(1)"},
            }
        db.session.commit()
    return app


def test_payloads_are_inert_in_every_export_file(lelylijn, tmp_path):
    for file_format in ("csv", "xlsx", "parquet"):
        result = run("export", "lelylijn", "--out", str(tmp_path / file_format), "--format", file_format)
        assert result.exit_code == 0, result.output
        texts = read_export(tmp_path / file_format)["motivations"]["text"].tolist()
        assert FORMULA in texts and XSS in texts and "@SUM(1)" in texts
    for path in (tmp_path / "csv").glob("*.csv"):
        with open(path, newline="", encoding="utf-8") as file:
            cells = [cell for row in csv.reader(file) for cell in row]
        assert not [cell for cell in cells if cell[:1] in ("=", "+", "@", "\t", "\r")], path
        if path.name == "motivations.csv":
            assert "'" + FORMULA in cells and XSS in cells
    book = load_workbook(tmp_path / "xlsx" / "export.xlsx")
    assert not [
        cell.coordinate
        for sheet in book
        for row in sheet.iter_rows()
        for cell in row
        if cell.data_type == "f"
    ]
    for path in (tmp_path / "csv").glob("*.pb"):
        text = path.read_text(encoding="utf-8")
        assert FORMULA not in text and XSS not in text  # no free text goes into .pb


def test_arguments_suggest_from_the_database_and_from_an_export(lelylijn, tmp_path):
    from_db = run("arguments", "lelylijn", "--suggest", "--out", str(tmp_path / "db.yaml"), "--codes", "3")
    assert from_db.exit_code == 0, from_db.output
    codebook = yaml.safe_load((tmp_path / "db.yaml").read_text(encoding="utf-8"))
    assert len(codebook["codes"]) == 3
    assert all(code["patterns"]["nl"] and code["examples"] for code in codebook["codes"])
    assert run("export", "lelylijn", "--out", str(tmp_path / "export")).exit_code == 0
    from_dir = run(
        "arguments",
        "--from",
        str(tmp_path / "export"),
        "--suggest",
        "--out",
        str(tmp_path / "dir.yaml"),
        "--codes",
        "3",
    )
    assert from_dir.exit_code == 0, from_dir.output
    assert (tmp_path / "dir.yaml").read_text(encoding="utf-8") == (tmp_path / "db.yaml").read_text(
        encoding="utf-8"
    )


def test_arguments_needs_a_source(tmp_path):
    result = run("arguments", "--suggest", "--out", str(tmp_path / "c.yaml"))
    assert result.exit_code != 0
    assert "give a consultation SLUG or --from DIR" in result.output
