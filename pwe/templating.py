"""Jinja filters and helpers shared by the templates."""

from __future__ import annotations

from dataclasses import dataclass

from flask import Flask, current_app, g, get_template_attribute, request, url_for
from flask_babel import gettext as _
from markupsafe import Markup, escape

from pwe.caching import BoundedCache
from pwe.i18n import current_language
from surveys.answers import OPT_OUT
from surveys.definition import Consultation, Option
from surveys.language import LANGUAGES, format_day, format_number, language_name
from surveys.messages import agree_choices


def field_value(value) -> str | list[str]:
    """A stored answer as the string(s) a form field carries, so "1" matches the level 1 and 1.0."""
    if isinstance(value, (list, tuple)):
        return [_field_text(v) for v in value]
    return _field_text(value)


def _field_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def paragraphs(text: str) -> Markup:
    """Definition text to paragraphs separated by blank lines; everything is escaped.

    A folded YAML block (>) turns a blank line into a single newline, a literal block (|) keeps
    it: a text without any blank line is split at its newlines, one with them only there."""
    text = text or ""
    blocks = [b.strip() for b in text.split("\n\n" if "\n\n" in text else "\n") if b.strip()]
    return Markup("".join(f'<p class="utrecht-paragraph">{escape(b)}</p>' for b in blocks))


def level_label(consultation: Consultation, option: Option, level, lang: str) -> str:
    """How a level of an option reads: its label, chosen / not chosen for a toggle, or the number."""
    if option.level_labels and level in option.levels:
        return consultation.text(option.level_labels[list(option.levels).index(level)], lang)
    if option.is_toggle:
        return _("Chosen") if level else _("Not chosen")
    return format_number(level, lang)


def attribute_description(consultation: Consultation, attribute, lang: str) -> str:
    """An attribute's explanation with whether more of it is better or worse, if the definition says."""
    parts = [consultation.text(attribute.description, lang)]
    if attribute.direction:
        better = _("More of this is better.") if attribute.direction > 0 else _("Less of this is better.")
        parts.append(better)
    return " ".join(p for p in parts if p)


@dataclass(frozen=True)
class Identity:
    """Who is behind a page: the consultation's organiser and contact, else the platform's."""

    organiser: str
    contact: str
    slug: str | None  # the consultation whose privacy, cookie and accessibility pages to link


def identity() -> Identity:
    consultation = g.get("consultation")
    lang = current_language()
    own = (lambda text: consultation.text(text, lang)) if consultation else (lambda text: "")
    return Identity(
        own(consultation.organiser if consultation else None)
        or current_app.config.get("PWE_ORGANISATION", ""),
        own(consultation.contact if consultation else None) or current_app.config.get("PWE_CONTACT", ""),
        consultation.id if consultation else None,
    )


# Parts of the layout that are the same on many pages, rendered once per process. A key holds
# everything its part depends on; the request's own path is put in after.
_LAYOUT: BoundedCache[str] = BoundedCache(512)
_PATH = "pwe-path-of-this-page"


def language_switcher(languages, form_id: str | None = None) -> Markup:
    """The languages the page is offered in, each linking to (or, with form_id, a button of that
    form sending to) this page in that language."""
    key = ("languages", tuple(languages), *_languages_of_page(), form_id)

    def render() -> str:
        macro = get_template_attribute("_macros.html", "language_switcher")
        return str(macro(languages, form_id, _PATH))

    return Markup(_LAYOUT.get(key, render).replace(_PATH, str(escape(request.path))))


def footer() -> Markup:
    """Who is behind the page, with the consultation's privacy, cookie and accessibility links."""
    who = identity()
    key = ("footer", who, *_languages_of_page(), request.script_root)
    return Markup(
        _LAYOUT.get(key, lambda: current_app.jinja_env.get_template("_footer.html").render(who=who))
    )


def _languages_of_page() -> tuple[str, str | None]:
    # the platform's words follow the consultation's default where they lack its language
    return current_language(), g.get("lang_default")


def static_url(filename: str) -> str:
    """url_for("static", filename=...), built once per file and mount point."""
    return _LAYOUT.get(
        ("static", filename, request.script_root), lambda: url_for("static", filename=filename)
    )


def init_app(app: Flask) -> None:
    def num(value) -> str:
        return "" if value is None else format_number(value, g.lang)

    def signed(value) -> str:
        return ("+" if value > 0 else "") + num(value)

    def day(value) -> str:
        return format_day(value, g.lang)

    def level_text(option, level) -> str:
        return level_label(g.consultation, option, level, g.lang)

    app.jinja_env.filters.update(
        field_value=field_value, paragraphs=paragraphs, num=num, signed=signed, day=day
    )
    app.jinja_env.globals.update(
        agree_choices=lambda: agree_choices(current_language()),
        level_text=level_text,
        attribute_description=attribute_description,
        language_name=language_name,
        platform_languages=LANGUAGES,
        OPT_OUT=OPT_OUT,
        identity=identity,
        language_switcher=language_switcher,
        footer=footer,
        static_url=static_url,
    )
