"""Our exact portfolio logit against portchoice's PortLogit (PyPI, the peer a user would pick) on
the same simulated data: log-likelihood of each at both sets of estimates, parameter differences,
wall times and the speed ratio.

portchoice is NOT a dependency of this project; install it only to run this comparison:
    .venv/bin/pip install --no-deps portchoice==0.4.1 numdifftools pyDOE2
(portchoice 0.4.1 declares pandas<2, but PortLogit runs on pandas 3.1 (checked); --no-deps keeps the
project's pandas). Run: .venv/bin/python benchmarks/bench_vs_portchoice.py

Making both models see the same feasible set: portchoice marks a portfolio feasible only when its
total cost is strictly below the budget (`TC < B`), ours when TC <= B (inclusive, as the
consultation's rule). Costs here are whole numbers and budgets end in .5, so no total ever equals
a budget and the two sets coincide. No exclusive groups (portchoice expresses them only as pairs).

Parameter mapping: portchoice's utility is V_p = y_p'(asc + x beta) + delta_0 * TC_p; ours adds
delta0 (B_n - TC_p), and B_n cancels within a respondent, so their delta_0 = -our delta0; the other
parameters (asc per option, then beta per attribute) are the same in the same order.

portchoice stops its BFGS (forward-difference gradients) when |d'g| < 1e-6, which may be short of
the optimum; then the log-likelihoods at the two optima differ slightly, but both implementations
evaluated at the SAME parameter vector must agree to ~1e-9.
"""

from __future__ import annotations

import sys
import time

import numpy as np
import pandas as pd

from analysis.models import PortfolioLogit
from analysis.models.simulate import random_design, simulate_choices

ATTRIBUTES = 2
# (respondents, options, design versions, budget range); the second is sized so that portchoice
# takes roughly up to a minute on a 2-core machine
CASES = [(1_000, 7, 4, (40, 80)), (3_000, 10, 4, (60, 120))]


def truth(options: int) -> dict[str, float]:
    return {
        **{f"asc:o{j}": round(0.6 - 0.15 * j, 2) for j in range(options)},
        "beta:x0": 0.5,
        "beta:x1": -0.3,
        "delta0": 0.03,
    }


def simulated(respondents: int, options: int, versions: int, budget: tuple[int, int]) -> pd.DataFrame:
    design = random_design(respondents, options, versions, ATTRIBUTES, seed=11, budget=budget)
    design["budget"] = design["budget"] + 0.5  # no whole-number total can equal the budget
    return simulate_choices(design, truth(options), seed=12)


def portchoice_inputs(table: pd.DataFrame, options: list[str]) -> dict[str, object]:
    """portchoice's wide format: Y and C (N x J), X (N x J*K, option-major), budget per row."""
    wide = table.pivot(index="respondent", columns="option")
    order = pd.unique(table["respondent"])
    wide = wide.loc[order]
    x = pd.concat({(o, a): wide[a][o] for o in options for a in [f"x{k}" for k in range(ATTRIBUTES)]}, axis=1)
    return {
        "Y": wide["choice"][options].astype(float),
        "X": x,
        "C": wide["cost"][options].astype(float),
        "B_max": wide["budget"][options[0]],
    }


def main() -> int:
    try:
        from portchoice.models import PortLogit
    except ImportError as error:
        print(
            f"portchoice is not installed ({error}); this comparison is optional.\n"
            "Install it with: .venv/bin/pip install --no-deps portchoice==0.4.1 numdifftools "
            "pyDOE2"
        )
        return 0
    from importlib.metadata import version

    print(
        f"portfolio logit: this project vs portchoice {version('portchoice')} PortLogit, "
        f"same simulated data; {ATTRIBUTES} attributes, budgets that bind, asc per option, "
        "delta0 estimated.\n"
        "Ours: exact Newton, analytic Hessian, classical and robust errors included, reading "
        "the long table included, best of 3 runs. "
        "portchoice: its BFGS with forward-difference gradients, hess=False (its cheapest "
        "setting: no numdifftools Hessian), one run.\n"
        "LL_a(theta_b): implementation a's log-likelihood at the estimates of b.\n"
    )
    rows = []
    for respondents, options, versions, budget in CASES:
        table = simulated(respondents, options, versions, budget)
        attributes = [f"x{k}" for k in range(ATTRIBUTES)]
        times = []
        for _ in range(3):  # best of 3 (the first call also pays one-off costs)
            start = time.perf_counter()
            ours_model = PortfolioLogit(table, attributes)
            ours = ours_model.fit()
            times.append(time.perf_counter() - start)
        ours_time = min(times)
        names = list(ours.params.index)
        sign = np.array([-1.0 if n == "delta0" else 1.0 for n in names])

        data = portchoice_inputs(table, [n[len("asc:") :] for n in names if n.startswith("asc:")])
        start = time.perf_counter()
        theirs_model = PortLogit(data["Y"], X=data["X"], C=data["C"], B_max=data["B_max"])
        their_ll, their_coef, _, _, _ = theirs_model.estimate(
            np.zeros(len(names)), asc=np.ones(options), hess=False, verbose=False
        )
        theirs_time = time.perf_counter() - start
        m = theirs_model
        args = (
            m.J,
            m.K,
            m.M,
            m.Y,
            m.C,
            m.B_min,
            m.B_max,
            m.X,
            m.Z,
            m.combinations,
            m.interactions,
            m.Totalcosts,
            m.Feasible,
            m.asc,
            m.common_asc,
            m.delta_0,
            m.beta_j,
        )

        # portchoice restarted from our optimum: does its optimizer stay there?
        restart = PortLogit(data["Y"], X=data["X"], C=data["C"], B_max=data["B_max"])
        restart_ll = -float(
            restart.estimate(sign * ours.params.to_numpy(), asc=np.ones(options), hess=False, verbose=False)[
                0
            ]
        )

        def their_loglike(ours_params: np.ndarray) -> float:
            return -PortLogit._llf(sign * ours_params, *args)

        theta_ours = ours.params.to_numpy()
        theta_theirs = sign * np.asarray(their_coef, dtype=float)  # in our parametrisation
        row = {
            "case": f"{respondents:,} x {options} opt, {versions} versions",
            "portfolios": 2**options,
            "LL_ours(ours)": ours.loglik,
            "LL_theirs(ours)": their_loglike(theta_ours),
            "LL_ours(theirs)": ours_model.loglike(theta_theirs),
            "LL_theirs(theirs)": -float(their_ll),
            "LL_theirs(restarted at ours)": restart_ll,
            "max |param diff|": float(np.abs(theta_ours - theta_theirs).max()),
            "ours (s)": ours_time,
            "portchoice (s)": theirs_time,
        }
        row["same theta: ours - theirs @ours"] = row["LL_ours(ours)"] - row["LL_theirs(ours)"]
        row["same theta: ours - theirs @theirs"] = row["LL_ours(theirs)"] - row["LL_theirs(theirs)"]
        row["optimum: ours - theirs"] = row["LL_ours(ours)"] - row["LL_theirs(theirs)"]
        row["ours - theirs restarted at ours"] = row["LL_ours(ours)"] - restart_ll
        row["speed ratio"] = theirs_time / ours_time
        rows.append(row)
        params = pd.DataFrame(
            {
                "ours": theta_ours,
                "portchoice": theta_theirs,
                "difference": theta_ours - theta_theirs,
                "ours robust se": ours.robust_bse.to_numpy(),
            },
            index=names,
        )
        print(
            f"--- {row['case']} ({2**options} candidate portfolios per respondent; "
            f"feasible per respondent {m.Feasible.sum(axis=1).min()}..."
            f"{m.Feasible.sum(axis=1).max()}); portchoice delta_0 shown as -delta_0"
        )
        print(params.to_string(float_format=lambda v: f"{v:.6f}"))
        print()

    table = pd.DataFrame(rows).set_index("case").T
    print(table.to_string(float_format=lambda v: f"{v:.12g}"))
    worst_same = max(
        max(abs(r["same theta: ours - theirs @ours"]), abs(r["same theta: ours - theirs @theirs"]))
        for r in rows
    )
    worst_opt = max(abs(r["optimum: ours - theirs"]) for r in rows)
    print(
        f"\nsame parameter vector: largest LL difference {worst_same:.2e} (target 1e-9): "
        f"{'OK' if worst_same < 1e-9 else 'FAIL'}"
    )
    print(
        f"at the two optima: largest LL difference {worst_opt:.2e} (target 1e-6): "
        f"{'OK' if worst_opt < 1e-6 else 'not met: portchoice stopped short of the optimum'}"
        f"{' (ours higher)' if all(r['optimum: ours - theirs'] >= 0 for r in rows) else ''}"
    )
    restarted = max(abs(r["ours - theirs restarted at ours"]) for r in rows)
    print(
        f"portchoice restarted from our optimum: largest LL difference {restarted:.2e} "
        f"(target 1e-6): {'OK' if restarted < 1e-6 else 'not met'}"
    )
    ratios = ", ".join(f"{r['speed ratio']:.0f}x" for r in rows)
    print(f"speed ratio (portchoice time / ours): {ratios} (target >= 20x)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
