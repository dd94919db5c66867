"""Conditional (multinomial) logit for pairs blocks: each task offers variants A, B, ... and an
opt-out.

    V_nj = x_nj'beta              for a variant j of task n (respondent x set)
    V_n0 = asc_none               for the opt-out
    P_nj = exp(V_nj) / sum_i exp(V_ni),   LL = sum_n w_n log P_n,chosen

The LL is concave in theta = (asc_none, beta), so Newton with the exact Hessian converges in a
handful of steps. Tasks are padded to the largest number of alternatives (padding has V = -inf), so
every sum over alternatives is one array operation. A respondent answers several sets, so the
robust covariance is the sandwich clustered by respondent; survey weights (mean 1 over respondents)
enter the likelihood and the weighted sandwich H^-1 (sum_r w_r^2 g_r g_r') H^-1.
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from analysis.models.layout import observation_weights
from analysis.models.optimize import newton, sandwich
from analysis.models.results import DEFAULT_COV_TYPE, ChoiceResults, check_cov_type, format_table, json_safe

_RANK_TOLERANCE = 1e-10  # smallest eigenvalue of the scaled information that counts as > 0
_NO_FINITE_WTP = "the cost coefficient's 95% interval covers 0: no finite interval"
_EXAMPLES = 5  # respondents/tasks named in an error message


@dataclass
class MNLResults(ChoiceResults):
    """ChoiceResults plus willingness to pay against the cost attribute given to MNL."""

    cost: str | None = None

    def wtp(self, cost: str | None = None) -> pd.DataFrame:
        """Per attribute -beta_k / beta_cost (money per unit of k) with a delta-method standard
        error (covariance of `cov_type`) and 95% interval; none finite (and a note) when
        beta_cost's interval covers 0."""
        cost = cost or self.cost
        if cost is None:
            raise ValueError("name the cost attribute: wtp(cost=...) or MNL(..., cost=...)")
        denominator = cost if cost.startswith("beta:") else f"beta:{cost}"
        if denominator not in self.params.index:
            raise ValueError(f"{cost!r} is not an attribute of the model ({', '.join(self._betas())})")
        rows = []
        for numerator in self._betas():
            if numerator == denominator:
                continue
            ratio = self.ratio(numerator, denominator)
            finite = not ratio["note"]
            rows.append(
                {
                    "attribute": numerator[len("beta:") :],
                    "wtp": -ratio["ratio"],
                    "std_err": ratio["std_err"],
                    "lower": -ratio["upper"] if finite else -math.inf,
                    "upper": -ratio["lower"] if finite else math.inf,
                    "note": "" if finite else _NO_FINITE_WTP,
                }
            )
        return pd.DataFrame(rows, columns=["attribute", "wtp", "std_err", "lower", "upper", "note"])

    def summary(self) -> str:
        text = super().summary()
        if self.cost is None or len(self._betas()) < 2:
            return text
        table = format_table(self.wtp().set_index("attribute"))
        return (
            f"{text}\n\nWillingness to pay (per unit, in units of {self.cost}; "
            f"{self.cov_type} delta-method errors)\n{table}"
        )

    def to_dict(self) -> dict[str, Any]:
        """ChoiceResults' JSON plus `wtp` (null without a cost attribute)."""
        out = super().to_dict()
        if self.cost is None or len(self._betas()) < 2:
            return {**out, "wtp": None}
        notes = out["notes"]
        wtp = json_safe(self.wtp().to_dict(orient="records"), notes, "wtp")
        return {**out, "wtp": wtp, "notes": notes}

    def _betas(self) -> list[str]:
        return [name for name in self.params.index if name.startswith("beta:")]


class MNL:
    """Conditional logit over the alternatives of each task (respondent x task) of a choice table.

    `choices`: long table with `respondent`, `task` (optional: one task per respondent without it),
    `option`, `choice` (1 for the chosen alternative of each task, 0 for the others) and the
    `attributes` columns (the variant's values; empty or 0 for the opt-out). `cost`: the attribute
    that is money, for willingness to pay (added to `attributes` when missing there). `opt_out`:
    the option label of the opt-out, whose constant is `asc:<opt_out>`. `weights`: a Series of
    respondent weights indexed by respondent (normalised to mean 1).
    """

    def __init__(
        self,
        choices: pd.DataFrame,
        attributes: list[str],
        cost: str | None = None,
        opt_out: str = "none",
        weights: pd.Series | None = None,
    ) -> None:
        attributes = list(attributes)
        if cost is not None and cost not in attributes:
            attributes.append(cost)
        if not attributes:
            raise ValueError("name at least one attribute column")
        self.cost = cost
        tasks = _read_tasks(choices, attributes, opt_out)
        self.has_opt_out = bool(tasks.opt_out.any())
        self.param_names = ([f"asc:{opt_out}"] if self.has_opt_out else []) + [
            f"beta:{a}" for a in attributes
        ]
        columns = [tasks.opt_out[..., None]] if self.has_opt_out else []
        self.x = np.concatenate(columns + [tasks.x], axis=2)  # tasks x alternatives x parameters
        self.available, self.chosen, self.labels = tasks.available, tasks.chosen, tasks.label
        self.attributes, self.opt_out, self.set_name = attributes, opt_out, tasks.set_name
        self._values = tasks.x
        self.weight = observation_weights(weights, tasks.respondent)
        self.cluster = pd.factorize(tasks.respondent)[0]
        self.n_observations = len(tasks.respondent)
        self.n_respondents = int(self.cluster.max()) + 1
        self._check_identified()

    # --- likelihood ---------------------------------------------------------------------------

    def _probabilities(self, params: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Each task's log-likelihood contribution (unweighted) and probabilities P_nj."""
        v = np.where(self.available, self.x @ params, -np.inf)
        top = v.max(axis=1)
        log_z = top + np.log(np.exp(v - top[:, None]).sum(axis=1))
        p = np.exp(v - log_z[:, None])
        return v[self.chosen] - log_z, p

    def loglike(self, params: np.ndarray) -> float:
        log_p, _ = self._probabilities(np.asarray(params, dtype=float))
        return float(self.weight @ log_p)

    def _scores(self, p: np.ndarray) -> np.ndarray:
        """Per task the weighted score w_n (x_n,chosen - sum_j P_nj x_nj)."""
        residual = self.chosen - p
        return self.weight[:, None] * np.einsum("nj,njk->nk", residual, self.x)

    def score(self, params: np.ndarray) -> np.ndarray:
        _, p = self._probabilities(np.asarray(params, dtype=float))
        return self._scores(p).sum(axis=0)

    def _hessian(self, p: np.ndarray) -> np.ndarray:
        """-sum_n w_n sum_j P_nj (x_nj - xbar_n)(x_nj - xbar_n)'."""
        centred = self.x - np.einsum("nj,njk->nk", p, self.x)[:, None, :]
        weighted = (self.weight[:, None] * p)[..., None] * centred
        k = self.x.shape[2]
        return -weighted.reshape(-1, k).T @ centred.reshape(-1, k)

    def hessian(self, params: np.ndarray) -> np.ndarray:
        _, p = self._probabilities(np.asarray(params, dtype=float))
        return self._hessian(p)

    # --- fit ----------------------------------------------------------------------------------

    def _all(self, params: np.ndarray) -> tuple[float, np.ndarray, np.ndarray, np.ndarray]:
        """LL, gradient, Hessian and the probabilities in one pass."""
        log_p, p = self._probabilities(params)
        return float(self.weight @ log_p), self._scores(p).sum(axis=0), self._hessian(p), p

    def fit(self, start: np.ndarray | None = None, cov_type: str = DEFAULT_COV_TYPE) -> MNLResults:
        """Newton-Raphson with the exact Hessian and step-halving (the LL is concave); `cov_type`
        "robust" or "classical" (analysis.models.results)."""
        check_cov_type(cov_type)
        found = newton(self.loglike, self._all, np.zeros(len(self.param_names)) if start is None else start)
        _, _, hess, p = found.state
        cov = np.linalg.inv(-hess)
        return MNLResults.of_fit(
            "mnl",
            self.param_names,
            found,
            cov,
            sandwich(cov, self._scores(p), self.cluster),
            n_observations=self.n_observations,
            n_respondents=self.n_respondents,
            cov_type=cov_type,
            cost=self.cost,
            support=functools.partial(self._support, p),
            extra={
                "by_set": ("Predicted and observed choice per set and alternative", self._per(p, "set")),
                "by_variant": (
                    "Predicted and observed choice per variant (the same attribute values in any set)",
                    self._per(p, "variant"),
                ),
            },
            support_at=lambda theta: self._support(self._probabilities(theta)[1]),
        )

    def _support(self, p: np.ndarray) -> pd.DataFrame:
        """Per alternative (A, B, ..., the opt-out) the mean predicted probability of being chosen
        over the tasks that offered it, beside the observed share."""
        offered = self.available
        weight = np.broadcast_to(self.weight[:, None], p.shape)[offered]
        frame = (
            pd.DataFrame(
                {
                    "option": self.labels[offered],
                    "w": weight,
                    "n": 1.0,
                    "predicted": weight * p[offered],
                    "observed": weight * self.chosen[offered],
                    "unweighted": p[offered],
                }
            )
            .groupby("option", sort=False)
            .sum()
        )
        return pd.DataFrame(
            {
                "option": frame.index,
                "predicted": (frame["predicted"] / frame["w"]).to_numpy(),
                "observed": (frame["observed"] / frame["w"]).to_numpy(),
                "predicted_unweighted": (frame["unweighted"] / frame["n"]).to_numpy(),
            }
        )

    def _per(self, p: np.ndarray, by: str) -> pd.DataFrame:
        """Weighted predicted and observed shares of each alternative per set ("set": set and
        label) or per variant ("variant": its attribute values, wherever shown; the opt-out is
        one variant); `offered` counts the tasks that showed it."""
        offered = self.available
        n_task, width = offered.shape
        is_opt_out = self.labels == self.opt_out
        # each distinct row of attribute values is written out once, not once per task
        values = self._values.reshape(n_task * width, -1)
        columns = pd.DataFrame(values)
        which = columns.groupby(list(columns.columns), dropna=False, sort=False).ngroup().to_numpy()
        first = np.unique(which, return_index=True)[1]
        names = np.array(
            [", ".join(f"{a} {plain(v)}" for a, v in zip(self.attributes, values[row])) for row in first],
            dtype=object,
        )
        variant = names[which].reshape(n_task, width)
        variant[is_opt_out] = self.opt_out
        weight = np.broadcast_to(self.weight[:, None], p.shape)
        frame = pd.DataFrame(
            {
                "set": np.broadcast_to(self.set_name[:, None], p.shape)[offered],
                "alternative": self.labels[offered],
                "variant": variant[offered],
                "w": weight[offered],
                "offered": 1,
                "predicted": (weight * p)[offered],
                "observed": (weight * self.chosen)[offered],
            }
        )
        keys = ["set", "alternative", "variant"] if by == "set" else ["variant"]
        out = frame.groupby(keys, sort=False).sum(numeric_only=True).reset_index()
        out["predicted"] /= out["w"]
        out["observed"] /= out["w"]
        return out.drop(columns="w")

    def _check_identified(self) -> None:
        """Every parameter must move some choice probability: the information at theta = 0."""
        info = -self.hessian(np.zeros(len(self.param_names)))
        scale = np.sqrt(np.diag(info))
        dead = [name for name, size in zip(self.param_names, scale) if size <= 1e-12 * max(scale.max(), 1)]
        if dead:
            raise ValueError(
                f"{', '.join(dead)}: the attribute does not differ between the "
                "alternatives of any task, so its weight is not identified; leave "
                "it out"
            )
        values, vectors = np.linalg.eigh(info / np.outer(scale, scale))
        if values[0] < _RANK_TOLERANCE:  # eigh sorts ascending
            together = [self.param_names[i] for i in np.flatnonzero(np.abs(vectors[:, 0]) > 1e-6)]
            raise ValueError(
                f"{', '.join(together)} cannot be told apart: their differences "
                "between alternatives move together in every task; leave one out"
            )


# --- reading the choice table ---------------------------------------------------------------


@dataclass
class _Tasks:
    """The table as padded arrays: task n (respondent x task), alternative slot j, attribute k."""

    respondent: pd.Series  # per task
    x: np.ndarray  # N x J x K, 0 for the opt-out and padding
    opt_out: np.ndarray  # N x J: 1.0 where the slot is the opt-out
    available: np.ndarray  # N x J: False for padding
    chosen: np.ndarray  # N x J bool, exactly one True per task
    label: np.ndarray  # N x J: the alternative's option label ("A", "B", "none"; "" padding)
    set_name: np.ndarray  # N: the task's set (the task column; "" without one)


def _read_tasks(choices: pd.DataFrame, attributes: list[str], opt_out: str) -> _Tasks:
    missing = [c for c in ["respondent", "option", "choice", *attributes] if c not in choices]
    if missing:
        raise ValueError(f"the choice table lacks the column(s) {', '.join(missing)}")
    if choices.empty:
        raise ValueError("the choice table has no rows (select the pairs tasks, e.g. task '<page>:<set>')")
    frame = choices.reset_index(drop=True)
    task = frame["task"].astype(str).to_numpy() if "task" in frame else np.full(len(frame), "")
    person_code, _ = pd.factorize(frame["respondent"])
    set_code, set_names = pd.factorize(task)
    task_code, _ = pd.factorize(person_code * len(set_names) + set_code)
    places = _Places(frame["respondent"].to_numpy(), task)
    option = frame["option"].astype(str).to_numpy()
    repeated = pd.DataFrame({"task": task_code, "option": option}).duplicated().to_numpy()
    if repeated.any():
        raise ValueError(
            f"an option appears twice in one task ({places(repeated)}); each task "
            "needs one row per alternative"
        )
    choice = pd.to_numeric(frame["choice"], errors="coerce").to_numpy(dtype=float, na_value=np.nan)
    not_binary = (choice != 0) & (choice != 1)
    if not_binary.any():
        raise ValueError(f"the choice column must be 1 (chosen) or 0 ({places(not_binary)})")
    count = np.bincount(task_code, weights=choice)
    wrong = np.flatnonzero(count != 1)
    if len(wrong):
        first_rows = np.unique(task_code, return_index=True)[1][wrong[:_EXAMPLES]]
        listed = [f"{places.one(row)} ({int(count[task_code[row]])} chosen)" for row in first_rows]
        raise ValueError(
            f"every task needs exactly one chosen alternative; {len(wrong)} task(s) "
            f"do not: {', '.join(listed)}{' ...' if len(wrong) > _EXAMPLES else ''}"
        )
    is_opt_out = option == opt_out
    values = np.column_stack([_numeric(frame[a], a, places) for a in attributes])
    gap = np.isnan(values) & ~is_opt_out[:, None]
    if gap.any():
        column = np.flatnonzero(gap.any(axis=0))[0]
        raise ValueError(
            f"attribute {attributes[column]!r} is empty for an alternative other than "
            f"the opt-out {opt_out!r} ({places(gap[:, column])}); fill it in, or fit "
            "only the sets whose variants have this attribute"
        )
    stray = (np.nan_to_num(values) != 0) & is_opt_out[:, None]
    if stray.any():
        raise ValueError(
            f"the opt-out {opt_out!r} has attribute values "
            f"({places(stray.any(axis=1))}); its utility is the constant only: "
            "leave them empty or 0, or pass the opt-out's label as opt_out"
        )

    n_tasks = int(task_code.max()) + 1
    slot = pd.Series(task_code).groupby(task_code).cumcount().to_numpy()
    width = int(slot.max()) + 1
    x = np.zeros((n_tasks, width, len(attributes)))
    x[task_code, slot] = np.nan_to_num(values)
    padded = {name: np.zeros((n_tasks, width), dtype=bool) for name in ("opt_out", "available", "chosen")}
    padded["opt_out"][task_code, slot] = is_opt_out
    padded["available"][task_code, slot] = True
    padded["chosen"][task_code, slot] = choice == 1
    label = np.full((n_tasks, width), "", dtype=object)
    label[task_code, slot] = option
    first_rows = np.unique(task_code, return_index=True)[1]
    return _Tasks(
        respondent=frame["respondent"].iloc[first_rows].reset_index(drop=True),
        x=x,
        opt_out=padded["opt_out"].astype(float),
        available=padded["available"],
        chosen=padded["chosen"],
        label=label,
        set_name=task[first_rows],
    )


class _Places:
    """Names rows in error messages: "respondent r1 task variants:2", up to five, then "..."."""

    def __init__(self, respondent: np.ndarray, task: np.ndarray) -> None:
        self.respondent, self.task = respondent, task

    def one(self, row: int) -> str:
        task = f" task {self.task[row]}" if self.task[row] else ""
        return f"respondent {self.respondent[row]}{task}"

    def __call__(self, rows: np.ndarray) -> str:
        places = list(dict.fromkeys(self.one(row) for row in np.flatnonzero(rows)[:100]))
        return ", ".join(places[:_EXAMPLES]) + (" ..." if len(places) > _EXAMPLES else "")


def plain(value: float) -> str:
    return f"{value:g}"


def _numeric(column: pd.Series, name: str, places: _Places) -> np.ndarray:
    values = pd.to_numeric(column, errors="coerce")
    text = (values.isna() & column.notna()).to_numpy()
    if text.any():
        raise ValueError(
            f"attribute {name!r} must be numeric; it holds {column[text].iloc[0]!r} ({places(text)})"
        )
    return values.to_numpy(dtype=float, na_value=np.nan)


def simulate_pairs(
    respondents: int,
    tasks: int,
    params: dict[str, float],
    variants: int = 2,
    opt_out: bool = True,
    cost: str | None = "cost",
    taste_sd: float = 0.0,
    seed: int | np.random.Generator | None = None,
) -> pd.DataFrame:
    """A pairs choice table (tasks `pairs:<set>`, options A, B, ... and `none`) drawn from the MNL.

    Attributes are the `beta:<attribute>` names of `params`: standard normal, except `cost`
    (10, 20, ..., 50); the opt-out (constant `asc:none`, 0 if absent) has empty cells.
    `taste_sd` > 0 gives each respondent betas beta * (1 + taste_sd * N(0, 1)), which correlates
    their tasks (for testing clustered errors); 0 is the MNL itself.
    """
    rng = np.random.default_rng(seed)
    attributes = [name[len("beta:") :] for name in params if name.startswith("beta:")]
    n = respondents * tasks
    x = rng.normal(size=(n, variants, len(attributes)))
    if cost in attributes:
        x[..., attributes.index(cost)] = rng.integers(1, 6, size=(n, variants)) * 10.0
    beta = np.array([params[f"beta:{a}"] for a in attributes])
    taste = 1 + taste_sd * rng.normal(size=(respondents, len(attributes)))
    v = np.einsum("njk,nk->nj", x, beta * taste.repeat(tasks, axis=0))
    options = [chr(ord("A") + j) for j in range(variants)]
    if opt_out:
        v = np.column_stack([v, np.full(n, params.get("asc:none", 0.0))])
        x = np.concatenate([x, np.full((n, 1, len(attributes)), np.nan)], axis=1)
        options.append("none")
    chosen = (v + rng.gumbel(size=v.shape)).argmax(axis=1)
    width = len(options)
    frame = pd.DataFrame(
        {
            "respondent": np.repeat([f"r{i}" for i in range(respondents)], tasks * width),
            "task": np.repeat(np.tile([f"pairs:{t + 1}" for t in range(tasks)], respondents), width),
            "option": np.tile(options, n),
            "choice": (np.arange(width) == chosen[:, None]).astype(int).ravel(),
        }
    )
    for k, name in enumerate(attributes):
        frame[name] = x[..., k].ravel()
    return frame
