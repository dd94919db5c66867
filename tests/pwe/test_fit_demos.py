"""Every task of every demo consultation fits from the platform's own export, by the command line,
with every model that applies, weighted and unweighted."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from pwe.cli import main
from pwe.services.consultations import import_definition
from surveys import examples
from surveys.load import load
from tests.pwe.test_export import close_command_app

RESPONDENTS = 300

# per demo: (task, model, extra arguments) for every task and every model that applies to it
FITS = {
    "lelylijn": [
        ("goals", "mdcev-gamma", []),
        ("goals", "mdcev-alpha", []),
        ("investments", "portfolio-logit", []),
        ("investments", "portfolio-logit", ["--consultation", "lelylijn"]),
        (
            "variants",
            "mnl",
            ["--attributes", "stops,travel_time,frequency,cost_household", "--cost", "cost_household"],
        ),
    ],
    "ruimte-2050": [
        ("advice", "portfolio-logit", []),
        ("advice", "portfolio-logit", ["--consultation", "ruimte-2050"]),
        ("advice", "latent-class", ["--classes", "2", "--starts", "2"]),
        ("advice", "latent-class", ["--classes", "2", "--starts", "2", "--consultation", "ruimte-2050"]),
    ],
}


@pytest.fixture
def exported(app, database_url, tmp_path, monkeypatch):
    """Both demos with simulated respondents stored, exported by `pwe export`, and weighted to
    their shipped margins by `pwe weight`."""
    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.setenv("PWE_INSTANCE_PATH", str(tmp_path / "instance"))
    with app.app_context():
        for path in examples.definitions():
            import_definition(path.read_text(encoding="utf-8"))
    folders = {}
    for path in examples.definitions():
        slug = load(path).id
        out = tmp_path / slug
        for args in (
            ["simulate", slug, "--weights", examples.value_weights(slug), "-n", RESPONDENTS, "--to-database"],
            ["export", slug, "--out", out],
            [
                "weight",
                out / "respondents.csv",
                "--margins",
                examples.margins(slug),
                "--out",
                out / "weights.csv",
                "--keep-missing",
            ],
        ):
            result = run(*args)
            assert result.exit_code == 0, (args, result.output)
        folders[slug] = out
    return folders


def run(*args):
    try:
        return CliRunner().invoke(main, [str(arg) for arg in args], catch_exceptions=False)
    finally:
        close_command_app()


def test_every_task_of_every_demo_fits_from_its_export(exported, tmp_path):
    assert set(exported) == set(FITS), "a demo consultation without fits in this test"
    for slug, fits in FITS.items():
        folder = exported[slug]
        for task, model, extra in fits:
            for weighted in (False, True):
                out = tmp_path / f"{slug}-{task}-{model}-{len(extra)}-{weighted}.json"
                weights = ["--weights", folder / "weights.csv"] if weighted else []
                result = run(
                    "fit",
                    folder / "choices.csv",
                    "--model",
                    model,
                    "--task",
                    task,
                    *extra,
                    *weights,
                    "--json",
                    out,
                )
                where = (slug, task, model, extra, weighted)
                assert result.exit_code == 0, (where, result.output)
                text = result.output
                assert f"Model: {model}   Task: {task}" in text, where
                assert ("\nWEIGHTED: " in text) == weighted and ("\nUNWEIGHTED: " in text) != weighted, where
                fitted = json.loads(out.read_text(encoding="utf-8"))
                assert fitted["model"] == model and fitted["task"] == task
                assert fitted["n_respondents"] == RESPONDENTS
                assert fitted["converged"], (where, text)
                assert (fitted["weights"] is not None) == weighted
                assert all(p["std_err"] is not None and p["std_err"] > 0 for p in fitted["params"]), where
                if model in ("portfolio-logit", "latent-class"):
                    assert fitted["constraints"], where
                if model == "portfolio-logit" and slug == "lelylijn":
                    worth = {row["option"]: row for row in fitted["worth"]}
                    assert "lelylijn_fast" in worth and fitted["budget_unit"] in (None, "mln euro")
