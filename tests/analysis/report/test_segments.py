"""Segments: the report describes the latent classes the responses were simulated from (sizes,
advice, worth, background, generated names), and --classes auto picks K by BIC."""

from __future__ import annotations

from types import SimpleNamespace

from analysis.report import models
from analysis.report.build import build_report
from analysis.report.context import Context, ReportOptions
from analysis.report.weights import weigh
from tests.analysis.report.conftest import simulated


def test_two_classes_described_with_sizes_advice_worth_background_and_names():
    data, weights = simulated("lelylijn", n=3000, value_weights="lelylijn-classes.yaml")
    report = build_report(data, ReportOptions(classes=2, by=("lives_north",)), weigh(data.respondents))
    segments = report.results["segments"]
    assert segments["classes"] == 2
    truth = sorted(c["share"] for c in weights["investments"]["classes"])
    found = sorted(segments["class_list"], key=lambda c: c["share"])
    for share, row in zip(truth, found):
        assert row["share_low"] <= share <= row["share_high"]
        assert row["name"] and row["name"] in " ".join(report.results["summary"])
    # the class simulated to value the fast line most (the larger) advises it more often
    fast = {row["option"]: row for row in segments["advice"]}["lelylijn_fast"]
    larger = found[-1]
    assert fast[f"class{larger['class']}"] > fast["overall"]
    assert "Snelle Lelylijn" in larger["name"]
    assert {row["variable"] for row in segments["profile"]} == {"lives_north"}
    assert "segments_worth" in report.tables and "segments_bic" not in report.tables


def test_auto_keeps_the_lowest_bic_and_stops_when_bic_turns_up(monkeypatch):
    fitted = []

    class Stub:
        """A latent-class fit whose BIC is 100, 90, 95, 80 for K = 1..4."""

        def __init__(self, rows, attributes, n_classes, **options):
            self.k = n_classes

        def fit(self):
            fitted.append(self.k)
            return SimpleNamespace(
                n_classes=self.k,
                bic={1: 100, 2: 90, 3: 95, 4: 80}[self.k],
                loglik=0.0,
                n_free=self.k,
                aic=0.0,
                converged=True,
            )

    data, _ = simulated("lelylijn", n=100)
    ctx = Context(data, ReportOptions(classes="auto"), weigh(data.respondents))
    models.fit_models(ctx)
    monkeypatch.setattr(models, "LatentClassPortfolioLogit", Stub)
    segments = models.fit_segments(ctx)
    assert fitted == [1, 2, 3]
    assert segments.result.n_classes == 2
    assert list(segments.comparison["classes"]) == [1, 2, 3]
