"""The consultation definition as typed, immutable objects.

`surveys.load` builds these from a YAML file after validating it; everything else (the web
platform, the feasibility check, exports, the analysis) reads a consultation only through them.
Texts are normalised to a {language: text} map; see `Text`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import Literal

Number = int | float


@dataclass(frozen=True)
class Text:
    """A text in one or more languages.

    A plain string in the file becomes `Text({}, neutral=s)`: the same words in every language
    (names, numbers, "16-34"). A map gives one text per declared language.
    """

    by_lang: dict[str, str] = field(default_factory=dict)
    neutral: str | None = None

    def get(self, lang: str, default_lang: str | None = None) -> str:
        if self.neutral is not None:
            return self.neutral
        if lang in self.by_lang:
            return self.by_lang[lang]
        if default_lang and default_lang in self.by_lang:
            return self.by_lang[default_lang]
        return next(iter(self.by_lang.values()), "")

    def __bool__(self) -> bool:
        return bool(self.neutral) or any(self.by_lang.values())


EMPTY = Text()


@dataclass(frozen=True)
class Attribute:
    id: str
    label: Text
    unit: Text = EMPTY
    description: Text = EMPTY
    # +1: more is better (homes), -1: less is better (travel time), 0: neither; only for display
    direction: int = 0


@dataclass(frozen=True)
class Constraint:
    id: str
    label: Text
    unit: Text = EMPTY
    max: Number | None = None
    min: Number | None = None
    description: Text = EMPTY


QuestionType = Literal["choice", "multi", "number", "text", "postcode4", "scale", "agree"]


@dataclass(frozen=True)
class Choice:
    id: str
    label: Text


@dataclass(frozen=True)
class Question:
    id: str
    type: QuestionType
    label: Text
    help: Text = EMPTY
    required: bool = False
    choices: tuple[Choice, ...] = ()
    min: Number | None = None  # number: bounds; multi: fewest/most choices
    max: Number | None = None
    integer: bool = False  # number: whole numbers only
    max_length: int = 2000  # text
    scale_labels: tuple[Text, Text] | None = None  # scale: words at 0 and 10


@dataclass(frozen=True)
class Statement:
    id: str
    text: Text


@dataclass(frozen=True)
class Option:
    id: str
    title: Text
    description: Text = EMPTY
    pros: tuple[Text, ...] = ()
    cons: tuple[Text, ...] = ()
    levels: tuple[Number, ...] = (0, 1)
    level_labels: tuple[Text, ...] = ()  # one per level, or empty
    use: dict[str, Number] = field(default_factory=dict)  # constraint id -> use per unit
    effects: dict[str, Number] = field(default_factory=dict)  # attribute id -> effect per unit
    group: str | None = None
    default: Number = 0  # level shown first; must be one of levels

    @property
    def is_toggle(self) -> bool:
        return tuple(self.levels) == (0, 1)


@dataclass(frozen=True)
class Goal:
    id: str
    title: Text
    description: Text = EMPTY


@dataclass(frozen=True)
class QuestionsPage:
    id: str
    questions: tuple[Question, ...]
    title: Text = EMPTY
    intro: Text = EMPTY
    type: Literal["questions"] = "questions"


@dataclass(frozen=True)
class StatementsPage:
    id: str
    statements: tuple[Statement, ...]
    title: Text = EMPTY
    intro: Text = EMPTY
    required: bool = False
    type: Literal["statements"] = "statements"


@dataclass(frozen=True)
class PortfolioPage:
    id: str
    options: tuple[Option, ...]
    title: Text = EMPTY
    intro: Text = EMPTY
    leftover: Literal["allowed", "must_use_all"] = "allowed"
    motivation: bool = False
    randomize: bool = True
    # constraint ids this page's options use, in the consultation's order
    constraints: tuple[str, ...] = ()
    type: Literal["portfolio"] = "portfolio"

    def option(self, option_id: str) -> Option:
        for option in self.options:
            if option.id == option_id:
                return option
        raise KeyError(option_id)


@dataclass(frozen=True)
class PointsPage:
    id: str
    goals: tuple[Goal, ...]
    total: int
    step: int = 1
    must_use_all: bool = True
    title: Text = EMPTY
    intro: Text = EMPTY
    randomize: bool = True
    type: Literal["points"] = "points"


@dataclass(frozen=True)
class PairsPage:
    id: str
    attributes: tuple[str, ...]  # attribute ids describing each variant
    sets: tuple[tuple[dict[str, Number], ...], ...]  # each set: two (or more) variants
    opt_out: Text | None = None
    title: Text = EMPTY
    intro: Text = EMPTY
    required: bool = True
    money: str | None = None  # the attribute that is an amount of money (for willingness to pay)
    type: Literal["pairs"] = "pairs"


Page = QuestionsPage | StatementsPage | PortfolioPage | PointsPage | PairsPage


@dataclass(frozen=True)
class Version:
    id: str
    changes: dict  # as in the file: {option_id: {use: {...}, effects: {...}}, constraints: {id: {max: ..}}}


@dataclass(frozen=True)
class Consultation:
    id: str
    languages: tuple[str, ...]
    title: Text
    intro: Text = EMPTY
    privacy: Text = EMPTY
    min_age: int | None = None
    duration_minutes: int | None = None
    attributes: tuple[Attribute, ...] = ()
    constraints: tuple[Constraint, ...] = ()
    pages: tuple[Page, ...] = ()
    versions: tuple[Version, ...] = ()
    thanks: Text = EMPTY
    next_steps: Text = EMPTY  # what happens with the advice, on the thank-you and closed pages
    organiser: Text = EMPTY  # the body that asks for the advice
    contact: Text = EMPTY  # how to reach the organiser
    privacy_statement: Text = EMPTY  # the full statement on its own page; `privacy` is its summary
    accessibility: Text = EMPTY  # the accessibility statement (toegankelijkheidsverklaring)
    version_id: str | None = None  # set on the copy returned by for_version

    @property
    def default_language(self) -> str:
        return self.languages[0]

    def text(self, value: Text | None, lang: str) -> str:
        return value.get(lang, self.default_language) if value else ""

    def page(self, page_id: str) -> Page:
        for page in self.pages:
            if page.id == page_id:
                return page
        raise KeyError(page_id)

    def attribute(self, attribute_id: str) -> Attribute:
        return next(a for a in self.attributes if a.id == attribute_id)

    def constraint(self, constraint_id: str) -> Constraint:
        return next(c for c in self.constraints if c.id == constraint_id)

    def for_version(self, version_id: str | None) -> Consultation:
        """This consultation with a design version's changes applied (itself for None); made
        once per version, as every page of a respondent asks for theirs."""
        from surveys.versions import apply_version

        made = self._versions.get(version_id)
        if made is None:
            made = self._versions[version_id] = apply_version(self, version_id)
        return made

    @cached_property
    def _versions(self) -> dict[str | None, Consultation]:
        return {}  # not a field: a copy made by dataclasses.replace starts without
