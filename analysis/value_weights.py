"""Value weights: the true parameters a simulation draws answers from, read from YAML and checked.

Per page id (a page left out is answered with all weights 0):
    portfolio: {asc: {option: v}, beta: {attribute: v}, delta0: v (or {constraint: v})}
               or latent classes: {classes: [{share: s, asc: ..., beta: ..., delta0: ...}, ...]}
               (shares sum to 1; each respondent is drawn into a class, recorded in the
               record's `classes` {page id: class number from 1})
    points:    {psi: {goal: v}, gamma: {goal: v}, alpha_outside: v, sigma: v}
    pairs:     {beta: {attribute: v}, asc_none: v}
and optionally `background` (who the respondents are, and groups whose weights differ: see
analysis.background).
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np
import yaml

from surveys.definition import Consultation, PairsPage, PortfolioPage
from surveys.reader import is_number

# The keys a page's value weights may have: mappings of ids to numbers, or one number (a
# portfolio page's `classes`: a list of latent classes, each with a share and the page's keys).
_CLASS_KEYS = {"share": None, "asc": "options", "beta": "attributes", "delta0": "constraints"}


_SHARE_TOLERANCE = 1e-6


_KEYS = {
    "portfolio": {"asc": "options", "beta": "attributes", "delta0": "constraints", "classes": None},
    "points": {"psi": "goals", "gamma": "goals", "alpha_outside": None, "sigma": None},
    "pairs": {"beta": "attributes", "asc_none": None},
}


class ValueWeightsError(ValueError):
    """The value weights do not fit the consultation; the message names the place and the fix."""


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
        if page_id == "background":
            from analysis.background import background_problems

            problems += background_problems(consultation, entry)
            continue
        page = pages.get(str(page_id))
        if page is None or page.type not in _KEYS:
            usable = [p.id for p in consultation.pages if p.type in _KEYS]
            problems.append(
                f"{page_id}: not a portfolio, points or pairs page of "
                f"{consultation.id!r} (those are: {', '.join(usable) or 'none'})"
            )
        elif not isinstance(entry, Mapping):
            problems.append(f"{page_id}: must be a mapping of {', '.join(_KEYS[page.type])}")
        else:
            problems += _entry_problems(consultation, page, entry)
    if problems:
        raise ValueWeightsError("\n".join(problems))


def _entry_problems(consultation: Consultation, page: Any, entry: Mapping) -> list[str]:
    if page.type == "portfolio" and "classes" in entry:
        return _classes_problems(consultation, page, entry)
    return _keys_problems(consultation, page, entry, page.id, _KEYS[page.type], f"a {page.type} page takes")


def _classes_problems(consultation: Consultation, page: Any, entry: Mapping) -> list[str]:
    """A portfolio page's latent classes: a list of {share, asc, beta, delta0}, shares above 0
    summing to 1, and no weights outside the classes."""
    place = f"{page.id}.classes"
    problems = [
        f"{page.id}.{key}: give {key} inside each class when the page has classes (or leave out classes)"
        for key in entry
        if key != "classes"
    ]
    classes = entry["classes"]
    if not isinstance(classes, list) or not classes:
        return problems + [
            f"{place}: must be a list of classes [{{share: number, asc: ..., beta: ..., delta0: ...}}, ...]"
        ]
    shares = []
    for k, weights in enumerate(classes):
        where = f"{place}[{k}]"
        if not isinstance(weights, Mapping):
            problems.append(f"{where}: must be a mapping of {', '.join(_CLASS_KEYS)}")
            continue
        if "share" not in weights:
            problems.append(f"{where}.share: missing; give each class its share of respondents")
        elif is_number(weights["share"]) and not 0 < weights["share"] <= 1:
            problems.append(f"{where}.share: must be above 0 and at most 1, got {weights['share']!r}")
        elif is_number(weights["share"]):
            shares.append(weights["share"])
        problems += _keys_problems(consultation, page, weights, where, _CLASS_KEYS, "a class takes")
    if len(shares) == len(classes) and abs(sum(shares) - 1) > _SHARE_TOLERANCE:
        problems.append(f"{place}: the shares sum to {sum(shares):g}; they must sum to 1")
    return problems


def _keys_problems(
    consultation: Consultation,
    page: Any,
    entry: Mapping,
    prefix: str,
    known: Mapping[str, str | None],
    takes: str,
) -> list[str]:
    problems = []
    for key, value in entry.items():
        place = f"{prefix}.{key}"
        kind = known.get(key)  # the ids the key maps (None: the key takes a number)
        if key not in known:
            problems.append(f"{place}: unknown key; {takes} {', '.join(known)}")
        elif kind is None or (key == "delta0" and not isinstance(value, Mapping)):
            problems += _number_problems(place, key, value)
        elif not isinstance(value, Mapping):
            problems.append(f"{place}: must be a mapping {{{kind[:-1]} id: number}}")
        else:
            ids = _ids(consultation, page, kind)
            for name, number in value.items():
                if name not in ids:
                    problems.append(f"{place}.{name}: not one of the page's {kind} ({', '.join(ids)})")
                else:
                    problems += _number_problems(f"{place}.{name}", key, number)
    return problems


def _number_problems(place: str, key: str, value: Any) -> list[str]:
    if not is_number(value):
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


def portfolio_utility(design: Consultation, page: PortfolioPage, weights: Mapping) -> np.ndarray:
    """u_j = asc_j + x_j'beta - delta0'c_j per unit of each option's level (page order)."""
    asc, beta = weights.get("asc") or {}, weights.get("beta") or {}
    delta0 = _delta0(page, weights.get("delta0", 0))
    return np.array(
        [
            asc.get(o.id, 0)
            + sum(beta.get(a, 0) * x for a, x in o.effects.items())
            - sum(delta0.get(c, 0) * use for c, use in o.use.items())
            for o in page.options
        ],
        dtype=float,
    )


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


def _delta0(page: PortfolioPage, value: Any) -> dict[str, float]:
    if isinstance(value, Mapping):
        return dict(value)
    return {constraint: value for constraint in page.constraints}
