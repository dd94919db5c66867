"""Which draft a step is shown with, and which question a motivation text answers.

A motivation text answers the question its option's choice asked: "why did you choose X" (more
than the basic plan), "why did you leave X as in the basic plan", "why did you not choose X"
(less). Drafts keep motivation texts under option AND direction, and a saved text whose option's
direction changed is set aside into the draft under its old direction, so each question only
ever gets back its own text, and comes back to it if the choice is changed back.
"""

from __future__ import annotations

from surveys.definition import Option, PortfolioPage


def direction(option: Option, level) -> str:
    """more, same or less than the basic plan: what a motivation question asks about."""
    default = option.default
    if not isinstance(level, (int, float)) or level == default:
        return "same"
    return "more" if level > default else "less"


def motivation_key(option: Option, level) -> str:
    return f"{option.id}:{direction(option, level)}"


def chosen_levels(page: PortfolioPage, saved: dict) -> dict:
    """The levels the portfolio page was saved with (the basic plan where none was saved)."""
    answer = saved.get(page.id) or {}
    return {option.id: answer.get(option.id, option.default) for option in page.options}


def draft_of(step, answer: dict, saved: dict, earlier: dict | None) -> dict:
    """The draft to keep from a step's parsed form. A motivation step's texts go under the
    direction each was written for, beside the texts kept for other directions; an empty field
    is kept too, so a text the respondent cleared does not come back from the saved answer."""
    if step.kind != "motivation":
        return answer
    levels = chosen_levels(step.page, saved)
    written = {motivation_key(o, levels[o.id]): answer.get(o.id) or "" for o in step.page.options}
    return {**(earlier or {}), **written}


def shown(step, base: dict, saved: dict, draft: dict | None) -> dict:
    """What a step is shown with: its draft over `base`, the saved answer (or the blank one)."""
    if not draft:
        return base
    if step.kind != "motivation":
        return {**base, **draft}
    levels = chosen_levels(step.page, saved)
    texts = {}
    for option in step.page.options:
        key = motivation_key(option, levels[option.id])
        text = draft[key] if key in draft else base.get(option.id)
        if text:
            texts[option.id] = text
    return texts


def set_aside(page: PortfolioPage, before: dict, after: dict, texts: dict, draft: dict | None):
    """After the portfolio page is saved with levels `after` (it had `before`): the saved
    motivation texts that still answer their question, and the draft with the others under the
    direction they were written for (a newer draft text there wins)."""
    kept, draft = {}, dict(draft or {})
    for option in page.options:
        text = texts.get(option.id)
        if not text:
            continue
        was = motivation_key(option, before.get(option.id, option.default))
        if was == motivation_key(option, after.get(option.id, option.default)):
            kept[option.id] = text
        else:
            draft.setdefault(was, text)
    return kept, draft
