"""The report's building blocks checked against outside references: Holm's correction against
statsmodels, the Wald test by hand, numbers as each language writes them, the CSS filter."""

from __future__ import annotations

import re

import numpy as np
import pytest
from scipy import stats
from statsmodels.stats.multitest import multipletests

from analysis.report.groups import holm, wald_test
from analysis.report.styles import needed_css
from analysis.report.texts import MESSAGES, Texts


def test_holm_equals_statsmodels_and_keeps_missing_p_values_out():
    p = np.array([0.01, 0.04, np.nan, 0.03, 0.005, 0.5])
    expected = multipletests(p[~np.isnan(p)], method="holm")[1]
    adjusted = holm(p)
    assert np.isnan(adjusted[2])
    np.testing.assert_allclose(adjusted[~np.isnan(p)], expected)


def test_wald_test_of_two_groups_is_the_squared_z_test():
    chi2, df, p = wald_test(np.array([0.4, 0.5]), np.array([0.02, 0.03]))
    z = 0.1 / np.hypot(0.02, 0.03)
    assert df == 1 and np.isclose(chi2, z**2) and np.isclose(p, 2 * stats.norm.sf(z))
    assert np.isnan(wald_test(np.array([0.4, 0.5]), np.array([0.0, 0.03]))[2])


def test_numbers_as_each_language_writes_them():
    nl, en = Texts("nl"), Texts("en")
    assert (nl.number(2156.29), en.number(2156.29)) == ("2.156", "2,156")
    assert (nl.number(-0.0312, 3), en.percent(0.642)) == ("−0,031", "64%")
    assert (nl.significant(30.43), en.significant(0.01234)) == ("30,4", "0.0123")
    assert nl.number(float("inf")) == "–"
    assert en.share_words(0.64) == "About two thirds"
    fy = Texts("fy")
    assert (fy.number(2156.29), fy.number(-0.0312, 3), fy.percent(0.642)) == ("2.156", "−0,031", "64%")
    assert fy.share_words(0.64) == "Sawat twa tredde"


@pytest.mark.parametrize("language", ["nl", "en", "fy"])
def test_every_report_text_formats_in_every_language(language):
    t = Texts(language)
    for key, msgid in MESSAGES.items():
        names = re.findall(r"%\((\w+)\)s", msgid)
        text = t(key, **{name: f"<{name}>" for name in names})
        assert text and "%(" not in text and "%%" not in text, key
        assert all(f"<{name}>" in text for name in names), (key, text)
    assert t("interval") == {"nl": "95%-interval", "en": "95% interval", "fy": "95%-ynterval"}[language]


def test_the_report_refuses_a_language_it_does_not_speak():
    with pytest.raises(ValueError, match="nl, en, fy"):
        Texts("de")


def test_css_keeps_only_rules_and_tokens_the_report_uses():
    components = (
        ".utrecht-table{color:var(--table-color)}.utrecht-button{color:red}"
        "@media print{.utrecht-table{border:0}.other{x:y}}"
    )
    theme = ".voorbeeld-theme{--table-color:var(--base);--base:#123;--unused:1px}"
    css = needed_css(components, theme, ".own{color:var(--own)}", {"utrecht-table"})
    assert ".utrecht-table{color:var(--table-color)}" in css
    assert "@media print{.utrecht-table{border:0}}" in css
    assert "utrecht-button" not in css and ".other" not in css
    assert "--table-color:var(--base);" in css and "--base:#123;" in css
    assert "--unused" not in css
