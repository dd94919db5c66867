"""A validating reader of YAML: every problem collected with its place and the fix, never a crash.

Generic: YAML composition that keeps line numbers and finds repeated keys, `Reader` (the problems
found so far), and readers of numbers, ids, lists and mappings that a format's schema composes
(`Key`, `Shape`). The consultation format's schema is `surveys.schema`.
"""

from __future__ import annotations

import datetime
import difflib
import json
import math
import re
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, Generic, TypeGuard, TypeVar

import yaml

from surveys import yaml_guard

ID_PATTERN = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]*\Z")
# ids become web addresses, form fields and database keys (slug and version: 100 characters)
MAX_ID_LENGTH = 100
# a key or value echoed in a message is cut here, so a hostile file cannot flood the output
ECHO_LENGTH = 80
MAX_MESSAGE_LENGTH = 600
# composing builds no objects, so the fast C parser is as safe as the Python one
COMPOSER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@dataclass(frozen=True)
class Problem:
    """One thing wrong in a definition: where, and what to change."""

    place: str
    message: str

    def __str__(self) -> str:
        return f"{self.place}: {self.message}" if self.place else self.message


# --- YAML ---------------------------------------------------------------------------------------


def parse_yaml(text: str) -> tuple[yaml.Node | None, Any]:
    """The YAML's node tree (which knows lines and repeated keys) and its plain data."""
    root = yaml.compose(text, Loader=COMPOSER)
    yaml_guard.check(root)
    # what yaml.safe_load does, from the nodes already composed: plain data, never objects
    document = yaml.SafeLoader("").construct_document(root) if root is not None else None
    return root, document


def syntax_problem(error: yaml.YAMLError) -> Problem:
    if not isinstance(error, yaml.MarkedYAMLError) or not (mark := error.problem_mark or error.context_mark):
        return Problem("", "not valid YAML: " + " ".join(str(error).split()))
    context = f" ({error.context})" if error.context else ""
    return Problem(
        f"line {mark.line + 1}, column {mark.column + 1}",
        f"YAML syntax error: {error.problem}{context}. Check the indentation, and put texts that "
        'contain ": " or " #" in quotes.',
    )


def _line(node: yaml.Node) -> str:
    return f"line {node.start_mark.line + 1}, column {node.start_mark.column + 1}"


def duplicate_keys(node: yaml.Node | None, seen_nodes: set[int]) -> list[Problem]:
    """Keys repeated within one mapping: YAML would silently keep only the last one."""
    if node is None or id(node) in seen_nodes or isinstance(node, yaml.ScalarNode):
        return []
    seen_nodes.add(id(node))
    found: list[Problem] = []
    if isinstance(node, yaml.MappingNode):
        first_places: dict[tuple[str, str], str] = {}
        for key_node, value_node in node.value:
            key = (key_node.tag, str(key_node.value))
            if key in first_places:
                found.append(
                    Problem(
                        _line(key_node),
                        (
                            f'the key "{shown(key_node.value)}" appears twice in this mapping (first at '
                            f"{first_places[key]}); YAML would keep only the last, so remove one"
                        ),
                    )
                )
            first_places.setdefault(key, _line(key_node))
            found += duplicate_keys(value_node, seen_nodes)
    else:
        for child in node.value:
            found += duplicate_keys(child, seen_nodes)
    return found


# --- the reader and its basic readers -------------------------------------------------------------


class Reader:
    """Walks the parsed YAML, collecting problems.

    `scope_reasons`: each scope in which ids must be unique, with the reason a message gives;
    "list" is one list, any other scope spans the whole file (a format adds its own).
    """

    scope_reasons: dict[str, str] = {"list": "the ids in a list must differ"}

    def __init__(self) -> None:
        self.problems: list[Problem] = []
        # file-wide id scopes: id -> place of the item that has it
        self.scopes: dict[str, dict[str, str]] = {
            scope: {} for scope in self.scope_reasons if scope != "list"
        }

    def report(self, place: str, message: str) -> None:
        # the last bound on what a hostile file can make a message echo
        if len(message) > MAX_MESSAGE_LENGTH:
            message = message[: MAX_MESSAGE_LENGTH - 1] + "…"
        self.problems.append(Problem(place, message))

    def mark(self) -> int:
        return len(self.problems)

    def clean_since(self, mark: int) -> bool:
        return len(self.problems) == mark

    def expect(self, ok: bool, value: Any, place: str, wanted: str, text_wanted: bool = False) -> bool:
        """Report `must be <wanted>, got <value>` unless ok."""
        if not ok:
            self.report(place, f"must be {wanted}, got {describe(value, text_wanted)}")
        return ok


# the readers a schema's functions need: Reader itself, or a subclass that knows more of the file
R = TypeVar("R", bound=Reader)
R_contra = TypeVar("R_contra", bound=Reader, contravariant=True)

Read = Callable[[R, Any, str], Any]  # returns the value read, or None after reporting


def describe(value: Any, text_wanted: bool = False) -> str:
    """A value as an official would recognise it in their file."""
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        hint = (
            " (YAML reads yes, no, on, off, true and false as true or false; put it in quotes)"
            if text_wanted
            else ""
        )
        return ("true" if value else "false") + hint
    if isinstance(value, (int, float)):
        return f"{value!r}; put it in quotes" if text_wanted else repr(value)
    if isinstance(value, str):
        quoted = json.dumps(value if len(value) <= 40 else value[:37] + "...", ensure_ascii=False)
        # invisible format characters (bidi overrides, zero widths) shown as escapes, so a
        # message cannot be reordered or hide what the file holds
        return "".join(f"\\u{ord(c):04x}" if unicodedata.category(c) == "Cf" else c for c in quoted)
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, (datetime.date, datetime.datetime)):
        return f"a date ({value}); put it in quotes"
    return f"a {type(value).__name__}"


def at(place: str, key: Any) -> str:
    return f"{place}.{shown(key)}" if place else shown(key)


def shown(key: Any) -> str:
    """A key as a message shows it: a very long one cut short, an empty one as ""."""
    text = str(key)
    if len(text) > ECHO_LENGTH:
        text = text[: ECHO_LENGTH - 1] + "…"
    return text if text.strip() else json.dumps(text)


def is_number(value: Any) -> TypeGuard[int | float]:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


def suggestion(word: Any, choices: Iterable[str]) -> str:
    close = difflib.get_close_matches(str(word), list(choices), n=1)
    return f'did you mean "{close[0]}"? ' if close else ""


def unknown_reference(what: str, key: Any, known: Iterable[str]) -> str:
    known = list(known)
    listed = f"known {what}s: {', '.join(known)}" if known else f"no {what}s are declared"
    return f'unknown {what} "{shown(key)}"; {suggestion(shown(key), known)}{listed}'


def read_number(reader: Reader, value: Any, place: str) -> Any:
    return value if reader.expect(is_number(value), value, place, "a number") else None


def read_bool(reader: Reader, value: Any, place: str) -> Any:
    return value if reader.expect(isinstance(value, bool), value, place, "true or false") else None


def whole(low: int, high: int | None = None) -> Read[Reader]:
    """A reader of whole numbers from `low` (to `high`)."""
    wanted = (
        f"a whole number from {low} to {high}"
        if high is not None
        else "a positive whole number"
        if low == 1
        else f"a whole number of at least {low}"
    )

    def read_whole(reader: Reader, value: Any, place: str) -> Any:
        ok = (
            isinstance(value, int)
            and not isinstance(value, bool)
            and value >= low
            and (high is None or value <= high)
        )
        return value if reader.expect(ok, value, place, wanted) else None

    return read_whole


def one_of(*allowed: Any) -> Read[Reader]:
    """A reader accepting only the given values (of the same type: true is not 1)."""

    def read_one_of(reader: Reader, value: Any, place: str) -> Any:
        if any(type(value) is type(option) and value == option for option in allowed):
            return value
        listed = ", ".join(str(option) for option in allowed)
        hint = suggestion(value, map(str, allowed)) if isinstance(value, str) else ""
        reader.report(
            place, f"must be one of {listed}, got {describe(value)}" + (f"; {hint.strip()}" if hint else "")
        )
        return None

    return read_one_of


def read_string(reader: Reader, value: Any, place: str) -> Any:
    if not reader.expect(isinstance(value, str), value, place, "a text", text_wanted=True):
        return None
    if not value.strip():
        reader.report(place, "must not be empty")
        return None
    return value


def read_id(reader: Reader, value: Any, place: str, pattern: re.Pattern = ID_PATTERN) -> Any:
    if not reader.expect(isinstance(value, str), value, place, "an id in quotes", text_wanted=True):
        return None
    if len(value) > MAX_ID_LENGTH:
        reader.report(
            place,
            f"{describe(value)} is {len(value)} characters long; an id may have at most {MAX_ID_LENGTH}",
        )
        return None
    if not pattern.match(value):
        allowed = '"_", ".", "+" and "-"' if "+" in pattern.pattern else '"_", "." and "-"'
        reader.report(
            place,
            f"{describe(value)} is not a valid id: start with a letter or digit, "
            f"then use only letters, digits, {allowed}",
        )
        return None
    return value


# --- lists and mappings -----------------------------------------------------------------------


def read_list(
    reader: R,
    value: Any,
    place: str,
    read_item: Read[R],
    *,
    min_items: int = 1,
    max_items: int | None = None,
    scope: str | None = None,
    partial: bool = False,
) -> tuple | None:
    """The items read, ids unique in `scope` (one of the reader's `scope_reasons`).

    None when an item is bad, so checks across keys see no shortened list; with `partial`, the
    good items (the pages' own checks still run when one page is bad).
    """
    if not reader.expect(isinstance(value, list), value, place, "a list"):
        return None
    if not _check_size(reader, len(value), place, min_items, max_items):
        return None
    if scope:
        first_places = {} if scope == "list" else reader.scopes[scope]
        _check_unique_ids(reader, value, place, first_places, reader.scope_reasons[scope])
    mark = reader.mark()
    items = (read_item(reader, node, f"{place}[{index}]") for index, node in enumerate(value))
    good_items = tuple(item for item in items if item is not None)
    return good_items if partial or reader.clean_since(mark) else None


def _check_size(reader: Reader, size: int, place: str, min_items: int, max_items: int | None) -> bool:
    if size == 0 and min_items == 1:
        reader.report(place, "must not be empty; give at least one item")
    elif size < min_items or (max_items is not None and size > max_items):
        wanted = f"exactly {min_items}" if min_items == max_items else f"at least {min_items}"
        reader.report(place, f"must have {wanted} items, got {size}")
    else:
        return True
    return False


def list_of(
    read_item: Read[R],
    min_items: int = 1,
    max_items: int | None = None,
    scope: str | None = None,
    partial: bool = False,
) -> Read[R]:
    def read_items(reader: R, value: Any, place: str) -> tuple | None:
        return read_list(
            reader,
            value,
            place,
            read_item,
            min_items=min_items,
            max_items=max_items,
            scope=scope,
            partial=partial,
        )

    return read_items


def _check_unique_ids(
    reader: Reader, nodes: list, place: str, first_places: dict[str, str], why: str
) -> None:
    for index, node in enumerate(nodes):
        identifier = node.get("id") if isinstance(node, dict) else None
        if not isinstance(identifier, str):
            continue
        item_place = f"{place}[{index}]"
        if identifier in first_places:
            reader.report(
                at(item_place, "id"),
                f'the id "{identifier}" is already used by {first_places[identifier]}; {why}',
            )
        first_places.setdefault(identifier, item_place)


def raw_ids(nodes: Any) -> tuple[str, ...]:
    """The string ids of a list of mappings as written, whatever else is wrong with them."""
    if not isinstance(nodes, list):
        return ()
    ids = (n["id"] for n in nodes if isinstance(n, dict) and isinstance(n.get("id"), str))
    return tuple(dict.fromkeys(ids))


@dataclass(frozen=True)
class Key(Generic[R_contra]):
    """One key a mapping may have: how to read its value, and whether it must be there."""

    read: Read[R_contra] | None  # None: read by the mapping's check, which needs other keys first
    required: bool = False


class Fields(dict):
    """The valid values of a mapping's keys, and the mapping as written (`node`)."""

    def __init__(self, node: dict):
        super().__init__()
        self.node = node


def read_fields(reader: R, node: Any, place: str, keys: dict[str, Key[R]]) -> Fields | None:
    """The valid values of a mapping's keys; None (reported) when it is not a mapping."""
    if not reader.expect(isinstance(node, dict), node, place, "a mapping (key: value lines)"):
        return None
    for name in node:
        if name not in keys:
            reader.report(
                at(place, name),
                f'unknown key "{shown(name)}"; '
                f"{suggestion(shown(name), keys)}"
                f"allowed keys: {', '.join(keys)}",
            )
    values = Fields(node)
    for name, key in keys.items():
        if name not in node:
            if key.required:
                reader.report(at(place, name), "is required")
        elif key.read is not None:
            value = key.read(reader, node[name], at(place, name))
            if value is not None:
                values[name] = value
    return values


Check = Callable[[R, Fields, str], None]


@dataclass(frozen=True)
class Shape(Generic[R]):
    """A mapping in the file that becomes a dataclass: its keys, and checks across keys."""

    cls: type
    keys: dict[str, Key[R]]
    check: Check[R] | None = None

    def __call__(self, reader: R, node: Any, place: str) -> Any:
        mark = reader.mark()
        values = read_fields(reader, node, place, self.keys)
        if values is None:
            return None
        if self.check:
            self.check(reader, values, place)
        return self.cls(**values) if reader.clean_since(mark) else None


ReadEntry = Callable[[R, Any, Any, str], None]  # (reader, key, value, place)


def read_keyed(reader: R, value: Any, place: str, wanted: str, read_entry: ReadEntry[R]) -> Any:
    """A mapping keyed by ids, each entry checked by `read_entry`; None when any is bad."""
    if not reader.expect(isinstance(value, dict), value, place, wanted):
        return None
    mark = reader.mark()
    for key, entry in value.items():
        read_entry(reader, key, entry, at(place, key))
    return dict(value) if reader.clean_since(mark) else None


def read_number_map(reader: Reader, value: Any, place: str, known: tuple[str, ...] | None, what: str) -> Any:
    """{id: number} where each id is one of `known` (a `what`; None: any id)."""

    def read_entry(reader: Reader, key: Any, number: Any, entry_place: str) -> None:
        if known is not None and key not in known:
            reader.report(entry_place, unknown_reference(what, key, known))
        read_number(reader, number, entry_place)

    return read_keyed(reader, value, place, f"a mapping of {what} ids to numbers", read_entry)


def check_min_max(reader: Reader, values: dict, place: str) -> None:
    low, high = values.get("min"), values.get("max")
    if is_number(low) and is_number(high) and low > high:
        reader.report(at(place, "min"), f"min {low} is above max {high}; lower min or raise max")
