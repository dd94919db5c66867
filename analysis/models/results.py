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
from dataclasses import dataclass, field
from typing import Any, Callable

import numpy as np
import pandas as pd

from analysis.intervals import Z95, critical_value, two_sided_p

COV_TYPES = {
    "robust": "robust (sandwich, clustered by respondent)",
    "classical": "classical (inverse of the observed information)",
}
DEFAULT_COV_TYPE = "robust"
_NO_FINITE_INTERVAL = "the denominator's 95% interval covers 0: no finite interval"
_PREDICTIONS = ("support", "package", "best_package")


def check_cov_type(cov_type: str) -> None:
    """A ValueError naming the choices unless `cov_type` is one; the fits call it first, so a
    typo does not cost a fit."""
    if cov_type not in COV_TYPES:
        raise ValueError(f"cov_type must be one of {', '.join(map(repr, COV_TYPES))}, "
                         f"not {cov_type!r}")


def _needs_the_model(*args: Any, **kwargs: Any) -> pd.DataFrame:
    """What a pickled result holds instead of its predictions."""
    raise ValueError("predictions need the fitted model, which a pickled result leaves behind: "
                     "fit the model again to predict")


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

    def __post_init__(self) -> None:
        check_cov_type(self.cov_type)

    def __getstate__(self) -> dict[str, Any]:
        state = dict(self.__dict__)
        for name in _PREDICTIONS:
            if state[name] is not None:
                state[name] = _needs_the_model
        return state

    @classmethod
    def of_fit(cls, model: str, names: list[str], found: Any, classical_cov: np.ndarray,
               robust_cov: np.ndarray, **fields: Any) -> "ChoiceResults":
        """Results from arrays and where Newton stopped (analysis.models.optimize.Newton, whose
        state starts with the log-likelihood)."""
        return cls(model=model, params=pd.Series(found.params, index=names),
                   classical_cov=pd.DataFrame(classical_cov, index=names, columns=names),
                   robust_cov=pd.DataFrame(robust_cov, index=names, columns=names),
                   loglik=found.state[0], converged=found.converged,
                   iterations=found.iterations, **fields)

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
        return pd.concat([pd.DataFrame({"estimate": self.params, "std_err": self.bse,
                                        "z": self.tvalues, "p_value": self.pvalues}),
                          self.conf_int()], axis=1)

    def summary(self) -> str:
        header = [
            f"Model: {self.model}",
            f"Respondents: {self.n_respondents}   Choice tasks: {self.n_observations}",
            f"Log-likelihood: {self.loglik:.4f}   AIC: {self.aic:.2f}   BIC: {self.bic:.2f}",
            f"Converged: {'yes' if self.converged else 'NO'} after {self.iterations} iterations",
            f"Standard errors: {COV_TYPES[self.cov_type]}; z, p and the 95% interval use them",
        ]
        if len(self.infeasible):
            header.append(f"Left out: {len(self.infeasible)} choices that break the rules")
        table = self.table().to_string(float_format=lambda x: f"{x:.4f}")
        notes = "".join(f"\nNote: {note}" for note in self.notes)
        return "\n".join(header) + "\n\n" + table + ("\n" + notes if notes else "")

    def to_dict(self) -> dict[str, Any]:
        """The JSON shape `pwe fit` writes: `std_err` follows `cov_type`, `robust_std_err` is the
        sandwich whatever `cov_type` is."""
        return {
            "model": self.model, "cov_type": self.cov_type, "n_respondents": self.n_respondents,
            "loglik": self.loglik, "converged": self.converged, "aic": self.aic, "bic": self.bic,
            "params": [{"name": name, "estimate": float(self.params[name]),
                        "std_err": float(self.bse[name]),
                        "robust_std_err": float(self.robust_bse[name])}
                       for name in self.params.index],
            "notes": list(self.notes),
        }

    def ratio(self, numerator: str, denominator: str) -> dict[str, Any]:
        """numerator / denominator with a delta-method standard error (covariance of `cov_type`)
        and 95% interval."""
        cov = self.cov_params()
        a, b = self.params[numerator], self.params[denominator]
        gradient = np.array([1 / b, -a / b**2])
        pair = cov.loc[[numerator, denominator], [numerator, denominator]].to_numpy()
        std_err = float(np.sqrt(gradient @ pair @ gradient))
        row = {"numerator": numerator, "denominator": denominator, "ratio": a / b,
               "std_err": std_err, "lower": a / b - Z95 * std_err,
               "upper": a / b + Z95 * std_err, "note": ""}
        if abs(b) <= Z95 * math.sqrt(cov.loc[denominator, denominator]):
            row.update(lower=-math.inf, upper=math.inf, note=_NO_FINITE_INTERVAL)
        return row

    def tradeoffs(self) -> pd.DataFrame:
        """Value weights: beta_k/beta_l for every pair of attributes and beta_k/delta0 for each
        budget term (the budget one unit of effect is worth), with delta-method errors."""
        return self._ratios(value_weight_pairs(list(self.params.index)))

    def _ratios(self, pairs: list[tuple[str, str]]) -> pd.DataFrame:
        columns = ["numerator", "denominator", "ratio", "std_err", "lower", "upper", "note"]
        return pd.DataFrame([self.ratio(k, l) for k, l in pairs], columns=columns)

    def predicted_support(self) -> pd.DataFrame:
        """Per option the mean predicted inclusion probability (mean level with levels)."""
        if self.support is None:
            raise ValueError(f"{self.model} does not predict support per option")
        return self.support()

    def package_probability(self, package: dict[str, float], version: Any = None,
                            menu: int | None = None) -> pd.DataFrame:
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
    return pd.Series(np.sqrt(np.diag(cov)), index=cov.index)


def value_weight_pairs(names: list[str], prefix: str = "") -> list[tuple[str, str]]:
    """(numerator, denominator) of every trade-off among the parameters named `prefix`beta:...
    and of each of them against every `prefix`delta0... budget term."""
    betas = [n for n in names if n.startswith(f"{prefix}beta:")]
    budgets = [n for n in names if n.startswith(f"{prefix}delta0")]
    return [(k, l) for k in betas for l in betas if k != l] + \
        [(k, d) for k in betas for d in budgets]
