"""The design versions' form: for each version, the numbers it changes (the limits' min and max,
each option's use and effects); an empty field keeps the file's number. Versions are added,
removed and reordered like the other lists; the helper (versions_routes) generates them."""

from __future__ import annotations

import copy
from dataclasses import dataclass
from typing import Any

from flask_babel import lazy_gettext as _l

from pwe.officials.definition_form import move_item, pressed, read_number, set_list, set_or_drop

# a number's label, translated when the form is shown
_BOUNDS = {
    "min": lambda limit: _l("minimum of %(limit)s", limit=limit),
    "max": lambda limit: _l("maximum of %(limit)s", limit=limit),
}
_ENTRIES = {
    "use": lambda limit: _l("use of %(limit)s", limit=limit),
    "effects": lambda attribute: _l("effect on %(attribute)s", attribute=attribute),
}


@dataclass(frozen=True)
class Row:
    """One number a version may change: the file's value and each version's field."""

    group: str  # "Limits" or the option's id
    label: Any  # a lazily translated text
    base: Any  # the file's number
    fields: list[tuple[str, Any]]  # per version: the field's name (its place), the version's number


def _mapping(value: Any) -> dict:
    return value if isinstance(value, dict) else {}


def _dicts(items: Any) -> list[dict]:
    return [item for item in items or [] if isinstance(item, dict)] if isinstance(items, list) else []


def changeable(data: dict) -> list[tuple[list[str], Any, Any]]:
    """Every number a version may change, as (path under `changes`, label, the file's number):
    each limit's min and max, then per option of the portfolio pages the uses and effects it has
    in the file or in any version."""
    numbers: list[tuple[list[str], Any, Any]] = []
    for constraint in _dicts(data.get("constraints")):
        for bound in ("min", "max"):
            numbers.append(
                (
                    ["constraints", str(constraint.get("id")), bound],
                    _BOUNDS[bound](constraint.get("id")),
                    constraint.get(bound),
                )
            )
    versions = _dicts(data.get("versions"))
    for page in _dicts(data.get("pages")):
        if page.get("type") != "portfolio":
            continue
        for option in _dicts(page.get("options")):
            option_id = str(option.get("id"))
            for kind in ("use", "effects"):
                entries = list(_mapping(option.get(kind)))
                for version in versions:
                    changed = _mapping(_mapping(_mapping(version.get("changes")).get(option_id)).get(kind))
                    entries += [entry for entry in changed if entry not in entries]
                for entry in entries:
                    numbers.append(
                        (
                            [option_id, kind, str(entry)],
                            _ENTRIES[kind](entry),
                            _mapping(option.get(kind)).get(entry),
                        )
                    )
    return numbers


def rows(data: dict) -> list[Row]:
    """The table of the form: a row per changeable number, a column per version."""
    versions = [v if isinstance(v, dict) else {} for v in data.get("versions") or []]
    table = []
    for path, label, base in changeable(data):
        fields = []
        for index, version in enumerate(versions):
            current: Any = _mapping(version.get("changes"))
            for key in path:
                current = current.get(key) if isinstance(current, dict) else None
            fields.append((f"versions[{index}].changes." + ".".join(path), current))
        group = "Limits" if path[0] == "constraints" else path[0]
        table.append(Row(group, label, base, fields))
    return table


def update_versions(data: dict, form) -> dict:
    """Each version's changed numbers; remove, move up/down, add a version."""
    data = copy.deepcopy(data)
    numbers = changeable(data)
    kept = []
    for index, version in enumerate(data.get("versions") or []):
        place = f"versions[{index}]"
        if form.get(f"{place}.remove"):
            continue
        if isinstance(version, dict) and isinstance(version.get("changes", {}), dict):
            old = version.get("changes")
            changes = copy.deepcopy(old) if old is not None else {}
            for path, _, _ in numbers:
                _put(changes, path, read_number(form, f"{place}.changes." + ".".join(path)))
            _prune(changes, old)
            set_or_drop(version, "changes", changes if changes or old is not None else None)
        kept.append(version)
    move_item(kept, *pressed(form))
    new_id = form.get("new_version", "").strip()
    if new_id:
        kept.append({"id": new_id, "changes": {}})
    set_list(data, "versions", kept)
    return data


def _put(changes: dict, path: list[str], value: Any) -> None:
    """Set (or, for None, remove) the number at `path`, making the mappings on the way; a part
    that is not a mapping is left for the validator to name."""
    node = changes
    for key in path[:-1]:
        if key not in node:
            if value is None:
                return
            node[key] = {}
        if not isinstance(node[key], dict):
            return
        node = node[key]
    set_or_drop(node, path[-1], value)


def _prune(node: dict, old: Any) -> None:
    """Drop the mappings this save emptied; an empty one that was written so stays."""
    for key in list(node):
        if isinstance(node[key], dict):
            before = old.get(key) if isinstance(old, dict) else None
            _prune(node[key], before)
            if not node[key] and before != {}:
                del node[key]
