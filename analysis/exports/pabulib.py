"""The pabulib `.pb` format of participatory-budgeting elections, both ways.

A `.pb` file has three `;`-separated sections: META (key;value), PROJECTS (project_id;cost;...)
and VOTES (voter_id;...;vote, the approved project ids comma-separated); "None" is an empty value
(Faliszewski et al., "Participatory Budgeting: Data, Tools, and Analysis", 2023; pabutools reads
it). `write_pabulib` turns each portfolio page with one constraint and on/off options into an
approval election; `read_pabulib` turns an approval election into the respondents and choices
tables `pwe fit` reads, with the ballot's rules as budget, minimum and group.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import pandas as pd

from analysis.exports.safety import neutralise
from analysis.tables import Record, answer_columns
from surveys.definition import Consultation, PortfolioPage, QuestionsPage
from surveys.feasibility import total_bounds

NONE = "None"
TASK = "vote"
BALLOT_GROUP = "ballot"
SECTIONS = ("meta", "projects", "votes")
BACKGROUND_TYPES = ("choice", "multi", "number", "postcode4")


class PabulibError(ValueError):
    """The file cannot be read or written as pabulib; the message names the place and the fix."""


# --- writing ----------------------------------------------------------------------------------


def pabulib_pages(consultation: Consultation) -> list[PortfolioPage]:
    """The pages pabulib can hold: portfolio pages with one constraint and on/off options."""
    return [
        page
        for page in consultation.pages
        if isinstance(page, PortfolioPage)
        and len(page.constraints) == 1
        and all(option.is_toggle for option in page.options)
    ]


def write_pabulib(
    consultation: Consultation, records: Iterable[Record], out_dir: Path
) -> list[tuple[Path, int]]:
    """One `.pb` per page pabulib can hold and per design version (see `Elections`)."""
    elections = Elections(consultation)
    if not elections:
        raise PabulibError(
            f"consultation {consultation.id} has no portfolio page with one "
            "constraint and on/off options, which is what pabulib holds"
        )
    for record in records:
        elections.add(record)
    return elections.write(out_dir)


class Elections:
    """The approval elections of a consultation's pabulib pages, filled record by record.

    One per page and design version (costs differ between versions), written as
    `<consultation>_<page>[_<version>].pb`. Voters' background: the answers to the questions
    of the types in BACKGROUND_TYPES (not opinions, not open texts).
    """

    def __init__(self, consultation: Consultation) -> None:
        self.consultation = consultation
        versions: list[str | None] = [version.id for version in consultation.versions] or [None]
        self._elections = {
            (page.id, version): _Election(consultation.for_version(version), page.id, version)
            for page in pabulib_pages(consultation)
            for version in versions
        }
        self._background = [
            column
            for column in answer_columns(consultation)
            if isinstance(_page(consultation, column.step), QuestionsPage)
            and _question_type(consultation, column) in BACKGROUND_TYPES
        ]

    def __bool__(self) -> bool:
        return bool(self._elections)

    def add(self, record: Record) -> None:
        answers = record["answers"]
        background = [column.read(answers.get(column.step) or {}) for column in self._background]
        for (_, version), election in self._elections.items():
            if version == record.get("version"):
                election.add(record, background)

    def write(self, out_dir: Path) -> list[tuple[Path, int]]:
        """Write the `.pb` files; returns each with its number of votes."""
        names = [column.name for column in self._background]
        written = []
        for election in self._elections.values():
            path = out_dir / f"{election.name}.pb"
            path.write_text(election.text(names), encoding="utf-8")
            written.append((path, len(election.votes)))
        return written


@dataclass
class _Election:
    design: Consultation
    page_id: str
    version: str | None
    votes: list[list] = field(default_factory=list)
    dates: tuple[datetime, datetime] | None = None  # the first start and the last completion

    @property
    def page(self) -> PortfolioPage:
        page = self.design.page(self.page_id)
        assert isinstance(page, PortfolioPage)  # elections are held for portfolio pages only
        return page

    @property
    def name(self) -> str:
        return "_".join(part for part in (self.design.id, self.page_id, self.version) if part)

    def add(self, record: Record, background: list) -> None:
        answer = record["answers"].get(self.page_id) or {}
        vote = ",".join(o.id for o in self.page.options if answer.get(o.id) == 1)
        self.votes.append([record["respondent"], *background, record.get("source"), vote])
        moments = [m for m in (record.get("started_at"), record.get("completed_at")) if m]
        if moments:
            first, last = self.dates or (min(moments), max(moments))
            self.dates = (min(first, *moments), max(last, *moments))

    def text(self, background: list[str]) -> str:
        page, design = self.page, self.design
        constraint = design.constraint(page.constraints[0])
        lang = design.default_language
        meta = {
            "description": f"{design.text(design.title, lang)}: {design.text(page.title, lang) or page.id}",
            "country": NONE,
            "unit": design.id,
            "subunit": page.id,
            "instance": str(self.dates[0].year) if self.dates else NONE,
            "num_projects": len(page.options),
            "num_votes": len(self.votes),
            "budget": _number(constraint.max),
            "vote_type": "approval",
            "rule": NONE,
            "max_sum_cost": _number(constraint.max),
        }
        if self.dates:
            meta["date_begin"] = self.dates[0].strftime("%d.%m.%Y")
            meta["date_end"] = self.dates[1].strftime("%d.%m.%Y")
        lowest, _ = total_bounds(page, constraint)
        if lowest:
            meta["min_sum_cost"] = _number(lowest)
        meta["language"] = lang
        if self.version:
            meta["version"] = self.version
        counts = {option.id: 0 for option in page.options}
        for vote in self.votes:
            for project in filter(None, vote[-1].split(",")):
                counts[project] += 1
        projects = [
            [o.id, _number(o.use.get(constraint.id, 0)), counts[o.id], design.text(o.title, lang)]
            for o in page.options
        ]
        voters = ["voter_id", *background, "source", "vote"]
        out = io.StringIO()
        writer = csv.writer(out, delimiter=";", lineterminator="\n")
        writer.writerows(
            [
                ["META"],
                ["key", "value"],
                *([k, v] for k, v in meta.items()),
                ["PROJECTS"],
                ["project_id", "cost", "votes", "name"],
                *projects,
                ["VOTES"],
                voters,
                # an empty ballot stays empty: pabutools reads "None" as no vote column
                *([*map(_cell, vote[:-1]), vote[-1]] for vote in self.votes),
            ]
        )
        return out.getvalue()


def _page(consultation: Consultation, step: str):
    return next((page for page in consultation.pages if page.id == step), None)


def _question_type(consultation: Consultation, column) -> str | None:
    page = _page(consultation, column.step)
    name = column.name.split(".")[0]
    return next((q.type for q in page.questions if q.id == name), None)


def _number(value: Any) -> str:
    if value is None:
        return NONE
    return str(int(value)) if float(value).is_integer() else str(value)


def _cell(value: Any) -> str:
    if value is None or value == "" or (isinstance(value, float) and value != value):
        return NONE
    return _number(value) if isinstance(value, float) else str(value).replace("\n", " ")


# --- reading ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Election:
    """A pabulib election as tables: respondents (voters with their background) and choices
    (voter x project, 1 approved), with notes on the ballot's rules the tables could not hold."""

    meta: dict[str, str]
    respondents: pd.DataFrame
    choices: pd.DataFrame
    notes: tuple[str, ...] = ()


def read_pabulib(path: str | Path) -> Election:
    """Read an approval (or choose-1) election from a `.pb` file."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as error:
        raise PabulibError(f"{path}: cannot read the file ({error})") from error
    sections = _sections(path, text)
    meta = {row[0].strip(): row[1].strip() if len(row) > 1 else "" for _, row in sections["meta"][1:]}
    vote_type = meta.get("vote_type", "approval")
    if vote_type not in ("approval", "choose-1"):
        raise PabulibError(
            f"{path}: vote_type {vote_type} is not supported; import-pb reads approval and choose-1 elections"
        )
    projects = _projects(path, sections["projects"])
    voters = list(_voters(path, sections["votes"], projects))
    budget, low, group, notes = _ballot_rules(path, meta, projects)
    respondents = pd.DataFrame([{"respondent": voter_id, **background} for voter_id, background, _ in voters])
    if respondents.empty:
        respondents = pd.DataFrame(columns=["respondent"])
    choices = pd.DataFrame(
        [
            {
                "respondent": voter_id,
                "task": TASK,
                "option": project,
                "choice": int(project in vote),
                "cost": cost,
                "budget": budget,
                "budget_min": low,
                "group": group,
            }
            for voter_id, _, vote in voters
            for project, cost in projects.items()
        ],
        columns=["respondent", "task", "option", "choice", "cost", "budget", "budget_min", "group"],
    )
    return Election(meta, respondents, choices, tuple(notes))


def _sections(path: Path, text: str) -> dict[str, list[tuple[int, list[str]]]]:
    """{section: [(line, cells)]}, each section's header row first."""
    sections: dict[str, list[tuple[int, list[str]]]] = {}
    current = None
    for line, row in enumerate(csv.reader(io.StringIO(text), delimiter=";"), start=1):
        if not row or not "".join(row).strip():
            continue
        if row[0].strip().lower() in SECTIONS and len(row) == 1:
            current = row[0].strip().lower()
            sections[current] = []
        elif current is None:
            raise PabulibError(f"{path}, line {line}: expected META, PROJECTS or VOTES first")
        else:
            sections[current].append((line, row))
    missing = [name.upper() for name in SECTIONS if not sections.get(name)]
    if missing:
        raise PabulibError(f"{path}: no {' or '.join(missing)} section with a header row")
    return sections


def _header(path: Path, rows, required: tuple[str, ...]) -> list[str]:
    line, header = rows[0]
    header = [name.strip() for name in header]
    absent = [name for name in required if name not in header]
    if absent:
        raise PabulibError(f"{path}, line {line}: the header has no {', '.join(absent)} column")
    return header


def _projects(path: Path, rows) -> dict[str, float]:
    header = _header(path, rows, ("project_id", "cost"))
    projects = {}
    for line, row in rows[1:]:
        values = dict(zip(header, (cell.strip() for cell in row)))
        project = values["project_id"]
        try:
            cost = float(values["cost"].replace(",", "."))
        except ValueError:
            cost = -1.0
        if cost < 0:
            raise PabulibError(
                f"{path}, line {line}: project {project} has cost "
                f"{values['cost']!r}; a cost is a number of 0 or more"
            )
        if project in projects:
            raise PabulibError(f"{path}, line {line}: project {project} appears twice")
        projects[project] = int(cost) if cost.is_integer() else cost
    return projects


def _voters(path: Path, rows, projects: Mapping[str, float]) -> Iterator[tuple[str, dict, set]]:
    header = _header(path, rows, ("voter_id", "vote"))
    seen = set()
    for line, row in rows[1:]:
        values = {
            name: (None if cell.strip().lower() in ("none", "") else cell.strip())
            for name, cell in zip(header, row)
        }
        voter = values["voter_id"]
        if voter is None or voter in seen:
            raise PabulibError(f"{path}, line {line}: voter_id {voter} is missing or appears twice")
        seen.add(voter)
        vote = {project.strip() for project in (values["vote"] or "").split(",") if project.strip()}
        unknown = sorted(vote - set(projects))
        if unknown:
            raise PabulibError(
                f"{path}, line {line}: voter {voter} approves {', '.join(unknown)}, "
                "which PROJECTS does not list"
            )
        background = {
            name: value for name, value in values.items() if name not in ("voter_id", "vote", "points")
        }
        yield voter, background, vote


def _ballot_rules(
    path: Path, meta: Mapping[str, str], projects: Mapping[str, float]
) -> tuple[float, float, str | None, list[str]]:
    """Budget, lowest total and exclusive group of the ballot from META, with notes on rules the
    choice table cannot hold (the model then allows more ballots than the election did)."""

    def number(key: str) -> float | None:
        value = meta.get(key, NONE)
        if value.lower() == "none" or value == "":
            return None
        try:
            return float(value.replace(",", "."))
        except ValueError:
            raise PabulibError(f"{path}: META {key} is {value!r}, not a number") from None

    def count(key: str) -> int | None:
        value = number(key)
        return None if value is None else int(value)

    notes = []
    total = sum(projects.values())
    budget = number("max_sum_cost")
    if budget is None:
        budget = total
        notes.append(
            "the ballot had no cost limit (no max_sum_cost): every set of projects "
            "was allowed, so the budget column is the total cost of all projects"
        )
    low = number("min_sum_cost") or 0
    min_length, max_length = count("min_length") or 0, count("max_length")
    if meta.get("vote_type") == "choose-1":
        min_length, max_length = 1, 1
    group = None
    if max_length == 1:
        group = BALLOT_GROUP  # at most one project: all in one exclusive group
    elif max_length is not None and max_length < len(projects):
        notes.append(
            f"the ballot allowed at most {max_length} projects; the choice table cannot "
            "say so, so the model also counts larger sets as possible"
        )
    if min_length == 1 and min(projects.values(), default=0) > 0:
        # at least one project: with positive costs, the same as spending at least the cheapest
        low = max(low, min(projects.values()))
    elif min_length > 1:
        notes.append(
            f"the ballot asked for at least {min_length} projects; the choice table "
            "cannot say so, so the model also counts smaller sets as possible"
        )
    return _plain(budget), _plain(low), group, notes


def _plain(value: float) -> float | int:
    return int(value) if float(value).is_integer() else value


def write_tables(election: Election, out_dir: Path) -> list[tuple[Path, int]]:
    """respondents.csv and choices.csv of an election, as `pwe fit` reads them (spreadsheet-safe)."""
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for name, table in (("respondents.csv", election.respondents), ("choices.csv", election.choices)):
        table.map(neutralise).to_csv(out_dir / name, index=False, encoding="utf-8", lineterminator="\n")
        written.append((out_dir / name, len(table)))
    return written
