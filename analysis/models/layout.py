"""The long choice table as every choice model reads it: rows on an observation x option grid.

`choice_layout` selects a task and checks one row per respondent, task and option;
`read_portfolio_table` turns a portfolio task's rows into arrays (choices, costs, bounds, effects,
groups, weights) and gives respondents who saw the same menu one code.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd


@dataclass
class PortfolioTable:
    """The choice table as arrays: observation n (respondent x task), option j, constraint k."""

    options: list[str]
    attributes: list[str]
    constraints: list[str]  # "" for the plain cost/budget columns
    respondent: pd.Series
    task: np.ndarray
    observation: np.ndarray  # 0..N-1
    version: np.ndarray
    y: np.ndarray  # N x J chosen levels
    cost: np.ndarray  # N x J x K
    budget: np.ndarray  # N x K (+inf: none)
    budget_min: np.ndarray  # N x K (-inf: none)
    x: np.ndarray  # N x J x A
    group: np.ndarray  # N x J group code, -1: none
    group_names: list[str]
    levels: np.ndarray  # J: highest level per option, counted from `offset`
    offset: np.ndarray  # J: lowest level per option (< 0 for sliders); y is shifted
    weight: np.ndarray  # N, mean 1 over respondents
    menu: np.ndarray  # N menu code
    row_cell: tuple[np.ndarray, np.ndarray]  # per table row: its observation and option


@dataclass(frozen=True)
class ChoiceLayout:
    """A long choice table's rows placed on an (observation x option) grid: cell[row] = obs*J + opt."""

    frame: pd.DataFrame
    people: pd.Index
    task_names: np.ndarray
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


def choice_layout(
    choices: pd.DataFrame, task: str | None, columns: list[str], *, kind: str, flag: str
) -> ChoiceLayout:
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
        hint = (
            f"; select one {kind} task ({flag}) if the table holds several pages"
            if task is None
            else f" in task {task!r}"
        )
        raise ValueError("every respondent (and task) needs exactly one row per option" + hint)
    return ChoiceLayout(frame, people, task_names, obs_keys, options, cell)


def read_portfolio_table(
    choices: pd.DataFrame,
    attributes: list[str],
    weights: pd.Series | None,
    task: str | None,
    by_version: bool,
) -> PortfolioTable:
    layout = choice_layout(choices, task, attributes, kind="portfolio", flag="task=..., --task")
    frame, task_names, obs_keys = layout.frame, layout.task_names, layout.obs_keys
    n_obs, n_opt, options, cell = layout.n_obs, layout.n_opt, layout.options, layout.cell
    constraints = _constraint_ids(frame, task)

    def grid(column: str, fill: float | None = None) -> np.ndarray:
        values = pd.to_numeric(frame[column], errors="coerce").to_numpy(dtype=float, na_value=np.nan)
        if fill is None and np.isnan(values).any():
            bad = frame["respondent"].to_numpy()[np.isnan(values)][:5]
            hint = "; select a portfolio task (task=..., --task)" if task is None else ""
            raise ValueError(
                f"column {column!r} has missing or non-numeric values (respondents "
                f"{', '.join(map(str, bad))}){hint}"
            )
        out = np.empty(n_obs * n_opt)
        out[cell] = np.where(np.isnan(values), fill if fill is not None else 0, values)
        return out.reshape(n_obs, n_opt)

    y = grid("choice")
    # the table's own rule enumerates whole levels from the lowest to the highest one chosen; the
    # consultation's rule knows every level, fractional ones too
    if not by_version and (y != np.round(y)).any():
        raise ValueError(
            "the choice column must hold whole levels (0/1, or steps such as -2..2) "
            "for a portfolio logit; give the consultation (--consultation) for "
            "other levels"
        )
    cost = (
        np.stack([grid(column("cost", c)) for c in constraints], axis=2)
        if constraints
        else np.zeros((n_obs, n_opt, 0))
    )

    def bounds(kind: str, fill: float) -> np.ndarray:
        """N x K: each observation's bound on each constraint's total (`fill`: no bound)."""
        values = [
            _per_observation(grid(column(kind, c), fill), c, kind)
            if column(kind, c) in frame
            else np.full(n_obs, fill)
            for c in constraints
        ]
        return np.stack(values, axis=1) if constraints else np.zeros((n_obs, 0))

    budget, budget_min = bounds("budget", math.inf), bounds("budget_min", -math.inf)
    offset = np.zeros(n_opt) if by_version else np.minimum(y.min(axis=0), 0)
    if offset.any():
        # levels below 0 (sliders around a basic plan): count every level from the lowest, so
        # the rule and the recursion see 0, 1, ...; the totals shift by the lowest plan's cost
        if "group" in frame and frame["group"].notna().any():
            raise ValueError(
                "options with levels below 0 cannot be in exclusive groups in a "
                "bare table; give the consultation (--consultation)"
            )
        y = y - offset
        base = np.einsum("j,njk->nk", offset, cost)
        budget, budget_min = budget - base, budget_min - base
    x = np.stack([grid(a) for a in attributes], axis=2) if attributes else np.zeros((n_obs, n_opt, 0))
    group: np.ndarray
    if "group" in frame:
        group_code, group_names = pd.factorize(frame["group"])
        group = np.empty(n_obs * n_opt, dtype=int)
        group[cell] = group_code
        group = group.reshape(n_obs, n_opt)
    else:
        group, group_names = np.full((n_obs, n_opt), -1), pd.Index([])
    respondent = layout.respondent
    version = np.empty(n_obs, dtype=object)
    version[cell // n_opt] = frame["version"].to_numpy() if "version" in frame else None
    parts = [cost.reshape(n_obs, -1), budget, budget_min, x.reshape(n_obs, -1), group]
    if by_version:
        parts.append(pd.factorize(pd.Series(version).astype(str))[0][:, None])
    menu = _identical_rows(np.hstack(parts))
    return PortfolioTable(
        options=list(options),
        attributes=attributes,
        constraints=constraints,
        respondent=respondent,
        task=np.asarray(task_names[obs_keys % len(task_names)]),
        observation=np.arange(n_obs),
        version=version,
        y=y,
        cost=cost,
        budget=budget,
        budget_min=budget_min,
        x=x,
        group=group,
        group_names=[str(g) for g in group_names],
        levels=y.max(axis=0).astype(int).clip(min=1),
        offset=offset,
        weight=observation_weights(weights, respondent),
        menu=menu,
        row_cell=layout.row_cell,
    )


def _identical_rows(values: np.ndarray) -> np.ndarray:
    """A code per row, equal for identical rows (hashed, then checked: a collision cannot merge)."""
    hashed = pd.util.hash_pandas_object(pd.DataFrame(values), index=False).to_numpy()
    code, _ = pd.factorize(hashed)
    _, first = np.unique(code, return_index=True)
    if not (values == values[first[code]]).all():
        raise RuntimeError("two different menus hashed alike; please report this")
    return code


def _constraint_ids(frame: pd.DataFrame, task: str | None) -> list[str]:
    """ "" for the plain cost/budget columns, else the <id> of each cost_<id> column in use.

    A cost_<id> column without budget_<id> or budget_min_<id> is an attribute (cost_household).
    """

    def is_constraint(c: str) -> bool:
        limit = c[len("cost_") :]
        return f"budget_{limit}" in frame or f"budget_min_{limit}" in frame

    used = [
        c
        for c in frame.columns
        if (c == "cost" or c.startswith("cost_") and is_constraint(c)) and frame[c].notna().any()
    ]
    if "cost" in used and len(used) > 1:
        hint = "; select one portfolio task (task=..., --task)" if task is None else ""
        raise ValueError(f"the rows use both cost and {', '.join(used[1:])}{hint}")
    return [c[len("cost_") :] for c in used if c != "cost"] or [""] * ("cost" in used)


def column(kind: str, constraint: str) -> str:
    return f"{kind}_{constraint}" if constraint else kind


def _per_observation(values: np.ndarray, constraint: str, kind: str) -> np.ndarray:
    if (values != values[:, :1]).any():
        raise ValueError(
            f"column {column(kind, constraint)!r} differs between the options of one "
            "respondent's task; it must be the respondent's single limit"
        )
    return values[:, 0]


def observation_weights(weights: pd.Series | None, respondent: pd.Series) -> np.ndarray:
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


def menu_rows(menu: np.ndarray, keep: np.ndarray) -> list[np.ndarray]:
    rows = np.flatnonzero(keep)
    order = np.argsort(menu[rows], kind="stable")
    codes = menu[rows][order]
    return [part for part in np.split(rows[order], np.flatnonzero(np.diff(codes)) + 1) if len(part)]


def plain_number(value: float) -> float | int:
    return int(value) if float(value).is_integer() else float(value)
