"""What an option card says about its option, rendered once per process.

A portfolio page shows every option with its texts, costs, effects, pros and cons: most of the
page's HTML and of the time it takes to render, and the same for every respondent who sees that
version in that language. Only whether a toggle is chosen changes it (the cost line reads "uses"
or "would use"), so that is part of the key.
"""

from __future__ import annotations

from collections.abc import Callable

from flask import current_app, g
from markupsafe import Markup

from pwe.caching import BoundedCache
from surveys.definition import Option

_ABOUT: BoundedCache[Markup] = BoundedCache(4096)
TEMPLATE = "citizens/_option_about.html"


def about_options(ctx, groups: dict[str, str]) -> Callable[[Option, object], Markup]:
    """The function a portfolio template calls per option: (option, its current value) -> HTML."""
    consultation, page, lang = ctx.consultation, ctx.step.page, g.lang
    base = (ctx.row.definition_hash, consultation.version_id, lang, page.id)

    def about(option: Option, value) -> Markup:
        chosen = bool(value) if option.is_toggle else None

        def render() -> Markup:
            template = current_app.jinja_env.get_template(TEMPLATE)
            return Markup(template.render(c=consultation, o=option, lang=lang, chosen=chosen, groups=groups))

        return _ABOUT.get((*base, option.id, chosen), render)

    return about
