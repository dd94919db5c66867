"""`pwe export`: completed responses from the database to the export set, streamed."""

from __future__ import annotations

import csv
from datetime import datetime

import pandas as pd
import pytest
from click.testing import CliRunner
from flask import has_app_context
from flask.globals import app_ctx

from analysis.exports.reading import read_export
from pwe.cli import main
from pwe.extensions import db
from pwe.models import PageAnswer, Respondent, Response
from pwe.services import export
from pwe.services.consultations import find, import_definition
from pwe.services.export import ExportError, write_export
from tests.analysis.sample import DEFINITION, answers


def add_respondent(pseudonym: str, version: str, *, completed: bool, touched: dict | None = None) -> None:
    """A respondent who answered every step; with `completed`, their frozen response too."""
    row = find("sample")
    respondent = Respondent(
        pseudonym=pseudonym,
        consultation_id=row.id,
        definition_hash=row.definition_hash,
        version=version,
        language="nl",
        source="open",
        option_order={},
        started_at=datetime(2024, 3, 1, 9, 0),
    )
    db.session.add(respondent)
    db.session.flush()
    db.session.add_all(
        PageAnswer(respondent_id=respondent.id, step_id=step, answer=answer)
        for step, answer in answers().items()
    )
    if completed:
        db.session.add(
            Response(
                respondent_id=respondent.id,
                consultation_id=row.id,
                answers=answers(),
                touched=touched,
                completed_at=datetime(2024, 3, 1, 9, 20),
            )
        )
    db.session.commit()


@pytest.fixture
def sample(app):
    """The sample consultation with two completed respondents and one still answering."""
    with app.app_context():
        import_definition(DEFINITION, open_now=True)
        add_respondent("bbbb", "B", completed=True)  # answered before touched was recorded
        add_respondent("aaaa", "A", completed=True, touched={"advice": True, "land_use": False})
        add_respondent("cccc", "A", completed=False)
    return app


def read_csv(path) -> list[dict[str, str]]:
    with open(path, newline="", encoding="utf-8") as file:
        return list(csv.DictReader(file))


def test_export_writes_completed_respondents_and_their_choices(sample, tmp_path):
    out = tmp_path / "export" / "sample"
    with sample.app_context():
        written = write_export("sample", out)
    assert written == [
        (out / "respondents.csv", 2),
        (out / "choices.csv", 26),
        (out / "motivations.csv", 4),
        (out / "codebook.csv", 52),
        (out / "definition.yaml", None),
    ]
    assert (out / "definition.yaml").read_text(encoding="utf-8") == DEFINITION

    respondents = read_csv(out / "respondents.csv")
    assert [r["respondent"] for r in respondents] == ["aaaa", "bbbb"]
    first = respondents[0]
    assert (first["version"], first["source"], first["language"]) == ("A", "open", "nl")
    assert (first["started_at"], first["completed_at"], first["duration_minutes"]) == (
        "2024-03-01T09:00:00Z",
        "2024-03-01T09:20:00Z",
        "20",
    )
    assert (first["transport.bike"], first["transport.car"], first["trust"]) == ("1", "0", "dk")
    assert (first["rail"], first["why.bus"], first["variants.2"]) == ("2", "Te duur, vind ik", "none")
    # did they change anything on the portfolio page: analysts tell "did not engage" apart
    assert [(r["touched.advice"], r["touched.land_use"]) for r in respondents] == [("1", "0"), ("", "")]

    choices = read_csv(out / "choices.csv")
    assert {c["respondent"] for c in choices} == {"aaaa", "bbbb"}
    rail = {c["respondent"]: c for c in choices if c["option"] == "rail"}
    assert (rail["aaaa"]["cost"], rail["aaaa"]["budget"], rail["aaaa"]["homes"]) == ("30", "100", "10")
    assert (rail["bbbb"]["cost"], rail["bbbb"]["budget"], rail["bbbb"]["homes"]) == ("45", "120", "12")
    opt_out = next(c for c in choices if c["task"] == "variants:2" and c["option"] == "none")
    assert (opt_out["choice"], opt_out["stops"], opt_out["cost"]) == ("1", "", "")


def test_respondent_still_answering_is_never_exported(sample, tmp_path):
    with sample.app_context():
        write_export("sample", tmp_path)
    for name in ("respondents.csv", "choices.csv", "motivations.csv"):
        assert "cccc" not in (tmp_path / name).read_text(encoding="utf-8")


def test_export_without_responses_writes_headers(app, tmp_path):
    with app.app_context():
        import_definition(DEFINITION, open_now=True)
        written = write_export("sample", tmp_path)
    assert [rows for _, rows in written] == [0, 0, 0, 52, None]
    assert (
        (tmp_path / "respondents.csv")
        .read_text(encoding="utf-8")
        .startswith("respondent,version,source,language,started_at,completed_at,duration_minutes,age,")
    )
    assert (
        (tmp_path / "choices.csv")
        .read_text(encoding="utf-8")
        .startswith("respondent,task,option,choice,cost,budget,budget_min,")
    )


def test_unknown_consultation_names_the_known_ones(sample, tmp_path):
    with sample.app_context(), pytest.raises(ExportError, match="no consultation 'other'; known: sample"):
        write_export("other", tmp_path)


def test_unwritable_place_is_an_export_error(sample, tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    with sample.app_context(), pytest.raises(ExportError, match="cannot write the export"):
        write_export("sample", blocker / "export")


@pytest.fixture
def cli(sample, database_url, tmp_path, monkeypatch):
    """Runs `pwe ...` as a shell would, with the environment pointing at the test database."""
    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.setenv("PWE_INSTANCE_PATH", str(tmp_path / "instance"))

    def run(*args: str):
        try:
            return CliRunner().invoke(main, list(args), catch_exceptions=False)
        finally:
            close_command_app()

    return run


def close_command_app() -> None:
    """A command keeps the app context it pushed, as a process about to exit may; close it here,
    or its open transaction would block the next test's fresh PostgreSQL schema."""
    while has_app_context():
        db.session.remove()
        db.engine.dispose()
        app_ctx.pop()


def test_cli_export(cli, tmp_path):
    out = tmp_path / "out"
    result = cli("export", "sample", "--out", str(out))
    assert result.exit_code == 0, result.output
    assert f"{out / 'respondents.csv'}: 2 rows" in result.output
    assert f"{out / 'choices.csv'}: 26 rows" in result.output
    assert [r["respondent"] for r in read_csv(out / "respondents.csv")] == ["aaaa", "bbbb"]


def test_cli_export_of_unknown_consultation_exits_1(cli, tmp_path):
    result = cli("export", "nope", "--out", str(tmp_path / "out"))
    assert result.exit_code == 1
    assert "no consultation 'nope'; known: sample" in result.output
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("file_format", ["xlsx", "parquet"])
def test_cli_export_formats_read_back_as_the_csv_export(cli, tmp_path, file_format):
    assert cli("export", "sample", "--out", str(tmp_path / "csv")).exit_code == 0
    result = cli("export", "sample", "--out", str(tmp_path / "other"), "--format", file_format)
    assert result.exit_code == 0, result.output
    expected, tables = read_export(tmp_path / "csv"), read_export(tmp_path / "other")
    for name in ("respondents", "choices", "motivations", "codebook"):
        pd.testing.assert_frame_equal(tables[name], expected[name], obj=name)


def test_cli_export_with_weights(cli, tmp_path):
    weights = tmp_path / "weights.csv"
    weights.write_text("respondent,weight\naaaa,0.8\nbbbb,1.2\n", encoding="utf-8")
    result = cli("export", "sample", "--out", str(tmp_path / "out"), "--weights", str(weights))
    assert result.exit_code == 0, result.output
    assert [r["weight"] for r in read_csv(tmp_path / "out" / "respondents.csv")] == ["0.8", "1.2"]


def test_cli_export_with_a_bad_weights_file_names_it(cli, tmp_path):
    weights = tmp_path / "weights.csv"
    weights.write_text("respondent,weight\naaaa,-1\n", encoding="utf-8")
    result = cli("export", "sample", "--out", str(tmp_path / "out"), "--weights", str(weights))
    assert result.exit_code == 1
    assert f"{weights}, line 2: the weight of respondent aaaa is '-1'" in result.output
    assert not (tmp_path / "out").exists()


def test_export_read_in_batches_is_the_same(sample, tmp_path, monkeypatch):
    with sample.app_context():
        write_export("sample", tmp_path / "whole")
        monkeypatch.setattr(export, "BATCH", 1)
        write_export("sample", tmp_path / "batches")
    for name in ("respondents.csv", "choices.csv", "motivations.csv", "codebook.csv"):
        assert (tmp_path / "batches" / name).read_bytes() == (tmp_path / "whole" / name).read_bytes()
