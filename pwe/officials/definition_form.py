"""The structured editor's reading and writing of the definition's YAML data, part by part.

Form fields are named by their place in the definition ("constraints[0].max", "title.nl"), the
same places surveys.load names in its messages, so each message lands beside its field. Writing
keeps the file's own text when the data did not change, so a save without changes leaves the
YAML byte for byte as it was.
"""

from __future__ import annotations

import copy
import re
from dataclasses import dataclass
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from surveys.reader import Problem

TEXT_KEYS = ("title", "intro", "privacy", "thanks")
NUMBER_KEYS = ("min_age", "duration_minutes")
PAGE_TYPES = ("questions", "statements", "portfolio", "points", "pairs")


def field_id(place: str) -> str:
    return "f-" + re.sub(r"[^A-Za-z0-9_]+", "-", place).strip("-")


def languages_of(data: dict) -> list[str]:
    languages = data.get("languages")
    return [lang for lang in languages if isinstance(lang, str)] if isinstance(languages, list) else []


def text_in(value: Any, lang: str) -> str:
    if isinstance(value, dict):
        return str(value.get(lang) or "")
    return "" if value is None else str(value)


def item_names(data: dict, key: str, lang: str) -> dict[str, str]:
    """What a form calls each limit or attribute (`key`: "constraints" or "attributes"): its label
    and unit in `lang`, or in the consultation's first language when it has no text in `lang`;
    its id while it has no label."""
    languages = [lang, *languages_of(data)]

    def first_text(value: Any) -> str:
        return next((text for code in languages if (text := text_in(value, code).strip())), "")

    names = {}
    for item in _list(data.get(key)):
        if isinstance(item, dict) and isinstance(item.get("id"), str):
            label, unit = first_text(item.get("label")), first_text(item.get("unit"))
            names[item["id"]] = (f"{label} ({unit})" if unit else label) if label else item["id"]
    return names


def read_text(form, place: str, languages: list[str], old: Any) -> Any:
    """A text from one input per language: a plain string stays one while every language has
    the same words; empty everywhere removes it (None)."""
    values = {lang: _typed(form, f"{place}.{lang}") for lang in languages}
    if not any(values.values()):
        return None
    if all(values[lang] == text_in(old, lang).strip() for lang in languages):
        return old  # unchanged: keep it exactly as written, trailing newline and all
    if not isinstance(old, dict) and len(set(values.values())) == 1:
        return next(iter(values.values()))
    return values


def _typed(form, name: str) -> str:
    """A field's text without surrounding space, with the browser's \r\n line ends as \n."""
    return form.get(name, "").replace("\r\n", "\n").strip()


def read_number(form, place: str) -> Any:
    """A number as typed; text that is no number is kept so the validator names it."""
    text = form.get(place, "").strip().replace(",", ".")
    if text == "":
        return None
    try:
        number = float(text)
    except ValueError:
        return form.get(place, "").strip()
    return int(number) if number.is_integer() and "." not in text else number


def set_list(mapping: dict, key: str, items: list) -> None:
    """A list, left out when it became empty (an empty list written so stays)."""
    if items or isinstance(mapping.get(key), list):
        mapping[key] = items
    else:
        mapping.pop(key, None)


def set_or_drop(mapping: dict, key: str, value: Any) -> None:
    if value is None:
        mapping.pop(key, None)
    else:
        mapping[key] = value


def update_general(data: dict, form) -> dict:
    data = copy.deepcopy(data)
    languages = languages_of(data)
    for key in TEXT_KEYS:
        set_or_drop(data, key, read_text(form, key, languages, data.get(key)))
    for key in NUMBER_KEYS:
        set_or_drop(data, key, read_number(form, key))
    if "languages" in form:
        typed = [code.strip() for code in form["languages"].split(",") if code.strip()]
        if typed != languages:
            data["languages"] = typed
            _drop_languages(data, set(languages) - set(typed), set(languages))
    return data


def _drop_languages(node: Any, dropped: set[str], declared: set[str]) -> None:
    """Take the dropped languages out of every text map (a mapping whose keys are exactly the
    declared languages); a language added gets no text, so the validator lists each to write."""
    if not dropped:
        return
    children = node.values() if isinstance(node, dict) else node if isinstance(node, list) else ()
    for child in children:
        if isinstance(child, dict) and child and set(child) == declared:
            for code in dropped:
                child.pop(code, None)
        else:
            _drop_languages(child, dropped, declared)


@dataclass(frozen=True)
class Field:
    """One key of an item as a form field. `kind`: text (a line per language), long (a text area
    per language), number, flag (a checkbox), select (one of `choices`), id, words (a
    comma-separated list of ids). `default` is the format's own value for a flag or a select:
    choosing it leaves an absent key absent."""

    key: str
    label: str
    kind: str = "text"
    default: Any = None
    choices: tuple = ()
    hint: str | None = None


ID_FIELD = Field(
    "id",
    _l("Id"),
    "id",
    hint=_l("The name in the file and in the exported data; a new id is put in wherever the old one is used"),
)
CONSTRAINT_FIELDS = (
    ID_FIELD,
    Field("label", _l("Label")),
    Field("unit", _l("Unit")),
    Field("description", _l("Description"), "long"),
    Field("min", _l("Minimum"), "number"),
    Field("max", _l("Maximum"), "number"),
)
ATTRIBUTE_FIELDS = (
    ID_FIELD,
    Field("label", _l("Label")),
    Field("unit", _l("Unit")),
    Field("description", _l("Description"), "long"),
    Field(
        "direction",
        _l("Direction"),
        "select",
        default=0,
        choices=((1, _l("more is better")), (0, _l("neither")), (-1, _l("less is better"))),
        hint=_l("For display only"),
    ),
)


def read_field(form, place: str, old: Any, field: Field, languages: list[str]) -> Any:
    """The value of one field as typed; None removes the key."""
    name = f"{place}.{field.key}"
    if field.kind in ("text", "long"):
        return read_text(form, name, languages, old)
    if field.kind == "number":
        return read_number(form, name)
    if field.kind == "flag":
        checked = bool(form.get(name))
        if old is None and checked == field.default:
            return None
        return old if isinstance(old, bool) and old == checked else checked
    if field.kind == "select":
        typed = form.get(name, "").strip()
        value = next((value for value, _ in field.choices if str(value) == typed), typed)
        if typed == "" or (old is None and value == field.default):
            return None
        return old if old == value else value
    if field.kind == "id":
        if name not in form:  # not on the page that was sent (opened before ids were fields)
            return old
        typed = form.get(name, "").strip()
        return (old if str(old) == typed else typed) or None
    if field.kind == "words":
        words = [word.strip() for word in form.get(name, "").split(",") if word.strip()]
        return old if old == words else words or None
    raise ValueError(f"unknown field kind {field.kind}")


def shown_value(item: Any, field: Field) -> Any:
    """What a field shows: the item's value, or the format's default for a select."""
    value = item.get(field.key) if isinstance(item, dict) else None
    if field.kind == "words":
        return ", ".join(map(str, value)) if isinstance(value, list) else (value or "")
    if field.kind == "select" and value is None:
        return field.default
    return value


def update_fields(item: dict, form, place: str, fields, languages: list[str]) -> None:
    for field in fields:
        set_or_drop(item, field.key, read_field(form, place, item.get(field.key), field, languages))


def update_items(
    items: Any, form, list_place: str, fields, languages: list[str], also=None, move_within: str | None = None
) -> list:
    """Each item of a list from its fields (`fields(item)` when it depends on the item), then
    `also(item, place)`; items whose remove box is ticked are left out; unless `move_within` is
    None, the pressed move button of that list (see pressed) moves one."""
    kept = []
    for index, item in enumerate(items if isinstance(items, list) else []):
        place = f"{list_place}[{index}]"
        if form.get(f"{place}.remove"):
            continue
        if isinstance(item, dict):
            update_fields(item, form, place, fields(item) if callable(fields) else fields, languages)
            if also is not None:
                also(item, place)
        kept.append(item)
    if move_within is not None:
        move_item(kept, *pressed(form, move_within))
    return kept


def new_item(form, name: str, languages: list[str], text_key: str, **more) -> dict | None:
    """A new item from the id typed in `name`, its text the id in every language."""
    new_id = form.get(name, "").strip()
    if not new_id:
        return None
    return {"id": new_id, text_key: {lang: new_id for lang in languages}, **more}


def update_list_part(data: dict, form, key: str, fields, new_more: dict) -> dict:
    """A top-level list of texts and numbers (constraints, attributes): edit, rename, remove, add."""
    data = copy.deepcopy(data)
    languages = languages_of(data)
    items = data.get(key)
    ids_before = _ids_by_item(items)
    kept = update_items(items, form, key, fields, languages)
    added = new_item(form, f"new_{key[:-1]}", languages, "label", **new_more)
    if added:
        kept.append(added)
    set_list(data, key, kept)
    rename_all(data, key, renames(data, ids_before, kept, kept, key))
    return data


def _ids_by_item(items: Any) -> dict[int, Any]:
    return (
        {id(item): item.get("id") for item in items if isinstance(item, dict)}
        if isinstance(items, list)
        else {}
    )


class IdTaken(ValueError):
    """Items renamed to ids that others have: the form is shown again with `problems` beside
    their id fields and `data` as typed, and nothing is saved (the uses of the old ids would be
    left pointing at nothing)."""

    def __init__(self, data: dict, problems: list[Problem]):
        super().__init__("; ".join(map(str, problems)))
        self.data, self.problems = data, problems


def renames(
    data: dict, ids_before: dict[int, Any], kept: list, among: list, place: str
) -> list[tuple[str, str]]:
    """(old id, new id) of each item of `kept` (the list at `place`) whose id changed; IdTaken
    when a new id is one another item of `among` has."""
    ids = [item.get("id") for item in among if isinstance(item, dict)]
    found, taken = [], []
    for index, item in enumerate(kept):
        old, new = ids_before.get(id(item)), item.get("id") if isinstance(item, dict) else None
        if not (isinstance(old, str) and isinstance(new, str) and new and old != new):
            continue
        if ids.count(new) > 1:
            message = _("The id %(id)s is already taken; choose another, or keep %(old)s.", id=new, old=old)
            taken.append(Problem(f"{place}[{index}].id", message))
        found.append((old, new))
    if taken:
        raise IdTaken(data, taken)
    return found


def rename_all(data: dict, kind: str, pairs: list[tuple[str, str]]) -> None:
    """Every (old, new) rename at once, through names no id can have, so two items that swap
    ids swap their uses too."""
    for number, (old, _new) in enumerate(pairs):
        rename_references(data, kind, old, f"\0{number}")
    for number, (_old, new) in enumerate(pairs):
        rename_references(data, kind, f"\0{number}", new)


def rename_references(data: dict, kind: str, old: str, new: str) -> None:
    """Put `new` wherever the definition refers to the constraint, attribute or option `old`
    (`kind`: "constraints", "attributes" or "options"): options' use and effects, pairs pages'
    attributes, money attribute and variants, and the design versions' changes."""
    pages = [page for page in _list(data.get("pages")) if isinstance(page, dict)]
    options = [o for page in pages for o in _list(page.get("options")) if isinstance(o, dict)]
    changes = [
        version["changes"]
        for version in _list(data.get("versions"))
        if isinstance(version, dict) and isinstance(version.get("changes"), dict)
    ]
    option_changes = [
        change for version in changes for key, change in version.items() if key != "constraints"
    ]
    option_changes = [change for change in option_changes if isinstance(change, dict)]
    if kind == "constraints":
        for mapping in [o.get("use") for o in options] + [c.get("use") for c in option_changes]:
            _rename_key(mapping, old, new)
        for version in changes:
            _rename_key(version.get("constraints"), old, new)
    elif kind == "attributes":
        for mapping in [o.get("effects") for o in options] + [c.get("effects") for c in option_changes]:
            _rename_key(mapping, old, new)
        for page in pages:
            if page.get("type") != "pairs":
                continue
            if isinstance(page.get("attributes"), list):
                page["attributes"] = [
                    new if attribute == old else attribute for attribute in page["attributes"]
                ]
            if page.get("money") == old:
                page["money"] = new
            for variants in _list(page.get("sets")):
                for variant in _list(variants):
                    _rename_key(variant, old, new)
    elif kind == "options":
        for version in changes:
            _rename_key(version, old, new)


def _list(value: Any) -> list:
    return value if isinstance(value, list) else []


def _rename_key(mapping: Any, old: str, new: str) -> None:
    """The key `old` of the mapping becomes `new`, in its place among the others."""
    if not isinstance(mapping, dict) or old not in mapping or new in mapping:
        return
    items = list(mapping.items())
    mapping.clear()
    mapping.update((new if key == old else key, value) for key, value in items)


def update_constraints(data: dict, form) -> dict:
    return update_list_part(data, form, "constraints", CONSTRAINT_FIELDS, {"max": 0})


def update_attributes(data: dict, form) -> dict:
    return update_list_part(data, form, "attributes", ATTRIBUTE_FIELDS, {})


def update_pages(data: dict, form) -> dict:
    """Reorder (move up/down), remove and add pages."""
    data = copy.deepcopy(data)
    pages = list(data.get("pages") or [])
    action, index = pressed(form)
    if action == "remove" and index is not None and index < len(pages):
        pages.pop(index)
    move_item(pages, action, index)
    if action == "add":
        pages.append(
            new_page(form.get("new_page_id", "").strip(), form.get("new_page_type", ""), languages_of(data))
        )
    data["pages"] = pages
    return data


def pressed(form, within: str = "") -> tuple[str, int | None]:
    """The pressed button: "up:3" -> ("up", 3), "add" -> ("add", None). A button of a list inside
    an item names that list, "up:pages[3].questions[0].choices:2", and counts only `within` it."""
    action, _, target = form.get("action", "").partition(":")
    place, _, index = target.rpartition(":")
    if place != within:
        return action, None
    return action, int(index) if index.isdigit() else None


def move_item(items: list, action: str, index: int | None) -> None:
    """Swap the item at `index` with its neighbour for "up" and "down"."""
    if index is None or index >= len(items):
        return
    other = index - 1 if action == "up" else index + 1 if action == "down" else None
    if other is not None and 0 <= other < len(items):
        items[other], items[index] = items[index], items[other]


def new_page(page_id: str, page_type: str, languages: list[str]) -> dict:
    """A small page of the type, to be filled in (the validator says what is still missing)."""

    def text(value: str) -> dict:
        return {lang: value for lang in languages}

    page: dict = {"id": page_id, "type": page_type, "title": text(page_id)}
    if page_type == "questions":
        page["questions"] = [{"id": f"{page_id}-q1", "type": "text", "label": text("Question")}]
    elif page_type == "statements":
        page["statements"] = [{"id": f"{page_id}-s1", "text": text("Statement")}]
    elif page_type == "portfolio":
        page["options"] = [{"id": f"{page_id}-option", "title": text("Option")}]
    elif page_type == "points":
        page.update(total=100, goals=[{"id": f"{page_id}-goal", "title": text("Goal")}])
    elif page_type == "pairs":
        page.update(attributes=[], sets=[])
    return page


def update_options(data: dict, page_index: int, form) -> dict:
    """The options of one portfolio page: texts, levels and their labels, the default level,
    use, effects, group, pros and cons; move up/down, remove, add."""
    data = copy.deepcopy(data)
    languages = languages_of(data)
    page = data["pages"][page_index]
    options = [o for o in page.get("options") or [] if isinstance(o, dict)]
    constraint_ids = [c.get("id") for c in data.get("constraints") or [] if isinstance(c, dict)]
    attribute_ids = [a.get("id") for a in data.get("attributes") or [] if isinstance(a, dict)]
    ids_before = _ids_by_item(options)
    kept = []
    for index, option in enumerate(options):
        place = f"pages[{page_index}].options[{index}]"
        if form.get(f"{place}.remove"):
            continue
        set_or_drop(option, "id", read_field(form, place, option.get("id"), ID_FIELD, languages))
        for key in ("title", "description"):
            set_or_drop(option, key, read_text(form, f"{place}.{key}", languages, option.get(key)))
        set_or_drop(option, "levels", _levels(form.get(f"{place}.levels", ""), option.get("levels")))
        for key, ids in (("use", constraint_ids), ("effects", attribute_ids)):
            numbers = {name: read_number(form, f"{place}.{key}.{name}") for name in ids}
            set_or_drop(option, key, {k: v for k, v in numbers.items() if v is not None} or None)
        set_or_drop(option, "default", read_number(form, f"{place}.default"))
        set_or_drop(option, "group", form.get(f"{place}.group", "").strip() or None)
        for key in ("level_labels", "pros", "cons"):
            set_or_drop(option, key, _lines(form, f"{place}.{key}", languages, option.get(key)))
        kept.append(option)
    move_item(kept, *pressed(form))
    new_id = form.get("new_option", "").strip()
    if new_id:
        kept.append({"id": new_id, "title": {lang: new_id for lang in languages}})
    page["options"] = kept
    every_option = [
        o for p in _list(data.get("pages")) if isinstance(p, dict) for o in _list(p.get("options"))
    ]
    place = f"pages[{page_index}].options"
    rename_all(data, "options", renames(data, ids_before, kept, every_option, place))
    return data


def _levels(text: str, old: Any) -> Any:
    """Levels as a comma-separated list; "0, 1" (on/off) is the default and is left out."""
    parts = [part.strip() for part in text.split(",") if part.strip()]
    if not parts:
        return None
    numbers = []
    for part in parts:
        try:
            number = float(part)
        except ValueError:
            return parts  # the validator names what is not a number
        numbers.append(int(number) if number.is_integer() and "." not in part else number)
    if numbers == [0, 1] and old is None:
        return None
    return numbers


def _lines(form, place: str, languages: list[str], old: Any) -> Any:
    """Pros, cons or level labels: one per line, a textarea per language; line i of each language
    is item i."""
    per_language = {
        lang: [line.strip() for line in _typed(form, f"{place}.{lang}").splitlines() if line.strip()]
        for lang in languages
    }
    count = max((len(lines) for lines in per_language.values()), default=0)
    if count == 0:
        return None
    old_items = old if isinstance(old, list) else []
    items = []
    for i in range(count):
        texts = {lang: lines[i] if i < len(lines) else "" for lang, lines in per_language.items()}
        previous = old_items[i] if i < len(old_items) else None
        if previous is not None and all(texts[lang] == text_in(previous, lang).strip() for lang in languages):
            items.append(previous)
        elif not isinstance(previous, dict) and len(set(texts.values())) == 1:
            items.append(next(iter(texts.values())))
        else:
            items.append(texts)
    return items


def lines_in(items: Any, lang: str) -> str:
    return "\n".join(text_in(item, lang) for item in items) if isinstance(items, list) else ""
