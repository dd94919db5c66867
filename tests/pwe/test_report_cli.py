"""`pwe report` on the database (with its funnel) and on an export directory; clear messages
for what the user can fix, and for a missing Chromium."""

from __future__ import annotations

import json

import pytest

from analysis.simulation import load_value_weights
from pwe.services.simulated import store_simulated
from surveys.load import load
from tests.pwe.test_simulate_cli import LELYLIJN, WEIGHTS, cli  # noqa: F401  the fixture


@pytest.fixture
def report_cli(cli, app):
    """`pwe ...` on the test database with 150 simulated Lelylijn responses."""
    with app.app_context():
        store_simulated("lelylijn", load_value_weights(WEIGHTS, load(LELYLIJN)), 150, seed=3)
    return cli


def test_report_from_the_database_has_the_funnel_and_prints_a_summary(report_cli, tmp_path):
    out = tmp_path / "report"
    result = report_cli("report", "lelylijn", "--out", out, "--language", "en", "--by", "lives_north")
    assert result.exit_code == 0, result.output
    assert "report.html" in result.output and "results.json" in result.output
    assert "CSV files, one per table" in result.output and "150 respondents" in result.output
    results = json.loads((out / "results.json").read_text(encoding="utf-8"))
    funnel = {row["step"]: row["reached"] for row in results["participation"]["funnel"]}
    assert funnel["started"] == funnel["investments"] == funnel["completed"] == 150
    assert results["method"]["command"] == (f"pwe report lelylijn --language en --by lives_north --out {out}")
    assert (out / "tables.xlsx").is_file() and (out / "tables" / "funnel.csv").is_file()


def test_report_from_an_export_directory_takes_the_definition_from_the_database(report_cli, tmp_path):
    assert report_cli("export", "lelylijn", "--out", tmp_path / "export").exit_code == 0
    result = report_cli("report", "lelylijn", "--from", tmp_path / "export", "--out", tmp_path / "r")
    assert result.exit_code == 0, result.output
    results = json.loads((tmp_path / "r" / "results.json").read_text(encoding="utf-8"))
    assert results["consultation"]["id"] == "lelylijn" and "values" in results
    assert "funnel" not in results["participation"]


def test_weights_file_is_used_and_reported(report_cli, tmp_path):
    assert report_cli("export", "lelylijn", "--out", tmp_path / "export").exit_code == 0
    respondents = (tmp_path / "export" / "respondents.csv").read_text().splitlines()[1:]
    ids = [line.split(",")[0] for line in respondents]
    (tmp_path / "w.csv").write_text(
        "respondent,weight\n" + "\n".join(f"{r},{1 + i % 2}" for i, r in enumerate(ids)) + "\n"
    )
    result = report_cli(
        "report",
        "lelylijn",
        "--from",
        tmp_path / "export",
        "--weights",
        tmp_path / "w.csv",
        "--out",
        tmp_path / "r",
    )
    assert result.exit_code == 0, result.output
    weighting = json.loads((tmp_path / "r" / "results.json").read_text())["participation"]["weighting"]
    assert weighting["method"] == "file" and weighting["design_effect"] > 1


def test_mistakes_get_a_message_saying_what_to_change(report_cli, tmp_path):
    result = report_cli("report", "lelylijn", "--by", "region", "--out", tmp_path / "r")
    assert result.exit_code == 1 and "--by region: not a column" in result.output
    result = report_cli("report", "nothing-here", "--out", tmp_path / "r")
    assert result.exit_code == 1 and "no consultation 'nothing-here'" in result.output
    result = report_cli("report", "lelylijn", "--from", tmp_path / "missing", "--out", tmp_path / "r")
    assert result.exit_code == 1 and "no such directory" in result.output
    result = report_cli("report", "lelylijn", "--classes", "many", "--out", tmp_path / "r")
    assert result.exit_code == 2 and "auto or a whole number" in result.output


def test_pdf_without_chromium_says_so_after_writing_the_html(report_cli, tmp_path, monkeypatch):
    monkeypatch.setattr("analysis.report.pdf.find_chromium", lambda: None)
    result = report_cli("report", "lelylijn", "--pdf", "--out", tmp_path / "r")
    assert result.exit_code == 1
    assert "Chromium is not installed, so no PDF was made" in result.output
    assert (tmp_path / "r" / "report.html").is_file()


def test_codebook_codes_the_motivations_in_the_arguments_section(report_cli, tmp_path):
    codebook = LELYLIJN.parent / "codebooks" / "lelylijn.yaml"
    out = tmp_path / "r"
    result = report_cli("report", "lelylijn", "--codebook", codebook, "--language", "en", "--out", out)
    assert result.exit_code == 0, result.output
    results = json.loads((out / "results.json").read_text(encoding="utf-8"))
    arguments = results["arguments"]["pages"]["investments"]["arguments"]
    assert results["arguments"]["coded"] is True and {"too_expensive", "need"} <= {
        r["code"] for r in arguments
    }
    assert f"--codebook {codebook}" in results["method"]["command"]
    assert (out / "tables" / "investments_arguments_roads.csv").is_file()
    assert "Arguments" in (out / "report.html").read_text(encoding="utf-8")


def test_a_codebook_that_cannot_be_used_is_named_with_the_fix(report_cli, tmp_path):
    bad = tmp_path / "codebook.yaml"
    bad.write_text("codes:\n  - id: Too Expensive\n    label: x\n    patterns: {nl: [duur]}\n")
    result = report_cli("report", "lelylijn", "--codebook", bad, "--out", tmp_path / "r")
    assert result.exit_code == 1 and "is not an id" in result.output
    assert not (tmp_path / "r").exists()
    result = report_cli("report", "lelylijn", "--codebook", tmp_path / "none.yaml", "--out", tmp_path / "r")
    assert result.exit_code == 1 and "cannot read the codebook" in result.output


def test_a_codebook_for_a_consultation_without_motivations_is_named_as_unused():
    from dataclasses import replace

    from pwe.commands.report import _asks_motivations

    lelylijn = load(LELYLIJN)
    assert _asks_motivations(lelylijn)
    silent = replace(
        lelylijn,
        pages=tuple(replace(p, motivation=False) if hasattr(p, "motivation") else p for p in lelylijn.pages),
    )
    assert not _asks_motivations(silent) and not _asks_motivations(None)
