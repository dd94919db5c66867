"""Read a consultation definition (YAML) into `surveys.definition` objects.

Every problem in a file is collected, each with its place ("pages[2].options[3].use.budget") and a
message that says how to fix it; `parse` raises one DefinitionError listing them all. The format is
documented in docs/format.md; the keys each mapping allows are declared once, as data, in `SHAPES`.
"""
from __future__ import annotations

import datetime
import difflib
import hashlib
import json
import math
import re
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import Any

import yaml

from surveys.definition import (
    Attribute,
    Choice,
    Constraint,
    Consultation,
    Goal,
    Option,
    PairsPage,
    PointsPage,
    PortfolioPage,
    Question,
    QuestionsPage,
    Statement,
    StatementsPage,
    Text,
    Version,
)
from surveys import yaml_guard
from surveys.versions import apply_changes, constraints_used

ID_PATTERN = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]*\Z")
# ids become web addresses, form fields and database keys (slug and version: 100 characters)
MAX_ID_LENGTH = 100
# a key or value echoed in a message is cut here, so a hostile file cannot flood the output
ECHO_LENGTH = 80
MAX_MESSAGE_LENGTH = 600
# a choice id is only ever an answer's value, never a field name, so "55+" may be one
CHOICE_ID_PATTERN = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.+-]*\Z")
SLUG_PATTERN = re.compile(r"[a-z0-9][a-z0-9-]*\Z")
LANGUAGE_PATTERN = re.compile(r"[a-z]{2}\Z")
# the web forms use these names themselves; "constraints" is the versions' key for constraint changes
RESERVED_IDS = frozenset({"csrf_token", "action", "lang", "constraints"})
RESERVED_PREFIXES = ("why-", "set-")
QUESTION_TYPES = ("choice", "multi", "number", "text", "postcode4", "scale", "agree")
# keys a question may only have for some types
QUESTION_TYPE_KEYS = {
    "choices": ("choice", "multi"),
    "min": ("number", "multi"),
    "max": ("number", "multi"),
    "integer": ("number",),
    "max_length": ("text",),
    "scale_labels": ("scale",),
}
# composing builds no objects, so the fast C parser is as safe as the Python one
COMPOSER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
# above this many reachable use totals the feasibility check falls back to per-constraint bounds
REACHABLE_LIMIT = 200_000


@dataclass(frozen=True)
class Problem:
    """One thing wrong in a definition: where, and what to change."""

    place: str
    message: str

    def __str__(self) -> str:
        return f"{self.place}: {self.message}" if self.place else self.message


class DefinitionError(Exception):
    """A definition with problems; str() lists every one, one per line, prefixed by the source."""

    def __init__(self, problems: Iterable[Problem], source: str = "<string>"):
        self.problems = list(problems)
        self.source = source
        super().__init__(self.problems, source)

    def __str__(self) -> str:
        return "\n".join(f"{self.source}: {problem}" for problem in self.problems)


def parse(text: str, source: str = "<string>") -> Consultation:
    """The consultation defined by `text`; raises DefinitionError listing all its problems."""
    consultation, found = _read(text)
    if found:
        raise DefinitionError(found, source)
    return consultation


def load(path) -> Consultation:
    """The consultation defined in the file at `path` (UTF-8)."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        reason = getattr(error, "strerror", None) or str(error)
        raise DefinitionError([Problem("", f"cannot read the file: {reason}")], str(path)) from error
    return parse(text, source=str(path))


def problems(text: str) -> list[Problem]:
    """Every problem in `text`; [] when it defines a valid consultation."""
    return _read(text)[1]


def definition_hash(text: str) -> str:
    """SHA-256 (hex) of the exact text, to recognise a definition stored verbatim."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _read(text: str) -> tuple[Consultation | None, list[Problem]]:
    try:
        root, document = _parse_yaml(text)
    except yaml.YAMLError as error:
        return None, [_syntax_problem(error)]
    except yaml_guard.Refused as error:
        return None, [Problem(error.place, error.message)]
    except RecursionError:
        return None, [Problem("", "lists or mappings are nested too deeply to read; a definition "
                                  "needs a few levels, not hundreds")]
    reader = Reader()
    reader.problems += _duplicate_keys(root, set())
    consultation = read_consultation(reader, document)
    return (consultation if not reader.problems else None), reader.problems


# --- YAML ---------------------------------------------------------------------------------------

def _parse_yaml(text: str) -> tuple[yaml.Node | None, Any]:
    """The YAML's node tree (which knows lines and repeated keys) and its plain data."""
    root = yaml.compose(text, Loader=COMPOSER)
    yaml_guard.check(root)
    # what yaml.safe_load does, from the nodes already composed: plain data, never objects
    document = yaml.SafeLoader("").construct_document(root) if root is not None else None
    return root, document


def _syntax_problem(error: yaml.YAMLError) -> Problem:
    mark = getattr(error, "problem_mark", None) or getattr(error, "context_mark", None)
    if mark is None:
        return Problem("", "not valid YAML: " + " ".join(str(error).split()))
    context = f" ({error.context})" if error.context else ""
    return Problem(
        f"line {mark.line + 1}, column {mark.column + 1}",
        f"YAML syntax error: {error.problem}{context}. Check the indentation, and put texts that "
        'contain ": " or " #" in quotes.',
    )


def _line(node: yaml.Node) -> str:
    return f"line {node.start_mark.line + 1}, column {node.start_mark.column + 1}"


def _duplicate_keys(node: yaml.Node | None, seen_nodes: set[int]) -> list[Problem]:
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
                found.append(Problem(_line(key_node), (
                    f'the key "{shown(key_node.value)}" appears twice in this mapping (first at '
                    f"{first_places[key]}); YAML would keep only the last, so remove one"
                )))
            first_places.setdefault(key, _line(key_node))
            found += _duplicate_keys(value_node, seen_nodes)
    else:
        for child in node.value:
            found += _duplicate_keys(child, seen_nodes)
    return found


# --- the reader and its basic readers -------------------------------------------------------------

class Reader:
    """Walks the parsed YAML, collecting problems; remembers what later parts refer to."""

    def __init__(self) -> None:
        self.problems: list[Problem] = []
        self.languages: tuple[str, ...] = ()
        # raw ids, known before their lists are read, so references are checked even if an item is bad
        self.attribute_ids: tuple[str, ...] = ()
        self.constraint_ids: tuple[str, ...] = ()
        self.option_ids: tuple[str, ...] = ()
        self.constraints: dict[str, Constraint] = {}
        # file-wide id scopes: id -> place of the item that has it
        self.scopes: dict[str, dict[str, str]] = {"pages": {}, "answers": {}}

    def report(self, place: str, message: str) -> None:
        # the last bound on what a hostile file can make a message echo
        if len(message) > MAX_MESSAGE_LENGTH:
            message = message[:MAX_MESSAGE_LENGTH - 1] + "…"
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


Read = Callable[[Reader, Any, str], Any]   # returns the value read, or None after reporting


def describe(value: Any, text_wanted: bool = False) -> str:
    """A value as an official would recognise it in their file."""
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        hint = (" (YAML reads yes, no, on, off, true and false as true or false; put it in quotes)"
                if text_wanted else "")
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
        text = text[:ECHO_LENGTH - 1] + "…"
    return text if text.strip() else json.dumps(text)


def is_number(value: Any) -> bool:
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


def whole(low: int, high: int | None = None) -> Read:
    """A reader of whole numbers from `low` (to `high`)."""
    wanted = (f"a whole number from {low} to {high}" if high is not None
              else "a positive whole number" if low == 1 else f"a whole number of at least {low}")

    def read_whole(reader: Reader, value: Any, place: str) -> Any:
        ok = (isinstance(value, int) and not isinstance(value, bool) and value >= low
              and (high is None or value <= high))
        return value if reader.expect(ok, value, place, wanted) else None

    return read_whole


def one_of(*allowed: Any) -> Read:
    """A reader accepting only the given values (of the same type: true is not 1)."""
    def read_one_of(reader: Reader, value: Any, place: str) -> Any:
        if any(type(value) is type(option) and value == option for option in allowed):
            return value
        listed = ", ".join(str(option) for option in allowed)
        hint = suggestion(value, map(str, allowed)) if isinstance(value, str) else ""
        reader.report(place, f"must be one of {listed}, got {describe(value)}"
                             + (f"; {hint.strip()}" if hint else ""))
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
        reader.report(place, f"{describe(value)} is {len(value)} characters long; an id may have "
                             f"at most {MAX_ID_LENGTH}")
        return None
    if not pattern.match(value):
        allowed = '"_", ".", "+" and "-"' if "+" in pattern.pattern else '"_", "." and "-"'
        reader.report(place, f"{describe(value)} is not a valid id: start with a letter or digit, "
                             f"then use only letters, digits, {allowed}")
        return None
    return value


def read_choice_id(reader: Reader, value: Any, place: str) -> Any:
    return read_id(reader, value, place, CHOICE_ID_PATTERN)


def read_field_id(reader: Reader, value: Any, place: str) -> Any:
    """An id the platform also uses as a form field or export column, so some names are taken."""
    identifier = read_id(reader, value, place)
    if identifier in RESERVED_IDS or str(identifier).startswith(RESERVED_PREFIXES):
        reader.report(place, f'the id "{identifier}" is reserved (the platform uses "csrf_token", '
                             '"action", "lang", "constraints" and ids starting with "why-" or '
                             '"set-" itself); choose another')
        return None
    return identifier


def read_slug(reader: Reader, value: Any, place: str) -> Any:
    ok = isinstance(value, str) and len(value) <= MAX_ID_LENGTH and bool(SLUG_PATTERN.match(value))
    wanted = (f'a slug for the web address of at most {MAX_ID_LENGTH} characters: lowercase '
              'letters, digits and "-", like "ruimte-2050"')
    return value if reader.expect(ok, value, place, wanted, text_wanted=True) else None


def read_languages(reader: Reader, value: Any, place: str) -> Any:
    """The declared languages; texts are checked against them only when they are all valid."""
    mark = reader.mark()
    codes = read_list(reader, value, place, read_language)
    if codes is None:
        return None
    for index, code in enumerate(value):
        if isinstance(code, str) and value.index(code) < index:
            reader.report(f"{place}[{index}]", f'"{code}" is listed twice; list each language once')
    if reader.clean_since(mark):
        reader.languages = codes
    return codes


def read_language(reader: Reader, value: Any, place: str) -> Any:
    ok = isinstance(value, str) and bool(LANGUAGE_PATTERN.match(value))
    wanted = 'a two-letter language code such as "nl" or "en"'
    return value if reader.expect(ok, value, place, wanted, text_wanted=True) else None


# --- texts ----------------------------------------------------------------------------------------

def read_text(reader: Reader, value: Any, place: str) -> Text | None:
    """A plain string (the same words in every language) or a {language: text} map."""
    if isinstance(value, dict):
        return _read_text_map(reader, value, place)
    if isinstance(value, list):
        reader.report(place, "must be a text or a map of texts per language ({nl: ..., en: ...}), "
                             "got a list")
        return None
    text = read_string(reader, value, place)
    return Text(neutral=text) if text is not None else None


def _read_text_map(reader: Reader, value: dict, place: str) -> Text | None:
    mark = reader.mark()
    declared = reader.languages
    for language, text in value.items():
        if declared and language not in declared:
            reader.report(at(place, language), f'the language "{shown(language)}" is not declared '
                                               f"in languages ({', '.join(declared)}); add it there "
                                               "or remove this text")
        else:
            read_string(reader, text, at(place, language))
    for language in declared:
        if language not in value:
            reader.report(place, f'has no text in "{language}"; add {language}: "...", or give a '
                                 "plain string for the same words in every language")
    if not reader.clean_since(mark):
        return None
    return Text(by_lang={language: value[language] for language in declared or value})


# --- lists and mappings -----------------------------------------------------------------------

def read_list(reader: Reader, value: Any, place: str, read_item: Read, *, min_items: int = 1,
              max_items: int | None = None, scope: str | None = None,
              partial: bool = False) -> tuple | None:
    """The items read, ids unique in `scope` ("pages", "answers" or "list").

    None when an item is bad, so checks across keys see no shortened list; with `partial`, the
    good items (the pages' own checks still run when one page is bad).
    """
    if not reader.expect(isinstance(value, list), value, place, "a list"):
        return None
    if not _check_size(reader, len(value), place, min_items, max_items):
        return None
    if scope:
        first_places = {} if scope == "list" else reader.scopes[scope]
        _check_unique_ids(reader, value, place, first_places, UNIQUE_WHY[scope])
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


def list_of(read_item: Read, min_items: int = 1, max_items: int | None = None,
            scope: str | None = None, partial: bool = False) -> Read:
    def read_items(reader: Reader, value: Any, place: str) -> tuple | None:
        return read_list(reader, value, place, read_item, min_items=min_items,
                         max_items=max_items, scope=scope, partial=partial)

    return read_items


UNIQUE_WHY = {
    "list": "the ids in a list must differ",
    "pages": "the pages' ids must differ",
    "answers": "questions, statements, options and goals share one set of ids in the whole file, "
               "because they name the answers and the export's columns",
}


def _check_unique_ids(reader: Reader, nodes: list, place: str, first_places: dict[str, str],
                      why: str) -> None:
    for index, node in enumerate(nodes):
        identifier = node.get("id") if isinstance(node, dict) else None
        if not isinstance(identifier, str):
            continue
        item_place = f"{place}[{index}]"
        if identifier in first_places:
            reader.report(at(item_place, "id"), f'the id "{identifier}" is already used by '
                                                f"{first_places[identifier]}; {why}")
        first_places.setdefault(identifier, item_place)


def raw_ids(nodes: Any) -> tuple[str, ...]:
    """The string ids of a list of mappings as written, whatever else is wrong with them."""
    if not isinstance(nodes, list):
        return ()
    ids = (n["id"] for n in nodes if isinstance(n, dict) and isinstance(n.get("id"), str))
    return tuple(dict.fromkeys(ids))


@dataclass(frozen=True)
class Key:
    """One key a mapping may have: how to read its value, and whether it must be there."""

    read: Read | None     # None: read by the mapping's check, which needs other keys first
    required: bool = False


class Fields(dict):
    """The valid values of a mapping's keys, and the mapping as written (`node`)."""

    def __init__(self, node: dict):
        super().__init__()
        self.node = node


def read_fields(reader: Reader, node: Any, place: str, keys: dict[str, Key]) -> Fields | None:
    """The valid values of a mapping's keys; None (reported) when it is not a mapping."""
    if not reader.expect(isinstance(node, dict), node, place, "a mapping (key: value lines)"):
        return None
    for name in node:
        if name not in keys:
            reader.report(at(place, name), f'unknown key "{shown(name)}"; '
                                           f"{suggestion(shown(name), keys)}"
                                           f"allowed keys: {', '.join(keys)}")
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


Check = Callable[[Reader, Fields, str], None]


@dataclass(frozen=True)
class Shape:
    """A mapping in the file that becomes a dataclass: its keys, and checks across keys."""

    cls: type
    keys: dict[str, Key]
    check: Check | None = None

    def __call__(self, reader: Reader, node: Any, place: str) -> Any:
        mark = reader.mark()
        values = read_fields(reader, node, place, self.keys)
        if values is None:
            return None
        if self.check:
            self.check(reader, values, place)
        return self.cls(**values) if reader.clean_since(mark) else None


ReadEntry = Callable[[Reader, Any, Any, str], None]   # (reader, key, value, place)


def read_keyed(reader: Reader, value: Any, place: str, wanted: str, read_entry: ReadEntry) -> Any:
    """A mapping keyed by ids, each entry checked by `read_entry`; None when any is bad."""
    if not reader.expect(isinstance(value, dict), value, place, wanted):
        return None
    mark = reader.mark()
    for key, entry in value.items():
        read_entry(reader, key, entry, at(place, key))
    return dict(value) if reader.clean_since(mark) else None


def read_number_map(reader: Reader, value: Any, place: str, known: tuple[str, ...] | None,
                    what: str) -> Any:
    """{id: number} where each id is one of `known` (a `what`; None: any id)."""
    def read_entry(reader: Reader, key: Any, number: Any, entry_place: str) -> None:
        if known is not None and key not in known:
            reader.report(entry_place, unknown_reference(what, key, known))
        read_number(reader, number, entry_place)

    return read_keyed(reader, value, place, f"a mapping of {what} ids to numbers", read_entry)


def read_use(reader: Reader, value: Any, place: str) -> Any:
    return read_number_map(reader, value, place, reader.constraint_ids, "constraint")


def read_effects(reader: Reader, value: Any, place: str) -> Any:
    return read_number_map(reader, value, place, reader.attribute_ids, "attribute")


def check_min_max(reader: Reader, values: dict, place: str) -> None:
    low, high = values.get("min"), values.get("max")
    if is_number(low) and is_number(high) and low > high:
        reader.report(at(place, "min"), f"min {low} is above max {high}; lower min or raise max")


TEXT = Key(read_text)
REQUIRED_TEXT = Key(read_text, required=True)
TEXTS = Key(list_of(read_text, min_items=0))
ID = Key(read_id, required=True)
FIELD_ID = Key(read_field_id, required=True)


# --- attributes, constraints and questions ------------------------------------------------------

def check_constraint(reader: Reader, values: Fields, place: str) -> None:
    if "max" not in values.node and "min" not in values.node:
        reader.report(place, "needs max, min or both: the limit the advice must respect")
    check_min_max(reader, values, place)


def check_question(reader: Reader, values: Fields, place: str) -> None:
    question_type = values.get("type")
    if question_type is None:
        return
    for name, types in QUESTION_TYPE_KEYS.items():
        if name in values and question_type not in types:
            reader.report(at(place, name), f'only {" and ".join(types)} questions have "{name}"; '
                                           "remove it or change the type")
    if question_type in QUESTION_TYPE_KEYS["choices"] and "choices" not in values.node:
        reader.report(at(place, "choices"), f"is required for a {question_type} question")
    if question_type == "multi" and "choices" in values:
        _check_pick_counts(reader, values, place)
    check_min_max(reader, values, place)


def _check_pick_counts(reader: Reader, values: Fields, place: str) -> None:
    """min/max of a multi question count choices, so they are whole and within the choices."""
    choice_count = len(values.get("choices", ()))
    for name in ("min", "max"):
        if name in values:
            whole(0, choice_count)(reader, values[name], at(place, name))


ATTRIBUTE = Shape(Attribute, {
    "id": ID, "label": REQUIRED_TEXT, "unit": TEXT, "description": TEXT,
    "direction": Key(one_of(-1, 0, 1)),
})
CONSTRAINT = Shape(Constraint, {
    "id": ID, "label": REQUIRED_TEXT, "unit": TEXT, "max": Key(read_number),
    "min": Key(read_number), "description": TEXT,
}, check_constraint)
CHOICE = Shape(Choice, {"id": Key(read_choice_id, required=True), "label": REQUIRED_TEXT})
QUESTION = Shape(Question, {
    "id": FIELD_ID, "type": Key(one_of(*QUESTION_TYPES), required=True), "label": REQUIRED_TEXT,
    "help": TEXT, "required": Key(read_bool), "choices": Key(list_of(CHOICE, scope="list")),
    "min": Key(read_number), "max": Key(read_number), "integer": Key(read_bool),
    "max_length": Key(whole(1)), "scale_labels": Key(list_of(read_text, 2, 2)),
}, check_question)
STATEMENT = Shape(Statement, {"id": FIELD_ID, "text": REQUIRED_TEXT})
GOAL = Shape(Goal, {"id": FIELD_ID, "title": REQUIRED_TEXT, "description": TEXT})


# --- options ------------------------------------------------------------------------------------

def check_option(reader: Reader, values: Fields, place: str) -> None:
    if "levels" not in values.node:
        values["levels"] = (0, 1)
    elif "levels" not in values:
        return  # reported; the other checks need the levels
    levels = values["levels"]
    _check_levels(reader, levels, at(place, "levels"))
    labels = values.get("level_labels")
    if labels is not None and len(labels) != len(levels):
        reader.report(at(place, "level_labels"), f"has {len(labels)} labels for {len(levels)} "
                                                 "levels; give one label per level")
    if "default" not in values.node:
        values["default"] = 0 if 0 in levels else min(levels)
    elif "default" in values and values["default"] not in levels:
        reader.report(at(place, "default"), f"{values['default']} is not one of the levels "
                                            f"{list(levels)}; choose one of them")


def _check_levels(reader: Reader, levels: tuple, place: str) -> None:
    repeated = sorted({level for level in levels if levels.count(level) > 1})
    if repeated:
        reader.report(place, f"has {repeated[0]} more than once; give each level once")
    elif list(levels) != sorted(levels):
        reader.report(place, f"must be in ascending order, like {sorted(levels)}")


OPTION = Shape(Option, {
    "id": FIELD_ID, "title": REQUIRED_TEXT, "description": TEXT, "pros": TEXTS, "cons": TEXTS,
    "levels": Key(list_of(read_number)), "level_labels": TEXTS, "use": Key(read_use),
    "effects": Key(read_effects), "group": Key(read_id), "default": Key(read_number),
}, check_option)


# --- pages --------------------------------------------------------------------------------------

def page_keys(**specific: Key) -> dict[str, Key]:
    """The keys every page has, then the type's own."""
    return {"id": FIELD_ID, "type": Key(None, required=True), "title": TEXT, "intro": TEXT,
            **specific}


def check_portfolio(reader: Reader, values: Fields, place: str) -> None:
    options = values.get("options", ())
    values["constraints"] = constraints_used(options, reader.constraint_ids)
    starting_away = {}
    for option in options:
        if option.group is not None and option.default != min(option.levels):
            if option.group in starting_away:
                reader.report(at(place, "options"), (
                    f'options "{starting_away[option.group]}" and "{option.id}" of group '
                    f'"{option.group}" both start away from their lowest level; at most one '
                    "option of a group may be, so change a default"
                ))
            starting_away.setdefault(option.group, option.id)


def check_points(reader: Reader, values: Fields, place: str) -> None:
    total, step = values.get("total"), values.get("step", 1)
    if total is not None and total % step:
        divisors = [n for n in range(1, min(total, 10_000) + 1) if total % n == 0][:12]
        reader.report(at(place, "step"), f"{step} does not divide total ({total}) evenly; use one "
                                         f"of {', '.join(map(str, divisors))}")


def read_pair_attributes(reader: Reader, value: Any, place: str) -> Any:
    def read_attribute_id(reader: Reader, value: Any, place: str) -> Any:
        identifier = read_id(reader, value, place)
        if identifier is not None and identifier not in reader.attribute_ids:
            reader.report(place, unknown_reference("attribute", identifier, reader.attribute_ids))
            return None
        return identifier

    identifiers = read_list(reader, value, place, read_attribute_id)
    if identifiers is not None and len(set(identifiers)) < len(identifiers):
        reader.report(place, "lists an attribute more than once; list each once")
    return identifiers


def check_pairs(reader: Reader, values: Fields, place: str) -> None:
    """Read the sets now that the attributes each variant must give are known."""
    if "sets" not in values.node:
        return
    read_sets = list_of(list_of(variant_reader(values.get("attributes")), min_items=2))
    sets = read_sets(reader, values.node["sets"], at(place, "sets"))
    if sets is not None:
        values["sets"] = sets


def variant_reader(attributes: tuple[str, ...] | None) -> Read:
    """A reader of one variant: a number for each of `attributes` and nothing else."""
    def read_variant(reader: Reader, value: Any, place: str) -> Any:
        variant = read_number_map(reader, value, place, attributes, "page attribute")
        missing = [attribute for attribute in attributes or () if attribute not in (variant or ())]
        if variant is not None and missing:
            reader.report(place, f"has no number for {', '.join(missing)}; each variant gives one "
                                 f"for each of the page's attributes ({', '.join(attributes)})")
            return None
        return variant

    return read_variant


PAGE_SHAPES = {
    "questions": Shape(QuestionsPage, page_keys(
        questions=Key(list_of(QUESTION, scope="answers"), required=True))),
    "statements": Shape(StatementsPage, page_keys(
        statements=Key(list_of(STATEMENT, scope="answers"), required=True),
        required=Key(read_bool))),
    "portfolio": Shape(PortfolioPage, page_keys(
        options=Key(list_of(OPTION, scope="answers"), required=True),
        leftover=Key(one_of("allowed", "must_use_all")), motivation=Key(read_bool),
        randomize=Key(read_bool)), check_portfolio),
    "points": Shape(PointsPage, page_keys(
        goals=Key(list_of(GOAL, scope="answers"), required=True),
        total=Key(whole(1), required=True), step=Key(whole(1)), must_use_all=Key(read_bool),
        randomize=Key(read_bool)), check_points),
    "pairs": Shape(PairsPage, page_keys(
        attributes=Key(read_pair_attributes, required=True), sets=Key(None, required=True),
        opt_out=TEXT, required=Key(read_bool)), check_pairs),
}


def read_page(reader: Reader, node: Any, place: str) -> Any:
    """A page of the type its `type` key names."""
    if not reader.expect(isinstance(node, dict), node, place, "a mapping (key: value lines)"):
        return None
    page_type = node.get("type")
    if "type" not in node:
        reader.report(at(place, "type"), f"is required: one of {', '.join(PAGE_SHAPES)}")
        return None
    if not isinstance(page_type, str) or page_type not in PAGE_SHAPES:
        one_of(*PAGE_SHAPES)(reader, page_type, at(place, "type"))
        return None
    return PAGE_SHAPES[page_type](reader, node, place)


# --- versions -------------------------------------------------------------------------------------

OPTION_CHANGE_KEYS = {"use": Key(read_use), "effects": Key(read_effects)}
CONSTRAINT_CHANGE_KEYS = {"max": Key(read_number), "min": Key(read_number)}


def read_changes(reader: Reader, value: Any, place: str) -> Any:
    """{option id: {use, effects}, "constraints": {constraint id: {max, min}}}."""
    return read_keyed(reader, value, place, 'a mapping of option ids (and "constraints") to '
                                            "changes", _read_change)


def _read_change(reader: Reader, key: Any, change: Any, place: str) -> None:
    if key == "constraints":
        read_keyed(reader, change, place, "a mapping of constraint ids to {max: ..., min: ...}",
                   _read_constraint_change)
    elif key in reader.option_ids:
        read_fields(reader, change, place, OPTION_CHANGE_KEYS)
    else:
        reader.report(place, unknown_reference("option", key, reader.option_ids)
                      + '; the key "constraints" changes constraints')


def _read_constraint_change(reader: Reader, constraint_id: Any, change: Any, place: str) -> None:
    if constraint_id not in reader.constraint_ids:
        reader.report(place, unknown_reference("constraint", constraint_id, reader.constraint_ids))
    changed = read_fields(reader, change, place, CONSTRAINT_CHANGE_KEYS)
    base = reader.constraints.get(constraint_id)
    if changed is not None and base is not None:
        check_min_max(reader, {"min": base.min, "max": base.max, **changed}, place)


def check_version(reader: Reader, values: Fields, place: str) -> None:
    values.setdefault("changes", {})


VERSION = Shape(Version, {"id": ID, "changes": Key(read_changes)}, check_version)


# --- the consultation -------------------------------------------------------------------------

def read_constraints(reader: Reader, value: Any, place: str) -> Any:
    """The constraints, remembered because versions change them."""
    constraints = read_list(reader, value, place, CONSTRAINT, min_items=0, scope="list")
    reader.constraints = {constraint.id: constraint for constraint in constraints or ()}
    return constraints


def check_consultation(reader: Reader, values: Fields, place: str) -> None:
    constraints = values.get("constraints", ())
    for page in values.get("pages", ()):
        if isinstance(page, PortfolioPage):
            page_place = reader.scopes["pages"][page.id]
            _check_feasible(reader, page, constraints, values.get("versions", ()), page_place)


CONSULTATION = Shape(Consultation, {
    "id": Key(read_slug, required=True),
    "languages": Key(read_languages, required=True),
    "title": REQUIRED_TEXT,
    "intro": TEXT,
    "privacy": TEXT,
    "thanks": TEXT,
    "min_age": Key(whole(0, 120)),
    "duration_minutes": Key(whole(1)),
    "attributes": Key(list_of(ATTRIBUTE, min_items=0, scope="list")),
    "constraints": Key(read_constraints),
    "pages": Key(list_of(read_page, scope="pages", partial=True), required=True),
    "versions": Key(list_of(VERSION, min_items=0, scope="list")),
}, check_consultation)

# every mapping of the format, by the name docs/format.md gives it
SHAPES = {
    "consultation": CONSULTATION.keys, "attribute": ATTRIBUTE.keys, "constraint": CONSTRAINT.keys,
    **{f"{name} page": shape.keys for name, shape in PAGE_SHAPES.items()},
    "question": QUESTION.keys, "choice": CHOICE.keys, "statement": STATEMENT.keys,
    "option": OPTION.keys, "goal": GOAL.keys, "version": VERSION.keys,
    "option change": OPTION_CHANGE_KEYS, "constraint change": CONSTRAINT_CHANGE_KEYS,
}


def read_consultation(reader: Reader, document: Any) -> Consultation | None:
    if document is None:
        reader.report("", "the file is empty; a consultation needs at least id, languages, title "
                          "and pages")
        return None
    if not isinstance(document, dict):
        reader.report("", 'the file must be a mapping of keys such as "id:", "languages:", '
                          f'"title:" and "pages:", got {describe(document)}')
        return None
    reader.attribute_ids = raw_ids(document.get("attributes"))
    reader.constraint_ids = raw_ids(document.get("constraints"))
    pages = document.get("pages") if isinstance(document.get("pages"), list) else []
    reader.option_ids = tuple(
        option_id for page in pages if isinstance(page, dict) and page.get("type") == "portfolio"
        for option_id in raw_ids(page.get("options"))
    )
    return CONSULTATION(reader, document, "")


# --- feasibility ------------------------------------------------------------------------------
# Is there at least one advice that respects every constraint of a portfolio page? Totals are
# exact: each constraint's numbers (Fractions of the numbers as written) are scaled to whole
# numbers by their common denominator, so 0.1 + 0.2 <= 0.3 holds and sums stay fast.

Vector = tuple[int, ...]


def exact(number: int | float) -> Fraction:
    return Fraction(number) if isinstance(number, int) else Fraction(str(number))


@dataclass(frozen=True)
class Window:
    """The totals of one constraint an advice may reach, bounds included, in units of 1/scale."""

    constraint: Constraint
    scale: int
    low: int | None
    high: int | None
    exact: bool              # must_use_all: the max must be used exactly

    @classmethod
    def of(cls, constraint: Constraint, leftover: str, options: Iterable[Option]) -> Window:
        bounds = [exact(b) for b in (constraint.min, constraint.max) if b is not None]
        uses = [exact(level) * exact(option.use[constraint.id])
                for option in options if constraint.id in option.use for level in option.levels]
        scale = math.lcm(*(number.denominator for number in bounds + uses))
        low, high = (int(exact(b) * scale) if b is not None else None
                     for b in (constraint.min, constraint.max))
        if leftover == "must_use_all" and high is not None:
            return cls(constraint, scale, high, high, True)
        return cls(constraint, scale, low, high, False)

    def holds(self, total: int) -> bool:
        return (self.low is None or total >= self.low) and (self.high is None or total <= self.high)

    def show(self, total: int) -> str:
        number = Fraction(total, self.scale)
        return str(number.numerator) if number.denominator == 1 else repr(float(number))

    def __str__(self) -> str:
        if self.exact:
            return f"max {self.show(self.high)}, to be used exactly: leftover is must_use_all"
        bounds = []
        if self.low is not None:
            bounds.append(f"min {self.show(self.low)}")
        if self.high is not None:
            bounds.append(f"max {self.show(self.high)}")
        return ", ".join(bounds)


def _check_feasible(reader: Reader, page: PortfolioPage, constraints: tuple[Constraint, ...],
                    versions: tuple[Version, ...], place: str) -> None:
    """Report a page no advice can satisfy; then each version that makes it so."""
    messages = infeasibility(page, constraints)
    for message in messages:
        reader.report(place, message)
    if messages:
        return  # each version would repeat them
    for version in versions:
        (changed_page,), changed_constraints = apply_changes((page,), constraints, version.changes)
        for message in infeasibility(changed_page, changed_constraints):
            reader.report(place, f'in version "{version.id}", {message}')


def infeasibility(page: PortfolioPage, constraints: Iterable[Constraint]) -> list[str]:
    """Why no choice of levels on the page satisfies its constraints ([] when one does)."""
    windows = [Window.of(c, page.leftover, page.options)
               for c in constraints if c.id in page.constraints]
    items = choices_per_item(page.options, windows)
    totals = reachable_totals(items, len(windows))
    if totals is None:
        # too many combinations to list: only each constraint's lowest and highest total are
        # checked, which finds every constraint that is out of reach on its own, but not a gap
        # inside the range (must_use_all) nor constraints that cannot hold together
        return [message for index, window in enumerate(windows)
                if (message := window_message(window, *_range(items, index)))]
    if any(all(w.holds(t[i]) for i, w in enumerate(windows)) for t in totals):
        return []
    messages = []
    for index, window in enumerate(windows):
        reached = {total[index] for total in totals}
        if message := window_message(window, min(reached), max(reached), reached):
            messages.append(message)
    return messages or [_joint_message(windows)]


def choices_per_item(options: Iterable[Option], windows: list[Window]) -> list[set[Vector]]:
    """The use vectors each independent item can contribute: an ungrouped option, or a group."""
    def use(option: Option, level: int | float) -> Vector:
        return tuple(int(exact(level) * exact(option.use.get(w.constraint.id, 0)) * w.scale)
                     for w in windows)

    items: list[set[Vector]] = []
    groups: dict[str, list[Option]] = {}
    for option in options:
        if option.group is None:
            items.append({use(option, level) for level in option.levels})
        else:
            groups.setdefault(option.group, []).append(option)
    for members in groups.values():
        # at most one member away from its lowest level
        lowest = [use(option, min(option.levels)) for option in members]
        everyone_lowest = _add(*lowest)
        items.append({everyone_lowest} | {
            _add(everyone_lowest, use(option, level), tuple(-x for x in own_lowest))
            for option, own_lowest in zip(members, lowest) for level in option.levels
        })
    return items


def _add(*vectors: Vector) -> Vector:
    return tuple(map(sum, zip(*vectors)))


def reachable_totals(items: list[set[Vector]], width: int) -> set[Vector] | None:
    """Every distinct total the items can reach, or None when there would be too many to list."""
    totals = {(0,) * width}
    for choices in items:
        if len(totals) * len(choices) > REACHABLE_LIMIT:
            return None
        totals = {_add(total, choice) for total in totals for choice in choices}
    return totals


def _range(items: Iterable[set[Vector]], index: int) -> tuple[int, int]:
    """The lowest and highest total of one constraint over independent items."""
    parts = [[vector[index] for vector in choices] for choices in items]
    return sum(min(p) for p in parts), sum(max(p) for p in parts)


def window_message(window: Window, lowest: int, highest: int,
                   totals: set[int] | None = None) -> str | None:
    """Why no total of one constraint lies in its window; None if one may."""
    head = f'no choice of levels satisfies constraint "{window.constraint.id}" ({window})'
    bound = "max" if window.exact else "min"
    if window.low is not None and highest < window.low:
        return (f"{head}; the options can use at most {window.show(highest)}. Lower {bound} or "
                "raise the options' use.")
    if window.high is not None and lowest > window.high:
        return (f"{head}; the options use at least {window.show(lowest)}. Raise max or lower the "
                "options' use.")
    if totals is None or any(window.holds(total) for total in totals):
        return None
    below = max(total for total in totals if total < window.low)
    above = min(total for total in totals if total > window.high)
    return (f"{head}; the totals the options can reach skip it: the nearest are "
            f"{window.show(below)} and {window.show(above)}. Change the bounds, the options' use or "
            "their levels" + (", or set leftover: allowed." if window.exact else "."))


def _joint_message(windows: list[Window]) -> str:
    names = " and ".join(f'"{window.constraint.id}"' for window in windows)
    return (f"no choice of levels satisfies constraints {names} at the same time, though each can "
            "be satisfied alone. Loosen one of them or change the options' use.")
