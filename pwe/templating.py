"""Jinja filters and helpers shared by the templates."""

from __future__ import annotations

from flask import Flask, g
from markupsafe import Markup, escape

from pwe.i18n import FALLBACK, current_language, t
from surveys.answers import OPT_OUT
from surveys.definition import Consultation, Option
from surveys.messages import AGREE_LABELS, LANGUAGES, format_number


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
        return t("chosen") if level else t("not_chosen")
    return format_number(level, lang)


def attribute_description(consultation: Consultation, attribute, lang: str) -> str:
    """An attribute's explanation with whether more of it is better or worse, if the definition says."""
    parts = [consultation.text(attribute.description, lang)]
    if attribute.direction:
        parts.append(t("more_is_better" if attribute.direction > 0 else "less_is_better"))
    return " ".join(p for p in parts if p)


def init_app(app: Flask) -> None:
    def num(value) -> str:
        return "" if value is None else format_number(value, g.lang)

    def signed(value) -> str:
        return ("+" if value > 0 else "") + num(value)

    def agree_choices() -> list[tuple[str, str]]:
        lang = current_language()
        return [(value, labels.get(lang) or labels[FALLBACK]) for value, labels in AGREE_LABELS.items()]

    def level_text(option, level) -> str:
        return level_label(g.consultation, option, level, g.lang)

    app.jinja_env.filters.update(
        field_value=field_value, paragraphs=paragraphs, num=num, signed=signed, day=day
    )
    app.jinja_env.globals.update(
        agree_choices=agree_choices,
        level_text=level_text,
        attribute_description=attribute_description,
        language_name=lambda code: LANGUAGE_NAMES.get(code, code),
        platform_languages=LANGUAGES,
        OPT_OUT=OPT_OUT,
    )


MONTHS = {
    "nl": (
        "januari",
        "februari",
        "maart",
        "april",
        "mei",
        "juni",
        "juli",
        "augustus",
        "september",
        "oktober",
        "november",
        "december",
    ),
    "en": (
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ),
}


def day(value) -> str:
    """A date as people write it in the request's language: 30 juni 2027 / 30 June 2027."""
    months = MONTHS.get(g.get("lang"), MONTHS["en"])
    return f"{value.day} {months[value.month - 1]} {value.year}"


# each language named in itself, so a reader finds their own language whatever the page shows
LANGUAGE_NAMES = {"nl": "Nederlands", "en": "English", "fy": "Frysk", "de": "Deutsch"}
