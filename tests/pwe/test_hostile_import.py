"""`pwe import` of hostile definition files: refused with the place and the fix, never a
traceback, nothing stored."""

from __future__ import annotations

import pytest
from click.testing import CliRunner
from sqlalchemy import func, select

from pwe.cli import main
from pwe.extensions import db
from pwe.models import Consultation
from tests.conftest import EXAMPLES

LELYLIJN = (EXAMPLES / "lelylijn.yaml").read_text(encoding="utf-8")
LAUGHS = "\n".join(
    ['l0: &l0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    + [f"l{i}: &l{i} [" + ", ".join([f"*l{i - 1}"] * 9) + "]" for i in range(1, 10)]
)


@pytest.mark.parametrize(
    "text, expected",
    [
        (
            LAUGHS + "\n" + LELYLIJN.replace("duration_minutes: 20", "duration_minutes: *l9"),
            "l5: the aliases (*name) in this file expand it to more than 100,000 values",
        ),
        (LELYLIJN.replace("id: lelylijn", "id: " + "a" * 300, 1), "at most 100 characters"),
        (LELYLIJN.replace("min_age: 16", "min_age: " + "9" * 5000), "a number of 5,000 characters"),
        (LELYLIJN.replace("min_age: 16", "min_age: 16\nintro: &r [*r]"), "refers to a list or mapping"),
        (LELYLIJN.replace("min_age: 16", "min_age: 16\n" + "k" * 50_000 + ": 1"), "YAML syntax error"),
    ],
)
def test_pwe_import_refuses_hostile_files_with_place_and_fix(
    app, database_url, tmp_path, monkeypatch, text, expected
):
    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.setenv("PWE_INSTANCE_PATH", str(tmp_path / "instance"))
    path = tmp_path / "hostile.yaml"
    path.write_text(text, encoding="utf-8")
    result = CliRunner().invoke(main, ["import", str(path)])
    assert result.exit_code == 1
    assert expected in result.output and "Traceback" not in result.output
    assert all(len(line) < 1000 for line in result.output.splitlines())
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Consultation)) == 0
