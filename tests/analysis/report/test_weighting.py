"""Weighted reports: raked to margins, the weighting's numbers are reported and the tables show
the weighted share beside the unweighted one."""

from __future__ import annotations

import numpy as np
import pytest

from analysis.report.weights import weigh
from analysis.weighting import WeightingError
from tests.analysis.report.conftest import simulated


def test_raked_report_shows_sample_population_and_both_shares(tmp_path):
    data, _ = simulated("lelylijn", n=600)
    (tmp_path / "margins.yaml").write_text("lives_north: {'yes': 0.1, 'no': 0.9}\n")
    report = make_weighted(data, tmp_path)
    weighting = report.results["participation"]["weighting"]
    assert weighting["method"] == "margins" and weighting["design_effect"] > 1
    margins = {row["category"]: row for row in weighting["margins"]}
    assert margins["yes"]["population"] == pytest.approx(0.1)
    assert margins["yes"]["weighted"] == pytest.approx(0.1, abs=1e-6)
    assert margins["yes"]["sample"] == pytest.approx((data.respondents["lives_north"] == "yes").mean())
    shares = report.tables["investments_option_shares"]
    assert "share_unweighted" in [c.key for c in shares.columns]
    assert not np.allclose(shares.frame["share"], shares.frame["share_unweighted"])


def make_weighted(data, tmp_path):
    from analysis.report.build import build_report
    from analysis.report.context import ReportOptions

    return build_report(
        data,
        ReportOptions(command="pwe report lelylijn"),
        weigh(data.respondents, margins=tmp_path / "margins.yaml"),
    )


def test_margins_and_weights_file_together_are_refused(tmp_path):
    data, _ = simulated("lelylijn", n=20)
    with pytest.raises(WeightingError, match="either margins .* or a weights file"):
        weigh(data.respondents, margins="m.yaml", weights="w.csv")
