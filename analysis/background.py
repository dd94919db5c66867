"""Simulated respondents' background, so weighting, groups and panel-versus-open have something
real to find.

Answers to background questions are drawn from the population shares the demos ship
(surveys/examples/margins/<slug>.yaml, the same file `pwe weight --margins` rakes to): a panel
batch at those shares, the open link skewed. The value weights' `background` entry says how:

    background:
      panel_share: 0.3                          # source simulated:panel; the rest simulated:open
      open_link: {question: {choice: factor}}   # the open link over- or under-represents
      follows: {question: {from: other, <choice>: [choices of other], otherwise: <choice>}}
      groups: [{when: {question: choice}, <page id>: {asc: {option: v}, ...}}]

`follows` keeps answers consistent (lives in the North from the province); each group adds its
weights to the page's (or every latent class's) for the respondents it matches.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from surveys import examples
from surveys.definition import Consultation, Question, QuestionsPage

_KEYS = ("panel_share", "open_link", "follows", "groups")
_ADDABLE = ("asc", "beta")


def population(consultation: Consultation) -> dict[str, dict[str, float]]:
    """The population shares shipped for an example consultation ({} for any other)."""
    from analysis.weighting import load_margins

    path = examples.margins(consultation.id)
    return load_margins(path) if path.is_file() else {}


def background_problems(consultation: Consultation, entry: Any) -> list[str]:
    """What in a `background` entry does not fit the consultation, one line per place."""
    if not isinstance(entry, Mapping):
        return ["background: must be a mapping of " + ", ".join(_KEYS)]
    questions = _questions(consultation)
    problems = [
        f"background.{key}: unknown key; background takes {', '.join(_KEYS)}"
        for key in entry
        if key not in _KEYS
    ]
    share = entry.get("panel_share", 0)
    if not isinstance(share, (int, float)) or isinstance(share, bool) or not 0 <= share <= 1:
        problems.append(f"background.panel_share: must be a number from 0 to 1, got {share!r}")
    for name, factors in (entry.get("open_link") or {}).items():
        problems += _choice_problems(questions, f"background.open_link.{name}", name, factors)
    for name, rule in (entry.get("follows") or {}).items():
        if not isinstance(rule, Mapping) or rule.get("from") not in questions:
            problems.append(
                f"background.follows.{name}: give from: <question id> and the "
                "choices that lead to each answer"
            )
            continue
        choices = {k: v for k, v in rule.items() if k not in ("from", "otherwise")}
        problems += _choice_problems(
            questions,
            f"background.follows.{name}",
            name,
            {**choices, **({rule["otherwise"]: 0} if "otherwise" in rule else {})},
        )
    for k, group in enumerate(entry.get("groups") or []):
        when = group.get("when") if isinstance(group, Mapping) else None
        if not isinstance(when, Mapping) or not when:
            problems.append(f"background.groups[{k}].when: give {{question: choice}}")
            continue
        for name, choice in when.items():
            problems += _choice_problems(questions, f"background.groups[{k}].when", name, {choice: 0})
    return problems


def _questions(consultation: Consultation) -> dict[str, Question]:
    return {
        q.id: q
        for page in consultation.pages
        if isinstance(page, QuestionsPage)
        for q in page.questions
        if q.type == "choice"
    }


def _choice_problems(questions: Mapping[str, Question], place: str, name: str, choices: Any) -> list[str]:
    if name not in questions:
        return [f"{place}: {name!r} is not a choice question ({', '.join(questions)})"]
    known = [c.id for c in questions[name].choices]
    return [
        f"{place}: {choice!r} is not a choice of {name} ({', '.join(known)})"
        for choice in (choices if isinstance(choices, Mapping) else {})
        if str(choice) not in known
    ]


def draw_background(
    consultation: Consultation,
    shares: Mapping[str, Mapping[str, float]],
    entry: Mapping,
    n: int,
    rng: np.random.Generator,
) -> list[tuple[str, dict[str, str]]]:
    """Per respondent the source and the answers to the background questions: a panel batch at
    the population shares, the open link with them tilted by `open_link`, `follows` applied."""
    questions = _questions(consultation)
    panel = rng.random(n) < float(entry.get("panel_share", 0))
    answers: list[dict[str, str]] = [{} for _ in range(n)]
    tilts = entry.get("open_link") or {}
    for name, population_shares in shares.items():
        if name not in questions:
            continue
        choices = [str(c) for c in population_shares]
        base = np.array([population_shares[c] for c in population_shares], dtype=float)
        tilted = base * np.array([float((tilts.get(name) or {}).get(c, 1)) for c in choices])
        for is_panel, p in ((True, base), (False, tilted)):
            who = np.flatnonzero(panel == is_panel)
            for i, k in zip(who, rng.choice(len(choices), size=len(who), p=p / p.sum())):
                answers[i][name] = choices[k]
    for name, rule in (entry.get("follows") or {}).items():
        leads = {
            str(c): answer for answer, cs in rule.items() if answer not in ("from", "otherwise") for c in cs
        }
        for record in answers:
            if rule["from"] in record:
                record[name] = leads.get(record[rule["from"]], rule.get("otherwise"))
    sources = np.where(panel, "simulated:panel", "simulated:open")
    return [(str(source), record) for source, record in zip(sources, answers)]


def group_weights(
    page_id: str, weights: Mapping, answers: Mapping[str, str], groups: list[Mapping]
) -> Mapping:
    """`weights` (a page's or a class's) plus what every group matching `answers` adds."""
    out = {key: (dict(value) if isinstance(value, Mapping) else value) for key, value in weights.items()}
    for group in groups:
        if page_id not in group or any(answers.get(q) != str(c) for q, c in group["when"].items()):
            continue
        for key in _ADDABLE:
            for name, value in (group[page_id].get(key) or {}).items():
                out.setdefault(key, {})
                out[key][name] = out[key].get(name, 0) + value
    return out
