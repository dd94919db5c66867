"""The latent-class portfolio logit: respondents belong to one of K classes, each with its own
portfolio-logit parameters.

    P_n = sum_c pi_nc prod_t P_nt(theta_c),   pi_nc = softmax_c(alpha_c + z_n'gamma_c), class 1 at 0

The class is a respondent's (the product runs over all their tasks). Estimation is EM from several
random starts (each a perturbed one-class fit): the E-step gives every respondent's posterior class
probabilities h_nc, the M-step is a portfolio logit per class weighted by w_n h_nc (one Newton step
on the exact per-class Hessian, which never lowers the log-likelihood) and a multinomial logit with
fractional outcomes h_nc for the class shares. The best start is then polished by Newton on the
full likelihood, whose Hessian is the finite difference of the analytic mixture score

    d log P_n / d theta_c = h_nc sum_t D_t'(y_t - E[y])
    d log P_n / d (alpha_c, gamma_c) = (h_nc - pi_nc) (1, z_n)

Standard errors: classical from that observed information, robust from the sandwich over
respondents. Classes are labelled by size, largest first. Everything per portfolio runs per menu
(respondents who saw the same menu share log Z, E[y] and Cov(y)), as in the plain model.
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from scipy import sparse

from analysis.models.optimize import halved_step, numeric_hessian, sandwich
from analysis.models.portfolio import PortfolioLogit, _with_mean
from analysis.models.results import DEFAULT_COV_TYPE, ChoiceResults, check_cov_type, value_weight_pairs
from analysis.models.simulate import simulate_choices

SCREEN_TOLERANCE = 1e-7  # relative LL gain below which a start's EM stops (screening)
EM_TOLERANCE = 1e-11  # relative LL gain below which the best start's EM stops
SCREEN_ITERATIONS = 300
EM_ITERATIONS = 3000
POLISH_ITERATIONS = 30
POLISH_TOLERANCE = 1e-7  # largest Newton step on the full likelihood at convergence


@dataclass
class LatentClassResults(ChoiceResults):
    """A fitted latent-class model: `params` holds `class<k>:<name>` for every class, the
    membership parameters `class<k>:membership:const` / `class<k>:membership:<covariate>` (k >= 2)
    and the derived `share:class<k>` (mean posterior; delta-method errors). AIC and BIC count only
    the free parameters (not the shares); BIC uses the number of respondents, since the class is a
    respondent's. `posteriors`: each respondent's posterior class probabilities. `history`: the
    log-likelihood after every EM iteration of the best start."""

    n_classes: int = 1
    n_free: int = 0
    degenerate: list[str] = field(default_factory=list)
    posteriors: pd.DataFrame = field(default_factory=pd.DataFrame)
    history: list[float] = field(default_factory=list)

    @property
    def shares(self) -> pd.Series:
        return self.params[[f"share:class{k}" for k in range(1, self.n_classes + 1)]]

    @property
    def aic(self) -> float:
        return 2 * self.n_free - 2 * self.loglik

    @property
    def bic(self) -> float:
        return self.n_free * math.log(self.n_respondents) - 2 * self.loglik

    def summary(self) -> str:
        if self.degenerate:
            return "\n".join(self.describe()) + "\n\n" + degenerate_message(self)
        lines = super().summary().split("\n")
        shares = ", ".join(f"class{k} {share:.3f}" for k, share in enumerate(self.shares, 1))
        lines.insert(
            1,
            f"Classes: {self.n_classes} (shares {shares}); only ratios of parameters compare across classes",
        )
        return "\n".join(lines)

    def to_dict(self) -> dict[str, Any]:
        return {**super().to_dict(), "n_classes": self.n_classes, "degenerate": list(self.degenerate)}

    def tradeoffs(self) -> pd.DataFrame:
        """Value weights within each class (beta_k/beta_l, beta_k/delta0), delta-method errors."""
        names = list(self.params.index)
        return self._ratios(
            [pair for k in range(1, self.n_classes + 1) for pair in value_weight_pairs(names, f"class{k}:")]
        )


@dataclass
class _Fit:
    """One EM run: class parameters (K x P), membership (K x Q, row 0 zero), LL path."""

    theta: np.ndarray
    alpha: np.ndarray
    history: list[float]


class LatentClassPortfolioLogit:
    """Latent-class exact portfolio logit on a long choice table (see PortfolioLogit for the
    table, the feasible set, `weights`, `asc`, `delta0`, `task`, `method` and `infeasible`).

    `consultation`: take the feasible sets from its rules (PortfolioLogit.from_consultation).
    `covariates`: respondent-level class-membership variables, a DataFrame indexed by respondent
    (or with a `respondent` column) of numeric columns. `starts`: EM runs from perturbed one-class
    solutions (`seed` fixes the perturbations); the best log-likelihood is kept.
    """

    def __init__(
        self,
        choices: pd.DataFrame,
        attributes: list[str],
        n_classes: int = 2,
        weights: pd.Series | None = None,
        covariates: pd.DataFrame | None = None,
        starts: int = 10,
        seed: int | None = 0,
        consultation: Any = None,
        **options: Any,
    ) -> None:
        if int(n_classes) != n_classes or n_classes < 1:
            raise ValueError(f"n_classes must be a whole number >= 1, not {n_classes!r}")
        if starts < 1:
            raise ValueError("starts must be at least 1")
        self.base = (
            PortfolioLogit(choices, attributes, weights=weights, **options)
            if consultation is None
            else PortfolioLogit.from_consultation(
                consultation, choices, attributes, weights=weights, **options
            )
        )
        self.n_classes, self.starts, self.seed = int(n_classes), int(starts), seed
        self.menus = self.base.menus
        rows = np.concatenate([menu.rows for menu in self.menus])
        person, people = pd.factorize(self.base.data.respondent.to_numpy()[rows])
        self.respondents = pd.Index(people, name="respondent")
        weight = np.zeros(len(people))
        weight[person] = self.base.data.weight[rows]
        z, covariate_names = _membership_design(covariates, self.respondents)
        self._collapse(person, weight, z)
        self._z_unique, self._z_group = np.unique(self._z, axis=0, return_inverse=True)
        self._z_group = self._z_group.ravel()
        self._sum_by_group = sparse.csr_matrix(
            (np.ones(len(self._z)), (self._z_group, np.arange(len(self._z)))),
            shape=(len(self._z_unique), len(self._z)),
        )
        self.class_names = list(self.base.param_names)
        membership = ["const", *covariate_names]
        self.param_names = [
            f"class{k}:{name}" for k in range(1, self.n_classes + 1) for name in self.class_names
        ] + [f"class{k}:membership:{name}" for k in range(2, self.n_classes + 1) for name in membership]

    def _collapse(self, person: np.ndarray, weight: np.ndarray, z: np.ndarray) -> None:
        """Fit on patterns, not respondents: respondents who saw the same menus, chose the same
        levels and share their covariates contribute identical terms to every sum of the model,
        so each pattern is kept once with the sum of its respondents' weights (and of their
        squares, for the sandwich). Thousands of respondents make a few hundred patterns.

        Sets `_pattern` (each respondent's), `_person` (each kept observation's pattern),
        `_weight`, `_weight_squared` and `_z` per pattern, `_ys` and `_parts` per menu, and
        `_sum_by_person` (observations to patterns)."""
        menu_of = np.repeat(np.arange(len(self.menus)), [len(menu.rows) for menu in self.menus])
        chosen = np.vstack([np.asarray(menu.y, dtype=float) for menu in self.menus])
        observation = np.unique(np.column_stack([menu_of, chosen]), axis=0, return_inverse=True)[1].ravel()
        # a respondent's key: their observations' kinds in sorted order (-1 pads), then covariates
        order = np.lexsort((observation, person))
        starts = np.searchsorted(person[order], np.arange(len(weight)))
        rank = np.arange(len(order)) - starts[person[order]]
        seen = np.full((len(weight), int(rank.max()) + 1 if len(rank) else 1), -1.0)
        seen[person[order], rank] = observation[order]
        _, first, self._pattern = np.unique(
            np.column_stack([seen, z]), axis=0, return_index=True, return_inverse=True
        )
        self._pattern = self._pattern.ravel()
        n_patterns = len(first)
        keep = np.zeros(len(weight), dtype=bool)
        keep[first] = True
        kept = keep[person]
        self._person = self._pattern[person[kept]]
        self._weight = np.bincount(self._pattern, weights=weight, minlength=n_patterns)
        self._weight_squared = np.bincount(self._pattern, weights=weight**2, minlength=n_patterns)
        self._z = z[first]
        self._ys = [np.asarray(menu.y)[kept[menu_of == m]] for m, menu in enumerate(self.menus)]
        bounds = np.cumsum([0] + [len(y) for y in self._ys])
        self._parts = [slice(a, b) for a, b in zip(bounds[:-1], bounds[1:])]
        self._sum_by_person = sparse.csr_matrix(
            (np.ones(len(self._person)), (self._person, np.arange(len(self._person)))),
            shape=(n_patterns, len(self._person)),
        )

    # --- the likelihood over the free parameters ----------------------------------------------

    def _unpack(self, params: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        P, K = len(self.class_names), self.n_classes
        params = np.asarray(params, dtype=float)
        theta = params[: K * P].reshape(K, P)
        alpha = np.vstack([np.zeros(self._z.shape[1]), params[K * P :].reshape(K - 1, self._z.shape[1])])
        return theta, alpha

    @staticmethod
    def _pack(theta: np.ndarray, alpha: np.ndarray) -> np.ndarray:
        return np.concatenate([theta.ravel(), alpha[1:].ravel()])

    def _class_terms(self, theta: np.ndarray, second: bool) -> tuple[np.ndarray, list]:
        """Per observation and class log P_t(theta_c), and per class and menu (u, log Z, E[y],
        Cov(y) when `second`)."""
        logp = np.empty((len(self._person), self.n_classes))
        terms = []
        for c, theta_c in enumerate(theta):
            per_menu = []
            for menu, part, y in zip(self.menus, self._parts, self._ys):
                u = menu.design @ theta_c
                log_z, mean, cov = menu.moments(u, second)
                logp[part, c] = y @ u - log_z
                per_menu.append((u, log_z, mean, cov))
            terms.append(per_menu)
        return logp, terms

    def _posterior(self, logp: np.ndarray, alpha: np.ndarray) -> tuple[float, np.ndarray, np.ndarray]:
        """LL, posteriors h (people x K) and priors pi from per-observation log P."""
        log_prior = _log_softmax(self._z_unique @ alpha.T)[self._z_group]
        joint = log_prior + self._sum_by_person @ logp
        top = joint.max(axis=1, keepdims=True)
        person_ll = top + np.log(np.exp(joint - top).sum(axis=1, keepdims=True))
        return float(self._weight @ person_ll[:, 0]), np.exp(joint - person_ll), np.exp(log_prior)

    def loglike(self, params: np.ndarray) -> float:
        theta, alpha = self._unpack(params)
        return self._posterior(self._class_terms(theta, False)[0], alpha)[0]

    def score(self, params: np.ndarray) -> np.ndarray:
        """The analytic gradient of the (weighted) log-likelihood."""
        return self._weight @ self._scores(params)

    def _scores(self, params: np.ndarray) -> np.ndarray:
        """Per pattern d log P_n / d params, unweighted (the gradient is their weighted sum)."""
        theta, alpha = self._unpack(params)
        logp, terms = self._class_terms(theta, False)
        _, h, prior = self._posterior(logp, alpha)
        blocks = []
        for c in range(self.n_classes):
            rows = np.empty((len(self._person), len(self.class_names)))
            for menu, part, y, (_, _, mean, _) in zip(self.menus, self._parts, self._ys, terms[c]):
                rows[part] = (y - mean) @ menu.design
            blocks.append(h[:, c : c + 1] * (self._sum_by_person @ rows))
        blocks += [(h[:, c : c + 1] - prior[:, c : c + 1]) * self._z for c in range(1, self.n_classes)]
        return np.hstack(blocks)

    def hessian(self, params: np.ndarray) -> np.ndarray:
        """Central finite differences of the analytic score, symmetrised."""
        return numeric_hessian(self.score, params)

    # --- EM -----------------------------------------------------------------------------------

    def _em(
        self,
        theta: np.ndarray,
        alpha: np.ndarray,
        tolerance: float,
        iterations: int,
        history: list[float] | None = None,
    ) -> _Fit:
        """EM iterations (generalised: one Newton step with step-halving per M-step, so the
        expected complete-data log-likelihood and with it the log-likelihood never fall)."""
        history = [] if history is None else history
        theta, alpha = theta.copy(), alpha.copy()
        for iteration in range(iterations):
            logp, terms = self._class_terms(theta, True)
            ll, h, _ = self._posterior(logp, alpha)
            if iteration > 0:
                gain = ll - history[-1]
                history.append(ll)
                if gain < tolerance * max(1.0, abs(ll)):
                    break
            elif not history or ll != history[-1]:
                history.append(ll)
            for c in range(self.n_classes):
                theta[c] = self._class_step(
                    theta[c], terms[c], self._weight[self._person] * h[self._person, c]
                )
            alpha = self._membership_step(alpha, h)
        return _Fit(theta, alpha, history)

    def _class_step(self, theta_c: np.ndarray, terms: list, v: np.ndarray) -> np.ndarray:
        """One Newton step (with step-halving) on sum_t v_t log P_t(theta_c): per menu the
        weighted chosen levels S_m and weight W_m give sum_m S_m'u_m - W_m log Z_m, its gradient
        sum_m D_m'(S_m - W_m E_m[y]) and Hessian -sum_m W_m D_m' Cov_m(y) D_m."""
        sums = [(v[part] @ y, v[part].sum()) for part, y in zip(self._parts, self._ys)]
        if sum(total for _, total in sums) < 1e-10:
            return theta_c  # an empty class: nothing to learn from
        per_menu = list(zip(self.menus, sums, terms))
        grad = sum(
            menu.design.T @ (chosen - total * mean) for menu, (chosen, total), (_, _, mean, _) in per_menu
        )
        hess = -sum(
            total * menu.design.T @ cov @ menu.design for menu, (_, total), (_, _, _, cov) in per_menu
        )
        value = sum(chosen @ u - total * log_z for _, (chosen, total), (u, log_z, _, _) in per_menu)

        def objective(candidate: np.ndarray) -> float:
            return sum(
                chosen @ (menu.design @ candidate) - total * menu.moments(menu.design @ candidate, False)[0]
                for menu, (chosen, total) in zip(self.menus, sums)
            )

        return halved_step(objective, theta_c, _solve(hess, grad), value)

    def _membership_step(self, alpha: np.ndarray, h: np.ndarray) -> np.ndarray:
        """One Newton step on sum_n w_n sum_c h_nc log pi_nc (a multinomial logit with fractional
        outcomes), class 1 fixed at 0; respondents with the same covariates are summed first."""
        if self.n_classes == 1:
            return alpha
        z, K = self._z_unique, self.n_classes
        total = self._sum_by_group @ self._weight
        outcome = self._sum_by_group @ (self._weight[:, None] * h)
        prior = np.exp(_log_softmax(z @ alpha.T))
        grad = ((outcome - total[:, None] * prior)[:, 1:].T @ z).ravel()
        blocks = [
            [-(z * (total * prior[:, c] * ((c == d) - prior[:, d]))[:, None]).T @ z for d in range(1, K)]
            for c in range(1, K)
        ]
        step = _solve(np.block(blocks), grad)

        def objective(candidate: np.ndarray) -> float:
            full = np.vstack([np.zeros(z.shape[1]), candidate.reshape(K - 1, -1)])
            return float((outcome * _log_softmax(z @ full.T)).sum())

        found = halved_step(objective, alpha[1:].ravel(), step, objective(alpha[1:].ravel()))
        return np.vstack([alpha[:1], found.reshape(K - 1, -1)])

    def _starts(self, one: ChoiceResults) -> list[tuple[np.ndarray, np.ndarray]]:
        """Perturbed one-class solutions: theta_c = theta_1 + N(0, s^2) with s half the spread of
        one observation's information (the standard error times sqrt(n))."""
        rng = np.random.default_rng(self.seed)
        spread = 0.5 * one.classical_bse.to_numpy() * math.sqrt(self.base.n_observations)
        alpha = np.zeros((self.n_classes, self._z.shape[1]))
        return [
            (one.params.to_numpy() + rng.normal(size=(self.n_classes, len(spread))) * spread, alpha)
            for _ in range(self.starts)
        ]

    # --- fit ----------------------------------------------------------------------------------

    def fit(self, cov_type: str = DEFAULT_COV_TYPE) -> LatentClassResults:
        """EM from the random starts, Newton on the best; `cov_type` "robust" or "classical"
        (analysis.models.results)."""
        check_cov_type(cov_type)
        one = self.base.fit(cov_type=cov_type)
        if self.n_classes == 1:
            return self._one_class(one)
        runs = [
            self._em(theta, alpha, SCREEN_TOLERANCE, SCREEN_ITERATIONS) for theta, alpha in self._starts(one)
        ]
        best = max(runs, key=lambda run: run.history[-1])
        best = self._em(best.theta, best.alpha, EM_TOLERANCE, EM_ITERATIONS, best.history)
        params, hess, converged, polish = self._polish(self._pack(best.theta, best.alpha))
        return self._results(params, hess, converged, len(best.history) + polish, best.history, cov_type)

    def _polish(self, params: np.ndarray) -> tuple[np.ndarray, np.ndarray, bool, int]:
        """Newton on the full likelihood with the finite-difference Hessian and step-halving."""
        ll = self.loglike(params)
        for iteration in range(1, POLISH_ITERATIONS + 1):
            grad, hess = self.score(params), self.hessian(params)
            if np.linalg.eigvalsh(hess).max() >= 0:
                return params, hess, False, iteration
            full = np.linalg.solve(-hess, grad)
            params = halved_step(self.loglike, params, full, ll)
            ll = self.loglike(params)
            if np.max(np.abs(full)) < POLISH_TOLERANCE:
                return params, self.hessian(params), True, iteration
        return params, self.hessian(params), False, POLISH_ITERATIONS

    def _results(
        self,
        params: np.ndarray,
        hess: np.ndarray,
        converged: bool,
        iterations: int,
        history: list[float],
        cov_type: str,
    ) -> LatentClassResults:
        theta, alpha = self._unpack(params)
        logp, _ = self._class_terms(theta, False)
        _, h, _ = self._posterior(logp, alpha)
        order = np.argsort(-(self._weight @ h), kind="stable")
        theta, alpha = theta[order], alpha[order] - alpha[order][0]
        params = self._pack(theta, alpha)
        if not np.array_equal(order, np.arange(self.n_classes)):
            hess = self.hessian(params)
        cov = _inverse(-hess)
        # sum over respondents of (w_n g_n)(w_n g_n)' is, per pattern, (sum of w_n^2) g g'
        scores = np.sqrt(self._weight_squared)[:, None] * self._scores(params)
        robust = sandwich(cov, scores, np.arange(len(self._weight)))
        logp, terms = self._class_terms(theta, False)
        ll, h, prior = self._posterior(logp, alpha)
        shares, jacobian = self._shares(h, prior)
        names = self.param_names + [f"share:class{k}" for k in range(1, self.n_classes + 1)]
        params_all = pd.Series(np.concatenate([params, shares]), index=names)
        classical = _with_derived(cov, jacobian, names)
        return LatentClassResults(
            degenerate=degenerate_classes(params_all, classical, self.n_classes, converged),
            model="latent-class",
            params=params_all,
            classical_cov=classical,
            robust_cov=_with_derived(robust, jacobian, names),
            loglik=ll,
            n_observations=self.base.n_observations,
            n_respondents=self.base.n_respondents,
            converged=converged,
            iterations=iterations,
            cov_type=cov_type,
            infeasible=self.base.infeasible,
            support=functools.partial(self._support, terms, prior),
            package=functools.partial(self._package, theta, prior),
            n_classes=self.n_classes,
            n_free=len(params),
            posteriors=self._posterior_frame(h),
            history=history,
        )

    def _shares(self, h: np.ndarray, prior: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Class shares (weighted mean posterior) and the Jacobian of the mean prior (equal at the
        maximum) with respect to the free parameters."""
        w = self._weight / self._weight.sum()
        K, P, Q = self.n_classes, len(self.class_names), self._z.shape[1]
        jacobian = np.zeros((K, K * P + (K - 1) * Q))
        for k in range(K):
            for c in range(1, K):
                d_prior = prior[:, k] * ((k == c) - prior[:, c])
                jacobian[k, K * P + (c - 1) * Q : K * P + c * Q] = (w * d_prior) @ self._z
        return w @ h, jacobian

    def _posterior_frame(self, h: np.ndarray) -> pd.DataFrame:
        """Each respondent's posteriors (their pattern's)."""
        return pd.DataFrame(
            h[self._pattern],
            index=self.respondents,
            columns=[f"class{k}" for k in range(1, self.n_classes + 1)],
        )

    def _support(self, terms: list, prior: np.ndarray) -> pd.DataFrame:
        """Per option the mean predicted inclusion probability, mixing the classes with each
        respondent's prior class probabilities."""
        w = self._weight[self._person]
        predicted, observed = 0.0, 0.0
        for m, (part, y) in enumerate(zip(self._parts, self._ys)):
            means = np.array([terms[c][m][2] for c in range(self.n_classes)])
            predicted = predicted + (w[part] * prior[self._person[part]].T).sum(axis=1) @ means
            observed = observed + w[part] @ y
        offset = self.base.data.offset
        return pd.DataFrame(
            {
                "option": self.base.data.options,
                "predicted": predicted / w.sum() + offset,
                "observed": observed / w.sum() + offset,
            }
        )

    def _package(
        self,
        theta: np.ndarray,
        prior: np.ndarray,
        package: dict[str, float],
        version: Any = None,
        menu: int | None = None,
    ) -> pd.DataFrame:
        """The probability of exactly `package` per menu: each class's portfolio-logit probability,
        mixed with the mean prior class probabilities of the menu's respondents."""
        per_class = [self.base.package_probability(theta_c, package, version, menu) for theta_c in theta]
        frame = per_class[0].iloc[:-1].drop(columns=["probability", "probability_unweighted"])
        w = self._weight[self._person]
        mix = np.array(
            [
                w[self._parts[m]] @ prior[self._person[self._parts[m]]] / w[self._parts[m]].sum()
                for m in frame["menu"].astype(int)
            ]
        )
        classes = np.column_stack([f["probability"].to_numpy()[:-1] for f in per_class])
        frame["probability"] = (mix * classes).sum(axis=1)
        return _with_mean(frame, ["probability"])

    def _one_class(self, one: ChoiceResults) -> LatentClassResults:
        """K = 1 is the plain portfolio logit, renamed."""
        names = self.param_names + ["share:class1"]
        cov = np.pad(one.classical_cov.to_numpy(), (0, 1))
        robust = np.pad(one.robust_cov.to_numpy(), (0, 1))
        return LatentClassResults(
            model="latent-class",
            params=pd.Series([*one.params, 1.0], index=names),
            classical_cov=pd.DataFrame(cov, index=names, columns=names),
            robust_cov=pd.DataFrame(robust, index=names, columns=names),
            loglik=one.loglik,
            n_observations=one.n_observations,
            n_respondents=one.n_respondents,
            converged=one.converged,
            iterations=one.iterations,
            cov_type=one.cov_type,
            infeasible=one.infeasible,
            support=one.support,
            package=one.package,
            n_classes=1,
            n_free=len(one.params),
            posteriors=self._posterior_frame(np.ones((len(self._weight), 1))),  # per pattern
            history=[one.loglik],
        )


SMALLEST_SHARE = 0.01  # a class below this share of respondents describes almost no one
LARGEST_UTILITY = 15.0  # |parameter x level| beyond which choice probabilities are 0 or 1


def degenerate_classes(params: pd.Series, cov: pd.DataFrame, n_classes: int, converged: bool) -> list[str]:
    """Per class what makes it unusable, in words: a tiny share, parameters running off to
    infinity (the likelihood keeps rising as they grow: separation), or parameters without a
    finite positive variance (not identified). Empty when every class is sound."""
    found = []
    variance = pd.Series(np.diag(cov.to_numpy()), index=cov.index)
    for k in range(1, n_classes + 1):
        share = float(params[f"share:class{k}"])
        own = [
            n for n in params.index if n.startswith(f"class{k}:") and not n.startswith(f"class{k}:membership")
        ]
        problems = []
        if share < SMALLEST_SHARE:
            problems.append(f"share {share:.1%}")
        large = [n for n in own if "delta0" not in n and not abs(params[n]) <= LARGEST_UTILITY]
        if large:
            problems.append(
                "parameters diverge ("
                + ", ".join(f"{n.split(':', 1)[1]} = {params[n]:.3g}" for n in large[:3])
                + ")"
            )
        bad = [n for n in own if not variance[n] > 0 or not np.isfinite(variance[n])]
        if bad:
            problems.append(
                "not identified (no finite standard error for "
                + ", ".join(n.split(":", 1)[1] for n in bad[:3])
                + ")"
            )
        if problems:
            found.append(f"class{k}: " + "; ".join(problems))
    if found and not converged:
        found.append("the fit did not converge")
    return found


def degenerate_message(result: LatentClassResults) -> str:
    """What the analyst reads instead of the estimates of a degenerate fit."""
    return (
        f"{result.n_classes} classes are more than these data support, so no estimates are "
        "shown:\n  "
        + "\n  ".join(result.degenerate)
        + f"\nFit fewer classes (compare the BIC of K = 1 .. {result.n_classes - 1}), or add "
        "covariates or respondents."
    )


def compare_classes(
    choices: pd.DataFrame, attributes: list[str], max_classes: int = 3, **options: Any
) -> pd.DataFrame:
    """LL, number of free parameters, AIC, BIC and convergence for K = 1..max_classes classes
    (options as for LatentClassPortfolioLogit)."""
    rows = []
    for k in range(1, max_classes + 1):
        result = LatentClassPortfolioLogit(choices, attributes, n_classes=k, **options).fit()
        rows.append(
            {
                "classes": k,
                "loglik": result.loglik,
                "n_params": result.n_free,
                "aic": result.aic,
                "bic": result.bic,
                "converged": result.converged,
            }
        )
    return pd.DataFrame(rows)


# --- helpers ----------------------------------------------------------------------------------


def _membership_design(
    covariates: pd.DataFrame | None, respondents: pd.Index
) -> tuple[np.ndarray, list[str]]:
    """[1, z_n] per respondent, in the model's respondent order, and the covariates' names."""
    if covariates is None:
        return np.ones((len(respondents), 1)), []
    frame = covariates.set_index("respondent") if "respondent" in covariates else covariates
    missing = respondents[~respondents.isin(frame.index)]
    if len(missing):
        raise ValueError(f"no covariates for respondent(s) {', '.join(map(str, missing[:10]))}")
    frame = frame.loc[~frame.index.duplicated()].reindex(respondents)
    values = frame.apply(pd.to_numeric, errors="coerce")
    bad = [str(c) for c in frame.columns if values[c].isna().any()]
    if bad:
        raise ValueError(
            f"covariate column(s) {', '.join(bad)} have missing or non-numeric "
            "values; code categories as 0/1 columns"
        )
    return np.hstack([np.ones((len(respondents), 1)), values.to_numpy(dtype=float)]), [
        str(c) for c in frame.columns
    ]


def _log_softmax(values: np.ndarray) -> np.ndarray:
    """Row-wise log softmax."""
    top = values.max(axis=1, keepdims=True)
    return values - top - np.log(np.exp(values - top).sum(axis=1, keepdims=True))


def _solve(hess: np.ndarray, grad: np.ndarray) -> np.ndarray:
    """The Newton step -H^-1 g (least squares when H is singular, e.g. a class gone empty)."""
    try:
        return np.linalg.solve(-hess, grad)
    except np.linalg.LinAlgError:
        return np.linalg.lstsq(-hess, grad, rcond=None)[0]


def _inverse(information: np.ndarray) -> np.ndarray:
    try:
        return np.linalg.inv(information)
    except np.linalg.LinAlgError:
        return np.linalg.pinv(information)


def _with_derived(cov: np.ndarray, jacobian: np.ndarray, names: list[str]) -> pd.DataFrame:
    """The covariance of (free parameters, G-linearised derived quantities) by the delta method."""
    full = np.block([[cov, cov @ jacobian.T], [jacobian @ cov, jacobian @ cov @ jacobian.T]])
    return pd.DataFrame(full, index=names, columns=names)


def simulate_classes(
    table: pd.DataFrame,
    class_params: list[dict[str, float]],
    membership: Any,
    seed: int | np.random.Generator | None = None,
) -> pd.DataFrame:
    """The table with `choice` drawn from a latent-class portfolio logit and the drawn class
    (1-based) in a `class` column. `class_params`: each class's parameters, named as for
    analysis.models.simulate.simulate_choices. `membership`: the class shares, or one row of class
    probabilities per respondent (in the table's order of first appearance). A respondent keeps
    one class over all their tasks."""
    rng = np.random.default_rng(seed)
    person, people = pd.factorize(table["respondent"])
    probabilities = np.broadcast_to(np.asarray(membership, dtype=float), (len(people), len(class_params)))
    drawn = (rng.random(len(people))[:, None] > np.cumsum(probabilities, axis=1)).sum(axis=1)
    member = np.minimum(drawn, len(class_params) - 1)[person]
    frame = table.copy()
    frame["choice"] = 0
    for c, params in enumerate(class_params):
        rows = member == c
        if rows.any():
            frame.loc[rows, "choice"] = simulate_choices(table[rows], params, seed=rng)["choice"].to_numpy()
    frame["class"] = member + 1
    return frame
