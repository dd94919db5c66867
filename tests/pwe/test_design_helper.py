"""The design-versions helper's precision estimate: the existing power analysis on the generated
versions, with the example's value weights."""

from __future__ import annotations

import pytest

from pwe.services import design_helper
from surveys.design_versions import Varied
from tests.conftest import EXAMPLES


def test_precision_shrinks_with_more_respondents():
    text = (EXAMPLES / "lelylijn.yaml").read_text(encoding="utf-8")
    design = design_helper.design(
        [
            Varied("lelylijn_fast", "use", "budget", (1800, 2200, 2600)),
            Varied("roads", "use", "budget", (300, 500)),
        ],
        6,
        0,
    )
    rows = design_helper.precision(
        design_helper.with_versions(text, design),
        (EXAMPLES / "value-weights" / "lelylijn.yaml").read_text(),
        "investments",
        0,
    )
    by_size = {(row["n"], row["parameter"]): row["mean_se"] for row in rows}
    assert by_size[(5000, "delta0")] < by_size[(1000, "delta0")]
    assert {row["n"] for row in rows} == {1000, 5000}


def test_weights_that_do_not_fit_get_a_message():
    text = (EXAMPLES / "lelylijn.yaml").read_text(encoding="utf-8")
    with pytest.raises(ValueError, match="cannot be used.*no_such_option"):
        design_helper.precision(text, "investments: {asc: {no_such_option: 1}}", "investments", 0)
