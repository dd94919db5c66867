"""The MDCEV model (Bhat 2008) for points or money allocations, gamma- and alpha-profile.

Goods k: the options, plus the outside good (index 0, the unspent budget, price 1) when leftover is
allowed. With x_k the amount (points or units), p_k the price per unit and psi_k = exp(psi_k +
z_k'beta + eps_k) (the outside good: exp(eps_0)), eps iid Gumbel with scale sigma:

    V_k = psi_k + z_k'beta + (alpha_k - 1) ln(x_k/gamma_k + 1) - ln p_k      (an option)
    V_0 = (alpha_0 - 1) ln x_0                                               (outside good)
    f_k = (1 - alpha_k) / (x_k + gamma_k)                                    (gamma_0 = 0)
    P   = (1/p_r) sigma^(1-M) [prod_c f_c] [sum_c p_c/f_c] [prod_c e^(V_c/sigma)]
          / (sum_k e^(V_k/sigma))^M (M - 1)!

c runs over the M consumed goods, r is the reference good whose amount the budget fixes (the
outside good, else the first option consumed). Gamma-profile: alpha_k -> 0 (log form) for the
options, gamma_k > 0 estimated (log parametrised), alpha_0 estimated (alpha = 1 - e^-delta, in
(-inf, 1) as in Bhat 2008). Alpha-profile: gamma_k = 1 and every alpha_k estimated. The
density is for continuous amounts; integer points make it an approximation.
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass, field
from typing import Any, Literal, overload

import numpy as np
import pandas as pd
from scipy import optimize, special

from analysis.models.layout import choice_layout, observation_weights
from analysis.models.optimize import halved_step, numeric_hessian, sandwich
from analysis.models.results import DEFAULT_COV_TYPE, ChoiceResults, check_cov_type

PROFILES = ("gamma", "alpha")
OUTSIDE = "outside"
_LEFTOVER_TOLERANCE = 1e-9  # relative to the budget: less unspent counts as all spent
_GRADIENT_TOLERANCE = 1e-6  # largest |score| per observation at convergence
_POLISHED = 1e-9  # ... below which Newton polishing stops
_NEWTON_STEPS = 20
_BISECTION_STEPS = 200

INTEGER_NOTE = (
    "MDCEV is a density for continuous amounts; with whole points it approximates "
    "the probability of the discrete allocation."
)


@dataclass
class MDCEVResults(ChoiceResults):
    """ChoiceResults plus the parameters held fixed for identification (notes: ChoiceResults)."""

    fixed: dict[str, float] = field(default_factory=dict)

    def summary(self) -> str:
        fixed = f"Fixed: {', '.join(f'{k} = {v:g}' for k, v in self.fixed.items())}"
        return super().summary() + ("\n\n" + fixed if self.fixed else "")

    def to_dict(self) -> dict[str, Any]:
        return {**super().to_dict(), "fixed": dict(self.fixed)}

    def predicted_support(self, draws: int = 200, seed: int | None = 0) -> pd.DataFrame:
        """Per option the expected share of respondents allocating a positive amount and the
        expected amount, simulated at the estimates (MDCEV.predicted_support), beside the
        observed share and mean."""
        if self.support is None:
            raise ValueError(f"{self.model} does not predict support per option")
        return self.support(draws=draws, seed=seed)


@dataclass
class _Goods:
    """The allocation as arrays over observations n (respondent x task) and goods k."""

    names: list[str]  # goods: "outside" first when present, then the options
    amount: np.ndarray  # N x K
    price: np.ndarray  # N x K (outside good: 1)
    z: np.ndarray  # N x K x A (outside good: 0)
    outside: bool
    essential: bool  # the outside good is consumed by everyone (Bhat's outside good)
    respondent: pd.Series  # N
    weight: np.ndarray  # N, mean 1 over respondents
    budget: np.ndarray | None  # N, when the table has a budget column
    row_cell: tuple[np.ndarray, np.ndarray]  # per table row: its observation and option


class MDCEV:
    """Bhat's (2008) MDCEV on a long choice table (`choice` = amount, `cost` = price per unit).

    `profile`: "gamma" (alpha -> 0 for the options, gamma per option, alpha of the outside good)
    or "alpha" (gamma = 1, alpha per good). `outside_good`: None decides from the data (present
    when some respondent leaves budget unspent); False models how what was spent is divided
    (conditional on the total), True requires a `budget` column. When some but not all leave
    budget unspent, the outside good is non-essential and gets gamma:outside (gamma-profile)
    instead of alpha:outside. Without an outside good the first option's psi is fixed at 0.
    `weights`: respondent weights indexed by respondent (normalised to mean 1). `task`: fit only
    this task's rows.
    """

    def __init__(
        self,
        choices: pd.DataFrame,
        profile: str = "gamma",
        attributes: list[str] | None = None,
        outside_good: bool | None = None,
        weights: pd.Series | None = None,
        task: str | None = None,
    ) -> None:
        if profile not in PROFILES:
            raise ValueError(f"profile must be gamma or alpha, not {profile!r}")
        self.profile = profile
        self.attributes = list(attributes or [])
        self.goods = _read_goods(choices, self.attributes, outside_good, weights, task)
        self._layout()
        self._check_identified()

    # --- parameters ---------------------------------------------------------------------------

    def _layout(self) -> None:
        """Names, kinds and goods of the free parameters (estimation scale), and the fixed ones."""
        goods = self.goods
        options = [k for k, name in enumerate(goods.names) if not (goods.outside and k == 0)]
        fixed_psi = [] if goods.outside else options[:1]
        spec: list[tuple[str, str, int]] = [
            (f"psi:{goods.names[k]}", "psi", k) for k in options if k not in fixed_psi
        ]
        spec += [(f"beta:{a}", "beta", i) for i, a in enumerate(self.attributes)]
        self.fixed = {f"psi:{goods.names[k]}": 0.0 for k in fixed_psi}
        self._fixed_alpha = np.zeros(len(goods.names))
        self._fixed_gamma = np.ones(len(goods.names))
        if goods.essential:
            self._fixed_gamma[0] = 0.0
        for k, name in enumerate(goods.names):
            essential = goods.essential and k == 0
            if self.profile == "gamma" and not essential:
                spec.append((f"gamma:{name}", "gamma", k))
            if self.profile == "alpha" or essential:
                spec.append((f"alpha:{name}", "alpha", k))
        price = goods.price
        self.sigma_free = self.profile == "gamma" or bool(
            (price.max(axis=1) > price.min(axis=1) * (1 + 1e-12)).any()
        )
        if self.sigma_free:
            spec.append(("sigma", "sigma", 0))
        else:
            self.fixed["sigma"] = 1.0
        self.param_names = [name for name, _, _ in spec]
        self._kinds = np.array([kind for _, kind, _ in spec])
        self._index = np.array([index for _, _, index in spec])

    def _unpack(self, theta: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, float]:
        """psi (K), beta (A), alpha (K), gamma (K), sigma from the estimation-scale vector."""
        psi = np.zeros(len(self.goods.names))
        beta = np.zeros(len(self.attributes))
        alpha, gamma = self._fixed_alpha.copy(), self._fixed_gamma.copy()
        sigma = 1.0
        for kind, index, value in zip(self._kinds, self._index, theta):
            if kind == "psi":
                psi[index] = value
            elif kind == "beta":
                beta[index] = value
            elif kind == "gamma":
                gamma[index] = math.exp(value)
            elif kind == "alpha":
                alpha[index] = -math.expm1(-value)
            else:
                sigma = math.exp(value)
        return psi, beta, alpha, gamma, sigma

    def natural(self, theta: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """The parameters as reported (gamma, alpha, sigma on their scale) and d natural/d theta."""
        theta = np.asarray(theta, dtype=float)
        value, slope = theta.copy(), np.ones_like(theta)
        positive = np.isin(self._kinds, ["gamma", "sigma"])
        value[positive] = slope[positive] = np.exp(theta[positive])
        alpha = self._kinds == "alpha"
        value[alpha] = -np.expm1(-theta[alpha])
        slope[alpha] = np.exp(-theta[alpha])
        return value, slope

    def estimation_scale(self, params: dict[str, float]) -> np.ndarray:
        """The estimation-scale vector of named natural-scale parameters (missing: the start)."""
        theta = self.start()
        for i, (name, kind) in enumerate(zip(self.param_names, self._kinds)):
            if name in params:
                value = params[name]
                theta[i] = (
                    math.log(value)
                    if kind in ("gamma", "sigma")
                    else -math.log1p(-value)
                    if kind == "alpha"
                    else value
                )
        return theta

    def start(self) -> np.ndarray:
        """psi, beta, alpha 0; gamma the mean amount of those who chose the good; sigma 1."""
        amount = self.goods.amount
        chosen = amount > 0
        typical = np.where(
            chosen.any(axis=0), (amount * chosen).sum(axis=0) / np.maximum(chosen.sum(axis=0), 1), 1.0
        )
        return np.where(self._kinds == "gamma", np.log(typical[self._index]), 0.0)

    # --- likelihood ---------------------------------------------------------------------------

    @overload
    def _evaluate(self, theta: np.ndarray, scores: Literal[False]) -> tuple[np.ndarray, None]: ...
    @overload
    def _evaluate(self, theta: np.ndarray, scores: Literal[True]) -> tuple[np.ndarray, np.ndarray]: ...

    def _evaluate(self, theta: np.ndarray, scores: bool) -> tuple[np.ndarray, np.ndarray | None]:
        """log P per observation and, if asked, d log P / d theta per observation (N x params)."""
        goods = self.goods
        psi, beta, alpha, gamma, sigma = self._unpack(np.asarray(theta, dtype=float))
        x, p = goods.amount, goods.price
        consumed = x > 0
        m = consumed.sum(axis=1)
        essential = gamma == 0
        base = np.where(essential, x, x + gamma)  # x + gamma (outside: x)
        with np.errstate(divide="ignore"):
            satiation = np.where(
                essential, np.log(np.where(consumed, x, 1.0)), np.log1p(x / np.where(essential, 1.0, gamma))
            )
        v = psi + goods.z @ beta + (alpha - 1) * satiation - np.log(p)
        log_f = np.log1p(-alpha) - np.log(np.where(consumed, base, 1.0))
        inverse = np.where(consumed, p * np.exp(-log_f), 0.0)  # p_c / f_c
        total_inverse = inverse.sum(axis=1)
        scaled = v / sigma
        top = scaled.max(axis=1, keepdims=True)
        expo = np.exp(scaled - top)
        log_denominator = np.log(expo.sum(axis=1)) + top[:, 0]
        log_p = (
            -np.log(self._reference_price)
            + (1 - m) * math.log(sigma)
            + np.where(consumed, log_f + scaled, 0.0).sum(axis=1)
            + np.log(total_inverse)
            - m * log_denominator
            + special.gammaln(m)
        )
        if not scores:
            return log_p, None
        share = expo / expo.sum(axis=1, keepdims=True)
        d_v = (consumed - m[:, None] * share) / sigma  # d log P / d V_k
        d_log_f = consumed * (1 - inverse / total_inverse[:, None])  # d log P / d ln f_k
        out = np.empty((len(x), len(self.param_names)))
        for i, (kind, k) in enumerate(zip(self._kinds, self._index)):
            if kind == "psi":
                out[:, i] = d_v[:, k]
            elif kind == "beta":
                out[:, i] = (d_v * goods.z[:, :, k]).sum(axis=1)
            elif kind == "gamma":
                near = x[:, k] / base[:, k]
                out[:, i] = d_v[:, k] * (1 - alpha[k]) * near - d_log_f[:, k] * (1 - near)
            elif kind == "alpha":
                used = np.where(consumed[:, k], satiation[:, k], 0)
                out[:, i] = d_v[:, k] * (1 - alpha[k]) * used - d_log_f[:, k]
            else:
                out[:, i] = (1 - m) - (consumed * scaled).sum(axis=1) + m * (share * scaled).sum(axis=1)
        return log_p, out

    def loglike_obs(self, theta: np.ndarray) -> np.ndarray:
        """log P_n per observation (unweighted), estimation-scale parameters."""
        return self._evaluate(theta, scores=False)[0]

    def loglike(self, theta: np.ndarray) -> float:
        return float(self.goods.weight @ self.loglike_obs(theta))

    def score_obs(self, theta: np.ndarray) -> np.ndarray:
        """d log P_n / d theta per observation (unweighted)."""
        return self._evaluate(theta, scores=True)[1]

    def score(self, theta: np.ndarray) -> np.ndarray:
        return self.goods.weight @ self.score_obs(theta)

    def hessian(self, theta: np.ndarray) -> np.ndarray:
        """Central differences of the analytic gradient, symmetrised."""
        return numeric_hessian(self.score, theta)

    # --- fit ----------------------------------------------------------------------------------

    def fit(self, start: np.ndarray | None = None, cov_type: str = DEFAULT_COV_TYPE) -> MDCEVResults:
        """BFGS on the analytic gradient, then Newton steps on the finite-difference Hessian;
        `cov_type` "robust" or "classical" (analysis.models.results)."""
        check_cov_type(cov_type)
        theta = self.start() if start is None else np.asarray(start, dtype=float)
        n = self.goods.weight.sum()

        def objective(t: np.ndarray) -> tuple[float, np.ndarray]:
            try:
                with np.errstate(all="ignore"):
                    log_p, scores = self._evaluate(t, scores=True)
            except OverflowError:  # a trial step far out: gamma or sigma beyond floating point
                return math.inf, np.zeros_like(t)
            value = -(self.goods.weight @ log_p) / n
            if not np.isfinite(value):
                return math.inf, np.zeros_like(t)
            return value, -(self.goods.weight @ scores) / n

        found = optimize.minimize(
            objective, theta, jac=True, method="BFGS", options={"gtol": 1e-7, "maxiter": 2000}
        )
        theta, iterations = found.x, found.nit
        ll = self.loglike(theta)
        for _ in range(_NEWTON_STEPS):  # polish: quadratic convergence near the optimum
            grad, hess = self.score(theta), self.hessian(theta)
            if np.max(np.abs(grad)) < _POLISHED * n:
                break
            try:
                step = np.linalg.solve(-hess, grad)
            except np.linalg.LinAlgError:
                break
            moved = halved_step(self.loglike, theta, step, ll)
            if moved is theta:
                break
            theta, ll = moved, self.loglike(moved)
            iterations += 1
        grad, hess = self.score(theta), self.hessian(theta)
        converged = bool(
            np.max(np.abs(grad)) < _GRADIENT_TOLERANCE * n and np.all(np.linalg.eigvalsh(-hess) > 0)
        )
        return self._results(theta, ll, hess, converged, iterations, cov_type)

    def _results(
        self, theta: np.ndarray, ll: float, hess: np.ndarray, converged: bool, iterations: int, cov_type: str
    ) -> MDCEVResults:
        cov = np.linalg.pinv(-hess)
        robust = sandwich(
            cov, self.goods.weight[:, None] * self.score_obs(theta), pd.factorize(self.goods.respondent)[0]
        )
        value, slope = self.natural(theta)
        names = self.param_names
        frame = lambda matrix: pd.DataFrame(np.outer(slope, slope) * matrix, index=names, columns=names)
        notes = [INTEGER_NOTE] if _whole(self.goods.amount) else []
        if "sigma" in self.fixed:
            notes.append(
                "sigma is fixed at 1: with equal prices the alpha-profile cannot tell "
                "the scale from the alphas"
            )
        if self.goods.outside and not self.goods.essential:
            notes.append(
                "some respondents left nothing unspent: the outside good is treated as "
                "a non-essential good with psi 0"
            )
        return MDCEVResults(
            model=f"mdcev-{self.profile}",
            params=pd.Series(value, index=names),
            classical_cov=frame(cov),
            robust_cov=frame(robust),
            loglik=float(ll),
            n_observations=len(self.goods.amount),
            n_respondents=int(self.goods.respondent.nunique()),
            converged=converged,
            iterations=int(iterations),
            cov_type=cov_type,
            fixed=dict(self.fixed),
            notes=notes,
            support=functools.partial(self.predicted_support, theta),
        )

    # --- predicted support --------------------------------------------------------------------

    def predicted_support(self, theta: np.ndarray, draws: int = 200, seed: int | None = 0) -> pd.DataFrame:
        """Per option the share of respondents allocating a positive amount and the mean amount,
        predicted and observed (weighted by the respondent weights).

        Predicted: the mean over `draws` simulations of every respondent's allocation at the
        estimation-scale parameters `theta`: Gumbel draws, then the utility-maximising amounts
        (the KKT solution simulate_mdcev uses) under the respondent's own prices, attributes and
        budget (with an outside good the whole budget, without one the total spent, since the
        model is then conditional on it).
        """
        goods = self.goods
        psi, beta, alpha, gamma, sigma = self._unpack(np.asarray(theta, dtype=float))
        rng = np.random.default_rng(seed)
        base = psi + goods.z @ beta
        budget = (goods.price * goods.amount).sum(axis=1)
        w = goods.weight / goods.weight.sum()
        share, mean = np.zeros(len(goods.names)), np.zeros(len(goods.names))
        for _ in range(draws):
            amount = _kkt_amounts(
                base + rng.gumbel(scale=sigma, size=base.shape), goods.price, alpha, gamma, budget
            )
            share += w @ (amount > 0)
            mean += w @ amount
        options = slice(1 if goods.outside else 0, None)
        return pd.DataFrame(
            {
                "option": goods.names[options],
                "predicted_share": share[options] / draws,
                "observed_share": (w @ (goods.amount > 0))[options],
                "predicted_mean": mean[options] / draws,
                "observed_mean": (w @ goods.amount)[options],
            }
        )

    # --- checks -------------------------------------------------------------------------------

    @property
    def _reference_price(self) -> np.ndarray:
        """Price of the good the budget fixes: the outside good, else the first one consumed."""
        price = self.goods.price
        first = np.argmax(self.goods.amount > 0, axis=1)
        return price[np.arange(len(price)), first]

    def _check_identified(self) -> None:
        goods = self.goods
        used = np.asarray((goods.amount > 0).any(axis=0))  # stubs allow a scalar for any axis
        never = [name for name, chosen in zip(goods.names, used) if not chosen]
        if never:
            raise ValueError(
                f"nobody allocated anything to {', '.join(never)}: its psi cannot be "
                "estimated; leave the option out of the table"
            )
        empty = goods.respondent[(goods.amount > 0).sum(axis=1) == 0]
        if len(empty):
            raise ValueError(
                f"respondent(s) {', '.join(map(str, empty[:5]))} allocated nothing; "
                "without an outside good every respondent must allocate something"
            )
        if len(goods.names) < 2:
            raise ValueError("an MDCEV needs at least two goods")


def _whole(amount: np.ndarray) -> bool:
    return bool((amount == np.round(amount)).all())


# --- reading the choice table -------------------------------------------------------------------


def _read_goods(
    choices: pd.DataFrame,
    attributes: list[str],
    outside_good: bool | None,
    weights: pd.Series | None,
    task: str | None,
) -> _Goods:
    layout = choice_layout(choices, task, ["cost", *attributes], kind="points", flag="task=...")
    frame, n, j, cell = layout.frame, layout.n_obs, layout.n_opt, layout.cell

    def grid(column: str) -> np.ndarray:
        values = pd.to_numeric(frame[column], errors="coerce").to_numpy(dtype=float, na_value=np.nan)
        if not np.isfinite(values).all():
            bad = frame["respondent"].to_numpy()[~np.isfinite(values)][:5]
            raise ValueError(
                f"column {column!r} has missing or non-numeric values (respondents "
                f"{', '.join(map(str, bad))})"
            )
        out = np.empty(n * j)
        out[cell] = values
        return out.reshape(n, j)

    amount, price = grid("choice"), grid("cost")
    if (amount < 0).any():
        raise ValueError("the choice column must hold amounts >= 0 (points or units allocated)")
    if np.isin(amount, (0, 1)).all() and (amount == 1).any():
        raise ValueError(
            "every amount is 0 or 1: options ticked on or off (a portfolio page), "
            "not an allocation of points or money; MDCEV would diverge. Fit a "
            "portfolio page with --model portfolio-logit"
        )
    if (price <= 0).any():
        raise ValueError("the cost column (price per unit) must be > 0 for an MDCEV")
    z = np.stack([grid(a) for a in attributes], axis=2) if attributes else np.zeros((n, j, 0))
    respondent = layout.respondent
    leftover: np.ndarray | None = None
    budget: np.ndarray | None = None
    if "budget" in frame:
        budget = grid("budget")
        if (budget.max(axis=1) != budget.min(axis=1)).any():
            raise ValueError(
                "column 'budget' differs between the options of one respondent; it "
                "must be the respondent's single limit"
            )
        budget = budget[:, 0]
        leftover = budget - (price * amount).sum(axis=1)
        over = leftover < -_LEFTOVER_TOLERANCE * np.abs(budget)
        if over.any():
            examples = ", ".join(map(str, respondent[over][:5]))
            raise ValueError(f"respondent(s) {examples} spent more than their budget")
        leftover = np.where(leftover > _LEFTOVER_TOLERANCE * np.abs(budget), leftover, 0.0)
    if outside_good is None:
        outside_good = leftover is not None and bool((leftover > 0).any())
    names = [str(o) for o in layout.options]
    essential = False
    if outside_good:
        if leftover is None:
            raise ValueError("an outside good (the unspent budget) needs a budget column")
        if not (leftover > 0).any():
            raise ValueError(
                "outside_good=True but every respondent spent the whole budget: there is "
                "no unspent budget to model"
            )
        essential = bool((leftover > 0).all())
        if OUTSIDE in names:
            raise ValueError(f"an option is called {OUTSIDE!r}, the name of the outside good")
        names = [OUTSIDE, *names]
        amount = np.column_stack([leftover, amount])
        price = np.column_stack([np.ones(n), price])
        z = np.concatenate([np.zeros((n, 1, len(attributes))), z], axis=1)
    goods = _Goods(
        names=names,
        amount=amount,
        price=price,
        z=z,
        outside=bool(outside_good),
        essential=essential,
        respondent=respondent,
        weight=observation_weights(weights, respondent),
        budget=budget,
        row_cell=layout.row_cell,
    )
    return goods


# --- simulation ---------------------------------------------------------------------------------


def simulate_mdcev(
    table: pd.DataFrame,
    params: dict[str, float],
    profile: str = "gamma",
    outside_good: bool = True,
    seed: int | np.random.Generator | None = None,
    attributes: list[str] | None = None,
) -> pd.DataFrame:
    """The table with its `choice` column drawn from the MDCEV: each respondent maximises the
    utility given Gumbel draws, found by bisection on the marginal utility of money (KKT).

    Parameters are named as in the results (`psi:<option>` (0 if absent), `beta:<attribute>`,
    `gamma:<option>`, `alpha:<option>`, `alpha:outside`, `sigma` (1 if absent)); gamma-profile
    options without gamma get 1, alpha-profile goods without alpha 0. The outside good (the
    unspent budget of the `budget` column) is essential. Amounts are continuous; with a task
    column each respondent x task is drawn on its own.
    """
    if profile not in PROFILES:
        raise ValueError(f"profile must be gamma or alpha, not {profile!r}")
    rng = np.random.default_rng(seed)
    frame = table.copy()
    frame["choice"] = 0.0
    if attributes is None:
        attributes = [name[len("beta:") :] for name in params if name.startswith("beta:")]
    goods = _read_goods(frame, attributes, False, None, None)
    if goods.budget is None:
        raise ValueError("simulating an MDCEV needs a budget column")
    budget = goods.budget
    names = ([OUTSIDE] if outside_good else []) + goods.names
    psi = np.array([params.get(f"psi:{name}", 0.0) for name in names])
    beta = np.array([params.get(f"beta:{a}", 0.0) for a in attributes])
    alpha = np.array([params.get(f"alpha:{name}", 0.0) for name in names])
    gamma = np.array([params.get(f"gamma:{name}", 1.0) if profile == "gamma" else 1.0 for name in names])
    if outside_good:
        psi[0], gamma[0] = 0.0, 0.0
        price = np.column_stack([np.ones(len(budget)), goods.price])
        z = np.concatenate([np.zeros((len(budget), 1, len(attributes))), goods.z], axis=1)
    else:
        price, z = goods.price, goods.z
    sigma = params.get("sigma", 1.0)
    log_psi = psi + z @ beta + rng.gumbel(scale=sigma, size=price.shape)
    amount = _kkt_amounts(log_psi, price, alpha, gamma, budget)
    inside = amount[:, 1:] if outside_good else amount
    frame["choice"] = inside[goods.row_cell]
    return frame


def _kkt_amounts(
    log_psi: np.ndarray, price: np.ndarray, alpha: np.ndarray, gamma: np.ndarray, budget: np.ndarray
) -> np.ndarray:
    """Utility-maximising amounts: marginal utility per unit of money equal (lambda) for every
    consumed good and below it at 0 for the rest; bisection on ln lambda, vectorised."""
    essential = gamma == 0
    exponent = 1 / (alpha - 1)
    log_marginal = log_psi - np.log(price)  # ln (marginal utility at 0 / price)

    def amounts(log_lambda: np.ndarray) -> np.ndarray:
        ratio = np.exp((log_lambda[:, None] - log_marginal) * exponent)
        return np.where(essential, ratio, gamma * np.maximum(ratio - 1, 0))

    # ln lambda at which one good alone takes the whole budget
    alone = log_marginal + (alpha - 1) * np.where(
        essential,
        np.log(budget[:, None] / price),
        np.log1p(budget[:, None] / (price * np.where(essential, 1, gamma))),
    )
    low = alone.max(axis=1)  # spends at least the budget
    high = np.maximum(
        np.where(essential, -np.inf, log_marginal).max(axis=1),
        np.where(essential, alone, -np.inf).max(axis=1),
    )  # at most the budget
    for _ in range(_BISECTION_STEPS):
        middle = (low + high) / 2
        over = (price * amounts(middle)).sum(axis=1) > budget
        low, high = np.where(over, middle, low), np.where(over, high, middle)
        if np.all(high - low <= 1e-15 * np.maximum(1, np.abs(high))):
            break
    spent = amounts((low + high) / 2)
    return spent * (budget / (price * spent).sum(axis=1))[:, None]
