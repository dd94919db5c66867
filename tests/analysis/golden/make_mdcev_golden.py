"""Golden MDCEV numbers from Biogeme (biogeme.mdcev, Bierlaire) for tests/analysis/test_mdcev.py.

Writes mdcev_choices.csv (a simulated money allocation: 1,000 respondents, 4 options with prices,
2 design versions, 1 attribute, unspent budget allowed) and Biogeme's fits of it:
mdcev_gamma_outside.json (gamma-profile, outside good with alpha estimated:
biogeme.mdcev.Generalized with alpha 0 for the options), mdcev_gamma_no_outside.json
(gamma-profile on what was spent, first psi fixed, respondents who spent something:
biogeme.mdcev.GammaProfile) and mdcev_alpha_outside.json (alpha-profile: Generalized with gamma 1
for the options). Biogeme works on expenditures (price x amount) and leaves out the constant
ln (M-1)!, so its log-likelihood is ours minus sum_n [ln (M_n-1)! + sum_consumed ln p -
ln p_reference]; the JSON holds Biogeme's own numbers.

Biogeme pins pandas < 3, so run it from its own virtual environment, with the project on the path:
    python3 -m venv /tmp/bgvenv && /tmp/bgvenv/bin/pip install biogeme
    PYTHONPATH=. /tmp/bgvenv/bin/python tests/analysis/golden/make_mdcev_golden.py
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd

HERE = Path(__file__).parent
OPTIONS = ["o0", "o1", "o2", "o3"]
TRUE = {
    "psi:o0": 0.3,
    "psi:o1": -0.2,
    "psi:o2": 0.1,
    "psi:o3": -0.4,
    "beta:x0": 0.5,
    "gamma:o0": 2.0,
    "gamma:o1": 3.0,
    "gamma:o2": 1.5,
    "gamma:o3": 4.0,
    "alpha:outside": 0.3,
    "sigma": 0.8,
}


def make_choices() -> pd.DataFrame:
    from analysis.models.mdcev import simulate_mdcev
    from analysis.models.simulate import random_design

    table = random_design(1000, len(OPTIONS), 2, 1, seed=11, budget=(150, 300))
    choices = simulate_mdcev(table, TRUE, seed=12)
    choices["choice"] = choices["choice"].round(6)
    return choices


def wide(choices: pd.DataFrame) -> pd.DataFrame:
    """One row per respondent: spend_j (price x amount), cost_j, x0_j, leftover, chosen counts."""
    frame = choices.pivot(index="respondent", columns="option", values=["choice", "cost", "x0", "budget"])
    out = pd.DataFrame(index=frame.index)
    for j in OPTIONS:
        out[f"spend_{j}"] = frame[("choice", j)] * frame[("cost", j)]
        out[f"cost_{j}"] = frame[("cost", j)]
        out[f"x0_{j}"] = frame[("x0", j)]
    spend = out[[f"spend_{j}" for j in OPTIONS]]
    out["leftover"] = frame[("budget", OPTIONS[0])] - spend.sum(axis=1)
    out["chosen_inside"] = (spend > 0).sum(axis=1)
    out["chosen_all"] = out["chosen_inside"] + (out["leftover"] > 0)
    return out.reset_index(drop=True).astype(float)


def fit(profile: str, outside: bool, data: pd.DataFrame) -> dict:
    from biogeme.database import Database
    from biogeme.expressions import Beta, Numeric, Variable, exp
    from biogeme.mdcev import GammaProfile, Generalized

    database = Database("mdcev", data)
    beta = Beta("beta_x0", 0, None, None, 0)
    ids = {j: i + 1 for i, j in enumerate(OPTIONS)}
    baseline = {
        ids[j]: (Beta(f"psi_{j}", 0, None, None, 0) if outside or j != OPTIONS[0] else Numeric(0))
        + beta * Variable(f"x0_{j}")
        for j in OPTIONS
    }
    gamma = {
        ids[j]: exp(Beta(f"lngamma_{j}", 1, None, None, 0)) if profile == "gamma" else Numeric(1)
        for j in OPTIONS
    }
    prices = {ids[j]: Variable(f"cost_{j}") for j in OPTIONS}
    consumed = {ids[j]: Variable(f"spend_{j}") for j in OPTIONS}
    scale = exp(-Beta("lnsigma", 0, None, None, 0))  # Biogeme's scale multiplies V: 1/sigma
    if outside:
        baseline[0], gamma[0], prices[0] = Numeric(0), None, Numeric(1)
        consumed[0] = Variable("leftover")
        alpha = {
            ids[j]: Numeric(0) if profile == "gamma" else 1 - exp(-Beta(f"delta_{j}", 0, None, None, 0))
            for j in OPTIONS
        }
        alpha[0] = 1 - exp(-Beta("delta_outside", 0, None, None, 0))
        model = Generalized(f"{profile}_outside", baseline, gamma, alpha, scale, prices)
        chosen = Variable("chosen_all")
    else:
        model = GammaProfile("gamma_no_outside", baseline, gamma, None, scale, prices)
        chosen = Variable("chosen_inside")
    results = model.estimate_parameters(
        database, chosen, consumed, generate_html=False, generate_yaml=False, save_iterations=False
    )
    raw = results.get_beta_values()
    params = {name.replace("psi_", "psi:"): value for name, value in raw.items() if name.startswith("psi_")}
    params["beta:x0"] = raw["beta_x0"]
    params.update({f"gamma:{j}": float(np.exp(raw[f"lngamma_{j}"])) for j in OPTIONS if profile == "gamma"})
    params.update(
        {
            f"alpha:{name[len('delta_') :]}": float(1 - np.exp(-value))
            for name, value in raw.items()
            if name.startswith("delta_")
        }
    )
    params["sigma"] = float(np.exp(raw["lnsigma"]))
    reference = (
        {"gamma": "Generalized (alpha 0 for the options)", "alpha": "Generalized (gamma 1 for the options)"}[
            profile
        ]
        if outside
        else "GammaProfile"
    )
    return {
        "reference": f"biogeme 3.3.2, biogeme.mdcev.{reference}",
        "profile": profile,
        "outside_good": outside,
        "loglik": float(results.final_log_likelihood),
        "converged": bool(results.algorithm_has_converged),
        "params": params,
    }


def main() -> None:
    choices = make_choices()
    choices.to_csv(HERE / "mdcev_choices.csv", index=False)
    data = wide(pd.read_csv(HERE / "mdcev_choices.csv"))
    for profile, outside in [("gamma", True), ("gamma", False), ("alpha", True)]:
        name = f"mdcev_{profile}_{'outside' if outside else 'no_outside'}.json"
        golden = fit(profile, outside, data if outside else data[data["chosen_inside"] > 0])
        (HERE / name).write_text(json.dumps(golden, indent=2) + "\n", encoding="utf-8")
        print(name, golden["loglik"], golden["converged"])


if __name__ == "__main__":
    main()
