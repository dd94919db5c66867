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
from dataclasses import dataclass
from typing import Any, Callable

import numpy as np
import pandas as pd

from analysis.models import sampling
from analysis.models.optimize import newton, sandwich
from analysis.models.results import DEFAULT_COV_TYPE, ChoiceResults, check_cov_type

ENUMERATION_LIMIT = 2**16     # candidate portfolios per menu above which "auto" uses the recursion
_RANK_TOLERANCE = 1e-10       # smallest eigenvalue of the scaled information that counts as > 0


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

    def __init__(self, choices: pd.DataFrame, attributes: list[str],
                 weights: pd.Series | None = None, asc: bool = True, delta0: bool = True,
                 task: str | None = None, method: str = "auto", infeasible: str = "raise",
                 samples: int = 500, seed: int | None = 0,
                 _feasible: Callable[[Any, Any], np.ndarray] | None = None,
                 _check: Callable[[Any], list[str]] | None = None) -> None:
        if method not in ("auto", "enumerate", "recursion", "sample"):
            raise ValueError(f"method must be auto, enumerate, recursion or sample, not "
                             f"{method!r}")
        if method == "sample" and _feasible is not None:
            raise ValueError("method='sample' draws from the table's rule, not the "
                             "consultation's")
        if samples < 1:
            raise ValueError(f"samples must be at least 1, not {samples!r}")
        if infeasible not in ("raise", "report"):
            raise ValueError(f"infeasible must be raise or report, not {infeasible!r}")
        self.data = _read_table(choices, list(attributes), weights, task,
                                by_version=_feasible is not None)
        data = self.data
        self.param_names = ([f"asc:{o}" for o in data.options] if asc else []) + \
            [f"beta:{a}" for a in data.attributes]
        if delta0:
            ids = data.constraints
            self.param_names += ["delta0"] if len(ids) == 1 else [f"delta0:{c}" for c in ids]
        if not self.param_names:
            raise ValueError("the model has no parameters: ask for asc, attributes or delta0")
        self._asc, self._delta0 = asc, delta0
        broken = (_check or _table_rule_breaks)(data)
        self.infeasible = _infeasible_frame(data, broken)
        if len(self.infeasible) and infeasible == "raise":
            raise ValueError(_infeasible_message(self.infeasible))
        keep = ~np.isin(data.observation, self.infeasible["observation"].to_numpy())
        self.menus, sampled, rng = [], 0, np.random.default_rng(seed)
        for rows in _menu_rows(data.menu, keep):
            design = self._design(data, rows[0])
            if _feasible is None and (method == "sample" or method == "auto" and math.prod(
                    int(level) + 1 for level in data.levels) > ENUMERATION_LIMIT
                    and not sampling.recursion_applies(data, rows[0])):
                self.menus += sampling.sampled_menus(data, rows, design, samples, rng)
                sampled += len(rows)
            else:
                self.menus.append(_build_menu(data, rows, design, method, _feasible))
        self.notes = [sampling.sampling_note(sampled, int(keep.sum()), samples,
                                             method == "sample")] if sampled else []
        self.n_observations = int(keep.sum())
        self.n_respondents = int(data.respondent[keep].nunique())
        self._cluster = pd.factorize(data.respondent)[0]
        self._check_identified()

    @classmethod
    def from_consultation(cls, consultation: Any, choices: pd.DataFrame, attributes: list[str],
                          task: str, **options: Any) -> "PortfolioLogit":
        """The model whose feasible sets come from the consultation's own rule
        (surveys.feasibility.feasible_level_vectors), per design version in the `version` column;
        any levels the page defines, negative (sliders around a basic plan) or fractional."""
        from surveys.definition import PortfolioPage
        from surveys.feasibility import check_portfolio, feasible_level_vectors

        def page_of(version: Any) -> tuple[Any, PortfolioPage]:
            design = consultation.for_version(None if pd.isna(version) else version)
            pages = [p for p in design.pages if isinstance(p, PortfolioPage) and p.id == task]
            if not pages:
                raise ValueError(f"task {task!r} is not a portfolio page of consultation "
                                 f"{consultation.id!r}")
            return design, pages[0]

        def feasible(data: _Table, version: Any) -> np.ndarray:
            design, page = page_of(version)
            order = [[o.id for o in page.options].index(option) for option in data.options]
            return feasible_level_vectors(design, page)[:, order].astype(float)

        @functools.lru_cache(maxsize=None)
        def rules_broken(version: Any, levels: tuple[tuple[str, Any], ...]) -> str:
            design, page = page_of(version)
            broken = check_portfolio(design, page, dict(levels))
            return "; ".join(map(_violation_text, broken))

        def check(data: _Table) -> list[str]:
            return [rules_broken(data.version[n], tuple(zip(data.options, map(_plain, data.y[n]))))
                    for n in range(len(data.observation))]

        return cls(choices, attributes, task=task, method="enumerate", _feasible=feasible,
                   _check=check, **options)

    # --- likelihood ---------------------------------------------------------------------------

    def _design(self, data: "_Table", n: int) -> np.ndarray:
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

    def _all(self, params: np.ndarray, second: bool = True) -> tuple[float, np.ndarray,
                                                                      np.ndarray | None, list]:
        """LL, gradient, Hessian (when `second`) and each menu's mean y, in one pass over menus."""
        params = np.asarray(params, dtype=float)
        ll, grad, hess, means = 0.0, 0.0, 0.0 if second else None, []
        for menu in self.menus:
            log_z, mean, cov = menu.moments(menu.design @ params, second)
            ll += menu.chosen_sum @ (menu.design @ params) - menu.weight * log_z
            grad = grad + menu.design.T @ (menu.chosen_sum - menu.weight * mean)
            if second:
                hess = hess - menu.weight * menu.design.T @ cov @ menu.design
            means.append(mean)
        return float(ll), grad, hess, means

    # --- fit ----------------------------------------------------------------------------------

    def fit(self, start: np.ndarray | None = None, cov_type: str = DEFAULT_COV_TYPE
            ) -> ChoiceResults:
        """Newton-Raphson with the exact Hessian and step-halving (the LL is concave); `cov_type`
        "robust" or "classical" (analysis.models.results)."""
        check_cov_type(cov_type)
        found = newton(self.loglike, self._all,
                       np.zeros(len(self.param_names)) if start is None else start)
        _, _, hess, means = found.state
        cov = np.linalg.inv(-hess)
        scores = np.vstack([menu.obs_weight[:, None] * ((menu.y - mean) @ menu.design)
                            for menu, mean in zip(self.menus, means)])
        cluster = np.concatenate([self._cluster[menu.rows] for menu in self.menus])
        return ChoiceResults.of_fit(
            "portfolio-logit", self.param_names, found, cov, sandwich(cov, scores, cluster),
            n_observations=self.n_observations, n_respondents=self.n_respondents,
            infeasible=self.infeasible, notes=list(self.notes), cov_type=cov_type,
            support=lambda: self._support(sampling.support_means(self.menus, means,
                                                                 found.params)),
            package=functools.partial(self.package_probability, found.params),
            best_package=functools.partial(self.most_supported_package, found.params))

    def _support(self, means: list[np.ndarray]) -> pd.DataFrame:
        total = sum(menu.weight for menu in self.menus)
        count = sum(len(menu.rows) for menu in self.menus)
        predicted = sum(menu.weight * mean for menu, mean in zip(self.menus, means)) / total
        observed = sum(menu.chosen_sum for menu in self.menus) / total
        unweighted = sum(len(menu.rows) * mean for menu, mean in zip(self.menus, means)) / count
        return pd.DataFrame({"option": self.data.options, "predicted": predicted,
                             "observed": observed, "predicted_unweighted": unweighted})

    # --- packages -----------------------------------------------------------------------------

    def package_probability(self, params: np.ndarray, package: dict[str, float],
                            version: Any = None, menu: int | None = None) -> pd.DataFrame:
        """The probability that a respondent chooses exactly `package` ({option: level}, options
        left out at 0), per menu (respondents who saw the same costs, effects and budget), and
        in the last row ("all") the mean over the respondents of the menus selected (weighted;
        `probability_unweighted` unweighted). 0 where the rules forbid the package.
        `version`: only the menus of that design version (the `version` column); `menu`: one menu.
        """
        unknown = sorted(set(map(str, package)) - set(self.data.options))
        if unknown:
            raise ValueError(f"option(s) {', '.join(unknown)} are not in the choice table "
                             f"(options: {', '.join(self.data.options)})")
        levels = {str(k): float(v) for k, v in package.items()}
        y = np.array([levels.get(o, 0.0) for o in self.data.options])
        params = np.asarray(params, dtype=float)
        rows = []
        for m in self._selected_menus(version, menu):
            this = self.menus[m]
            u = this.design @ params
            probability = math.exp(y @ u - this.moments(u, False)[0]) if this.allows(y) else 0.0
            rows.append(self._menu_row(m) | {"feasible": this.allows(y),
                                             "probability": probability})
        return _with_mean(pd.DataFrame(rows), ["probability"])

    def most_supported_package(self, params: np.ndarray, version: Any = None,
                               menu: int | None = None) -> pd.DataFrame:
        """Per menu the feasible package with the highest utility, argmax_{p in F} V_p (so the
        most probable one): its level per option, total cost per constraint, utility y'u (without
        the delta0 B_n term, which is the same for every package) and probability."""
        params = np.asarray(params, dtype=float)
        rows = []
        for m in self._selected_menus(version, menu):
            this = self.menus[m]
            u = this.design @ params
            y = this.best(u)
            n = this.rows[0]
            totals = {f"total_{_column('cost', c)}": float(y @ self.data.cost[n, :, k])
                      for k, c in enumerate(self.data.constraints)}
            rows.append(self._menu_row(m) | {
                "package": ", ".join(o if level == 1 else f"{o}={_plain(level)}"
                                     for o, level in zip(self.data.options, y) if level) or
                "(nothing)",
                **{o: _plain(level) for o, level in zip(self.data.options, y)}, **totals,
                "utility": float(y @ u),
                "probability": math.exp(y @ u - this.moments(u, False)[0])})
        return pd.DataFrame(rows)

    def _selected_menus(self, version: Any, menu: int | None) -> list[int]:
        chosen = [m for m, this in enumerate(self.menus)
                  if (menu is None or m == menu) and
                  (version is None or str(self.data.version[this.rows[0]]) == str(version))]
        if not chosen:
            raise ValueError(f"no menu matches version={version!r}, menu={menu!r} (menus "
                             f"0..{len(self.menus) - 1}; versions "
                             f"{', '.join(sorted({str(v) for v in self.data.version}))})")
        return chosen

    def _menu_row(self, m: int) -> dict[str, Any]:
        this = self.menus[m]
        return {"menu": m, "version": self.data.version[this.rows[0]],
                "observations": len(this.rows), "weight": this.weight}

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
            problems = [[names[k]] for k in range(len(names)) if k not in constants
                        and _null_space_members(info, constants + [k])]
            alone = {name for problem in problems for name in problem}
            rest = [k for k in range(len(names)) if names[k] not in alone]
            problems += [[names[k] for k in together]
                         for together in _null_space_members(info, rest, each=True)]
        problems = [problem for problem in problems if problem]
        if problems:
            raise ValueError(_identification_message(problems))


def _with_mean(frame: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    """`frame` (one row per menu) plus a row "all": the weighted mean of `columns` over the
    observations (and `<column>_unweighted`, the plain mean), observations and weight summed."""
    total = {"menu": "all", "version": None, "observations": frame["observations"].sum(),
             "weight": frame["weight"].sum()}
    for c in columns:
        total[c] = float((frame[c] * frame["weight"]).sum() / frame["weight"].sum())
        frame[f"{c}_unweighted"] = frame[c]
        total[f"{c}_unweighted"] = float((frame[c] * frame["observations"]).sum() /
                                         frame["observations"].sum())
    return pd.concat([frame, pd.DataFrame([total])], ignore_index=True)


def _null_space_members(info: np.ndarray, subset: list[int],
                        each: bool = False) -> list[int] | list[list[int]]:
    """The parameters (positions) in the null space of the information restricted to `subset`:
    all of them together, or (`each`) one list per null direction."""
    if not subset:
        return []
    values, vectors = np.linalg.eigh(info[np.ix_(subset, subset)])
    groups = [[subset[i] for i in np.flatnonzero(np.abs(vectors[:, k]) > 1e-6)]
              for k in np.flatnonzero(values < _RANK_TOLERANCE)]
    return groups if each else sorted({k for group in groups for k in group})


# --- reading the choice table ---------------------------------------------------------------


@dataclass
class _Table:
    """The choice table as arrays: observation n (respondent x task), option j, constraint k."""

    options: list[str]
    attributes: list[str]
    constraints: list[str]           # "" for the plain cost/budget columns
    respondent: pd.Series
    task: np.ndarray
    observation: np.ndarray          # 0..N-1
    version: np.ndarray
    y: np.ndarray                    # N x J chosen levels
    cost: np.ndarray                 # N x J x K
    budget: np.ndarray               # N x K (+inf: none)
    budget_min: np.ndarray           # N x K (-inf: none)
    x: np.ndarray                    # N x J x A
    group: np.ndarray                # N x J group code, -1: none
    group_names: list[str]
    levels: np.ndarray               # J: highest level per option
    weight: np.ndarray               # N, mean 1 over respondents
    menu: np.ndarray                 # N menu code
    row_cell: tuple[np.ndarray, np.ndarray]  # per table row: its observation and option


@dataclass(frozen=True)
class ChoiceLayout:
    """A long choice table's rows placed on an (observation x option) grid: cell[row] = obs*J + opt."""

    frame: pd.DataFrame
    people: pd.Index
    task_names: pd.Index
    obs_keys: np.ndarray
    options: pd.Index
    cell: np.ndarray

    @property
    def n_obs(self) -> int:
        return len(self.obs_keys)

    @property
    def n_opt(self) -> int:
        return len(self.options)

    @property
    def row_cell(self) -> tuple[np.ndarray, np.ndarray]:
        """Each row's (observation, option) position."""
        return self.cell // self.n_opt, self.cell % self.n_opt

    @property
    def respondent(self) -> pd.Series:
        return pd.Series(self.people[self.obs_keys // len(self.task_names)])


def choice_layout(choices: pd.DataFrame, task: str | None, columns: list[str], *, kind: str,
                  flag: str) -> ChoiceLayout:
    """Select one task's rows and check there is exactly one row per respondent, task and option."""
    frame = choices
    if task is not None:
        if "task" not in frame:
            raise ValueError(f"the choice table has no task column to select task {task!r} from")
        frame = frame[frame["task"].astype(str) == str(task)]
        if frame.empty:
            raise ValueError(f"the choice table has no rows for task {task!r}")
    missing = [c for c in ["respondent", "option", "choice", *columns] if c not in frame]
    if missing:
        raise ValueError(f"the choice table lacks the column(s) {', '.join(missing)}")
    tasks = frame["task"].astype(str).to_numpy() if "task" in frame else np.full(len(frame), "")
    person_code, people = pd.factorize(frame["respondent"])
    task_code, task_names = pd.factorize(tasks)
    obs_code, obs_keys = pd.factorize(person_code * len(task_names) + task_code)
    opt_code, options = pd.factorize(frame["option"].astype(str))
    cell = obs_code * len(options) + opt_code
    if len(frame) != len(obs_keys) * len(options) or pd.Series(cell).duplicated().any():
        raise ValueError("every respondent (and task) needs exactly one row per option; select one "
                         f"{kind} task ({flag}) if the table holds several pages")
    return ChoiceLayout(frame, people, task_names, obs_keys, options, cell)


def _read_table(choices: pd.DataFrame, attributes: list[str], weights: pd.Series | None,
                task: str | None, by_version: bool) -> _Table:
    layout = choice_layout(choices, task, attributes, kind="portfolio", flag="task=..., --task")
    frame, task_names, obs_keys = layout.frame, layout.task_names, layout.obs_keys
    n_obs, n_opt, options, cell = layout.n_obs, layout.n_opt, layout.options, layout.cell
    constraints = _constraint_ids(frame)

    def grid(column: str, fill: float | None = None) -> np.ndarray:
        values = pd.to_numeric(frame[column], errors="coerce").to_numpy(dtype=float,
                                                                     na_value=np.nan)
        if fill is None and np.isnan(values).any():
            bad = frame["respondent"].to_numpy()[np.isnan(values)][:5]
            raise ValueError(f"column {column!r} has missing or non-numeric values (respondents "
                             f"{', '.join(map(str, bad))}); select a portfolio task (task=..., "
                             "--task)")
        out = np.empty(n_obs * n_opt)
        out[cell] = np.where(np.isnan(values), fill if fill is not None else 0, values)
        return out.reshape(n_obs, n_opt)

    y = grid("choice")
    # the table's own rule enumerates levels 0, 1, ...; the consultation's rule knows every level
    if not by_version and ((y < 0).any() or (y != np.round(y)).any()):
        raise ValueError("the choice column must hold 0/1 or whole levels >= 0 for a portfolio "
                         "logit")
    cost = np.stack([grid(_column("cost", c)) for c in constraints], axis=2) if constraints \
        else np.zeros((n_obs, n_opt, 0))

    def bounds(kind: str, fill: float) -> np.ndarray:
        """N x K: each observation's bound on each constraint's total (`fill`: no bound)."""
        values = [_per_observation(grid(_column(kind, c), fill), c, kind)
                  if _column(kind, c) in frame else np.full(n_obs, fill) for c in constraints]
        return np.stack(values, axis=1) if constraints else np.zeros((n_obs, 0))

    budget, budget_min = bounds("budget", math.inf), bounds("budget_min", -math.inf)
    x = np.stack([grid(a) for a in attributes], axis=2) if attributes else \
        np.zeros((n_obs, n_opt, 0))
    if "group" in frame:
        group_code, group_names = pd.factorize(frame["group"])
        group = np.empty(n_obs * n_opt, dtype=int)
        group[cell] = group_code
        group = group.reshape(n_obs, n_opt)
    else:
        group, group_names = np.full((n_obs, n_opt), -1), []
    respondent = layout.respondent
    version = np.empty(n_obs, dtype=object)
    version[cell // n_opt] = frame["version"].to_numpy() if "version" in frame else None
    parts = [cost.reshape(n_obs, -1), budget, budget_min, x.reshape(n_obs, -1), group]
    if by_version:
        parts.append(pd.factorize(pd.Series(version).astype(str))[0][:, None])
    menu = _identical_rows(np.hstack(parts))
    return _Table(
        options=list(options), attributes=attributes, constraints=constraints,
        respondent=respondent, task=np.asarray(task_names[obs_keys % len(task_names)]),
        observation=np.arange(n_obs), version=version, y=y, cost=cost, budget=budget,
        budget_min=budget_min, x=x, group=group, group_names=[str(g) for g in group_names],
        levels=y.max(axis=0).astype(int).clip(min=1),
        weight=_observation_weights(weights, respondent), menu=menu,
        row_cell=layout.row_cell)


def _identical_rows(values: np.ndarray) -> np.ndarray:
    """A code per row, equal for identical rows (hashed, then checked: a collision cannot merge)."""
    hashed = pd.util.hash_pandas_object(pd.DataFrame(values), index=False).to_numpy()
    code, _ = pd.factorize(hashed)
    _, first = np.unique(code, return_index=True)
    if not (values == values[first[code]]).all():
        raise RuntimeError("two different menus hashed alike; please report this")
    return code


def _constraint_ids(frame: pd.DataFrame) -> list[str]:
    """"" for the plain cost/budget columns, else the <id> of each cost_<id> column in use.

    A cost_<id> column without budget_<id> or budget_min_<id> is an attribute (cost_household).
    """
    def is_constraint(c: str) -> bool:
        limit = c[len("cost_"):]
        return f"budget_{limit}" in frame or f"budget_min_{limit}" in frame

    used = [c for c in frame.columns if (c == "cost" or c.startswith("cost_") and is_constraint(c))
            and frame[c].notna().any()]
    if "cost" in used and len(used) > 1:
        raise ValueError(f"the rows use both cost and {', '.join(used[1:])}; select one "
                         "portfolio task (task=..., --task)")
    return [c[len("cost_"):] for c in used if c != "cost"] or [""] * ("cost" in used)


def _column(kind: str, constraint: str) -> str:
    return f"{kind}_{constraint}" if constraint else kind


def _per_observation(values: np.ndarray, constraint: str, kind: str) -> np.ndarray:
    if (values != values[:, :1]).any():
        raise ValueError(f"column {_column(kind, constraint)!r} differs between the options of one "
                         "respondent's task; it must be the respondent's single limit")
    return values[:, 0]


def _observation_weights(weights: pd.Series | None, respondent: pd.Series) -> np.ndarray:
    if weights is None:
        return np.ones(len(respondent))
    people = respondent.drop_duplicates()
    missing = people[~people.isin(weights.index)]
    if len(missing):
        raise ValueError(f"no weight for respondent(s) {', '.join(map(str, missing[:10]))}")
    per_person = weights.reindex(people).to_numpy(dtype=float)
    if not np.isfinite(per_person).all() or (per_person < 0).any():
        raise ValueError("weights must be finite and non-negative")
    return weights.reindex(respondent).to_numpy(dtype=float) / per_person.mean()


def _menu_rows(menu: np.ndarray, keep: np.ndarray) -> list[np.ndarray]:
    rows = np.flatnonzero(keep)
    order = np.argsort(menu[rows], kind="stable")
    codes = menu[rows][order]
    return [part for part in np.split(rows[order], np.flatnonzero(np.diff(codes)) + 1) if len(part)]


# --- the table's feasibility rule -----------------------------------------------------------


def _tolerance(*bounds: np.ndarray) -> np.ndarray:
    """Slack for float sums so a total equal to a bound counts as equal (inclusive bounds)."""
    return 1e-9 * np.maximum(1.0, np.max([np.where(np.isfinite(b), np.abs(b), 0) for b in bounds],
                                         axis=0))


def _rule_mask(y: np.ndarray, cost: np.ndarray, budget: np.ndarray, budget_min: np.ndarray,
               group: np.ndarray) -> np.ndarray:
    """Feasible rows of y (P x J) for one menu: bounds per constraint, one option per group."""
    total = y @ cost                                    # P x K
    slack = _tolerance(budget, budget_min)
    ok = ((total <= budget + slack) & (total >= budget_min - slack)).all(axis=1)
    for g in np.unique(group[group >= 0]):
        ok &= (y[:, group == g] > 0).sum(axis=1) <= 1
    return ok


def _table_rule_breaks(data: _Table) -> list[str]:
    """Per observation the rules its chosen portfolio breaks, in words ("" when none)."""
    total = np.einsum("nj,njk->nk", data.y, data.cost)
    slack = _tolerance(data.budget, data.budget_min)
    over, under = total > data.budget + slack, total < data.budget_min - slack
    broken = [[] for _ in range(len(total))]
    for n, k in zip(*np.nonzero(over)):
        c = data.constraints[k]
        broken[n].append(f"total {_column('cost', c)} {_plain(total[n, k])} > "
                         f"{_column('budget', c)} {_plain(data.budget[n, k])}")
    for n, k in zip(*np.nonzero(under)):
        c = data.constraints[k]
        broken[n].append(f"total {_column('cost', c)} {_plain(total[n, k])} < "
                         f"{_column('budget_min', c)} {_plain(data.budget_min[n, k])}")
    for g, name in enumerate(data.group_names):
        chosen = (data.y > 0) & (data.group == g)
        for n in np.flatnonzero(chosen.sum(axis=1) > 1):
            members = ", ".join(o for o, c in zip(data.options, chosen[n]) if c)
            broken[n].append(f"group {name}: more than one option chosen ({members})")
    return ["; ".join(rules) for rules in broken]


def _infeasible_frame(data: _Table, broken: list[str]) -> pd.DataFrame:
    rows = [n for n, rule in enumerate(broken) if rule]
    return pd.DataFrame({"observation": np.asarray(rows, dtype=int),
                         "respondent": data.respondent.to_numpy()[rows],
                         "task": data.task[rows], "rule": [broken[n] for n in rows]})


def _infeasible_message(infeasible: pd.DataFrame) -> str:
    lines = [f"respondent {r.respondent}" + (f" (task {r.task})" if r.task else "") + f": {r.rule}"
             for r in infeasible.head(10).itertuples()]
    more = f"\n  ... and {len(infeasible) - 10} more" if len(infeasible) > 10 else ""
    return (f"{len(infeasible)} chosen portfolio(s) break the consultation's rules, so their "
            "probability is 0:\n  " + "\n  ".join(lines) + more +
            "\nCorrect the data, or pass infeasible='report' to leave them out and list them in "
            "results.infeasible.")


def _violation_text(violation: Any) -> str:
    detail = ", ".join(f"{k} {v}" for k, v in violation.params.items())
    text = f"{violation.code} {violation.subject or ''}".strip()
    return f"{text} ({detail})" if detail else text


def _plain(value: float) -> float | int:
    return int(value) if float(value).is_integer() else float(value)


def _identification_message(problems: list[list[str]]) -> str:
    lines = []
    for involved in problems:
        weights = [p for p in involved if not p.startswith("asc:")]
        if len(weights) > 1:
            line = (f"{', '.join(weights)} cannot be told apart: across the menus they change the "
                    "options' utilities in the same proportions (too few design versions for "
                    "this many varying costs and effects). Add versions, or leave one out.")
        elif weights and weights[0].startswith("delta0"):
            line = (f"{weights[0]} is not identified: within every menu the total cost is a fixed "
                    "combination of the options chosen (costs the same for everyone, or everyone "
                    "must spend the same total), so the budget term is absorbed by the option "
                    "constants. Use design versions with different costs, or fit without it "
                    "(delta0=False, --no-delta0).")
        elif weights:
            line = (f"{weights[0]} is not identified: the attribute does not vary across "
                    "respondents apart from the option it belongs to, so it is absorbed by the "
                    "option constants. Use design versions with different effects, or leave the "
                    "attribute out.")
        else:
            line = (f"{', '.join(involved)} are not separately identified (an option that is "
                    "never feasible, a fixed number of options, or an empty portfolio that is "
                    "never allowed).")
        lines += [line] if line not in lines else []
    return "The portfolio logit cannot be estimated:\n  " + "\n  ".join(lines)


# --- menus ------------------------------------------------------------------------------------


@dataclass
class _Menu:
    """One menu: its observations, design D, and how to get log Z, E[y], Cov(y) over F."""

    rows: np.ndarray
    design: np.ndarray
    y: np.ndarray                     # chosen levels of its observations
    obs_weight: np.ndarray
    chosen_sum: np.ndarray            # sum_n w_n y_n
    weight: float                     # sum_n w_n
    moments: Callable[[np.ndarray, bool], tuple[float, np.ndarray, np.ndarray | None]]
    best: Callable[[np.ndarray], np.ndarray]       # u -> the feasible y with the highest y'u
    allows: Callable[[np.ndarray], bool]           # y -> is it in the feasible set?
    sample: np.ndarray | None = None  # a sampled choice's uniform draws (without the chosen y)


def _build_menu(data: _Table, rows: np.ndarray, design: np.ndarray, method: str,
                feasible: Callable[[_Table, Any], np.ndarray] | None) -> _Menu:
    n = rows[0]
    y, w = data.y[rows], data.weight[rows]
    candidates = math.prod(int(level) + 1 for level in data.levels)
    if feasible is not None or method == "enumerate" or (method == "auto" and
                                                         candidates <= ENUMERATION_LIMIT):
        portfolios = feasible(data, data.version[n]) if feasible is not None else \
            _feasible_by_table(data, n)
        moments = _enumerated(portfolios)

        def best(u: np.ndarray) -> np.ndarray:
            return portfolios[int(np.argmax(portfolios @ u))]

        def allows(package: np.ndarray) -> bool:
            return bool((portfolios == package).all(axis=1).any())
    else:
        moments, best = _recursion(data, n), _best_by_recursion(data, n)

        def allows(package: np.ndarray) -> bool:
            within = ((package >= 0) & (package <= data.levels) &
                      (package == np.round(package))).all()
            return bool(within and _rule_mask(package[None, :], data.cost[n], data.budget[n],
                                              data.budget_min[n], data.group[n])[0])
    return _Menu(rows=rows, design=design, y=y, obs_weight=w, chosen_sum=w @ y,
                 weight=float(w.sum()), moments=moments, best=best, allows=allows)


def _feasible_by_table(data: _Table, n: int) -> np.ndarray:
    counts = [int(level) + 1 for level in data.levels]
    size = math.prod(counts)
    if size > 2**24:
        raise ValueError(f"{size:,} candidate portfolios per menu are too many to enumerate; "
                         "use method='recursion' (integer costs, one constraint)")
    candidates = np.indices(counts, dtype=np.int8).reshape(len(counts), size).T.astype(float)
    keep = _rule_mask(candidates, data.cost[n], data.budget[n], data.budget_min[n], data.group[n])
    return candidates[keep]


def _logsumexp(values: np.ndarray, axis: int | None = None) -> np.ndarray:
    """log sum exp that returns -inf (no warning) where everything is -inf."""
    top = np.max(values, axis=axis, keepdims=True)
    top = np.where(np.isfinite(top), top, 0.0)
    with np.errstate(divide="ignore"):
        out = np.log(np.sum(np.exp(values - top), axis=axis, keepdims=True)) + top
    return out.squeeze(axis=axis) if axis is not None else out.item()


def _enumerated(portfolios: np.ndarray):
    """Moments of y over an explicit feasible set (rows are level vectors)."""
    if not len(portfolios):
        raise ValueError("a menu has no feasible portfolio")

    def moments(u: np.ndarray, second: bool = True):
        v = portfolios @ u
        log_z = _logsumexp(v)
        p = np.exp(v - log_z)
        mean = p @ portfolios
        if not second:
            return log_z, mean, None
        centred = portfolios - mean
        return log_z, mean, (centred * p[:, None]).T @ centred
    return moments


# --- the knapsack recursion -------------------------------------------------------------------


@dataclass
class _Stage:
    """A step of the recursion: an option on its own, or an exclusive group; each alternative is
    one way to fill it (all at 0, or one member at one level) with its integer cost and levels."""

    cost: np.ndarray                  # A (integers)
    levels: np.ndarray                # A x J


def _stages(data: _Table, n: int) -> tuple[list[_Stage], int, int]:
    if len(data.constraints) > 1:
        raise ValueError("the knapsack recursion handles one constraint; with several, the menu "
                         "must be small enough to enumerate (method='enumerate')")
    cost = data.cost[n, :, 0] if data.constraints else np.zeros(len(data.options))
    if (cost != np.round(cost)).any() or (cost < 0).any():
        raise ValueError("the knapsack recursion needs whole, non-negative costs (points or "
                         "euros on a grid); rescale the costs or enumerate")
    J = len(data.options)
    stages, done = [], set()
    for j in range(J):
        if j in done:
            continue
        g = data.group[n, j]
        members = [j] if g < 0 else [k for k in range(J) if data.group[n, k] == g]
        done.update(members)
        rows = [np.zeros(J)]
        for k in members:
            for level in range(1, int(data.levels[k]) + 1):
                row = np.zeros(J)
                row[k] = level
                rows.append(row)
        levels = np.array(rows)
        stages.append(_Stage(cost=(levels @ cost).astype(int), levels=levels))
    top = int(sum(stage.cost.max() for stage in stages))
    budget = data.budget[n, 0] if data.constraints else math.inf
    budget_min = data.budget_min[n, 0] if data.constraints else -math.inf
    high = min(top, math.floor(budget + 1e-9)) if np.isfinite(budget) else top
    low = max(0, math.ceil(budget_min - 1e-9)) if np.isfinite(budget_min) else 0
    return stages, low, high


def _shifted(values: np.ndarray, shifts: np.ndarray, right: bool) -> np.ndarray:
    """Rows: `values` moved right (index b gets b - s) or left (b gets b + s), -inf filled."""
    size = len(values)
    out = np.full((len(shifts), size), -np.inf)
    for a, s in enumerate(shifts):
        if s < size:
            if right:
                out[a, s:] = values[:size - s]
            else:
                out[a, :size - s] = values[s:]
    return out


def _marginals(stages: list[_Stage], utils: list[np.ndarray], low: int,
               high: int) -> tuple[float, list[np.ndarray]]:
    """log Z and P(stage s takes alternative a), by a forward and a backward pass in log space.

    Forward F_s[b]: log of the sum over fillings of the stages before s costing b; backward
    H_s[r]: log of the sum over fillings of stage s onwards that end with a total in [low, high]
    given r already spent.
    """
    size = high + 1
    forward = [np.full(size, -np.inf)]
    forward[0][0] = 0.0
    for stage, util in zip(stages, utils):
        forward.append(_logsumexp(util[:, None] + _shifted(forward[-1], stage.cost, True), axis=0))
    backward = [np.where(np.arange(size) >= low, 0.0, -np.inf)]
    for stage, util in zip(reversed(stages), reversed(utils)):
        backward.append(_logsumexp(util[:, None] + _shifted(backward[-1], stage.cost, False),
                                   axis=0))
    backward.reverse()
    log_z = backward[0][0]
    if not np.isfinite(log_z):
        raise ValueError("a menu has no feasible portfolio")
    probs = []
    for s, (stage, util) in enumerate(zip(stages, utils)):
        after = _shifted(backward[s + 1], stage.cost, False)
        probs.append(np.exp(util + _logsumexp(forward[s][None, :] + after, axis=1) - log_z))
    return float(log_z), probs


def _recursion(data: _Table, n: int):
    """Moments of y over the feasible set by the knapsack recursion (never lists portfolios).

    Cov(y) from E[y y'] = sum over (stage, alternative a) P(a) y_a E[y | a], where E[y | a]
    comes from the same recursion with that stage held at a.
    """
    stages, low, high = _stages(data, n)

    def moments(u: np.ndarray, second: bool = True):
        utils = [stage.levels @ u for stage in stages]
        log_z, probs = _marginals(stages, utils, low, high)
        mean = sum(p @ stage.levels for p, stage in zip(probs, stages))
        if not second:
            return log_z, mean, None
        outer = np.zeros((len(u), len(u)))
        for s, (stage, p) in enumerate(zip(stages, probs)):
            for a in np.flatnonzero((stage.levels != 0).any(axis=1) & (p > 0)):
                held = _Stage(cost=stage.cost[a:a + 1], levels=stage.levels[a:a + 1])
                held_stages = stages[:s] + [held] + stages[s + 1:]
                held_utils = utils[:s] + [utils[s][a:a + 1]] + utils[s + 1:]
                _, held_probs = _marginals(held_stages, held_utils, low, high)
                conditional = sum(q @ st.levels for q, st in zip(held_probs, held_stages))
                outer += p[a] * np.outer(stage.levels[a], conditional)
        return log_z, mean, outer - np.outer(mean, mean)
    return moments


def _best_by_recursion(data: _Table, n: int) -> Callable[[np.ndarray], np.ndarray]:
    """The feasible y with the highest utility y'u, by the recursion in max-plus form (a knapsack:
    the best filling of the stages so far for each total cost b, then back along the choices)."""
    stages, low, high = _stages(data, n)

    def best(u: np.ndarray) -> np.ndarray:
        size = high + 1
        value = np.full(size, -np.inf)
        value[0] = 0.0
        picks = []
        for stage in stages:
            candidates = (stage.levels @ u)[:, None] + _shifted(value, stage.cost, True)
            picks.append(np.argmax(candidates, axis=0))
            value = candidates.max(axis=0)
        allowed = np.where(np.arange(size) >= low, value, -np.inf)
        if not np.isfinite(allowed).any():
            raise ValueError("a menu has no feasible portfolio")
        b, y = int(np.argmax(allowed)), np.zeros(len(u))
        for stage, pick in zip(reversed(stages), reversed(picks)):
            a = pick[b]
            y += stage.levels[a]
            b -= int(stage.cost[a])
        return y
    return best
