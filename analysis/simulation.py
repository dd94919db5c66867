"""Synthetic responses for a consultation from value weights, and power analysis before fieldwork.

`simulate_responses` gives respondent records as `analysis.tables` reads them (and as the platform
stores them): every answer obeys the consultation's own rules. Portfolio pages are drawn from the
exact portfolio logit over each version's feasible set (`surveys.feasibility`), points pages from
the MDCEV (rounded to the page's step), pairs pages from the MNL; questions and statements at
random. `power_analysis` repeats simulation and estimation to show how precise the value weights
of a portfolio page will be for each number of respondents.

Value weights, per page id (a page left out is answered with all weights 0):
    portfolio: {asc: {option: v}, beta: {attribute: v}, delta0: v (or {constraint: v})}
               or latent classes: {classes: [{share: s, asc: ..., beta: ..., delta0: ...}, ...]}
               (shares sum to 1; each respondent is drawn into a class, recorded in the
               record's `classes` {page id: class number from 1})
    points:    {psi: {goal: v}, gamma: {goal: v}, alpha_outside: v, sigma: v}
    pairs:     {beta: {attribute: v}, asc_none: v}
"""
from __future__ import annotations

import math
import random
from dataclasses import replace
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any, Mapping

import numpy as np
import pandas as pd
import yaml

from analysis.intervals import Z95
from analysis.models.mdcev import OUTSIDE, simulate_mdcev
from analysis.models.portfolio import PortfolioLogit
from analysis.models.simulate import draw_portfolios
from analysis.tables import choices_table
from surveys.answers import DONT_KNOW, MOTIVATION_PREFIX, OPT_OUT
from surveys.definition import (
    Consultation, PairsPage, PointsPage, PortfolioPage, Question, QuestionsPage, StatementsPage,
)
from surveys.feasibility import allowed_levels, exact, feasible_level_vectors, plain
from surveys.ordering import assign_version

SOURCE = "simulated"
DEFAULT_SIZES = (500, 1000, 2000, 5000)
_START = datetime(2026, 1, 5, 8, 0, tzinfo=timezone.utc)   # first day of the simulated fieldwork
_FIELDWORK_DAYS = 28
_OTHER_LANGUAGE_SHARE = 0.1      # respondents who switch away from the default language
_OPTIONAL_ANSWERED = 0.9         # share answering an optional closed question
_TEXT_ANSWERED = 0.3             # share writing something in an open question
_MOTIVATED = 0.7                 # share of options a respondent explains on the motivation step
_MOTIVATIONS = {
    "nl": {True: ["Dit vind ik belangrijk.", "Goed voor de toekomst.", "Dit helpt mijn regio.",
                  "De kosten zijn het waard.", "Hier is echt behoefte aan."],
           False: ["Te duur voor wat het oplevert.", "Andere dingen gaan voor.",
                   "Past niet binnen het budget.", "Hier zie ik weinig nut in.",
                   "Liever eerst iets anders."]},
    "en": {True: ["This matters to me.", "Good for the future.", "This helps my region.",
                  "Worth the cost.", "There is a real need for this."],
           False: ["Too expensive for what it gives.", "Other things come first.",
                   "Does not fit the budget.", "I see little use in this.",
                   "Something else first."]},
}
_REMARKS = {"nl": ["Duidelijke vragen.", "Meer uitleg over de kosten graag.", "Goed initiatief."],
            "en": ["Clear questions.", "More explanation of the costs, please.", "Good initiative."]}

# The keys a page's value weights may have: mappings of ids to numbers, or one number (a
# portfolio page's `classes`: a list of latent classes, each with a share and the page's keys).
_CLASS_KEYS = {"share": None, "asc": "options", "beta": "attributes", "delta0": "constraints"}
_SHARE_TOLERANCE = 1e-6
_KEYS = {"portfolio": {"asc": "options", "beta": "attributes", "delta0": "constraints",
                       "classes": None},
         "points": {"psi": "goals", "gamma": "goals", "alpha_outside": None, "sigma": None},
         "pairs": {"beta": "attributes", "asc_none": None}}


class ValueWeightsError(ValueError):
    """The value weights do not fit the consultation; the message names the place and the fix."""


# --- value weights ------------------------------------------------------------------------------


def load_value_weights(path: str | Path, consultation: Consultation) -> dict:
    """The value weights in a YAML file, checked against the consultation."""
    try:
        weights = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as error:
        raise ValueWeightsError(f"{path}: cannot read the value weights ({error})") from error
    try:
        check_value_weights(consultation, {} if weights is None else weights)
    except ValueWeightsError as error:
        raise ValueWeightsError(f"{path}: {error}") from error
    return weights or {}


def check_value_weights(consultation: Consultation, weights: Any) -> None:
    """Raise ValueWeightsError listing every place where `weights` do not fit the consultation."""
    if not isinstance(weights, Mapping):
        raise ValueWeightsError("the value weights must be a mapping {page id: {...}}")
    problems = []
    pages = {page.id: page for page in consultation.pages}
    for page_id, entry in weights.items():
        page = pages.get(str(page_id))
        if page is None or page.type not in _KEYS:
            usable = [p.id for p in consultation.pages if p.type in _KEYS]
            problems.append(f"{page_id}: not a portfolio, points or pairs page of "
                            f"{consultation.id!r} (those are: {', '.join(usable) or 'none'})")
        elif not isinstance(entry, Mapping):
            problems.append(f"{page_id}: must be a mapping of {', '.join(_KEYS[page.type])}")
        else:
            problems += _entry_problems(consultation, page, entry)
    if problems:
        raise ValueWeightsError("\n".join(problems))


def _entry_problems(consultation: Consultation, page: Any, entry: Mapping) -> list[str]:
    if page.type == "portfolio" and "classes" in entry:
        return _classes_problems(consultation, page, entry)
    return _keys_problems(consultation, page, entry, page.id, _KEYS[page.type],
                          f"a {page.type} page takes")


def _classes_problems(consultation: Consultation, page: Any, entry: Mapping) -> list[str]:
    """A portfolio page's latent classes: a list of {share, asc, beta, delta0}, shares above 0
    summing to 1, and no weights outside the classes."""
    place = f"{page.id}.classes"
    problems = [f"{page.id}.{key}: give {key} inside each class when the page has classes "
                f"(or leave out classes)" for key in entry if key != "classes"]
    classes = entry["classes"]
    if not isinstance(classes, list) or not classes:
        return problems + [f"{place}: must be a list of classes [{{share: number, asc: ..., "
                           f"beta: ..., delta0: ...}}, ...]"]
    shares = []
    for k, weights in enumerate(classes):
        where = f"{place}[{k}]"
        if not isinstance(weights, Mapping):
            problems.append(f"{where}: must be a mapping of {', '.join(_CLASS_KEYS)}")
            continue
        if "share" not in weights:
            problems.append(f"{where}.share: missing; give each class its share of respondents")
        elif _is_number(weights["share"]) and not 0 < weights["share"] <= 1:
            problems.append(f"{where}.share: must be above 0 and at most 1, got "
                            f"{weights['share']!r}")
        elif _is_number(weights["share"]):
            shares.append(weights["share"])
        problems += _keys_problems(consultation, page, weights, where, _CLASS_KEYS,
                                   "a class takes")
    if len(shares) == len(classes) and abs(sum(shares) - 1) > _SHARE_TOLERANCE:
        problems.append(f"{place}: the shares sum to {sum(shares):g}; they must sum to 1")
    return problems


def _keys_problems(consultation: Consultation, page: Any, entry: Mapping, prefix: str,
                   known: Mapping[str, str | None], takes: str) -> list[str]:
    problems = []
    for key, value in entry.items():
        place = f"{prefix}.{key}"
        if key not in known:
            problems.append(f"{place}: unknown key; {takes} {', '.join(known)}")
        elif known[key] is None or (key == "delta0" and not isinstance(value, Mapping)):
            problems += _number_problems(place, key, value)
        elif not isinstance(value, Mapping):
            problems.append(f"{place}: must be a mapping {{{known[key][:-1]} id: number}}")
        else:
            ids = _ids(consultation, page, known[key])
            for name, number in value.items():
                if name not in ids:
                    problems.append(f"{place}.{name}: not one of the page's {known[key]} "
                                    f"({', '.join(ids)})")
                else:
                    problems += _number_problems(f"{place}.{name}", key, number)
    return problems


def _number_problems(place: str, key: str, value: Any) -> list[str]:
    if not _is_number(value):
        return [f"{place}: must be a number, got {value!r}"]
    if key in ("gamma", "sigma") and value <= 0:
        return [f"{place}: must be above 0, got {value!r}"]
    if key == "alpha_outside" and value >= 1:
        return [f"{place}: must be below 1, got {value!r}"]
    return []


def _ids(consultation: Consultation, page: Any, kind: str) -> list[str]:
    if kind == "options":
        return [option.id for option in page.options]
    if kind == "goals":
        return [goal.id for goal in page.goals]
    if kind == "constraints":
        return list(page.constraints)
    if isinstance(page, PairsPage):
        return list(page.attributes)
    return [a.id for a in consultation.attributes]


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


# --- simulated respondents ----------------------------------------------------------------------


def simulate_responses(consultation: Consultation, value_weights: Mapping, n: int, seed: int = 0,
                       counts: Mapping[str, int] | None = None) -> list[dict]:
    """`n` completed respondents' records (see analysis.tables), reproducible with `seed`.

    Versions are assigned as the platform does (balanced, ties at random), starting from
    `counts` respondents per version already present.
    """
    check_value_weights(consultation, value_weights)
    if n < 1:
        raise ValueError(f"the number of respondents must be at least 1, not {n}")
    picker, rng = random.Random(seed), np.random.default_rng(seed)
    seen = dict(counts or {})
    versions = []
    for _ in range(n):
        version = assign_version(consultation, seen, picker)
        seen[version] = seen.get(version, 0) + 1
        versions.append(version)
    records = [_record(consultation, version, rng) for version in versions]
    for version in dict.fromkeys(versions):
        members = [r for r in records if r["version"] == version]
        design = consultation.for_version(version)
        for page in consultation.pages:
            for group, weights in _by_class(page, value_weights.get(page.id) or {}, members,
                                            rng):
                answers = _PAGE_ANSWERS[page.type](design, design.page(page.id), weights,
                                                   len(group), rng)
                for record, answer in zip(group, answers):
                    record["answers"].update(answer)
    return records


def _by_class(page: Any, weights: Mapping, members: list[dict],
              rng: np.random.Generator) -> list[tuple[list[dict], Mapping]]:
    """The respondents with the value weights they answer the page with: all of them with the
    page's weights, or, when the page gives latent classes, each drawn into a class (with the
    class shares; recorded in `classes`) and answering with that class's weights."""
    if "classes" not in weights:
        return [(members, weights)]
    classes = weights["classes"]
    shares = np.array([c["share"] for c in classes], dtype=float)
    drawn = rng.choice(len(classes), size=len(members), p=shares / shares.sum())
    for record, k in zip(members, drawn):
        record.setdefault("classes", {})[page.id] = int(k) + 1
    return [([m for m, d in zip(members, drawn) if d == k],
             {key: value for key, value in c.items() if key != "share"})
            for k, c in enumerate(classes) if (drawn == k).any()]


def _record(consultation: Consultation, version: str | None, rng: np.random.Generator) -> dict:
    started = _START + timedelta(minutes=float(rng.uniform(0, _FIELDWORK_DAYS * 24 * 60)))
    minutes = (consultation.duration_minutes or 15) * float(rng.lognormal(0, 0.4))
    language = consultation.default_language
    if len(consultation.languages) > 1 and rng.random() < _OTHER_LANGUAGE_SHARE:
        language = str(rng.choice(consultation.languages[1:]))
    return {"respondent": rng.bytes(16).hex(), "version": version, "source": SOURCE,
            "language": language, "started_at": started.replace(microsecond=0),
            "completed_at": (started + timedelta(minutes=max(minutes, 2))).replace(microsecond=0),
            "answers": {}}


def _portfolio(design: Consultation, page: PortfolioPage, weights: Mapping, n: int,
               rng: np.random.Generator) -> list[dict]:
    """Levels drawn from the exact portfolio logit over the version's feasible set, then the
    motivation step's texts when the page asks for one."""
    portfolios = feasible_level_vectors(design, page)
    drawn = draw_portfolios(portfolios, portfolio_utility(design, page, weights), n, rng)
    levels = [{o.id: allowed_levels(o)[exact(row[j].item())] for j, o in enumerate(page.options)}
              for row in drawn]
    if not page.motivation:
        return [{page.id: answer} for answer in levels]
    # what a respondent explains: why more than the default (on, or a step up), or why not
    more = drawn > np.array([o.default for o in page.options], dtype=drawn.dtype)
    texts = _MOTIVATIONS.get(design.default_language, _MOTIVATIONS["en"])
    said = rng.random(drawn.shape) < _MOTIVATED
    which = rng.integers(len(texts[True]), size=drawn.shape)
    return [{page.id: answer, MOTIVATION_PREFIX + page.id: {
        o.id: texts[bool(more[i, j])][which[i, j]]
        for j, o in enumerate(page.options) if said[i, j]}}
        for i, answer in enumerate(levels)]


def portfolio_utility(design: Consultation, page: PortfolioPage, weights: Mapping) -> np.ndarray:
    """u_j = asc_j + x_j'beta - delta0'c_j per unit of each option's level (page order)."""
    asc, beta = weights.get("asc") or {}, weights.get("beta") or {}
    delta0 = _delta0(page, weights.get("delta0", 0))
    return np.array([asc.get(o.id, 0) + sum(beta.get(a, 0) * x for a, x in o.effects.items())
                     - sum(delta0.get(c, 0) * use for c, use in o.use.items())
                     for o in page.options], dtype=float)


def _delta0(page: PortfolioPage, value: Any) -> dict[str, float]:
    if isinstance(value, Mapping):
        return dict(value)
    return {constraint: value for constraint in page.constraints}


def _points(design: Consultation, page: PointsPage, weights: Mapping, n: int,
            rng: np.random.Generator) -> list[dict]:
    """Allocations from the MDCEV (gamma-profile; the unspent points as outside good unless all
    must be used), rounded to multiples of the step by largest remainders."""
    goals = [goal.id for goal in page.goals]
    table = pd.DataFrame({"respondent": np.repeat(np.arange(n), len(goals)),
                          "option": np.tile(goals, n), "cost": 1.0, "budget": float(page.total)})
    params = {**{f"psi:{g}": v for g, v in (weights.get("psi") or {}).items()},
              **{f"gamma:{g}": v for g, v in (weights.get("gamma") or {}).items()},
              f"alpha:{OUTSIDE}": weights.get("alpha_outside", 0.0),
              "sigma": weights.get("sigma", 1.0)}
    drawn = simulate_mdcev(table, params, outside_good=not page.must_use_all, seed=rng,
                           attributes=[])
    units = drawn["choice"].to_numpy().reshape(n, len(goals)) / page.step
    target = units.sum(axis=1) if not page.must_use_all else np.full(n, page.total / page.step)
    steps = _largest_remainders(units, np.round(target).astype(int))
    return [{page.id: {g: int(s) * page.step for g, s in zip(goals, row)}} for row in steps]


def _largest_remainders(amounts: np.ndarray, totals: np.ndarray) -> np.ndarray:
    """Whole numbers per row summing to `totals`: the floors, plus one for the largest remainders."""
    whole = np.floor(amounts)
    short = totals - whole.sum(axis=1).astype(int)
    rank = np.argsort(np.argsort(whole - amounts, axis=1, kind="stable"), axis=1)
    return (whole + (rank < short[:, None])).astype(int)


def _pairs(design: Consultation, page: PairsPage, weights: Mapping, n: int,
           rng: np.random.Generator) -> list[dict]:
    """Per set a variant (or the opt-out) from the MNL with Gumbel errors."""
    beta = weights.get("beta") or {}
    picks = []
    for variants in page.sets:
        letters = [chr(ord("A") + i) for i in range(len(variants))]
        v = [sum(beta.get(a, 0) * variant[a] for a in page.attributes) for variant in variants]
        if page.opt_out:
            letters.append(OPT_OUT)
            v.append(weights.get("asc_none", 0.0))
        best = np.argmax(np.asarray(v, dtype=float) + rng.gumbel(size=(n, len(v))), axis=1)
        picks.append([letters[k] for k in best])
    return [{page.id: {str(s + 1): picks[s][i] for s in range(len(page.sets))}}
            for i in range(n)]


def _questions(design: Consultation, page: QuestionsPage, weights: Mapping, n: int,
               rng: np.random.Generator) -> list[dict]:
    """Closed questions uniformly over their answers (so every subgroup gets respondents)."""
    return [{page.id: {q.id: _question_answer(design, q, rng) for q in page.questions}}
            for _ in range(n)]


def _question_answer(design: Consultation, question: Question, rng: np.random.Generator) -> Any:
    if question.type == "text":
        texts = _REMARKS.get(design.default_language, _REMARKS["en"])
        return str(rng.choice(texts)) if rng.random() < _TEXT_ANSWERED else None
    if not question.required and rng.random() > _OPTIONAL_ANSWERED:
        return None
    if question.type == "choice":
        return question.choices[rng.integers(len(question.choices))].id
    if question.type == "multi":
        low = max(int(question.min or 0), 1)
        high = len(question.choices) if question.max is None else int(question.max)
        picked = set(rng.choice(len(question.choices), size=rng.integers(low, high + 1),
                                replace=False))
        return [c.id for k, c in enumerate(question.choices) if k in picked]
    if question.type == "number":
        return _number(question, rng)
    if question.type == "postcode4":
        return str(rng.integers(1000, 10000))
    if question.type == "scale":
        return int(np.clip(np.round(rng.normal(7, 1.5)), 0, 10))
    return _agree(rng)


def _number(question: Question, rng: np.random.Generator) -> Any:
    low = 0 if question.min is None else question.min
    high = low + 100 if question.max is None else question.max
    if question.integer:
        return int(rng.integers(math.ceil(low), math.floor(high) + 1))
    tenths = rng.integers(math.ceil(low * 10), math.floor(high * 10) + 1)
    return plain(exact(int(tenths)) / 10)


def _agree(rng: np.random.Generator) -> Any:
    return DONT_KNOW if rng.random() < 0.05 else int(rng.integers(1, 6))


def _statements(design: Consultation, page: StatementsPage, weights: Mapping, n: int,
                rng: np.random.Generator) -> list[dict]:
    return [{page.id: {s.id: _agree(rng) for s in page.statements}} for _ in range(n)]


_PAGE_ANSWERS = {"questions": _questions, "statements": _statements, "portfolio": _portfolio,
                 "points": _points, "pairs": _pairs}


# --- power analysis -----------------------------------------------------------------------------


def power_analysis(consultation: Consultation, value_weights: Mapping, page_id: str,
                   sizes=DEFAULT_SIZES, replications: int = 20, seed: int = 0,
                   target_se: float | None = None) -> pd.DataFrame:
    """Precision of a portfolio page's value weights per number of respondents.

    For each size (all respondents, spread over the versions as the platform does) simulate
    `replications` samples, fit the exact portfolio logit with the consultation's feasible sets,
    and report per value weight (beta, delta0, beta/delta0; asc/delta0, an option's worth in
    budget units, when there is no beta) the true value, the mean estimate, the mean robust
    standard error, the half-width of the 95% interval and the spread of the estimates.
    With `target_se`, `meets_target` says which sizes reach it and `attrs["smallest_n"]` gives
    per value weight the smallest size that does (None: none of them).
    """
    page = _portfolio_page(consultation, page_id)
    check_value_weights(consultation, value_weights)
    weights = value_weights.get(page_id) or {}
    if "classes" in weights:
        raise ValueError(f"{page_id!r} has latent classes: the power analysis takes one set of "
                         "value weights (asc, beta, delta0); give one class's weights")
    truth = true_parameters(page, weights)
    attributes = [name[len("beta:"):] for name in truth if name.startswith("beta:")]
    # the page alone, without its motivation step: nothing else enters the fit
    one_page = replace(consultation, pages=(replace(page, motivation=False),))
    rows = []
    for size in sizes:
        estimates = []
        for replication in range(replications):
            records = simulate_responses(one_page, {page_id: weights}, int(size),
                                         seed + 1000 * replication + int(size))
            choices = choices_table(one_page, records)
            fitted = PortfolioLogit.from_consultation(consultation, choices, attributes,
                                                      task=page_id).fit()
            estimates.append(_value_weights(fitted, truth))
        rows += _summarise(int(size), len(consultation.versions) or 1, estimates, target_se)
    table = pd.DataFrame(rows)
    if target_se is not None:
        reached = table[table["meets_target"]].groupby("parameter", sort=False)["n"].min()
        table.attrs["smallest_n"] = {name: (int(reached[name]) if name in reached else None)
                                     for name in table["parameter"].unique()}
    return table


def _portfolio_page(consultation: Consultation, page_id: str) -> PortfolioPage:
    pages = {page.id: page for page in consultation.pages}
    if not isinstance(pages.get(page_id), PortfolioPage):
        usable = [p.id for p in consultation.pages if isinstance(p, PortfolioPage)]
        raise ValueError(f"{page_id!r} is not a portfolio page of {consultation.id!r} "
                         f"(those are: {', '.join(usable) or 'none'})")
    return pages[page_id]


def true_parameters(page: PortfolioPage, weights: Mapping) -> dict[str, float]:
    """The value weights as the portfolio logit names its parameters (asc:, beta:, delta0)."""
    params = {f"asc:{o.id}": float((weights.get("asc") or {}).get(o.id, 0)) for o in page.options}
    params.update({f"beta:{a}": float(v) for a, v in (weights.get("beta") or {}).items()})
    delta0 = _delta0(page, weights.get("delta0", 0))
    if len(page.constraints) == 1:
        params["delta0"] = float(delta0.get(page.constraints[0], 0))
    else:
        params.update({f"delta0:{c}": float(delta0.get(c, 0)) for c in page.constraints})
    return params


def _value_weights(fitted: Any, truth: Mapping[str, float]) -> dict[str, tuple[float, float, float]]:
    """Per value weight: (true value, estimate, robust standard error)."""
    names = list(fitted.params.index)
    budgets = [name for name in names if name.startswith("delta0")]
    betas = [name for name in names if name.startswith("beta:")]
    out = {name: (truth[name], fitted.params[name], fitted.robust_bse[name])
           for name in betas + budgets}
    numerators = betas or [name for name in names if name.startswith("asc:")]
    for numerator in numerators:
        for budget in budgets:
            ratio = fitted.ratio(numerator, budget)
            true_ratio = truth[numerator] / truth[budget] if truth[budget] else math.nan
            out[f"{numerator}/{budget}"] = (true_ratio, ratio["ratio"], ratio["std_err"])
    return out


def _summarise(size: int, versions: int, estimates: list[dict],
               target_se: float | None) -> list[dict]:
    rows = []
    for name in estimates[0]:
        true, estimate, se = np.array([e[name] for e in estimates], dtype=float).T
        row = {"n": size, "per_version": size / versions, "parameter": name, "true": true[0],
               "mean_estimate": estimate.mean(), "mean_se": se.mean(),
               "half_width": Z95 * se.mean(),
               "sd_estimate": estimate.std(ddof=1) if len(estimate) > 1 else math.nan}
        if target_se is not None:
            row["meets_target"] = bool(se.mean() <= target_se)
        rows.append(row)
    return rows


def parse_sizes(text: str) -> list[int]:
    """"500,1000,2000" -> [500, 1000, 2000]; ValueError naming what is wrong."""
    try:
        sizes = [int(part) for part in text.split(",") if part.strip()]
    except ValueError:
        raise ValueError(f"sizes must be whole numbers separated by commas, not {text!r}") from None
    if not sizes or min(sizes) < 1:
        raise ValueError(f"sizes must be whole numbers of at least 1, not {text!r}")
    return sizes


def power_summary(table: pd.DataFrame, target_se: float | None = None) -> str:
    """The power table as text, with the smallest size reaching `target_se` per value weight."""
    shown = table.rename(columns={"per_version": "per version", "mean_estimate": "mean estimate",
                                  "mean_se": "mean SE", "half_width": "95% half-width",
                                  "sd_estimate": "SD of estimates", "meets_target": "meets target"})
    lines = ["Precision of the value weights (mean over the replications; robust standard errors)",
             "", shown.to_string(index=False, float_format=lambda x: f"{x:.4g}")]
    if target_se is not None:
        lines += ["", f"Smallest number of respondents with a standard error of at most "
                      f"{target_se:g}:"]
        lines += [f"  {name}: {n if n is not None else 'none of the sizes tried; try more'}"
                  for name, n in table.attrs["smallest_n"].items()]
    return "\n".join(lines)
