"""Results of a fitted choice model, shaped like statsmodels' (params, bse, tvalues, pvalues,
conf_int(), cov_params(), summary()), plus value weights.

Every choice model returns a `ChoiceResults`, so the summary table, the JSON written by `pwe fit`
and the value weights (trade-offs with delta-method intervals) are computed in one place. Both
covariances are kept; `cov_type`, chosen at fit time, says which one every standard error, z,
p-value and interval uses. A result pickles; the predictions that need the fitted model
(predicted support, package probabilities) stay behind, since they would carry the whole choice
table along.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Self

import numpy as np
import pandas as pd

from analysis.intervals import Z95, critical_value, two_sided_p

COV_TYPES = {
    "robust": "robust (sandwich, clustered by respondent)",
    "classical": "classical (inverse of the observed information)",
}
DEFAULT_COV_TYPE = "robust"
_NO_FINITE_INTERVAL = "the denominator's 95% interval covers 0: no finite interval"
_PREDICTIONS = ("support", "package", "best_package", "support_at")


def check_cov_type(cov_type: str) -> None:
    """A ValueError naming the choices unless `cov_type` is one; the fits call it first, so a
    typo does not cost a fit."""
    if cov_type not in COV_TYPES:
        raise ValueError(f"cov_type must be one of {', '.join(map(repr, COV_TYPES))}, not {cov_type!r}")


def _needs_the_model(*args: Any, **kwargs: Any) -> pd.DataFrame:
    """What a pickled result holds instead of its predictions."""
    raise ValueError(
        "predictions need the fitted model, which a pickled result leaves behind: "
        "fit the model again to predict"
    )


@dataclass
class ChoiceResults:
    """A fitted choice model.

    `classical_cov` is -H^-1, `robust_cov` the sandwich H^-1 (sum w^2 g g') H^-1 clustered by
    respondent; `cov_type` ("robust" or "classical") picks the one `cov_params()`, `bse`,
    `tvalues`, `pvalues`, `conf_int()` and the value weights use. `n_observations` counts choice
    tasks (BIC uses it), `n_respondents` people. `infeasible` lists observations left out because
    their choice broke a rule (empty unless the model was asked to report rather than raise).
    `notes`: what the reader must know (e.g. that the estimates are approximate), in the summary
    and the JSON.
    """

    model: str
    params: pd.Series
    classical_cov: pd.DataFrame
    robust_cov: pd.DataFrame
    loglik: float
    n_observations: int
    n_respondents: int
    converged: bool
    iterations: int
    cov_type: str = DEFAULT_COV_TYPE
    infeasible: pd.DataFrame = field(default_factory=pd.DataFrame)
    support: Callable[..., pd.DataFrame] | None = field(default=None, repr=False)
    package: Callable[..., pd.DataFrame] | None = field(default=None, repr=False)
    best_package: Callable[..., pd.DataFrame] | None = field(default=None, repr=False)
    notes: list[str] = field(default_factory=list)
    task: str | None = None
    constraints: list[str] = field(default_factory=list)
    weights: dict[str, Any] | None = None
    budget_unit: str = ""
    extra: dict[str, tuple[str, pd.DataFrame]] = field(default_factory=dict)
    support_at: Callable[[np.ndarray], pd.DataFrame] | None = field(default=None, repr=False)

    def __post_init__(self) -> None:
        check_cov_type(self.cov_type)

    def __getstate__(self) -> dict[str, Any]:
        state = dict(self.__dict__)
        for name in _PREDICTIONS:
            if state[name] is not None:
                state[name] = _needs_the_model
        return state

    @classmethod
    def of_fit(
        cls,
        model: str,
        names: list[str],
        found: Any,
        classical_cov: np.ndarray,
        robust_cov: np.ndarray,
        **fields: Any,
    ) -> Self:
        """Results from arrays and where Newton stopped (analysis.models.optimize.Newton, whose
        state starts with the log-likelihood)."""
        return cls(
            model=model,
            params=pd.Series(found.params, index=names),
            classical_cov=pd.DataFrame(classical_cov, index=names, columns=names),
            robust_cov=pd.DataFrame(robust_cov, index=names, columns=names),
            loglik=found.state[0],
            converged=found.converged,
            iterations=found.iterations,
            **fields,
        )

    def cov_params(self) -> pd.DataFrame:
        """The covariance of the estimates that `cov_type` names."""
        return self.robust_cov if self.cov_type == "robust" else self.classical_cov

    @property
    def bse(self) -> pd.Series:
        """Standard errors of `cov_type`."""
        return _standard_errors(self.cov_params())

    @property
    def classical_bse(self) -> pd.Series:
        return _standard_errors(self.classical_cov)

    @property
    def robust_bse(self) -> pd.Series:
        return _standard_errors(self.robust_cov)

    @property
    def tvalues(self) -> pd.Series:
        """z statistics params / bse (statsmodels' name; the reference is the normal)."""
        return self.params / self.bse

    @property
    def pvalues(self) -> pd.Series:
        """Two-sided p-values of the z statistics."""
        return pd.Series(two_sided_p(self.tvalues), index=self.params.index)

    def conf_int(self, alpha: float = 0.05) -> pd.DataFrame:
        """(1 - alpha) Wald intervals params +- z bse, columns `lower` and `upper`."""
        half = critical_value(alpha) * self.bse
        return pd.DataFrame({"lower": self.params - half, "upper": self.params + half})

    @property
    def aic(self) -> float:
        return 2 * len(self.params) - 2 * self.loglik

    @property
    def bic(self) -> float:
        return len(self.params) * math.log(self.n_observations) - 2 * self.loglik

    def table(self) -> pd.DataFrame:
        """Estimates with the standard error, z, two-sided p-value and 95% interval of
        `cov_type`."""
        return pd.concat(
            [
                pd.DataFrame(
                    {"estimate": self.params, "std_err": self.bse, "z": self.tvalues, "p_value": self.pvalues}
                ),
                self.conf_int(),
            ],
            axis=1,
        )

    @property
    def terms(self) -> list[str]:
        """The model's terms in words: option constants, attribute weights, budget terms."""
        return model_terms(list(self.params.index))

    def describe(self) -> list[str]:
        """The header every summary starts with: what was fitted, on what, how it went."""
        weighting = (
            "WEIGHTED: " + f"{self.weights['file']} (effective n "
            f"{significant(self.weights['n_effective'])} of {self.n_respondents}, design "
            f"effect {significant(self.weights['design_effect'])})"
            if self.weights
            else "UNWEIGHTED: every respondent counts once"
        )
        lines = [
            f"Model: {self.model}" + (f"   Task: {self.task}" if self.task else ""),
            weighting,
            f"Respondents: {self.n_respondents}   Choice tasks: {self.n_observations}",
            f"Constraints: {'; '.join(self.constraints) if self.constraints else 'none'}",
            f"Terms: {'; '.join(self.terms)}",
            f"Log-likelihood: {significant(self.loglik, 8)}   AIC: {significant(self.aic, 8)}   "
            f"BIC: {significant(self.bic, 8)}",
            f"Converged: {'yes' if self.converged else 'NO'} after {self.iterations} iterations",
            f"Standard errors: {COV_TYPES[self.cov_type]}; z, p and the 95% interval use them",
        ]
        if len(self.infeasible):
            lines.append(f"Left out: {len(self.infeasible)} choices that break the rules")
        return lines

    def summary(self) -> str:
        text = "\n".join(self.describe()) + "\n\n" + format_table(self.table())
        worth = self.worth()
        if len(worth):
            text += (
                "\n\nEach option's worth in budget units (asc / delta0"
                + (f", in {self.budget_unit}" if self.budget_unit else "")
                + ")\n"
                + format_table(worth.set_index("option"))
            )
        for title, table in self.extra.values():
            text += f"\n\n{title}\n" + format_table(table.set_index(table.columns[0]))
        notes = "".join(f"\nNote: {note}" for note in self.notes)
        return text + ("\n" + notes if notes else "")

    def to_dict(self) -> dict[str, Any]:
        """The JSON shape `pwe fit` writes: `std_err` follows `cov_type`, `robust_std_err` is the
        sandwich whatever `cov_type` is. Numbers that are not defined are null, with a note."""
        notes = list(self.notes)
        params = []
        for name in self.params.index:
            row = {
                "name": name,
                "estimate": float(self.params[name]),
                "std_err": float(self.bse[name]),
                "robust_std_err": float(self.robust_bse[name]),
            }
            params.append(row)
        out = {
            "model": self.model,
            "task": self.task,
            "cov_type": self.cov_type,
            "n_respondents": self.n_respondents,
            "n_observations": self.n_observations,
            "weights": self.weights,
            "constraints": list(self.constraints),
            "terms": self.terms,
            "loglik": self.loglik,
            "converged": self.converged,
            "iterations": self.iterations,
            "aic": self.aic,
            "bic": self.bic,
            "params": params,
            "infeasible": [
                {"respondent": str(r.respondent), "task": str(r.task), "rule": r.rule}
                for r in self.infeasible.itertuples()
            ],
            "tradeoffs": _records(self.tradeoffs()),
            "worth": _records(self.worth()),
            "budget_unit": self.budget_unit or None,
        }
        out.update({name: _records(table) for name, (_, table) in self.extra.items()})
        out["notes"] = notes
        return json_safe(out, notes)

    def ratio(self, numerator: str, denominator: str) -> dict[str, Any]:
        """numerator / denominator with a delta-method standard error (covariance of `cov_type`)
        and 95% interval."""
        cov = self.cov_params()
        a, b = self.params[numerator], self.params[denominator]
        gradient = np.array([1 / b, -a / b**2])
        pair = cov.loc[[numerator, denominator], [numerator, denominator]].to_numpy()
        variance = float(gradient @ pair @ gradient)
        std_err = math.sqrt(variance) if variance >= 0 else math.nan
        row = {
            "numerator": numerator,
            "denominator": denominator,
            "ratio": a / b,
            "std_err": std_err,
            "lower": a / b - Z95 * std_err,
            "upper": a / b + Z95 * std_err,
            "note": "",
        }
        if not abs(b) > Z95 * math.sqrt(max(pair[1, 1], 0)):
            row.update(lower=-math.inf, upper=math.inf, note=_NO_FINITE_INTERVAL)
        return row

    def tradeoffs(self) -> pd.DataFrame:
        """Value weights: beta_k/beta_l for every pair of attributes, beta_k/delta0 and
        asc_j/delta0 for each budget term (the budget one unit of effect, or option j, is worth)
        and asc_j/asc_k, with delta-method errors."""
        return self._ratios(value_weight_pairs(list(self.params.index)))

    def worth(self) -> pd.DataFrame:
        """Each option's worth in budget units, asc_j / delta0 (with its interval), in
        `budget_unit`; empty without option constants or a budget term."""
        ratios = self.tradeoffs()
        if ratios.empty:
            return ratios.assign(option=[])
        keep = ratios["numerator"].str.contains("asc:") & ratios["denominator"].str.contains("delta0")
        worth = ratios[keep].copy()
        worth.insert(
            0,
            "option",
            worth.pop("numerator")
            .str.replace(":asc:", ":", regex=False)
            .str.replace("asc:", "", regex=False),
        )
        return worth.drop(columns="denominator").reset_index(drop=True)

    def _ratios(self, pairs: list[tuple[str, str]]) -> pd.DataFrame:
        columns = ["numerator", "denominator", "ratio", "std_err", "lower", "upper", "note"]
        return pd.DataFrame([self.ratio(k, l) for k, l in pairs], columns=columns)

    def predicted_support(self) -> pd.DataFrame:
        """Per option the mean predicted inclusion probability (mean level with levels)."""
        if self.support is None:
            raise ValueError(f"{self.model} does not predict support per option")
        return self.support()

    def support_intervals(self, draws: int = 200, seed: int = 0) -> pd.DataFrame:
        """predicted_support() with a 95% interval for `predicted`: the 2.5% and 97.5% points
        over `draws` parameter vectors from the estimates' normal distribution (Krinsky-Robb,
        covariance of `cov_type`)."""
        table = self.predicted_support()
        if self.support_at is None:
            raise ValueError(f"{self.model} gives no intervals for predicted support")
        cov = self.cov_params().to_numpy()
        if not np.isfinite(cov).all():
            raise ValueError("the covariance is not finite, so predicted support has no interval")
        rng = np.random.default_rng(seed)
        sampled = rng.multivariate_normal(self.params.to_numpy(), cov, size=draws, check_valid="ignore")
        values = np.array([self.support_at(theta)["predicted"].to_numpy() for theta in sampled])
        low, high = np.percentile(values, [2.5, 97.5], axis=0)
        return table.assign(lower=low, upper=high)

    def package_probability(
        self, package: dict[str, float], version: Any = None, menu: int | None = None
    ) -> pd.DataFrame:
        """Predicted support for a given package ({option: level}; options left out at 0): the
        probability that a respondent chooses exactly that package, per menu (respondents who saw
        the same costs, effects and budget; `version`/`menu` select) and, in the row "all", the
        mean over respondents (weighted, and `probability_unweighted`). 0 where it is forbidden."""
        if self.package is None:
            raise ValueError(f"{self.model} does not predict support for packages")
        return self.package(package, version=version, menu=menu)

    def most_supported_package(self, version: Any = None, menu: int | None = None) -> pd.DataFrame:
        """Per menu the feasible package with the highest utility (argmax_{p in F} V_p), with its
        levels, total cost, utility and probability."""
        if self.best_package is None:
            raise ValueError(f"{self.model} does not compute a most supported package")
        return self.best_package(version=version, menu=menu)


def _standard_errors(cov: pd.DataFrame) -> pd.Series:
    """sqrt of the variances; NaN (no warning) where a variance is negative: not identified."""
    variance = np.diag(cov).astype(float)
    return pd.Series(np.sqrt(np.where(variance >= 0, variance, np.nan)), index=cov.index)


def value_weight_pairs(names: list[str], prefix: str = "") -> list[tuple[str, str]]:
    """(numerator, denominator) of every trade-off among the parameters named `prefix`beta:...,
    of each of them and of each option constant `prefix`asc:... against every `prefix`delta0...
    budget term, and of every pair of option constants."""
    betas = [n for n in names if n.startswith(f"{prefix}beta:")]
    ascs = [n for n in names if n.startswith(f"{prefix}asc:")]
    budgets = [n for n in names if n.startswith(f"{prefix}delta0")]
    return (
        [(k, l) for k in betas for l in betas if k != l]
        + [(k, d) for k in betas + ascs for d in budgets]
        + [(k, l) for k in ascs for l in ascs if k != l]
    )


def model_terms(names: list[str]) -> list[str]:
    """The parameters in words, each kind once: "option constants (asc)", "beta:x", "delta0",
    "gamma per good", "membership:age" ... (a class prefix dropped)."""
    terms: list[str] = []
    for name in names:
        short = name.split(":", 1)[1] if name.startswith("class") else name
        kind = short.split(":", 1)[0]
        term = {"asc": "option constants (asc)", "share": "class shares"}.get(
            kind, f"{kind} per good" if kind in ("psi", "gamma", "alpha") else short
        )
        if term not in terms:
            terms.append(term)
    return terms


def significant(value: Any, digits: int = 4) -> str:
    """A number with `digits` significant digits (0.001058, 2.519, 2,145), thousands separated;
    scientific notation only for the very large or small."""
    if value is None or isinstance(value, str):
        return "" if value is None else value
    value = float(value)
    if not math.isfinite(value):
        return str(value)
    if value == 0:
        return "0"
    exponent = math.floor(math.log10(abs(value)))
    if exponent >= 9 or exponent < -5:
        return f"{value:.{digits - 1}e}"
    return f"{value:,.{max(0, digits - 1 - exponent)}f}"


def format_table(frame: pd.DataFrame) -> str:
    """A table with every number in significant digits."""
    return frame.to_string(float_format=significant)


def infeasible_lines(infeasible: pd.DataFrame) -> list[str]:
    """Each left-out or rejected chosen portfolio as "respondent R (task T): rule"."""
    return [
        f"respondent {respondent}" + (f" (task {task})" if task else "") + f": {rule}"
        for respondent, task, rule in zip(infeasible["respondent"], infeasible["task"], infeasible["rule"])
    ]


def _records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    return [
        {str(k): (v.item() if hasattr(v, "item") else v) for k, v in row.items()}
        for row in frame.to_dict(orient="records")
    ]


def json_safe(value: Any, notes: list[str], where: str = "") -> Any:
    """`value` with every NaN or infinity replaced by null (JSON has neither), and a note in
    `notes` saying where and why."""
    if isinstance(value, dict):
        # a row that carries its own note (a ratio without a finite interval) says why itself
        own = [] if value.get("note") else notes
        return {k: json_safe(v, own, f"{where}.{k}" if where else str(k)) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        label = lambda i, v: (
            f"{where}[{v['name']}]" if isinstance(v, dict) and "name" in v else f"{where}[{i}]"
        )
        return [json_safe(v, notes, label(i, v)) for i, v in enumerate(value)]
    if isinstance(value, (float, np.floating)) and not math.isfinite(value):
        reason = (
            "no finite interval: the denominator's 95% interval covers 0"
            if math.isinf(value)
            else "not defined: the parameter is not identified (a negative or undefined variance)"
        )
        note = f"{where} is null: {reason}"
        if note not in notes:
            notes.append(note)
        return None
    if isinstance(value, np.generic):
        return value.item()
    return value


class NotIdentified(ValueError):
    """Some parameters cannot be estimated from these data; `problems` lists each set of
    parameters that cannot be told apart."""

    def __init__(self, message: str, problems: list[list[str]]):
        super().__init__(message)
        self.problems = problems

    @property
    def only_delta0(self) -> bool:
        """Only the budget term: the model without it is identified."""
        weights = {p for problem in self.problems for p in problem if not p.startswith("asc:")}
        return bool(weights) and all(p.startswith("delta0") for p in weights)
