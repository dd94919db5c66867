"""The form of one page, whatever its type: its texts and settings, and its questions (with
their choices), statements, goals, or the pairs page's attributes and sets of variants.

Built from the same fields as the other parts (definition_form.Field), named by their place in
the definition, so the validator's messages land beside them.
"""

from __future__ import annotations

import copy

from flask_babel import lazy_gettext as _l

from pwe.officials.definition_form import (
    Field,
    languages_of,
    new_item,
    pressed,
    read_number,
    read_text,
    set_list,
    set_or_drop,
    text_in,
    update_fields,
    update_items,
)
from surveys.schema import QUESTION_TYPE_KEYS, QUESTION_TYPES

PAGE_FIELDS = (Field("title", _l("Title")), Field("intro", _l("Introduction"), "long"))
SETTINGS = {
    "questions": (),
    "statements": (Field("required", _l("Every statement must be answered"), "flag", default=False),),
    "portfolio": (
        Field(
            "leftover",
            _l("Leftover"),
            "select",
            default="allowed",
            choices=(
                ("allowed", _l("may be left unused")),
                ("must_use_all", _l("every limit used up to its maximum")),
            ),
        ),
        Field(
            "motivation",
            _l("Motivation step: afterwards ask why, for each option"),
            "flag",
            default=False,
        ),
        Field("randomize", _l("Show the options in a random order"), "flag", default=True),
    ),
    "points": (
        Field("total", _l("Points to distribute"), "number"),
        Field("step", _l("Points are given in multiples of"), "number", hint=_l("Empty: 1")),
        Field("must_use_all", _l("Every point must be given"), "flag", default=True),
        Field("randomize", _l("Show the goals in a random order"), "flag", default=True),
    ),
    "pairs": (
        Field(
            "attributes",
            _l("Attributes that describe each variant, in order"),
            "words",
            hint=_l("Attribute ids, comma-separated"),
        ),
        Field("opt_out", _l("Opt-out (e.g. Neither); empty: none")),
        Field("required", _l("Every set must be answered"), "flag", default=True),
    ),
}
# the page's list of items, their fields, and the key of a new item's text
ITEMS = {
    "questions": ("questions", "label"),
    "statements": ("statements", "text"),
    "points": ("goals", "title"),
}
ITEM_FIELDS = {
    "statements": (Field("text", _l("Statement")),),
    "goals": (Field("title", _l("Title")), Field("description", _l("Description"), "long")),
}
QUESTION_FIELDS = (
    Field("label", _l("Question")),
    Field("help", _l("Help text"), "long"),
    Field("required", _l("Must be answered"), "flag", default=False),
)
QUESTION_TYPE_FIELDS = {
    "min": Field("min", _l("Lowest value (number) or fewest choices (multi)"), "number"),
    "max": Field("max", _l("Highest value (number) or most choices (multi)"), "number"),
    "integer": Field("integer", _l("Whole numbers only"), "flag", default=False),
    "max_length": Field("max_length", _l("Most characters"), "number", hint=_l("Empty: 2000")),
}
QUESTION_TYPE_HINTS = {
    "choice": _l("pick one"),
    "multi": _l("pick any number"),
    "number": _l("a number"),
    "text": _l("a free text"),
    "postcode4": _l("a Dutch postcode"),
    "scale": _l("a grade from 0 to 10"),
    "agree": _l("disagree to agree"),
}


def question_type_names() -> tuple[tuple[str, str], ...]:
    """The question types for a select, each with what the respondent does."""
    return tuple((kind, f"{kind}: {QUESTION_TYPE_HINTS[kind]}") for kind in QUESTION_TYPES)


CHOICE_FIELDS = (Field("id", _l("Stored value (id)"), "id"), Field("label", _l("Label")))


def question_fields(question: dict) -> tuple[Field, ...]:
    """The fields a question shows: the common ones and those its type allows."""
    kind = question.get("type")
    return QUESTION_FIELDS + tuple(
        field for key, field in QUESTION_TYPE_FIELDS.items() if kind in QUESTION_TYPE_KEYS[key]
    )


def choice_cells(place: str, choice: dict, languages: list[str]) -> list[tuple[str, str, str | None]]:
    """A choice's row in the table of choices: (field name, value shown, language or None)."""
    cells = [(f"{place}.id", "" if choice.get("id") is None else str(choice.get("id")), None)]
    return cells + [(f"{place}.label.{lang}", text_in(choice.get("label"), lang), lang) for lang in languages]


def money_field(page: dict) -> Field:
    attributes = _list(page.get("attributes"))
    return Field(
        "money",
        _l("The attribute that is an amount of money"),
        "select",
        choices=tuple((a, a) for a in attributes if isinstance(a, str)),
        hint=_l("Then the analysis states every other attribute's worth in it"),
    )


def settings_of(page: dict) -> tuple[Field, ...]:
    fields = PAGE_FIELDS + SETTINGS.get(str(page.get("type")), ())
    return fields + (money_field(page),) if page.get("type") == "pairs" else fields


def update_page(data: dict, page_index: int, form) -> dict:
    """One page: its texts and settings and the items of its type."""
    data = copy.deepcopy(data)
    languages = languages_of(data)
    page = data["pages"][page_index]
    place = f"pages[{page_index}]"
    page_type = page.get("type")
    old_attributes = page.get("attributes")
    update_fields(page, form, place, settings_of(page), languages)
    if page_type in ITEMS:
        key, text_key = ITEMS[page_type]
        if page_type == "questions":
            kept = update_items(
                page.get(key),
                form,
                f"{place}.{key}",
                question_fields,
                languages,
                also=lambda question, at: _question_extras(question, form, at, languages),
                move_within="",
            )
        else:
            kept = update_items(
                page.get(key), form, f"{place}.{key}", ITEM_FIELDS[key], languages, move_within=""
            )
        more = {"type": form.get("new_question_type", "text")} if page_type == "questions" else {}
        added = new_item(form, f"new_{key[:-1]}", languages, text_key, **more)
        if added:
            kept.append(_question_started(added, languages) if page_type == "questions" else added)
        set_list(page, key, kept)
    elif page_type == "pairs":
        set_list(page, "sets", _sets(page, form, place, old_attributes))
    return data


def _question_extras(question: dict, form, place: str, languages: list[str]) -> None:
    """Choices and scale labels, then a changed type (dropping what the new type does not allow)."""
    kind = question.get("type")
    if kind in QUESTION_TYPE_KEYS["choices"]:
        choices = update_items(
            question.get("choices"),
            form,
            f"{place}.choices",
            CHOICE_FIELDS,
            languages,
            move_within=f"{place}.choices",
        )
        added = new_item(form, f"{place}.new_choice", languages, "label")
        if added:
            choices.append(added)
        set_list(question, "choices", choices)
    if kind in QUESTION_TYPE_KEYS["scale_labels"]:
        old = _list(question.get("scale_labels"))
        labels = [
            read_text(form, f"{place}.scale_labels[{i}]", languages, old[i] if i < len(old) else None)
            for i in range(2)
        ]
        set_or_drop(question, "scale_labels", None if labels == [None, None] else labels)
    new_type = form.get(f"{place}.type", "").strip()
    if new_type and new_type != kind:
        question["type"] = new_type
        for key, types in QUESTION_TYPE_KEYS.items():
            if new_type not in types:
                question.pop(key, None)
        _question_started(question, languages)


def _question_started(question: dict, languages: list[str]) -> dict:
    """A choice question needs choices: a new one, or one whose type became choice, gets two."""
    if question.get("type") in QUESTION_TYPE_KEYS["choices"] and not question.get("choices"):
        question["choices"] = [
            {"id": name, "label": {lang: name for lang in languages}} for name in ("a", "b")
        ]
    return question


def _sets(page: dict, form, place: str, old_attributes) -> list:
    """The sets of variants: a number per attribute in each variant; remove a set or a variant,
    add a variant to a set, add a set (a copy of the last one, to be changed). An attribute taken
    off the page leaves every variant; one added gets no number, so the validator asks for it."""
    attributes = [a for a in _list(page.get("attributes")) if isinstance(a, str)]
    changed = old_attributes != page.get("attributes")
    dropped = {a for a in _list(old_attributes) if isinstance(a, str)} - set(attributes) if changed else set()
    sets = _list(page.get("sets"))
    action, target = pressed(form)
    kept = []
    for s, variants in enumerate(sets):
        set_place = f"{place}.sets[{s}]"
        if form.get(f"{set_place}.remove") or not isinstance(variants, list):
            if not form.get(f"{set_place}.remove"):
                kept.append(variants)
            continue
        new_variants = []
        for v, variant in enumerate(variants):
            variant_place = f"{set_place}[{v}]"
            if form.get(f"{variant_place}.remove"):
                continue
            if isinstance(variant, dict):
                for attribute in attributes:
                    set_or_drop(variant, attribute, read_number(form, f"{variant_place}.{attribute}"))
                for attribute in dropped:
                    variant.pop(attribute, None)
            new_variants.append(variant)
        if action == "add_variant" and target == s:
            new_variants.append(dict.fromkeys(attributes, 0))
        kept.append(new_variants)
    if action == "add_set":
        kept.append(copy.deepcopy(kept[-1]) if kept else [dict.fromkeys(attributes, 0) for _ in range(2)])
    return kept


def _list(value) -> list:
    """A list as written, or none when the file has something else there (the validator says)."""
    return value if isinstance(value, list) else []
