"""The consultation format's schema: the keys each mapping allows, as data (`SHAPES`), and checks.

`read_consultation` walks a parsed definition with a `ConsultationReader` and builds
`surveys.definition` objects. The format is documented in docs/format.md; whether any advice on a
portfolio page is possible is decided by `surveys.feasibility`.
"""

from __future__ import annotations

import re
from typing import Any

from surveys.answers import IGNORED_FIELDS, RESERVED_PREFIXES
from surveys.columns import RESPONDENT_COLUMNS, choice_table_names
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
from surveys.feasibility import infeasibility
from surveys.reader import (
    MAX_ID_LENGTH,
    Fields,
    Key,
    Read,
    Reader,
    Shape,
    at,
    check_min_max,
    describe,
    list_of,
    one_of,
    raw_ids,
    read_bool,
    read_fields,
    read_id,
    read_keyed,
    read_list,
    read_number,
    read_number_map,
    read_string,
    shown,
    unknown_reference,
    whole,
)
from surveys.versions import apply_changes, constraints_used

# a choice id is only ever an answer's value, never a field name, so "55+" may be one
CHOICE_ID_PATTERN = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.+-]*\Z")
SLUG_PATTERN = re.compile(r"[a-z0-9][a-z0-9-]*\Z")
LANGUAGE_PATTERN = re.compile(r"[a-z]{2}\Z")
# the web forms use these names themselves; "constraints" is the versions' key for constraint changes
RESERVED_IDS = IGNORED_FIELDS | {"constraints"}
# The platform's own pages at /c/<slug>/<name>, where a step with that id could not be reached.
PLATFORM_PAGES = ("thanks", "full", "someone-else")
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


class ConsultationReader(Reader):
    """A Reader that remembers what later parts of a definition refer to."""

    scope_reasons = {
        **Reader.scope_reasons,
        "pages": "the pages' ids must differ",
        "answers": "questions, statements, options and goals share one set of ids in the whole "
        "file, because they name the answers and the export's columns",
    }

    def __init__(self) -> None:
        super().__init__()
        self.languages: tuple[str, ...] = ()
        # raw ids, known before their lists are read, so references are checked even if an item is bad
        self.attribute_ids: tuple[str, ...] = ()
        self.constraint_ids: tuple[str, ...] = ()
        self.option_ids: tuple[str, ...] = ()
        self.constraints: dict[str, Constraint] = {}


def read_choice_id(reader: ConsultationReader, value: Any, place: str) -> Any:
    return read_id(reader, value, place, CHOICE_ID_PATTERN)


def read_field_id(reader: ConsultationReader, value: Any, place: str) -> Any:
    """An id the platform also uses as a form field or export column, so some names are taken."""
    identifier = read_id(reader, value, place)
    if identifier in RESPONDENT_COLUMNS:
        reader.report(place, _column_taken(identifier, "respondent table", RESPONDENT_COLUMNS))
        return None
    if identifier in RESERVED_IDS or str(identifier).startswith(RESERVED_PREFIXES):
        names = ", ".join(f'"{name}"' for name in sorted(RESERVED_IDS))
        prefixes = " or ".join(f'"{prefix}"' for prefix in RESERVED_PREFIXES)
        reader.report(
            place,
            f'the id "{identifier}" is reserved (the platform uses {names} and '
            f"ids starting with {prefixes} itself); choose another",
        )
        return None
    return identifier


def read_slug(reader: ConsultationReader, value: Any, place: str) -> Any:
    ok = isinstance(value, str) and len(value) <= MAX_ID_LENGTH and bool(SLUG_PATTERN.match(value))
    wanted = (
        f"a slug for the web address of at most {MAX_ID_LENGTH} characters: lowercase "
        'letters, digits and "-", like "ruimte-2050"'
    )
    return value if reader.expect(ok, value, place, wanted, text_wanted=True) else None


def read_languages(reader: ConsultationReader, value: Any, place: str) -> Any:
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


def read_language(reader: ConsultationReader, value: Any, place: str) -> Any:
    ok = isinstance(value, str) and bool(LANGUAGE_PATTERN.match(value))
    wanted = 'a two-letter language code such as "nl" or "en"'
    return value if reader.expect(ok, value, place, wanted, text_wanted=True) else None


# --- texts ----------------------------------------------------------------------------------------


def read_text(reader: ConsultationReader, value: Any, place: str) -> Text | None:
    """A plain string (the same words in every language) or a {language: text} map."""
    if isinstance(value, dict):
        return _read_text_map(reader, value, place)
    if isinstance(value, list):
        reader.report(place, "must be a text or a map of texts per language ({nl: ..., en: ...}), got a list")
        return None
    text = read_string(reader, value, place)
    return Text(neutral=text) if text is not None else None


def _read_text_map(reader: ConsultationReader, value: dict, place: str) -> Text | None:
    mark = reader.mark()
    declared = reader.languages
    for language, text in value.items():
        if declared and language not in declared:
            reader.report(
                at(place, language),
                f'the language "{shown(language)}" is not declared '
                f"in languages ({', '.join(declared)}); add it there "
                "or remove this text",
            )
        else:
            read_string(reader, text, at(place, language))
    for language in declared:
        if language not in value:
            reader.report(
                place,
                f'has no text in "{language}"; add {language}: "...", or give a '
                "plain string for the same words in every language",
            )
    if not reader.clean_since(mark):
        return None
    return Text(by_lang={language: value[language] for language in declared or value})


def read_use(reader: ConsultationReader, value: Any, place: str) -> Any:
    return read_number_map(reader, value, place, reader.constraint_ids, "constraint")


def read_effects(reader: ConsultationReader, value: Any, place: str) -> Any:
    return read_number_map(reader, value, place, reader.attribute_ids, "attribute")


TEXT = Key(read_text)
REQUIRED_TEXT = Key(read_text, required=True)
TEXTS = Key(list_of(read_text, min_items=0))
ID = Key(read_id, required=True)
FIELD_ID = Key(read_field_id, required=True)


def read_attribute_column_id(reader: ConsultationReader, value: Any, place: str) -> Any:
    """An attribute's id, which names its column of the choice table."""
    identifier = read_id(reader, value, place)
    taken = choice_table_names(reader.constraint_ids)
    if identifier in taken:
        reader.report(place, _column_taken(identifier, "choice table", taken))
        return None
    return identifier


def _column_taken(identifier: str, table: str, names: tuple[str, ...]) -> str:
    listed = ", ".join(f'"{name}"' for name in names)
    return (
        f'the id "{identifier}" would name a column the export\'s {table} already has ({listed}); '
        "choose another name"
    )


# --- attributes, constraints and questions ------------------------------------------------------


def check_constraint(reader: ConsultationReader, values: Fields, place: str) -> None:
    if "max" not in values.node and "min" not in values.node:
        reader.report(place, "needs max, min or both: the limit the advice must respect")
    check_min_max(reader, values, place)


def check_question(reader: ConsultationReader, values: Fields, place: str) -> None:
    question_type = values.get("type")
    if question_type is None:
        return
    for name, types in QUESTION_TYPE_KEYS.items():
        if name in values and question_type not in types:
            reader.report(
                at(place, name),
                f'only {" and ".join(types)} questions have "{name}"; remove it or change the type',
            )
    if question_type in QUESTION_TYPE_KEYS["choices"] and "choices" not in values.node:
        reader.report(at(place, "choices"), f"is required for a {question_type} question")
    if question_type == "multi" and "choices" in values:
        _check_pick_counts(reader, values, place)
    check_min_max(reader, values, place)


def _check_pick_counts(reader: ConsultationReader, values: Fields, place: str) -> None:
    """min/max of a multi question count choices, so they are whole and within the choices."""
    choice_count = len(values.get("choices", ()))
    for name in ("min", "max"):
        if name in values:
            whole(0, choice_count)(reader, values[name], at(place, name))


ATTRIBUTE: Shape[ConsultationReader] = Shape(
    Attribute,
    {
        "id": Key(read_attribute_column_id, required=True),
        "label": REQUIRED_TEXT,
        "unit": TEXT,
        "description": TEXT,
        "direction": Key(one_of(-1, 0, 1)),
    },
)
CONSTRAINT = Shape(
    Constraint,
    {
        "id": ID,
        "label": REQUIRED_TEXT,
        "unit": TEXT,
        "max": Key(read_number),
        "min": Key(read_number),
        "description": TEXT,
    },
    check_constraint,
)
CHOICE = Shape(Choice, {"id": Key(read_choice_id, required=True), "label": REQUIRED_TEXT})
QUESTION = Shape(
    Question,
    {
        "id": FIELD_ID,
        "type": Key(one_of(*QUESTION_TYPES), required=True),
        "label": REQUIRED_TEXT,
        "help": TEXT,
        "required": Key(read_bool),
        "choices": Key(list_of(CHOICE, scope="list")),
        "min": Key(read_number),
        "max": Key(read_number),
        "integer": Key(read_bool),
        "max_length": Key(whole(1)),
        "scale_labels": Key(list_of(read_text, 2, 2)),
    },
    check_question,
)
STATEMENT = Shape(Statement, {"id": FIELD_ID, "text": REQUIRED_TEXT})
GOAL = Shape(Goal, {"id": FIELD_ID, "title": REQUIRED_TEXT, "description": TEXT})


# --- options ------------------------------------------------------------------------------------


def check_option(reader: ConsultationReader, values: Fields, place: str) -> None:
    if "levels" not in values.node:
        values["levels"] = (0, 1)
    elif "levels" not in values:
        return  # reported; the other checks need the levels
    levels = values["levels"]
    _check_levels(reader, levels, at(place, "levels"))
    labels = values.get("level_labels")
    if labels is not None and len(labels) != len(levels):
        reader.report(
            at(place, "level_labels"),
            f"has {len(labels)} labels for {len(levels)} levels; give one label per level",
        )
    if "default" not in values.node:
        values["default"] = 0 if 0 in levels else min(levels)
    elif "default" in values and values["default"] not in levels:
        reader.report(
            at(place, "default"),
            f"{values['default']} is not one of the levels {list(levels)}; choose one of them",
        )


def _check_levels(reader: ConsultationReader, levels: tuple, place: str) -> None:
    repeated = sorted({level for level in levels if levels.count(level) > 1})
    if repeated:
        reader.report(place, f"has {repeated[0]} more than once; give each level once")
    elif list(levels) != sorted(levels):
        reader.report(place, f"must be in ascending order, like {sorted(levels)}")


OPTION = Shape(
    Option,
    {
        "id": FIELD_ID,
        "title": REQUIRED_TEXT,
        "description": TEXT,
        "pros": TEXTS,
        "cons": TEXTS,
        "levels": Key(list_of(read_number)),
        "level_labels": TEXTS,
        "use": Key(read_use),
        "effects": Key(read_effects),
        "group": Key(read_id),
        "default": Key(read_number),
    },
    check_option,
)


# --- pages --------------------------------------------------------------------------------------


def read_page_id(reader: ConsultationReader, value: Any, place: str) -> Any:
    """A page's id, which is also its step's web address, so the platform's own pages are taken."""
    if value in PLATFORM_PAGES:
        taken = ", ".join(f'"{name}"' for name in PLATFORM_PAGES)
        reader.report(
            place, f'the id "{value}" is the name of a page of the platform ({taken}); choose another'
        )
        return None
    return read_field_id(reader, value, place)


def page_keys(**specific: Key) -> dict[str, Key]:
    """The keys every page has, then the type's own."""
    return {
        "id": Key(read_page_id, required=True),
        "type": Key(None, required=True),
        "title": TEXT,
        "intro": TEXT,
        **specific,
    }


def check_portfolio(reader: ConsultationReader, values: Fields, place: str) -> None:
    options = values.get("options", ())
    values["constraints"] = constraints_used(options, reader.constraint_ids)
    starting_away: dict[str, str] = {}
    for option in options:
        if option.group is not None and option.default != min(option.levels):
            if option.group in starting_away:
                reader.report(
                    at(place, "options"),
                    (
                        f'options "{starting_away[option.group]}" and "{option.id}" of group '
                        f'"{option.group}" both start away from their lowest level; at most one '
                        "option of a group may be, so change a default"
                    ),
                )
            starting_away.setdefault(option.group, option.id)


def check_points(reader: ConsultationReader, values: Fields, place: str) -> None:
    total, step = values.get("total"), values.get("step", 1)
    if total is not None and total % step:
        divisors = [n for n in range(1, min(total, 10_000) + 1) if total % n == 0][:12]
        reader.report(
            at(place, "step"),
            f"{step} does not divide total ({total}) evenly; use one of {', '.join(map(str, divisors))}",
        )


def read_pair_attributes(reader: ConsultationReader, value: Any, place: str) -> Any:
    def read_attribute_id(reader: ConsultationReader, value: Any, place: str) -> Any:
        identifier = read_id(reader, value, place)
        if identifier is not None and identifier not in reader.attribute_ids:
            reader.report(place, unknown_reference("attribute", identifier, reader.attribute_ids))
            return None
        return identifier

    identifiers = read_list(reader, value, place, read_attribute_id)
    if identifiers is not None and len(set(identifiers)) < len(identifiers):
        reader.report(place, "lists an attribute more than once; list each once")
    return identifiers


def check_pairs(reader: ConsultationReader, values: Fields, place: str) -> None:
    """Read the sets and the money attribute now that the page's attributes are known."""
    attributes = values.get("attributes") or ()
    if "money" in values.node:
        money = read_id(reader, values.node["money"], at(place, "money"))
        if money is not None and money not in attributes:
            reader.report(
                at(place, "money"),
                f'"{money}" is not one of the page\'s attributes ({", ".join(attributes)}); name the '
                "attribute that is an amount of money",
            )
        elif money is not None:
            values["money"] = money
    if "sets" not in values.node:
        return
    read_sets = list_of(list_of(variant_reader(values.get("attributes")), min_items=2))
    sets = read_sets(reader, values.node["sets"], at(place, "sets"))
    if sets is not None:
        values["sets"] = sets


def variant_reader(attributes: tuple[str, ...] | None) -> Read:
    """A reader of one variant: a number for each of `attributes` and nothing else."""

    def read_variant(reader: ConsultationReader, value: Any, place: str) -> Any:
        variant = read_number_map(reader, value, place, attributes, "page attribute")
        missing = [attribute for attribute in attributes or () if attribute not in (variant or ())]
        if variant is not None and missing:
            reader.report(
                place,
                f"has no number for {', '.join(missing)}; each variant gives one "
                f"for each of the page's attributes ({', '.join(attributes or ())})",
            )
            return None
        return variant

    return read_variant


PAGE_SHAPES = {
    "questions": Shape(
        QuestionsPage, page_keys(questions=Key(list_of(QUESTION, scope="answers"), required=True))
    ),
    "statements": Shape(
        StatementsPage,
        page_keys(
            statements=Key(list_of(STATEMENT, scope="answers"), required=True), required=Key(read_bool)
        ),
    ),
    "portfolio": Shape(
        PortfolioPage,
        page_keys(
            options=Key(list_of(OPTION, scope="answers"), required=True),
            leftover=Key(one_of("allowed", "must_use_all")),
            motivation=Key(read_bool),
            randomize=Key(read_bool),
        ),
        check_portfolio,
    ),
    "points": Shape(
        PointsPage,
        page_keys(
            goals=Key(list_of(GOAL, scope="answers"), required=True),
            total=Key(whole(1), required=True),
            step=Key(whole(1)),
            must_use_all=Key(read_bool),
            randomize=Key(read_bool),
        ),
        check_points,
    ),
    "pairs": Shape(
        PairsPage,
        page_keys(
            attributes=Key(read_pair_attributes, required=True),
            sets=Key(None, required=True),
            opt_out=TEXT,
            required=Key(read_bool),
            money=Key(None),
        ),
        check_pairs,
    ),
}


def read_page(reader: ConsultationReader, node: Any, place: str) -> Any:
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


def read_changes(reader: ConsultationReader, value: Any, place: str) -> Any:
    """{option id: {use, effects}, "constraints": {constraint id: {max, min}}}."""
    return read_keyed(
        reader, value, place, 'a mapping of option ids (and "constraints") to changes', _read_change
    )


def _read_change(reader: ConsultationReader, key: Any, change: Any, place: str) -> None:
    if key == "constraints":
        read_keyed(
            reader,
            change,
            place,
            "a mapping of constraint ids to {max: ..., min: ...}",
            _read_constraint_change,
        )
    elif key in reader.option_ids:
        read_fields(reader, change, place, OPTION_CHANGE_KEYS)
    else:
        reader.report(
            place,
            unknown_reference("option", key, reader.option_ids)
            + '; the key "constraints" changes constraints',
        )


def _read_constraint_change(reader: ConsultationReader, constraint_id: Any, change: Any, place: str) -> None:
    if constraint_id not in reader.constraint_ids:
        reader.report(place, unknown_reference("constraint", constraint_id, reader.constraint_ids))
    changed = read_fields(reader, change, place, CONSTRAINT_CHANGE_KEYS)
    base = reader.constraints.get(constraint_id)
    if changed is not None and base is not None:
        check_min_max(reader, {"min": base.min, "max": base.max, **changed}, place)


def check_version(reader: ConsultationReader, values: Fields, place: str) -> None:
    values.setdefault("changes", {})


VERSION = Shape(Version, {"id": ID, "changes": Key(read_changes)}, check_version)


# --- the consultation -------------------------------------------------------------------------


def read_constraints(reader: ConsultationReader, value: Any, place: str) -> Any:
    """The constraints, remembered because versions change them."""
    constraints = read_list(reader, value, place, CONSTRAINT, min_items=0, scope="list")
    reader.constraints = {constraint.id: constraint for constraint in constraints or ()}
    return constraints


def check_consultation(reader: ConsultationReader, values: Fields, place: str) -> None:
    constraints = values.get("constraints", ())
    for page in values.get("pages", ()):
        if isinstance(page, PortfolioPage):
            page_place = reader.scopes["pages"][page.id]
            _check_feasible(reader, page, constraints, values.get("versions", ()), page_place)


def _check_feasible(
    reader: ConsultationReader,
    page: PortfolioPage,
    constraints: tuple[Constraint, ...],
    versions: tuple[Version, ...],
    place: str,
) -> None:
    """Report a page no advice can satisfy; then each version that makes it so."""
    messages = infeasibility(page, constraints)
    for message in messages:
        reader.report(place, message)
    if messages:
        return  # each version would repeat them
    for version in versions:
        (changed_page,), changed_constraints = apply_changes((page,), constraints, version.changes)
        # a version changes numbers, never a page's type
        assert isinstance(changed_page, PortfolioPage)
        for message in infeasibility(changed_page, changed_constraints):
            reader.report(place, f'in version "{version.id}", {message}')


CONSULTATION = Shape(
    Consultation,
    {
        "id": Key(read_slug, required=True),
        "languages": Key(read_languages, required=True),
        "title": REQUIRED_TEXT,
        "intro": TEXT,
        "privacy": TEXT,
        "thanks": TEXT,
        "next_steps": TEXT,
        "organiser": TEXT,
        "contact": TEXT,
        "privacy_statement": TEXT,
        "accessibility": TEXT,
        "min_age": Key(whole(0, 120)),
        "duration_minutes": Key(whole(1)),
        "attributes": Key(list_of(ATTRIBUTE, min_items=0, scope="list")),
        "constraints": Key(read_constraints),
        "pages": Key(list_of(read_page, scope="pages", partial=True), required=True),
        "versions": Key(list_of(VERSION, min_items=0, scope="list")),
    },
    check_consultation,
)

# every mapping of the format, by the name docs/format.md gives it
SHAPES = {
    "consultation": CONSULTATION.keys,
    "attribute": ATTRIBUTE.keys,
    "constraint": CONSTRAINT.keys,
    **{f"{name} page": shape.keys for name, shape in PAGE_SHAPES.items()},
    "question": QUESTION.keys,
    "choice": CHOICE.keys,
    "statement": STATEMENT.keys,
    "option": OPTION.keys,
    "goal": GOAL.keys,
    "version": VERSION.keys,
    "option change": OPTION_CHANGE_KEYS,
    "constraint change": CONSTRAINT_CHANGE_KEYS,
}


def read_consultation(reader: ConsultationReader, document: Any) -> Consultation | None:
    if document is None:
        reader.report("", "the file is empty; a consultation needs at least id, languages, title and pages")
        return None
    if not isinstance(document, dict):
        reader.report(
            "",
            'the file must be a mapping of keys such as "id:", "languages:", '
            f'"title:" and "pages:", got {describe(document)}',
        )
        return None
    reader.attribute_ids = raw_ids(document.get("attributes"))
    reader.constraint_ids = raw_ids(document.get("constraints"))
    pages = document.get("pages")
    if not isinstance(pages, list):
        pages = []
    reader.option_ids = tuple(
        option_id
        for page in pages
        if isinstance(page, dict) and page.get("type") == "portfolio"
        for option_id in raw_ids(page.get("options"))
    )
    return CONSULTATION(reader, document, "")
