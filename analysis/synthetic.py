"""Synthetic responses for a consultation from value weights (analysis.value_weights).

`simulate_responses` gives respondent records as `analysis.tables` reads them (and as the platform
stores them): every answer obeys the consultation's own rules. Portfolio pages are drawn from the
exact portfolio logit over each version's feasible set (`surveys.feasibility`), points pages from
the MDCEV (rounded to the page's step), pairs pages from the MNL; questions and statements at
random.
"""

from __future__ import annotations

import math
import random
from collections.abc import Callable, Mapping
from datetime import UTC, datetime, timedelta
from typing import Any

import numpy as np
import pandas as pd

from analysis.background import draw_background, group_weights, population
from analysis.models.mdcev import OUTSIDE, simulate_mdcev
from analysis.models.simulate import draw_portfolios
from analysis.value_weights import check_value_weights, portfolio_utility
from surveys.answers import DONT_KNOW, MOTIVATION_PREFIX, OPT_OUT
from surveys.definition import (
    Consultation,
    PairsPage,
    PointsPage,
    PortfolioPage,
    Question,
    QuestionsPage,
    StatementsPage,
)
from surveys.feasibility import allowed_levels, exact, feasible_level_vectors, plain
from surveys.ordering import assign_version

SOURCE = "simulated"  # the sources are simulated:panel and simulated:open (analysis.background)
_START = datetime(2026, 1, 5, 8, 0, tzinfo=UTC)  # first day of the simulated fieldwork
_FIELDWORK_DAYS = 28
_OTHER_LANGUAGE_SHARE = 0.1  # respondents who switch away from the default language
_OPTIONAL_ANSWERED = 0.9  # share answering an optional closed question
_TEXT_ANSWERED = 0.3  # share writing something in an open question
_MOTIVATED = 0.7  # share of options a respondent explains on the motivation step
_MOTIVATIONS = {
    "nl": {
        True: [
            "Dit vind ik belangrijk.",
            "Goed voor de toekomst.",
            "Dit helpt mijn regio.",
            "De kosten zijn het waard.",
            "Hier is echt behoefte aan.",
        ],
        False: [
            "Te duur voor wat het oplevert.",
            "Andere dingen gaan voor.",
            "Past niet binnen het budget.",
            "Hier zie ik weinig nut in.",
            "Liever eerst iets anders.",
        ],
    },
    "en": {
        True: [
            "This matters to me.",
            "Good for the future.",
            "This helps my region.",
            "Worth the cost.",
            "There is a real need for this.",
        ],
        False: [
            "Too expensive for what it gives.",
            "Other things come first.",
            "Does not fit the budget.",
            "I see little use in this.",
            "Something else first.",
        ],
    },
}
_REMARKS = {
    "nl": ["Duidelijke vragen.", "Meer uitleg over de kosten graag.", "Goed initiatief."],
    "en": ["Clear questions.", "More explanation of the costs, please.", "Good initiative."],
}


def simulate_responses(
    consultation: Consultation,
    value_weights: Mapping,
    n: int,
    seed: int = 0,
    counts: Mapping[str, int] | None = None,
) -> list[dict]:
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
        if version is not None:  # None: the consultation has no versions
            seen[version] = seen.get(version, 0) + 1
        versions.append(version)
    records = [_record(consultation, version, rng) for version in versions]
    spec = value_weights.get("background") or {}
    # a stream of its own, so the answers to the pages draw as they would without a background
    drawn = draw_background(consultation, population(consultation), spec, n, np.random.default_rng([seed, 1]))
    for record, (source, answers) in zip(records, drawn):
        record["source"] = source
        record["background"] = answers
    for version in dict.fromkeys(versions):
        members = [r for r in records if r["version"] == version]
        design = consultation.for_version(version)
        for page in consultation.pages:
            for group, weights in _by_class(page, value_weights.get(page.id) or {}, members, rng):
                for part, part_weights in _by_group(page.id, weights, group, spec.get("groups") or []):
                    page_answers = _PAGE_ANSWERS[page.type](
                        design, design.page(page.id), part_weights, len(part), rng
                    )
                    for record, answer in zip(part, page_answers):
                        record["answers"].update(answer)
    for record in records:
        _keep_background(consultation, record, record.pop("background"))
    return records


def _by_group(
    page_id: str, weights: Mapping, members: list[dict], groups: list
) -> list[tuple[list[dict], Mapping]]:
    """The respondents split by the background groups they match, each part with the page's
    weights plus its groups' (analysis.background); one part when no group concerns the page."""
    if not any(page_id in group for group in groups):
        return [(members, weights)]
    parts: dict[tuple, list[dict]] = {}
    for record in members:
        key = tuple(all(record["background"].get(q) == str(c) for q, c in g["when"].items()) for g in groups)
        parts.setdefault(key, []).append(record)
    return [(part, group_weights(page_id, weights, part[0]["background"], groups)) for part in parts.values()]


def _keep_background(consultation: Consultation, record: dict, answers: Mapping) -> None:
    """The drawn background answers replace the random ones of their questions (an optional
    question a respondent skipped stays skipped)."""
    for page in consultation.pages:
        if not isinstance(page, QuestionsPage) or page.id not in record["answers"]:
            continue
        given = record["answers"][page.id]
        for question in page.questions:
            if question.id in answers and (question.required or given.get(question.id) is not None):
                given[question.id] = answers[question.id]


def _by_class(
    page: Any, weights: Mapping, members: list[dict], rng: np.random.Generator
) -> list[tuple[list[dict], Mapping]]:
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
    return [
        (
            [m for m, d in zip(members, drawn) if d == k],
            {key: value for key, value in c.items() if key != "share"},
        )
        for k, c in enumerate(classes)
        if (drawn == k).any()
    ]


def _record(consultation: Consultation, version: str | None, rng: np.random.Generator) -> dict:
    started = _START + timedelta(minutes=float(rng.uniform(0, _FIELDWORK_DAYS * 24 * 60)))
    minutes = (consultation.duration_minutes or 15) * float(rng.lognormal(0, 0.4))
    language = consultation.default_language
    if len(consultation.languages) > 1 and rng.random() < _OTHER_LANGUAGE_SHARE:
        language = str(rng.choice(consultation.languages[1:]))
    return {
        "respondent": rng.bytes(16).hex(),
        "version": version,
        "source": SOURCE,
        "language": language,
        "started_at": started.replace(microsecond=0),
        "completed_at": (started + timedelta(minutes=max(minutes, 2))).replace(microsecond=0),
        "answers": {},
    }


def _portfolio(
    design: Consultation, page: PortfolioPage, weights: Mapping, n: int, rng: np.random.Generator
) -> list[dict]:
    """Levels drawn from the exact portfolio logit over the version's feasible set, then the
    motivation step's texts when the page asks for one."""
    portfolios = feasible_level_vectors(design, page)
    drawn = draw_portfolios(portfolios, portfolio_utility(design, page, weights), n, rng)
    levels = [
        {o.id: allowed_levels(o)[exact(row[j].item())] for j, o in enumerate(page.options)} for row in drawn
    ]
    if not page.motivation:
        return [{page.id: answer} for answer in levels]
    # what a respondent explains: why more than the default (on, or a step up), or why not
    more = drawn > np.array([o.default for o in page.options], dtype=drawn.dtype)
    texts = _MOTIVATIONS.get(design.default_language, _MOTIVATIONS["en"])
    said = rng.random(drawn.shape) < _MOTIVATED
    which = rng.integers(len(texts[True]), size=drawn.shape)
    return [
        {
            page.id: answer,
            MOTIVATION_PREFIX + page.id: {
                o.id: texts[bool(more[i, j])][which[i, j]] for j, o in enumerate(page.options) if said[i, j]
            },
        }
        for i, answer in enumerate(levels)
    ]


def _points(
    design: Consultation, page: PointsPage, weights: Mapping, n: int, rng: np.random.Generator
) -> list[dict]:
    """Allocations from the MDCEV (gamma-profile; the unspent points as outside good unless all
    must be used), rounded to multiples of the step by largest remainders."""
    goals = [goal.id for goal in page.goals]
    table = pd.DataFrame(
        {
            "respondent": np.repeat(np.arange(n), len(goals)),
            "option": np.tile(goals, n),
            "cost": 1.0,
            "budget": float(page.total),
        }
    )
    params = {
        **{f"psi:{g}": v for g, v in (weights.get("psi") or {}).items()},
        **{f"gamma:{g}": v for g, v in (weights.get("gamma") or {}).items()},
        f"alpha:{OUTSIDE}": weights.get("alpha_outside", 0.0),
        "sigma": weights.get("sigma", 1.0),
    }
    drawn = simulate_mdcev(table, params, outside_good=not page.must_use_all, seed=rng, attributes=[])
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


def _pairs(
    design: Consultation, page: PairsPage, weights: Mapping, n: int, rng: np.random.Generator
) -> list[dict]:
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
    return [{page.id: {str(s + 1): picks[s][i] for s in range(len(page.sets))}} for i in range(n)]


def _questions(
    design: Consultation, page: QuestionsPage, weights: Mapping, n: int, rng: np.random.Generator
) -> list[dict]:
    """Closed questions uniformly over their answers (so every subgroup gets respondents)."""
    return [{page.id: {q.id: _question_answer(design, q, rng) for q in page.questions}} for _ in range(n)]


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
        picked = set(rng.choice(len(question.choices), size=rng.integers(low, high + 1), replace=False))
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


def _statements(
    design: Consultation, page: StatementsPage, weights: Mapping, n: int, rng: np.random.Generator
) -> list[dict]:
    return [{page.id: {s.id: _agree(rng) for s in page.statements}} for _ in range(n)]


# each page type's answers (the page argument is of the type the key names)
_PAGE_ANSWERS: dict[str, Callable[[Consultation, Any, Mapping, int, np.random.Generator], list[dict]]] = {
    "questions": _questions,
    "statements": _statements,
    "portfolio": _portfolio,
    "points": _points,
    "pairs": _pairs,
}
