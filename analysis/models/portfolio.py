"""The exact portfolio logit: each respondent chooses one portfolio out of every feasible one.

    V_nj = asc_j + x_nj'beta
    V_np = sum_j y_pj V_nj + delta0 (B_n - TC_np)
    P_n  = exp(V_n,chosen) / sum_{p in F_n} exp(V_np),   LL = sum_n w_n log P_n

The utility is linear in y: V_np = y_p'u_m with u_mj = asc_j + x_mj'beta - delta0 c_mj (B_n is the
same for every portfolio of a respondent and cancels). Respondents who saw the same menu (costs,
effects, budgets, groups) share F, so each menu's log-denominator and the mean and covariance of y
over F are computed once per iteration; a respondent adds only y_n. That makes the log-likelihood,
its gradient sum_m D_m'(S_m - W_m E_m[y]) and Hessian -sum_m W_m D_m' Cov_m(y) D_m cheap, with
D_m = dU_m/dtheta. Menus up to 2^16 candidate portfolios are enumerated; above that an exact
knapsack recursion over integer costs gives log Z, E[y] and Cov(y) without listing portfolios.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable
from typing import Any, Literal, overload

import numpy as np
import pandas as pd

from analysis.models import sampling
from analysis.models.layout import (
    PortfolioTable,
    column,
    menu_rows,
    plain_number,
    read_portfolio_table,
)
from analysis.models.menus import build_menu, enumerable, table_rule_breaks
from analysis.models.optimize import newton, sandwich
from analysis.models.results import (
    DEFAULT_COV_TYPE,
    ChoiceResults,
    NotIdentified,
    check_cov_type,
    infeasible_lines,
)
from surveys.definition import PortfolioPage
from surveys.feasibility import check_portfolio, feasible_level_vectors

_RANK_TOLERANCE = 1e-10  # smallest eigenvalue of the scaled information that counts as > 0


class PortfolioLogit:
    """The exact portfolio logit on a long choice table (see analysis.tables.choices_table).

    `weights`: a Series of respondent weights indexed by respondent (normalised to mean 1).
    `asc`/`delta0`: include the option constants / the budget term(s) (`delta0:<id>` per
    constraint when there are several). `task`: fit only this task's rows. `method`: "auto"
    (enumerate up to 2^16 candidate portfolios per menu, else the knapsack recursion, else
    sampling of alternatives), "enumerate", "recursion" or "sample" (approximate: each choice
    against its chosen portfolio plus `samples` portfolios drawn uniformly from its feasible set,
    `seed` for the draws; see analysis.models.sampling and `results.notes`). `infeasible`:
    "raise" (default) or "report" a chosen portfolio that breaks the rules; reported ones are left
    out of the fit and listed in `results.infeasible`, never dropped silently.

    The feasible set follows the table: budget_min <= total cost <= budget for every constraint
    (inclusive; a missing bound is no bound), at most one option of a group away from level 0,
    and levels 0..(highest level chosen for that option) when the choices are not all 0/1. Use
    `from_consultation` to take it from the consultation's own rule instead.
    """

    def __init__(
        self,
        choices: pd.DataFrame,
        attributes: list[str],
        weights: pd.Series | None = None,
        asc: bool = True,
        delta0: bool = True,
        task: str | None = None,
        method: str = "auto",
        infeasible: str = "raise",
        samples: int = 500,
        seed: int | None = 0,
        _feasible: Callable[[Any, Any], np.ndarray] | None = None,
        _check: Callable[[Any], list[str]] | None = None,
    ) -> None:
        if method not in ("auto", "enumerate", "recursion", "sample"):
            raise ValueError(f"method must be auto, enumerate, recursion or sample, not {method!r}")
        if method == "sample" and _feasible is not None:
            raise ValueError("method='sample' draws from the table's rule, not the consultation's")
        if samples < 1:
            raise ValueError(f"samples must be at least 1, not {samples!r}")
        if infeasible not in ("raise", "report"):
            raise ValueError(f"infeasible must be raise or report, not {infeasible!r}")
        self.data = read_portfolio_table(
            choices, list(attributes), weights, task, by_version=_feasible is not None
        )
        data = self.data
        self.param_names = ([f"asc:{o}" for o in data.options] if asc else []) + [
            f"beta:{a}" for a in data.attributes
        ]
        if delta0:
            ids = data.constraints
            self.param_names += ["delta0"] if len(ids) == 1 else [f"delta0:{c}" for c in ids]
        if not self.param_names:
            raise ValueError("the model has no parameters: ask for asc, attributes or delta0")
        self._asc, self._delta0 = asc, delta0
        broken = (_check or table_rule_breaks)(data)
        self.infeasible = _infeasible_frame(data, broken)
        if len(self.infeasible) and infeasible == "raise":
            raise ValueError(_infeasible_message(self.infeasible))
        keep = ~np.isin(data.observation, self.infeasible["observation"].to_numpy())
        self.menus, sampled, rng = [], 0, np.random.default_rng(seed)
        for rows in menu_rows(data.menu, keep):
            design = self._design(data, rows[0])
            if _feasible is None and (
                method == "sample"
                or method == "auto"
                and not enumerable(data.levels)
                and not sampling.recursion_applies(data, rows[0])
            ):
                self.menus += sampling.sampled_menus(data, rows, design, samples, rng)
                sampled += len(rows)
            else:
                self.menus.append(build_menu(data, rows, design, method, _feasible))
        self.notes = (
            [sampling.sampling_note(sampled, int(keep.sum()), samples, method == "sample")] if sampled else []
        )
        self.rules = (
            "the consultation's rules per design version (surveys.feasibility)"
            if _feasible is not None
            else None
        )
        self.n_observations = int(keep.sum())
        self.n_respondents = int(data.respondent[keep].nunique())
        self._cluster = pd.factorize(data.respondent)[0]
        self._check_identified()

    @classmethod
    def from_consultation(
        cls, consultation: Any, choices: pd.DataFrame, attributes: list[str], task: str, **options: Any
    ) -> PortfolioLogit:
        """The model whose feasible sets come from the consultation's own rule
        (surveys.feasibility.feasible_level_vectors), per design version in the `version` column;
        any levels the page defines, negative (sliders around a basic plan) or fractional."""

        def page_of(version: Any) -> tuple[Any, PortfolioPage]:
            design = consultation.for_version(None if pd.isna(version) else version)
            pages = [p for p in design.pages if isinstance(p, PortfolioPage) and p.id == task]
            if not pages:
                raise ValueError(f"task {task!r} is not a portfolio page of consultation {consultation.id!r}")
            return design, pages[0]

        def feasible(data: PortfolioTable, version: Any) -> np.ndarray:
            design, page = page_of(version)
            order = [[o.id for o in page.options].index(option) for option in data.options]
            return feasible_level_vectors(design, page)[:, order].astype(float)

        @functools.cache
        def rules_broken(version: Any, levels: tuple[tuple[str, Any], ...]) -> str:
            design, page = page_of(version)
            broken = check_portfolio(design, page, dict(levels))
            return "; ".join(map(_violation_text, broken))

        def check(data: PortfolioTable) -> list[str]:
            return [
                rules_broken(data.version[n], tuple(zip(data.options, map(plain_number, data.y[n]))))
                for n in range(len(data.observation))
            ]

        return cls(
            choices, attributes, task=task, method="enumerate", _feasible=feasible, _check=check, **options
        )

    def constraints(self) -> list[str]:
        """The rules of the feasible set, in words (what the summary and JSON say)."""
        data, found = self.data, [self.rules] if self.rules else []
        for k, c in enumerate(data.constraints):
            low = np.isfinite(data.budget_min[:, k]).any()
            high = np.isfinite(data.budget[:, k]).any()
            if low or high:
                found.append(
                    " <= ".join(
                        ([column("budget_min", c)] if low else [])
                        + [f"total {column('cost', c)}"]
                        + ([column("budget", c)] if high else [])
                    )
                )
        if data.group_names and not self.rules:
            found.append(f"at most one option per group ({', '.join(data.group_names)})")
        if not self.rules and (data.offset.any() or (data.levels > 1).any()):
            found.append("levels per option from the lowest to the highest chosen")
        return found

    # --- likelihood ---------------------------------------------------------------------------

    def _design(self, data: PortfolioTable, n: int) -> np.ndarray:
        """D (J x parameters): u = D theta, the utility per unit of each option, for row n's menu."""
        columns = [np.eye(len(data.options))] if self._asc else []
        columns.append(data.x[n])
        if self._delta0:
            columns.append(-data.cost[n])
        return np.hstack(columns)

    def loglike(self, params: np.ndarray) -> float:
        return self._all(params, second=False)[0]

    def score(self, params: np.ndarray) -> np.ndarray:
        return self._all(params, second=False)[1]

    def hessian(self, params: np.ndarray) -> np.ndarray:
        return self._all(params)[2]

    @overload
    def _all(
        self, params: np.ndarray, second: Literal[True] = True
    ) -> tuple[float, np.ndarray, np.ndarray, list]: ...
    @overload
    def _all(self, params: np.ndarray, second: Literal[False]) -> tuple[float, np.ndarray, None, list]: ...

    def _all(
        self, params: np.ndarray, second: bool = True
    ) -> tuple[float, np.ndarray, np.ndarray | None, list]:
        """LL, gradient, Hessian (when `second`) and each menu's mean y, in one pass over menus."""
        params = np.asarray(params, dtype=float)
        k = len(params)
        ll, grad, means = 0.0, np.zeros(k), []
        hess = np.zeros((k, k)) if second else None
        for menu in self.menus:
            log_z, mean, cov = menu.moments(menu.design @ params, second)
            ll += menu.chosen_sum @ (menu.design @ params) - menu.weight * log_z
            grad = grad + menu.design.T @ (menu.chosen_sum - menu.weight * mean)
            if hess is not None:
                hess = hess - menu.weight * menu.design.T @ cov @ menu.design
            means.append(mean)
        return float(ll), grad, hess, means

    # --- fit ----------------------------------------------------------------------------------

    def fit(self, start: np.ndarray | None = None, cov_type: str = DEFAULT_COV_TYPE) -> ChoiceResults:
        """Newton-Raphson with the exact Hessian and step-halving (the LL is concave); `cov_type`
        "robust" or "classical" (analysis.models.results)."""
        check_cov_type(cov_type)
        found = newton(self.loglike, self._all, np.zeros(len(self.param_names)) if start is None else start)
        _, _, hess, means = found.state
        cov = np.linalg.inv(-hess)
        scores = np.vstack(
            [
                menu.obs_weight[:, None] * ((menu.y - mean) @ menu.design)
                for menu, mean in zip(self.menus, means)
            ]
        )
        cluster = np.concatenate([self._cluster[menu.rows] for menu in self.menus])
        return ChoiceResults.of_fit(
            "portfolio-logit",
            self.param_names,
            found,
            cov,
            sandwich(cov, scores, cluster),
            n_observations=self.n_observations,
            n_respondents=self.n_respondents,
            infeasible=self.infeasible,
            notes=list(self.notes),
            cov_type=cov_type,
            support=lambda: self._support(sampling.support_means(self.menus, means, found.params)),
            support_at=self._support_at,
            package=functools.partial(self.package_probability, found.params),
            best_package=functools.partial(self.most_supported_package, found.params),
        )

    def _support_at(self, params: np.ndarray) -> pd.DataFrame:
        """Predicted support at any parameter vector (for its interval)."""
        means = [menu.moments(menu.design @ params, False)[1] for menu in self.menus]
        return self._support(sampling.support_means(self.menus, means, params))

    def _support(self, means: list[np.ndarray]) -> pd.DataFrame:
        total = sum(menu.weight for menu in self.menus)
        count = sum(len(menu.rows) for menu in self.menus)
        offset = self.data.offset
        predicted = sum(menu.weight * mean for menu, mean in zip(self.menus, means)) / total + offset
        observed = sum(menu.chosen_sum for menu in self.menus) / total + offset
        unweighted = sum(len(menu.rows) * mean for menu, mean in zip(self.menus, means)) / count + offset
        return pd.DataFrame(
            {
                "option": self.data.options,
                "predicted": predicted,
                "observed": observed,
                "predicted_unweighted": unweighted,
            }
        )

    # --- packages -----------------------------------------------------------------------------

    def package_probability(
        self, params: np.ndarray, package: dict[str, float], version: Any = None, menu: int | None = None
    ) -> pd.DataFrame:
        """The probability that a respondent chooses exactly `package` ({option: level}, options
        left out at 0), per menu (respondents who saw the same costs, effects and budget), and
        in the last row ("all") the mean over the respondents of the menus selected (weighted;
        `probability_unweighted` unweighted). 0 where the rules forbid the package.
        `version`: only the menus of that design version (the `version` column); `menu`: one menu.
        """
        unknown = sorted(set(map(str, package)) - set(self.data.options))
        if unknown:
            raise ValueError(
                f"option(s) {', '.join(unknown)} are not in the choice table "
                f"(options: {', '.join(self.data.options)})"
            )
        levels = {str(k): float(v) for k, v in package.items()}
        y = np.array([levels.get(o, 0.0) for o in self.data.options]) - self.data.offset
        params = np.asarray(params, dtype=float)
        rows = []
        for m in self._selected_menus(version, menu):
            this = self.menus[m]
            u = this.design @ params
            probability = math.exp(y @ u - this.moments(u, False)[0]) if this.allows(y) else 0.0
            rows.append(self._menu_row(m) | {"feasible": this.allows(y), "probability": probability})
        return _with_mean(pd.DataFrame(rows), ["probability"])

    def most_supported_package(
        self, params: np.ndarray, version: Any = None, menu: int | None = None
    ) -> pd.DataFrame:
        """Per menu the feasible package with the highest utility, argmax_{p in F} V_p (so the
        most probable one): its level per option, total cost per constraint, utility y'u (without
        the delta0 B_n term, which is the same for every package) and probability."""
        params = np.asarray(params, dtype=float)
        rows = []
        for m in self._selected_menus(version, menu):
            this = self.menus[m]
            u = this.design @ params
            y = this.best(u) + self.data.offset
            n = this.rows[0]
            totals = {
                f"total_{column('cost', c)}": float(y @ self.data.cost[n, :, k])
                for k, c in enumerate(self.data.constraints)
            }
            rows.append(
                self._menu_row(m)
                | {
                    "package": ", ".join(
                        o if level == 1 else f"{o}={plain_number(level)}"
                        for o, level in zip(self.data.options, y)
                        if level
                    )
                    or "(nothing)",
                    **{o: plain_number(level) for o, level in zip(self.data.options, y)},
                    **totals,
                    "utility": float(y @ u),
                    "probability": math.exp((y - self.data.offset) @ u - this.moments(u, False)[0]),
                }
            )
        return pd.DataFrame(rows)

    def _selected_menus(self, version: Any, menu: int | None) -> list[int]:
        chosen = [
            m
            for m, this in enumerate(self.menus)
            if (menu is None or m == menu)
            and (version is None or str(self.data.version[this.rows[0]]) == str(version))
        ]
        if not chosen:
            raise ValueError(
                f"no menu matches version={version!r}, menu={menu!r} (menus "
                f"0..{len(self.menus) - 1}; versions "
                f"{', '.join(sorted({str(v) for v in self.data.version}))})"
            )
        return chosen

    def _menu_row(self, m: int) -> dict[str, Any]:
        this = self.menus[m]
        return {
            "menu": m,
            "version": self.data.version[this.rows[0]],
            "observations": len(this.rows),
            "weight": this.weight,
        }

    # --- identification -----------------------------------------------------------------------

    def _check_identified(self) -> None:
        """Every parameter must move some portfolio's probability: the information at theta = 0
        (same null space as anywhere, since every feasible portfolio has positive probability).

        First the option constants, then each other parameter with them (absorbed by them?), then
        what remains together (parameters that cannot be told apart from each other).
        """
        info = -self.hessian(np.zeros(len(self.param_names)))
        scale = np.sqrt(np.diag(info))
        scale = np.where(scale > 1e-12 * max(scale.max(), 1.0), scale, np.inf)
        info = info / np.outer(scale, scale)
        names = self.param_names
        constants = [k for k, name in enumerate(names) if name.startswith("asc:")]
        problems = [[names[k] for k in _null_space_members(info, constants)]]
        if not problems[0]:
            problems = [
                [names[k]]
                for k in range(len(names))
                if k not in constants and _null_space_members(info, constants + [k])
            ]
            alone = {name for problem in problems for name in problem}
            rest = [k for k in range(len(names)) if names[k] not in alone]
            problems += [[names[k] for k in together] for together in _null_space_groups(info, rest)]
        problems = [problem for problem in problems if problem]
        if problems:
            raise NotIdentified(_identification_message(problems), problems)


def _with_mean(frame: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    """`frame` (one row per menu) plus a row "all": the weighted mean of `columns` over the
    observations (and `<column>_unweighted`, the plain mean), observations and weight summed."""
    total = {
        "menu": "all",
        "version": None,
        "observations": frame["observations"].sum(),
        "weight": frame["weight"].sum(),
    }
    for c in columns:
        total[c] = float((frame[c] * frame["weight"]).sum() / frame["weight"].sum())
        frame[f"{c}_unweighted"] = frame[c]
        total[f"{c}_unweighted"] = float(
            (frame[c] * frame["observations"]).sum() / frame["observations"].sum()
        )
    return pd.concat([frame, pd.DataFrame([total])], ignore_index=True)


def _null_space_members(info: np.ndarray, subset: list[int]) -> list[int]:
    """The parameters (positions) in the null space of the information restricted to `subset`."""
    return sorted({k for group in _null_space_groups(info, subset) for k in group})


def _null_space_groups(info: np.ndarray, subset: list[int]) -> list[list[int]]:
    """The parameters (positions) of `subset` in each null direction of the information
    restricted to it."""
    if not subset:
        return []
    values, vectors = np.linalg.eigh(info[np.ix_(subset, subset)])
    return [
        [subset[i] for i in np.flatnonzero(np.abs(vectors[:, k]) > 1e-6)]
        for k in np.flatnonzero(values < _RANK_TOLERANCE)
    ]


def _infeasible_frame(data: PortfolioTable, broken: list[str]) -> pd.DataFrame:
    rows = [n for n, rule in enumerate(broken) if rule]
    return pd.DataFrame(
        {
            "observation": np.asarray(rows, dtype=int),
            "respondent": data.respondent.to_numpy()[rows],
            "task": data.task[rows],
            "rule": [broken[n] for n in rows],
        }
    )


def _infeasible_message(infeasible: pd.DataFrame) -> str:
    lines = infeasible_lines(infeasible.head(10))
    more = f"\n  ... and {len(infeasible) - 10} more" if len(infeasible) > 10 else ""
    return (
        f"{len(infeasible)} chosen portfolio(s) break the consultation's rules, so their "
        "probability is 0:\n  "
        + "\n  ".join(lines)
        + more
        + "\nCorrect the data, or pass infeasible='report' to leave them out and list them in "
        "results.infeasible."
    )


def _violation_text(violation: Any) -> str:
    detail = ", ".join(f"{k} {v}" for k, v in violation.params.items())
    text = f"{violation.code} {violation.subject or ''}".strip()
    return f"{text} ({detail})" if detail else text


def _identification_message(problems: list[list[str]]) -> str:
    lines = []
    for involved in problems:
        weights = [p for p in involved if not p.startswith("asc:")]
        if len(weights) > 1:
            line = (
                f"{', '.join(weights)} cannot be told apart: across the menus they change the "
                "options' utilities in the same proportions (too few design versions for "
                "this many varying costs and effects). Add versions, or leave one out."
            )
        elif weights and weights[0].startswith("delta0"):
            line = (
                f"{weights[0]} is not identified: within every menu the total cost is a fixed "
                "combination of the options chosen (costs the same for everyone, or everyone "
                "must spend the same total), so the budget term is absorbed by the option "
                "constants. Use design versions with different costs, or fit without it "
                "(delta0=False, --no-delta0)."
            )
        elif weights:
            line = (
                f"{weights[0]} is not identified: the attribute does not vary across "
                "respondents apart from the option it belongs to, so it is absorbed by the "
                "option constants. Use design versions with different effects, or leave the "
                "attribute out."
            )
        else:
            line = (
                f"{', '.join(involved)} are not separately identified (an option that is "
                "never feasible, a fixed number of options, or an empty portfolio that is "
                "never allowed)."
            )
        lines += [line] if line not in lines else []
    return "The portfolio logit cannot be estimated:\n  " + "\n  ".join(lines)
