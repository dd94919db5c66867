"""Tidy tables of completed responses: one row per respondent, the long choice table, and one
row per motivation written.

All are built from plain records, so they come out the same whether the answers were read from
the platform's database (`pwe.services.export`) or from elsewhere. A record is a mapping with
`respondent` (pseudonym), `version`, `source`, `language`, `started_at` and `completed_at` (UTC
datetimes; naive ones are read as UTC) and `answers` ({step id: answer}, as the platform stores
them). Column names follow the definition's ids. `row_makers` gives the same rows record by
record, for writing large exports without holding them.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Any, NamedTuple

import numpy as np
import pandas as pd

from surveys.answers import MOTIVATION_PREFIX, OPT_OUT, variant_letters
from surveys.columns import RESPONDENT_COLUMNS, resource_columns
from surveys.definition import (
    Consultation,
    Option,
    PairsPage,
    PointsPage,
    PortfolioPage,
    QuestionsPage,
    StatementsPage,
)
from surveys.feasibility import points_bounds, total_bounds

Record = Mapping[str, Any]
Row = dict[str, Any]

MOTIVATION_COLUMN_PREFIX = "why."
# one column per portfolio page: 1 when the respondent changed anything on it, 0 when they sent
# the base plan untouched, blank when not recorded
TOUCHED_COLUMN_PREFIX = "touched."
# where a record's touched flags are read from: ":" is never in a step id, so no step is hidden
TOUCHED_STEP = "touched:"
MOTIVATION_COLUMNS = ["respondent", "page", "option", "level", "direction", "text"]
CHOSEN, NOT_CHOSEN, LEVEL = "chosen", "not chosen", "level"


def respondents_table(consultation: Consultation, records: Iterable[Record]) -> pd.DataFrame:
    """One row per record: who, when, and one column per answer in the order the pages ask them."""
    return _frame(list(respondent_rows(consultation, records)), respondent_column_names(consultation))


def choices_table(consultation: Consultation, records: Iterable[Record]) -> pd.DataFrame:
    """The long choice table the choice models read: one row per respondent x task x option.

    Costs, budgets and effects are those of the respondent's design version. Rows are sorted by
    respondent; within a respondent, tasks and options keep the definition's order.
    """
    rows = list(choice_rows(consultation, records))
    rows.sort(key=lambda row: row[0])  # stable: keeps the definition's order within a respondent
    return _frame(rows, choice_column_names(consultation))


def motivations_table(consultation: Consultation, records: Iterable[Record]) -> pd.DataFrame:
    """One row per motivation written: who, which page and option, the level chosen, the text."""
    return _frame(list(motivation_rows(consultation, records)), MOTIVATION_COLUMNS)


def respondent_column_names(consultation: Consultation) -> list[str]:
    return _unique([*RESPONDENT_COLUMNS, *(column.name for column in answer_columns(consultation))])


def respondent_rows(consultation: Consultation, records: Iterable[Record]) -> Iterator[list]:
    """The respondent table's rows (values in `respondent_column_names` order), one per record."""
    return _each(row_makers(consultation).respondents, records)


def choice_rows(consultation: Consultation, records: Iterable[Record]) -> Iterator[list]:
    """The choice table's rows (values in `choice_column_names` order), in the records' order."""
    return _each(row_makers(consultation).choices, records)


def motivation_rows(consultation: Consultation, records: Iterable[Record]) -> Iterator[list]:
    """The motivations' rows (values in MOTIVATION_COLUMNS order), options in the page's order."""
    return _each(row_makers(consultation).motivations, records)


class RowMakers(NamedTuple):
    """Per table, a function from one record to its rows: for writing tables record by record."""

    respondents: Callable[[Record], list[list]]
    choices: Callable[[Record], list[list]]
    motivations: Callable[[Record], list[list]]


def row_makers(consultation: Consultation, cell: Callable[[Any], Any] | None = None) -> RowMakers:
    """The row makers of the three tables, with everything the definition fixes worked out once.

    `cell`, when given, is applied to every value (a file format's rules for a cell); values the
    definition fixes go through it once, not once per row.
    """
    each = (lambda row: [cell(value) for value in row]) if cell else (lambda row: row)
    respondents, motivations = _respondent_maker(consultation), _motivation_maker(consultation)
    return RowMakers(
        lambda record: [each(row) for row in respondents(record)],
        _choice_maker(consultation, cell or (lambda value: value)),
        lambda record: [each(row) for row in motivations(record)],
    )


def _each(make: Callable[[Record], list[list]], records: Iterable[Record]) -> Iterator[list]:
    for record in records:
        yield from make(record)


def _respondent_maker(consultation: Consultation) -> Callable[[Record], list[list]]:
    steps: dict[str, list[Callable]] = {}  # the columns in order, each step's answer read once
    for column in answer_columns(consultation):
        steps.setdefault(column.step, []).append(column.read)
    by_step = list(steps.items())

    def rows(record: Record) -> list[list]:
        answers, row = _with_touched(record), list(_respondent_fields(record))
        for step, reads in by_step:
            answer = answers.get(step) or {}
            row += [read(answer) for read in reads]
        return [row]

    return rows


def _with_touched(record: Record) -> Mapping[str, Any]:
    """The record's answers, with each portfolio page's touched flag read like an answer."""
    touched = record.get("touched") or {}
    if not touched:
        return record["answers"]
    return {**record["answers"], **{TOUCHED_STEP + page: {"touched": flag} for page, flag in touched.items()}}


def _choice_maker(consultation: Consultation, cell: Callable[[Any], Any]) -> Callable[[Record], list[list]]:
    designs = _designs(consultation)
    resources = _resource_columns(consultation, designs.values())
    names = choice_column_names(consultation)
    by_page = {
        version: _by_page(
            [
                replace(
                    alternative,
                    head=tuple(map(cell, alternative.head)),
                    tail=tuple(map(cell, alternative.tail)),
                )
                for alternative in _alternatives(design, resources, names)
            ]
        )
        for version, design in designs.items()
    }

    def rows(record: Record) -> list[list]:
        respondent, version = cell(record["respondent"]), cell(record.get("version"))
        answers, found = record["answers"], []
        for page, alternatives in _of_version(by_page, record):
            answer = answers.get(page) or {}
            for alternative in alternatives:
                value = answer.get(alternative.key, alternative.missing)
                if value is not None:
                    found.append(
                        [
                            respondent,
                            *alternative.head,
                            cell(alternative.choice(value)),
                            *alternative.tail,
                            version,
                        ]
                    )
        return found

    return rows


def _by_page(alternatives: list[_Alternative]) -> list[tuple[str, list[_Alternative]]]:
    """The alternatives grouped by the page whose answer holds their choice, in order."""
    pages: dict[str, list[_Alternative]] = {}
    for alternative in alternatives:
        pages.setdefault(alternative.page, []).append(alternative)
    return list(pages.items())


# --- respondents: one column per answer ---------------------------------------------------------


@dataclass(frozen=True)
class AnswerColumn:
    """A column of the respondent table: its name, the step whose answer holds it, how to read it."""

    name: str
    step: str
    read: Callable[[Mapping[str, Any]], Any]


def answer_columns(consultation: Consultation) -> list[AnswerColumn]:
    """The answer columns of every page (and motivation step), in the order respondents see them."""
    return [column for page in consultation.pages for column in _ANSWER_COLUMNS[page.type](page)]


def _respondent_fields(record: Record) -> tuple:
    started, completed = _utc(record.get("started_at")), _utc(record.get("completed_at"))
    duration = None
    if started and completed:
        duration = round((completed - started).total_seconds() / 60, 1)
    return (
        record["respondent"],
        record.get("version"),
        record.get("source"),
        record.get("language"),
        _iso(started),
        _iso(completed),
        duration,
    )


def _utc(moment: datetime | None) -> datetime | None:
    if moment is None:
        return None
    if moment.tzinfo is None:  # the database stores UTC without a zone
        return moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)


def _iso(moment: datetime | None) -> str | None:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ") if moment else None


def _value(key: str) -> Callable[[Mapping[str, Any]], Any]:
    return lambda answer: answer.get(key)


def _flag(key: str) -> Callable[[Mapping[str, Any]], int | None]:
    def read(answer: Mapping[str, Any]) -> int | None:
        value = answer.get(key)
        return None if value is None else int(bool(value))

    return read


def _ticked(question_id: str, choice_id: str) -> Callable[[Mapping[str, Any]], Any]:
    """1 when a multi question's answer includes the choice, 0 when not, empty when unanswered."""

    def read(answer: Mapping[str, Any]) -> int | None:
        chosen = answer.get(question_id)
        return None if chosen is None else int(choice_id in chosen)

    return read


def _keyed(step: str, keys: Iterable[str], name: Callable[[str], str] = str) -> list[AnswerColumn]:
    """One column per key of a step's answer."""
    return [AnswerColumn(name(key), step, _value(key)) for key in keys]


def _question_columns(page: QuestionsPage) -> list[AnswerColumn]:
    columns = []
    for question in page.questions:
        if question.type == "multi":
            columns += [
                AnswerColumn(f"{question.id}.{choice.id}", page.id, _ticked(question.id, choice.id))
                for choice in question.choices
            ]
        else:
            columns.append(AnswerColumn(question.id, page.id, _value(question.id)))
    return columns


def _statement_columns(page: StatementsPage) -> list[AnswerColumn]:
    return _keyed(page.id, (statement.id for statement in page.statements))


def _portfolio_columns(page: PortfolioPage) -> list[AnswerColumn]:
    option_ids = [option.id for option in page.options]
    columns = _keyed(page.id, option_ids)
    if page.motivation:
        columns += _keyed(
            MOTIVATION_PREFIX + page.id, option_ids, lambda option_id: MOTIVATION_COLUMN_PREFIX + option_id
        )
    return [*columns, AnswerColumn(TOUCHED_COLUMN_PREFIX + page.id, TOUCHED_STEP + page.id, _flag("touched"))]


def _points_columns(page: PointsPage) -> list[AnswerColumn]:
    return _keyed(page.id, (goal.id for goal in page.goals))


def _pairs_columns(page: PairsPage) -> list[AnswerColumn]:
    numbers = (str(number) for number in range(1, len(page.sets) + 1))
    return _keyed(page.id, numbers, lambda number: f"{page.id}.{number}")


_ANSWER_COLUMNS: dict[str, Callable[[Any], list[AnswerColumn]]] = {
    "questions": _question_columns,
    "statements": _statement_columns,
    "portfolio": _portfolio_columns,
    "points": _points_columns,
    "pairs": _pairs_columns,
}


# --- choices: one row per respondent x task x option ----------------------------------------------


@dataclass(frozen=True)
class _Resource:
    """The columns of one resource a task's options use: cost per unit, budget, lowest total."""

    constraint: str | None  # None: the points of a points page
    cost: str
    budget: str
    budget_min: str


_POINTS = _Resource(None, *resource_columns(None))


@dataclass(frozen=True)
class _Alternative:
    """A row of the choice table as the definition fixes it; the respondent's answer adds the choice.

    `key` is where the page's answer holds the value `choice` turns into this row's choice. An
    answer without a value there counts as `missing`; when that is None (an optional pair left
    unanswered) the respondent has no such row.
    """

    page: str
    key: str
    fixed: Row
    choice: Callable[[Any], Any] = lambda value: value
    missing: Any = None
    head: tuple = ()  # the fixed values before the choice column (task, option)
    tail: tuple = ()  # the fixed values after it, up to the version column


def _laid_out(alternative: _Alternative, names: list[str]) -> _Alternative:
    """The alternative with its fixed values in column order (None where it has no value)."""
    fixed = alternative.fixed
    return replace(
        alternative,
        head=(fixed["task"], fixed["option"]),
        tail=tuple(fixed.get(name) for name in names[4:-1]),
    )


def _designs(consultation: Consultation) -> dict[str | None, Consultation]:
    """The consultation as each design version shows it (key None: as defined, without a version)."""
    return {
        None: consultation,
        **{version.id: consultation.for_version(version.id) for version in consultation.versions},
    }


def _of_version(by_version: Mapping[str | None, Any], record: Record) -> Any:
    version = record.get("version")
    if version not in by_version:
        known = ", ".join(v for v in by_version if v) or "none"
        raise ValueError(
            f"respondent {record['respondent']}: design version {version!r} is not "
            f"one of the consultation's ({known})"
        )
    return by_version[version]


def _resource_columns(
    consultation: Consultation, designs: Iterable[Consultation]
) -> dict[str, tuple[_Resource, ...]]:
    """Per portfolio or points page, the resource columns its rows fill.

    A portfolio page names the constraints it uses in any version, so every version's rows have
    the same columns: plain cost/budget/budget_min for one, cost_<id>... for several.
    """
    used: dict[str, set[str]] = {}
    for design in designs:
        for page in design.pages:
            if isinstance(page, PortfolioPage):
                used.setdefault(page.id, set()).update(page.constraints)
    resources: dict[str, tuple[_Resource, ...]] = {}
    for page in consultation.pages:
        if isinstance(page, PointsPage):
            resources[page.id] = (_POINTS,)
        elif isinstance(page, PortfolioPage):
            ids = [c.id for c in consultation.constraints if c.id in used[page.id]]
            resources[page.id] = _constraint_resources(ids)
    return resources


def _constraint_resources(constraint_ids: list[str]) -> tuple[_Resource, ...]:
    if len(constraint_ids) == 1:
        return (_Resource(constraint_ids[0], *resource_columns(None)),)
    return tuple(_Resource(c, *resource_columns(c)) for c in constraint_ids)


def choice_column_names(consultation: Consultation) -> list[str]:
    """The choice table's columns: who, task, option, choice, resources, group, effects, version."""
    resources = _resource_columns(consultation, _designs(consultation).values())
    resource_names = dict.fromkeys(
        name
        for page_resources in resources.values()
        for resource in page_resources
        for name in (resource.cost, resource.budget, resource.budget_min)
    )
    return _unique(
        [
            "respondent",
            "task",
            "option",
            "choice",
            *resource_names,
            "group",
            *(attribute.id for attribute in consultation.attributes),
            "version",
        ]
    )


def _alternatives(
    design: Consultation, resources: Mapping[str, tuple[_Resource, ...]], names: list[str]
) -> list[_Alternative]:
    """Every row one respondent of this design version can have, in the definition's order."""
    return [
        _laid_out(alternative, names)
        for page in design.pages
        if page.type in _ALTERNATIVES
        for alternative in _ALTERNATIVES[page.type](design, page, resources.get(page.id, ()))
    ]


def _attribute_values(design: Consultation, values: Mapping[str, Any], missing: Any) -> Row:
    return {attribute.id: values.get(attribute.id, missing) for attribute in design.attributes}


def _portfolio_alternatives(
    design: Consultation, page: PortfolioPage, resources: tuple[_Resource, ...]
) -> list[_Alternative]:
    return [
        _Alternative(
            page.id,
            option.id,
            {
                "task": page.id,
                "option": option.id,
                **_constraint_values(design, page, option, resources),
                "group": option.group,
                **_attribute_values(design, option.effects, 0),
            },
        )
        for option in page.options
    ]


def _constraint_values(
    design: Consultation, page: PortfolioPage, option: Option, resources: tuple[_Resource, ...]
) -> Row:
    values: Row = {}
    for resource in resources:
        assert resource.constraint is not None  # a portfolio page's resources are constraints, not points
        constraint = design.constraint(resource.constraint)
        values[resource.cost] = option.use.get(resource.constraint, 0)
        values[resource.budget_min], values[resource.budget] = total_bounds(page, constraint)
    return values


def _points_alternatives(
    design: Consultation, page: PointsPage, resources: tuple[_Resource, ...]
) -> list[_Alternative]:
    (points,) = resources
    low, high = points_bounds(page)
    budget = {points.cost: 1, points.budget: high, points.budget_min: low}
    # a goal left out of the answer has 0 points (surveys.feasibility.check_points)
    return [
        _Alternative(
            page.id,
            goal.id,
            {
                "task": page.id,
                "option": goal.id,
                **budget,
                **_attribute_values(design, {}, 0),
            },
            missing=0,
        )
        for goal in page.goals
    ]


def _pairs_alternatives(
    design: Consultation, page: PairsPage, resources: tuple[_Resource, ...]
) -> list[_Alternative]:
    """Per set, the variants A, B, ... and the opt-out; the chosen one has choice 1."""
    alternatives = []
    for number, variants in enumerate(page.sets, start=1):
        described = list(zip(variant_letters(variants), variants))
        if page.opt_out:
            described.append((OPT_OUT, {}))
        alternatives += [
            _Alternative(
                page.id,
                str(number),
                {
                    "task": f"{page.id}:{number}",
                    "option": letter,
                    **_attribute_values(design, variant, math.nan),
                },
                _is_chosen(letter),
            )
            for letter, variant in described
        ]
    return alternatives


def _is_chosen(letter: str) -> Callable[[Any], int]:
    return lambda chosen: int(chosen == letter)


_ALTERNATIVES: dict[str, Callable[..., list[_Alternative]]] = {
    "portfolio": _portfolio_alternatives,
    "points": _points_alternatives,
    "pairs": _pairs_alternatives,
}


# --- motivations: one row per text written --------------------------------------------------------


def _motivation_maker(consultation: Consultation) -> Callable[[Record], list[list]]:
    """`direction` says what a text explains: "chosen" or "not chosen" for an on/off option,
    "level" for an option with levels (the level column says which)."""
    pages = [page for page in consultation.pages if isinstance(page, PortfolioPage) and page.motivation]

    def rows(record: Record) -> list[list]:
        answers, found = record["answers"], []
        for page in pages:
            texts = answers.get(MOTIVATION_PREFIX + page.id) or {}
            levels = answers.get(page.id) or {}
            for option in page.options:
                text = texts.get(option.id)
                if text:
                    level = levels.get(option.id)
                    found.append(
                        [record["respondent"], page.id, option.id, level, _direction(option, level), text]
                    )
        return found

    return rows


def motivations_from_respondents(consultation: Consultation, respondents: pd.DataFrame) -> pd.DataFrame:
    """The motivations table (MOTIVATION_COLUMNS) from the respondents table's `why.<option>`
    columns and the levels beside them: the rows `motivations_table` makes from the records (per
    option rather than per respondent), for when only the respondents table is at hand."""
    parts = []
    for page in consultation.pages:
        if not (isinstance(page, PortfolioPage) and page.motivation):
            continue
        for option in page.options:
            column = MOTIVATION_COLUMN_PREFIX + option.id
            if column not in respondents:
                continue
            texts = respondents[column]
            written = respondents[texts.notna() & texts.astype(str).ne("")]
            levels = (
                pd.to_numeric(written[option.id], errors="coerce")
                if option.id in written
                else pd.Series(float("nan"), index=written.index)
            )
            chosen = levels.eq(1).fillna(False).to_numpy(dtype=bool)
            parts.append(
                pd.DataFrame(
                    {
                        "respondent": written["respondent"].to_numpy(),
                        "page": page.id,
                        "option": option.id,
                        "level": levels.to_numpy(),
                        "direction": np.where(chosen, _direction(option, 1), _direction(option, None)),
                        "text": written[column].astype(str).to_numpy(),
                    }
                )
            )
    frame = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=MOTIVATION_COLUMNS)
    return _whole_numbers_as_integers(frame[MOTIVATION_COLUMNS])


def _direction(option: Option, level: Any) -> str:
    if not option.is_toggle:
        return LEVEL
    return CHOSEN if level == 1 else NOT_CHOSEN


# --- both ----------------------------------------------------------------------------------------


def _unique(columns: list[str]) -> list[str]:
    clashes = sorted({name for name in columns if columns.count(name) > 1})
    if clashes:
        raise ValueError(
            "the definition's ids give more than one column named "
            f"{', '.join(clashes)}; rename one of the ids"
        )
    return columns


def _frame(rows: list[list], columns: list[str]) -> pd.DataFrame:
    return _whole_numbers_as_integers(pd.DataFrame.from_records(rows, columns=columns))


def _whole_numbers_as_integers(frame: pd.DataFrame) -> pd.DataFrame:
    """Float columns holding only whole numbers become nullable integers, written "3" not "3.0"."""
    for name, column in frame.items():
        if pd.api.types.is_float_dtype(column) and column.dropna().mod(1).eq(0).all():
            frame[name] = column.astype("Int64")
    return frame
