"""One report per demo consultation, made once per test module from 3,000 respondents simulated
from known value weights."""

from __future__ import annotations

from pathlib import Path

import pytest

from analysis.report.build import build_report
from analysis.report.context import ReportOptions
from analysis.report.files import write_report
from analysis.report.inputs import from_records
from analysis.report.weights import weigh
from analysis.simulation import load_value_weights, simulate_responses
from pwe.commands.report import stylesheets
from surveys.load import parse
from tests.conftest import EXAMPLES

RESPONDENTS = 3000


def simulated(
    slug: str, n: int = RESPONDENTS, seed: int = 1, text: str | None = None, value_weights: str | None = None
):
    """Report data of `n` respondents of a demo simulated from known value weights: the same for
    everyone (tests/analysis/report/weights/, so every estimate has one true value), or
    `value_weights`, a file in surveys/examples/value-weights/."""
    text = text if text is not None else (EXAMPLES / f"{slug}.yaml").read_text(encoding="utf-8")
    consultation = parse(text)
    path = (
        EXAMPLES / "value-weights" / value_weights
        if value_weights
        else Path(__file__).parent / "weights" / f"{slug}.yaml"
    )
    weights = load_value_weights(path, consultation)
    return from_records(consultation, text, simulate_responses(consultation, weights, n, seed=seed)), weights


def make(data, out: Path, weighting=None, **options):
    report = build_report(data, ReportOptions(**options), weighting or weigh(data.respondents))
    write_report(report, out, stylesheets())
    return report


@pytest.fixture(scope="module")
def lelylijn(tmp_path_factory):
    data, weights = simulated("lelylijn")
    out = tmp_path_factory.mktemp("lelylijn")
    return make(data, out, language="nl", by=("lives_north",), command="pwe report lelylijn"), weights, out


@pytest.fixture(scope="module")
def ruimte(tmp_path_factory):
    data, weights = simulated("ruimte-2050")
    out = tmp_path_factory.mktemp("ruimte")
    return make(data, out, language="en", command="pwe report ruimte-2050"), weights, out
