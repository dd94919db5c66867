"""Results of a fitted choice model, shaped like statsmodels' (params, bse, summary()), plus value
weights.

Every choice model returns a `ChoiceResults`, so the summary table, the JSON written by `pwe fit`
and the value weights (trade-offs with delta-method intervals) are computed in one place.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any, Callable

import numpy as np
import pandas as pd
from scipy import stats

_Z95 = stats.norm.ppf(0.975)
_NO_FINITE_INTERVAL = "the denominator's 95% interval covers 0: no finite interval"


@dataclass
class ChoiceResults:
    """A fitted choice model.

    `cov` is the classical covariance (-H^-1), `robust_cov` the sandwich H^-1 (sum w^2 g g') H^-1
    clustered by respondent. `n_observations` counts choice tasks (BIC uses it), `n_respondents`
    people. `infeasible` lists observations left out because their choice broke a rule (empty
    unless the model was asked to report rather than raise). `notes`: what the reader must know
    (e.g. that the estimates are approximate), in the summary and the JSON.
    """

    model: str
    params: pd.Series
    cov: pd.DataFrame
    robust_cov: pd.DataFrame
    loglik: float
    n_observations: int
    n_respondents: int
    converged: bool
    iterations: int
    infeasible: pd.DataFrame = field(default_factory=pd.DataFrame)
    support: Callable[[], pd.DataFrame] | None = field(default=None, repr=False)
    package: Callable[..., pd.DataFrame] | None = field(default=None, repr=False)
    best_package: Callable[..., pd.DataFrame] | None = field(default=None, repr=False)
    notes: list[str] = field(default_factory=list)

    @classmethod
    def of_fit(cls, model: str, names: list[str], found: Any, cov: np.ndarray,
               robust_cov: np.ndarray, **fields: Any) -> "ChoiceResults":
        """Results from arrays and where Newton stopped (analysis.models.optimize.Newton, whose
        state starts with the log-likelihood)."""
        return cls(model=model, params=pd.Series(found.params, index=names),
                   cov=pd.DataFrame(cov, index=names, columns=names),
                   robust_cov=pd.DataFrame(robust_cov, index=names, columns=names),
                   loglik=found.state[0], converged=found.converged,
                   iterations=found.iterations, **fields)

    @property
    def bse(self) -> pd.Series:
        return pd.Series(np.sqrt(np.diag(self.cov)), index=self.params.index)

    @property
    def robust_bse(self) -> pd.Series:
        return pd.Series(np.sqrt(np.diag(self.robust_cov)), index=self.params.index)

    @property
    def aic(self) -> float:
        return 2 * len(self.params) - 2 * self.loglik

    @property
    def bic(self) -> float:
        return len(self.params) * math.log(self.n_observations) - 2 * self.loglik

    def table(self) -> pd.DataFrame:
        """Estimates with classical and robust standard errors, robust z and two-sided p-value."""
        z = self.params / self.robust_bse
        return pd.DataFrame({"estimate": self.params, "std_err": self.bse,
                             "robust_std_err": self.robust_bse, "z": z,
                             "p_value": 2 * stats.norm.sf(np.abs(z))})

    def summary(self) -> str:
        header = [
            f"Model: {self.model}",
            f"Respondents: {self.n_respondents}   Choice tasks: {self.n_observations}",
            f"Log-likelihood: {self.loglik:.4f}   AIC: {self.aic:.2f}   BIC: {self.bic:.2f}",
            f"Converged: {'yes' if self.converged else 'NO'} after {self.iterations} iterations",
        ]
        if len(self.infeasible):
            header.append(f"Left out: {len(self.infeasible)} choices that break the rules")
        table = self.table().to_string(float_format=lambda x: f"{x:.4f}")
        notes = "".join(f"\nNote: {note}" for note in self.notes)
        return "\n".join(header) + "\n\n" + table + ("\n" + notes if notes else "")

    def to_dict(self) -> dict[str, Any]:
        """The JSON shape `pwe fit` writes."""
        return {
            "model": self.model, "n_respondents": self.n_respondents, "loglik": self.loglik,
            "converged": self.converged, "aic": self.aic, "bic": self.bic,
            "params": [{"name": name, "estimate": float(self.params[name]),
                        "std_err": float(self.bse[name]),
                        "robust_std_err": float(self.robust_bse[name])}
                       for name in self.params.index],
            "notes": list(self.notes),
        }

    def ratio(self, numerator: str, denominator: str, robust: bool = True) -> dict[str, Any]:
        """numerator / denominator with a delta-method standard error and 95% interval."""
        cov = self.robust_cov if robust else self.cov
        a, b = self.params[numerator], self.params[denominator]
        gradient = np.array([1 / b, -a / b**2])
        pair = cov.loc[[numerator, denominator], [numerator, denominator]].to_numpy()
        std_err = float(np.sqrt(gradient @ pair @ gradient))
        row = {"numerator": numerator, "denominator": denominator, "ratio": a / b,
               "std_err": std_err, "lower": a / b - _Z95 * std_err,
               "upper": a / b + _Z95 * std_err, "note": ""}
        if abs(b) <= _Z95 * math.sqrt(cov.loc[denominator, denominator]):
            row.update(lower=-math.inf, upper=math.inf, note=_NO_FINITE_INTERVAL)
        return row

    def tradeoffs(self, robust: bool = True) -> pd.DataFrame:
        """Value weights: beta_k/beta_l for every pair of attributes and beta_k/delta0 for each
        budget term (the budget one unit of effect is worth), with delta-method errors."""
        names = list(self.params.index)
        betas = [n for n in names if n.startswith("beta:")]
        budgets = [n for n in names if n.startswith("delta0")]
        pairs = [(k, l) for k in betas for l in betas if k != l] + \
                [(k, d) for k in betas for d in budgets]
        columns = ["numerator", "denominator", "ratio", "std_err", "lower", "upper", "note"]
        return pd.DataFrame([self.ratio(k, l, robust) for k, l in pairs], columns=columns)

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
