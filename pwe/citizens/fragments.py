"""The parts of a step page that are the same for every respondent, rendered once per process.

An option card's texts, costs, effects, pros and cons, and a pairs page's tables of variants are
most of their pages' HTML and of the time it takes to render them, and they depend only on the
definition, the design version, the language and the page (and, for a toggle option, on whether
it is chosen: its cost line reads "uses" or "would use"). Everything that depends on the
respondent's answers (the fields, their errors) is rendered per request around them.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable

from flask import current_app, g
from markupsafe import Markup

from pwe.caching import BoundedCache
from surveys.definition import Option

_FRAGMENTS: BoundedCache[Markup] = BoundedCache(4096)


def _fragment(ctx, template: str, key: tuple[Hashable, ...], **context) -> Markup:
    consultation, lang = ctx.consultation, g.lang
    full_key = (ctx.row.definition_hash, consultation.version_id, lang, ctx.step.page.id, template, *key)

    def render() -> Markup:
        page = current_app.jinja_env.get_template(template)
        return Markup(page.render(c=consultation, lang=lang, page=ctx.step.page, **context))

    return _FRAGMENTS.get(full_key, render)


def about_options(ctx, groups: dict[str, str]) -> Callable[[Option, object], Markup]:
    """What a portfolio template shows per option: (option, its current value) -> HTML."""

    def about(option: Option, value) -> Markup:
        chosen = bool(value) if option.is_toggle else None
        return _fragment(
            ctx, "citizens/_option_about.html", (option.id, chosen), o=option, chosen=chosen, groups=groups
        )

    return about


def pair_tables(ctx, sets: list) -> Callable[[object], Markup]:
    """The table of variants of each set of a pairs page: set -> HTML."""
    attributes = [ctx.consultation.attribute(aid) for aid in ctx.step.page.attributes]

    def table(pair_set) -> Markup:
        return _fragment(
            ctx,
            "citizens/_pair_table.html",
            (pair_set["number"],),
            set=pair_set,
            total=len(sets),
            attributes=attributes,
        )

    return table
