"""From known value weights, 3,000 simulated respondents per demo: results.json gives the weights
back within their 95% intervals, and the summary states them in words."""

from __future__ import annotations

import json

from analysis.report.texts import Texts


def _results(out):
    return json.loads((out / "results.json").read_text(encoding="utf-8"))


def _params(results, key):
    return {p["name"]: p for p in results["method"]["models"][key]["params"]}


def _checks(lelylijn, ruimte):
    """(what, truth, estimate row with std_err, lower, upper) for every known value weight."""
    checks = []
    for (_, weights, out), page in ((lelylijn, "investments"), (ruimte, "advice")):
        truth = weights[page]
        worth = {row["option"]: row for row in _results(out)["values"][page]["worth"]}
        assert set(worth) == set(truth["asc"])
        checks += [
            (f"{page} worth {option}", asc / truth["delta0"], worth[option])
            for option, asc in truth["asc"].items()
        ]
    truth = lelylijn[1]["variants"]
    params = _params(_results(lelylijn[2]), "mnl:variants")
    expected = {f"beta:{a}": v for a, v in truth["beta"].items()} | {"asc:none": truth["asc_none"]}
    assert set(params) == set(expected)
    checks += [
        (f"variants {name}", value, dict(params[name], std_err=params[name]["std_err"]))
        for name, value in expected.items()
    ]
    return checks


def test_value_weights_recovered_within_their_intervals(lelylijn, ruimte):
    """Every known weight lies within 3.5 standard errors of its estimate and nearly all within
    their 95% interval (one draw of 3,000: a few of 20 may fall just outside by chance; the
    pairs design's stops and travel time move together, so their errors are wide)."""
    checks = _checks(lelylijn, ruimte)
    assert len(checks) == 20
    far = [
        (what, truth, row)
        for what, truth, row in checks
        if abs(row.get("worth", row.get("estimate")) - truth) > 3.5 * row["std_err"]
    ]
    assert not far
    inside = [row["lower"] <= truth <= row["upper"] for _, truth, row in checks]
    assert sum(inside) >= 17, [what for (what, _, _), ok in zip(checks, inside) if not ok]


def test_pairs_parameters_use_the_names_of_pwe_fit(lelylijn):
    params = _params(_results(lelylijn[2]), "mnl:variants")
    assert {"name", "estimate", "std_err", "robust_std_err", "lower", "upper"} <= set(params["asc:none"])


def test_summary_states_the_estimated_worth_in_words(lelylijn, ruimte):
    for (report, _, out), language in ((lelylijn, "nl"), (ruimte, "en")):
        results = _results(out)
        summary = results["summary"]
        assert 5 <= len(summary) <= 8
        page = next(iter(results["values"]))
        best = max(results["values"][page]["worth"], key=lambda row: row["worth"])
        t = Texts(language)
        sentence = next(s for s in summary if t.significant(best["worth"]) in s)
        assert t.significant(best["lower"]) in sentence and t.significant(best["upper"]) in sentence


def test_summary_states_willingness_to_pay_of_the_pairs(lelylijn):
    results = _results(lelylijn[2])
    wtp = results["values"]["variants"]["wtp"]
    t = Texts("nl")
    # a negative amount is said as what one unit less is worth, with the amount positive
    stated = [(row, s) for row in wtp for s in results["summary"] if t.significant(abs(row["wtp"])) in s]
    assert stated
    row, sentence = stated[0]
    assert ("minder" in sentence) == (row["wtp"] < 0) and "−" not in sentence.split("(")[0]


def test_unidentified_effects_are_said_in_words_not_printed(lelylijn):
    report, _, out = lelylijn
    params = _params(_results(out), "portfolio-logit:investments")
    assert not any(name.startswith("beta:") for name in params)
    html = (out / "report.html").read_text(encoding="utf-8")
    assert Texts("nl")("v_effects_fixed") in html
