"""The codebook: every column of every export file with its text in each language, its type
and its allowed values with their labels.

The `kind` of a column is also how the readers type it back (`analysis.exports.reading`):
text and category as text, integer as whole numbers, number as floats, datetime as ISO text.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import pandas as pd

from analysis.tables import (
    CHOSEN,
    LEVEL,
    MOTIVATION_COLUMN_PREFIX,
    MOTIVATION_COLUMNS,
    NOT_CHOSEN,
    TOUCHED_COLUMN_PREFIX,
    answer_columns,
    choice_column_names,
    respondent_column_names,
)
from surveys.answers import OPT_OUT, variant_letters
from surveys.definition import (
    Consultation,
    PairsPage,
    PointsPage,
    PortfolioPage,
    Question,
    QuestionsPage,
    StatementsPage,
    Text,
)
from surveys.messages import agree_labels

RESPONDENTS, CHOICES, MOTIVATIONS = "respondents", "choices", "motivations"
TEXT, CATEGORY, INTEGER, NUMBER, DATETIME = "text", "category", "integer", "number", "datetime"
WEIGHT = "weight"

_PLATFORM = {
    "respondent": {
        "nl": "Willekeurig pseudoniem van de deelnemer",
        "en": "Random pseudonym of the respondent",
    },
    "version": {"nl": "Getoonde ontwerpversie", "en": "Design version shown"},
    "source": {
        "nl": "Herkomst: open link, uitnodiging of gesimuleerd",
        "en": "Source: open link, invitation or simulated",
    },
    "language": {
        "nl": "Taal die de deelnemer het laatst gebruikte",
        "en": "Language the respondent last used",
    },
    "started_at": {"nl": "Begonnen (UTC)", "en": "Started (UTC)"},
    "completed_at": {"nl": "Afgerond (UTC)", "en": "Completed (UTC)"},
    "duration_minutes": {"nl": "Duur in minuten", "en": "Duration in minutes"},
    "task": {"nl": "Pagina (paren: pagina:set)", "en": "Page (pairs: page:set)"},
    "option": {"nl": "Optie, doel of variant", "en": "Option, goal or variant"},
    "choice": {
        "nl": "Gekozen niveau, punten, of 1 gekozen / 0 niet",
        "en": "Level chosen, points given, or 1 chosen / 0 not",
    },
    "group": {"nl": "Groep waarvan hoogstens één optie mag", "en": "Group allowing at most one option"},
    "page": {"nl": "Pagina", "en": "Page"},
    "level": {"nl": "Gekozen niveau", "en": "Level chosen"},
    "direction": {"nl": "Wat de tekst uitlegt", "en": "What the text explains"},
    "text": {"nl": "De motivatie zoals getypt", "en": "The motivation as typed"},
    "cost": {"nl": "Gebruik per eenheid van niveau", "en": "Use per unit of level"},
    "budget": {"nl": "Maximum", "en": "Maximum"},
    "budget_min": {"nl": "Minimum", "en": "Minimum"},
    WEIGHT: {"nl": "Weegfactor (gemiddeld 1)", "en": "Weight (mean 1)"},
}
_DIRECTIONS = {
    CHOSEN: {"nl": "gekozen", "en": "chosen"},
    NOT_CHOSEN: {"nl": "niet gekozen", "en": "not chosen"},
    LEVEL: {"nl": "niveau (zie level)", "en": "level (see level)"},
}
_TOUCHED_TEXT = {"nl": "iets veranderd", "en": "anything changed"}
_TOUCHED = {
    "1": {"nl": "iets veranderd", "en": "changed something"},
    "0": {"nl": "basisplan onaangeroerd verstuurd", "en": "sent the base plan untouched"},
}
_TICKED = {"1": {"nl": "aangevinkt", "en": "ticked"}, "0": {"nl": "niet aangevinkt", "en": "not ticked"}}


@dataclass(frozen=True)
class Entry:
    """One column of one file: its kind, its text and, when it has a fixed set, its values."""

    file: str
    column: str
    kind: str
    text: Text
    values: tuple[tuple[str, Text], ...] = ()
    range: str = ""  # allowed values described, when they are not a fixed set


def codebook_entries(consultation: Consultation, weighted: bool = False) -> list[Entry]:
    """Every column of respondents, choices and motivations, in each file's column order."""
    respondents = {entry.column: entry for entry in _respondent_entries(consultation)}
    choices = {entry.column: entry for entry in _choice_entries(consultation)}
    entries = [respondents[name] for name in respondent_column_names(consultation)]
    entries += [choices[name] for name in choice_column_names(consultation)]
    if weighted:
        entries = [
            *entries[: len(respondents)],
            _platform(RESPONDENTS, WEIGHT, NUMBER),
            *entries[len(respondents) :],
            _platform(CHOICES, WEIGHT, NUMBER),
        ]
    return entries + list(_motivation_entries(consultation))


def codebook_table(consultation: Consultation, weighted: bool = False) -> pd.DataFrame:
    """The codebook as a table: file, column, type, values, then text.<lang> and
    labels.<lang> ("value=label; ...") per language of the consultation."""
    languages = consultation.languages
    rows = [
        {
            "file": entry.file,
            "column": entry.column,
            "type": entry.kind,
            "values": entry.range or "; ".join(value for value, _ in entry.values),
            **{f"text.{lang}": consultation.text(entry.text, lang) for lang in languages},
            **{f"labels.{lang}": _labels(consultation, entry, lang) for lang in languages},
        }
        for entry in codebook_entries(consultation, weighted)
    ]
    columns = [
        "file",
        "column",
        "type",
        "values",
        *(f"text.{lang}" for lang in languages),
        *(f"labels.{lang}" for lang in languages),
    ]
    return pd.DataFrame(rows, columns=columns)


def _labels(consultation: Consultation, entry: Entry, lang: str) -> str:
    """ "value=label; ..." for the values whose label says more than the value itself."""
    labelled = ((value, consultation.text(label, lang)) for value, label in entry.values)
    return "; ".join(f"{value}={label}" for value, label in labelled if label != value)


def column_kinds(consultation: Consultation, weighted: bool = False) -> dict[str, dict[str, str]]:
    """{file: {column: kind}}: how each file's columns are typed."""
    kinds: dict[str, dict[str, str]] = {}
    for entry in codebook_entries(consultation, weighted):
        kinds.setdefault(entry.file, {})[entry.column] = entry.kind
    return kinds


# --- respondents ---------------------------------------------------------------------------------


def _platform(file: str, column: str, kind: str, values=()) -> Entry:
    """A column the platform adds (not from the definition), with its text in nl and en."""
    return Entry(file, column, kind, Text(_PLATFORM[column]), tuple(values))


def _labelled(mapping: dict[str, dict[str, str]]) -> tuple[tuple[str, Text], ...]:
    return tuple((value, Text(labels)) for value, labels in mapping.items())


def _respondent_entries(consultation: Consultation) -> Iterator[Entry]:
    versions = tuple((version.id, Text(neutral=version.id)) for version in consultation.versions)
    yield _platform(RESPONDENTS, "respondent", TEXT)
    yield _platform(RESPONDENTS, "version", CATEGORY, versions)
    yield _platform(RESPONDENTS, "source", CATEGORY)
    yield _platform(
        RESPONDENTS, "language", CATEGORY, ((lang, Text(neutral=lang)) for lang in consultation.languages)
    )
    yield _platform(RESPONDENTS, "started_at", DATETIME)
    yield _platform(RESPONDENTS, "completed_at", DATETIME)
    yield _platform(RESPONDENTS, "duration_minutes", NUMBER)
    described = {}
    for page in consultation.pages:
        described.update(_page_entries(consultation, page))
    for column in answer_columns(consultation):
        yield described[column.name]


def _page_entries(consultation: Consultation, page) -> dict[str, Entry]:
    entries: list[Entry] = []
    if isinstance(page, QuestionsPage):
        for question in page.questions:
            entries += _question_entries(question)
    elif isinstance(page, StatementsPage):
        entries += [
            Entry(RESPONDENTS, s.id, CATEGORY, s.text, _labelled(agree_labels())) for s in page.statements
        ]
    elif isinstance(page, PortfolioPage):
        entries += [
            Entry(RESPONDENTS, o.id, _level_kind(o.levels), o.title, _levels(o)) for o in page.options
        ]
        if page.motivation:
            entries += [
                Entry(RESPONDENTS, MOTIVATION_COLUMN_PREFIX + o.id, TEXT, o.title) for o in page.options
            ]
        entries.append(
            Entry(
                RESPONDENTS,
                TOUCHED_COLUMN_PREFIX + page.id,
                CATEGORY,
                _joined(_title(page), _TOUCHED_TEXT),
                _labelled(_TOUCHED),
            )
        )
    elif isinstance(page, PointsPage):
        entries += [Entry(RESPONDENTS, g.id, INTEGER, g.title, range=f"0..{page.total}") for g in page.goals]
    elif isinstance(page, PairsPage):
        entries += [
            Entry(RESPONDENTS, f"{page.id}.{number}", CATEGORY, _title(page), _variants(page, variants))
            for number, variants in enumerate(page.sets, start=1)
        ]
    return {entry.column: entry for entry in entries}


def _question_entries(question: Question) -> list[Entry]:
    if question.type == "multi":
        return [
            Entry(RESPONDENTS, f"{question.id}.{choice.id}", INTEGER, choice.label, _labelled(_TICKED))
            for choice in question.choices
        ]
    if question.type == "choice":
        return [
            Entry(
                RESPONDENTS,
                question.id,
                CATEGORY,
                question.label,
                tuple((choice.id, choice.label) for choice in question.choices),
            )
        ]
    if question.type == "agree":
        return [Entry(RESPONDENTS, question.id, CATEGORY, question.label, _labelled(agree_labels()))]
    if question.type == "scale":
        return [Entry(RESPONDENTS, question.id, INTEGER, question.label, range="0..10")]
    if question.type == "number":
        bounds = (
            ""
            if question.min is None and question.max is None
            else f"{_number(question.min)}..{_number(question.max)}".replace("None", "")
        )
        return [
            Entry(
                RESPONDENTS,
                question.id,
                INTEGER if question.integer else NUMBER,
                question.label,
                range=bounds,
            )
        ]
    if question.type == "postcode4":
        return [Entry(RESPONDENTS, question.id, CATEGORY, question.label, range="1000..9999")]
    return [
        Entry(
            RESPONDENTS, question.id, TEXT, question.label, range=f"at most {question.max_length} characters"
        )
    ]


def _title(page) -> Text:
    return page.title or Text(neutral=page.id)


def _number(value) -> str:
    return str(int(value)) if isinstance(value, float) and value.is_integer() else str(value)


def _level_kind(levels) -> str:
    return INTEGER if all(float(level).is_integer() for level in levels) else NUMBER


def _levels(option) -> tuple[tuple[str, Text], ...]:
    labels = option.level_labels or (Text(neutral=_number(level)) for level in option.levels)
    return tuple((_number(level), label) for level, label in zip(option.levels, labels))


def _variants(page: PairsPage, variants) -> tuple[tuple[str, Text], ...]:
    described = [(letter, Text(neutral=letter)) for letter in variant_letters(variants)]
    if page.opt_out:
        described.append((OPT_OUT, page.opt_out))
    return tuple(described)


# --- choices and motivations ---------------------------------------------------------------------


def _choice_entries(consultation: Consultation) -> Iterator[Entry]:
    tasks: list[tuple[str, Text]] = []
    options: dict[str, Text] = {}
    for page in consultation.pages:
        if isinstance(page, (PortfolioPage, PointsPage)):
            tasks.append((page.id, _title(page)))
            items = page.options if isinstance(page, PortfolioPage) else page.goals
            options.update((item.id, item.title) for item in items)
        elif isinstance(page, PairsPage):
            tasks += [(f"{page.id}:{n}", _title(page)) for n in range(1, len(page.sets) + 1)]
            for variants in page.sets:
                options.update(_variants(page, variants))
    versions = tuple((version.id, Text(neutral=version.id)) for version in consultation.versions)
    yield _platform(CHOICES, "respondent", TEXT)
    yield _platform(CHOICES, "task", CATEGORY, tasks)
    yield _platform(CHOICES, "option", CATEGORY, options.items())
    yield _platform(CHOICES, "choice", NUMBER)
    for constraint in consultation.constraints:
        for prefix in ("cost", "budget", "budget_min"):
            yield Entry(
                CHOICES, f"{prefix}_{constraint.id}", NUMBER, _joined(constraint.label, _PLATFORM[prefix])
            )
    for prefix in ("cost", "budget", "budget_min"):
        yield _platform(CHOICES, prefix, NUMBER)
    groups = {
        option.group
        for page in consultation.pages
        if isinstance(page, PortfolioPage)
        for option in page.options
        if option.group
    }
    yield _platform(CHOICES, "group", CATEGORY, ((g, Text(neutral=g)) for g in sorted(groups)))
    for attribute in consultation.attributes:
        yield Entry(CHOICES, attribute.id, NUMBER, _with_unit(attribute.label, attribute.unit))
    yield _platform(CHOICES, "version", CATEGORY, versions)


def _joined(label: Text, suffix: dict[str, str]) -> Text:
    languages = set(label.by_lang) | set(suffix)
    return Text(
        {lang: f"{label.get(lang, 'en')}: {suffix.get(lang, suffix['en']).lower()}" for lang in languages}
    )


def _with_unit(label: Text, unit: Text) -> Text:
    if not unit:
        return label
    languages = set(label.by_lang) | set(unit.by_lang) or {"en"}
    return Text({lang: f"{label.get(lang, 'en')} ({unit.get(lang, 'en')})" for lang in languages})


def _motivation_entries(consultation: Consultation) -> Iterator[Entry]:
    pages = tuple(
        (page.id, _title(page))
        for page in consultation.pages
        if isinstance(page, PortfolioPage) and page.motivation
    )
    options = tuple(
        (option.id, option.title)
        for page in consultation.pages
        if isinstance(page, PortfolioPage) and page.motivation
        for option in page.options
    )
    kinds = {
        "respondent": (TEXT, ()),
        "page": (CATEGORY, pages),
        "option": (CATEGORY, options),
        "level": (NUMBER, ()),
        "direction": (CATEGORY, _labelled(_DIRECTIONS)),
        "text": (TEXT, ()),
    }
    for column in MOTIVATION_COLUMNS:
        kind, values = kinds[column]
        yield _platform(MOTIVATIONS, column, kind, values)
