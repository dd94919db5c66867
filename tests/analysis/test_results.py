"""Every model's results as statsmodels users expect them: a cov_type chosen at fit time that
bse, z, p-values, intervals and value weights all follow, conf_int(), and results that pickle."""

from __future__ import annotations

import json
import math
import pickle

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner
from scipy import stats

from analysis.models import MDCEV, MNL, LatentClassPortfolioLogit, PortfolioLogit
from analysis.models.latent_class import simulate_classes
from analysis.models.mdcev import simulate_mdcev
from analysis.models.mnl import simulate_pairs
from analysis.models.results import COV_TYPES
from analysis.models.simulate import random_design, simulate_choices
from pwe.cli import fit as fit_command
from pwe.cli import main

Z95, Z90 = 1.959963985, 1.644853627
PORTFOLIO = {"asc:o0": 0.5, "asc:o1": 0.1, "asc:o2": -0.3, "beta:x0": 0.7, "beta:x1": -0.4, "delta0": 0.04}
PAIRS = {"asc:none": -0.5, "beta:x0": 0.8, "beta:cost": -0.03}


def portfolio_choices() -> pd.DataFrame:
    return simulate_choices(random_design(600, 3, 3, 2, seed=1), PORTFOLIO, seed=2)


def latent_class_choices() -> pd.DataFrame:
    design = random_design(800, 3, 4, 2, seed=3)
    second = {**PORTFOLIO, "beta:x0": -1.5}
    return simulate_classes(design, [{**PORTFOLIO, "beta:x0": 1.5}, second], [0.6, 0.4], seed=4)


def mdcev_choices() -> pd.DataFrame:
    params = {
        "psi:o0": 0.4,
        "psi:o1": -0.3,
        "psi:o2": 0.2,
        "gamma:o0": 2.0,
        "gamma:o1": 3.0,
        "gamma:o2": 4.0,
        "beta:x0": 0.5,
        "alpha:outside": 0.3,
        "sigma": 0.8,
    }
    return simulate_mdcev(random_design(400, 3, 4, 1, seed=5, budget=(200, 400)), params, seed=6)


MODELS = {
    "portfolio-logit": lambda: PortfolioLogit(portfolio_choices(), ["x0", "x1"]),
    "mnl": lambda: MNL(simulate_pairs(300, 3, PAIRS, taste_sd=0.5, seed=7), ["x0"], cost="cost"),
    "latent-class": lambda: LatentClassPortfolioLogit(
        latent_class_choices(), ["x0", "x1"], n_classes=2, starts=2
    ),
    "mdcev-gamma": lambda: MDCEV(mdcev_choices(), attributes=["x0"]),
}


@pytest.fixture(scope="module", params=list(MODELS))
def fits(request):
    """The model fitted with the default and with classical standard errors."""
    model = MODELS[request.param]()
    return model.fit(), model.fit(cov_type="classical")


def test_robust_is_the_default_and_classical_is_a_choice(fits):
    robust, classical = fits
    assert robust.cov_type == "robust" and classical.cov_type == "classical"
    pd.testing.assert_series_equal(robust.params, classical.params)
    pd.testing.assert_series_equal(robust.bse, robust.robust_bse)
    pd.testing.assert_series_equal(classical.bse, classical.classical_bse)
    pd.testing.assert_frame_equal(robust.cov_params(), robust.robust_cov)
    pd.testing.assert_frame_equal(classical.cov_params(), classical.classical_cov)
    assert not np.allclose(robust.bse, classical.bse, rtol=1e-3)
    assert "Standard errors: robust (sandwich" in robust.summary()
    assert "Standard errors: classical (inverse" in classical.summary()


def test_z_p_and_intervals_follow_the_chosen_standard_errors(fits):
    for result in fits:
        np.testing.assert_allclose(result.tvalues, result.params / result.bse, rtol=1e-12)
        np.testing.assert_allclose(
            result.pvalues, 2 * stats.norm.sf(np.abs(result.params / result.bse)), rtol=1e-12
        )
        for alpha, z in ((0.05, Z95), (0.10, Z90)):
            interval = result.conf_int(alpha)
            assert list(interval.columns) == ["lower", "upper"]
            np.testing.assert_allclose((result.params - interval["lower"]) / result.bse, z, rtol=1e-8)
            np.testing.assert_allclose((interval["upper"] - result.params) / result.bse, z, rtol=1e-8)
        table = result.table()
        assert list(table.columns) == ["estimate", "std_err", "z", "p_value", "lower", "upper"]
        np.testing.assert_allclose(table["std_err"], result.bse)
        np.testing.assert_allclose(table["lower"], result.conf_int()["lower"])


def test_value_weights_follow_the_chosen_covariance(fits):
    for result in fits:
        tradeoffs = result.tradeoffs()
        if tradeoffs.empty:
            continue
        row = tradeoffs.iloc[0]
        a, b = result.params[row["numerator"]], result.params[row["denominator"]]
        pair = [row["numerator"], row["denominator"]]
        cov = result.cov_params().loc[pair, pair].to_numpy()
        gradient = np.array([1 / b, -a / b**2])
        assert row["std_err"] == pytest.approx(math.sqrt(gradient @ cov @ gradient), rel=1e-10)


def test_results_pickle_with_their_estimates_and_summary(fits):
    for result in fits:
        back = pickle.loads(pickle.dumps(result))
        assert type(back) is type(result) and back.cov_type == result.cov_type
        pd.testing.assert_series_equal(back.params, result.params)
        pd.testing.assert_series_equal(back.bse, result.bse)
        pd.testing.assert_frame_equal(back.conf_int(), result.conf_int())
        assert back.summary() == result.summary()
        assert back.to_dict() == result.to_dict()
        with pytest.raises(ValueError, match="fit the model again"):
            back.predicted_support()


def test_an_unknown_cov_type_is_refused_before_fitting():
    for make in MODELS.values():
        with pytest.raises(ValueError, match="cov_type must be one of 'robust', 'classical'"):
            make().fit(cov_type="HC0")


def test_an_interval_level_outside_0_and_1_is_refused(fits):
    with pytest.raises(ValueError, match="alpha must lie between 0 and 1"):
        fits[0].conf_int(alpha=5)


def test_the_json_names_its_cov_type_and_std_err_follows_it(fits):
    for result in fits:
        out = result.to_dict()
        assert out["cov_type"] == result.cov_type
        assert [p["std_err"] for p in out["params"]] == pytest.approx(list(result.bse))
        assert [p["robust_std_err"] for p in out["params"]] == pytest.approx(list(result.robust_bse))


def test_pwe_fit_takes_the_cov_type(tmp_path):
    table = portfolio_choices()
    table.to_csv(tmp_path / "choices.csv", index=False)
    out = tmp_path / "fit.json"
    result = CliRunner().invoke(
        main,
        [
            "fit",
            str(tmp_path / "choices.csv"),
            "--model",
            "portfolio-logit",
            "--attributes",
            "x0,x1",
            "--cov-type",
            "classical",
            "--json",
            str(out),
        ],
    )
    assert result.exit_code == 0, result.output
    assert "Standard errors: classical" in result.output
    written = json.loads(out.read_text(encoding="utf-8"))
    expected = PortfolioLogit(table, ["x0", "x1"]).fit(cov_type="classical")
    assert written["cov_type"] == "classical"
    assert [p["std_err"] for p in written["params"]] == pytest.approx(list(expected.bse))
    choices = next(p for p in fit_command.params if p.name == "cov_type").type.choices
    assert set(choices) == set(COV_TYPES)
