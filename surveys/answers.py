"""Turn a submitted page into a typed answer, or field errors and rule violations.

The server is the only authority: every submitted page goes through `parse_page` (or
`parse_motivation`), and only a result that is `ok` may be stored.

Field names (the templates use exactly these): questions and statements by their id, portfolio
options by option id (the level as a decimal string; an unticked toggle is absent and means 0),
points by goal id (blank means 0), pairs as "set-<n>" (n from 1; "A", "B", ... or "none"), and
motivation as "why-<option id>"; an agree item's "don't know" is "dk". The constants below are the
one spelling of these names: the validator refuses ids that start with RESERVED_PREFIXES or equal
IGNORED_FIELDS, and the templates get OPT_OUT from pwe.templating.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from surveys.definition import (
    Consultation,
    Option,
    Page,
    PairsPage,
    PointsPage,
    PortfolioPage,
    Question,
    QuestionsPage,
    StatementsPage,
    Text,
)
from surveys.feasibility import (
    Violation,
    allowed_levels,
    check_points,
    check_portfolio,
    exact,
    plain,
)

IGNORED_FIELDS = frozenset({"csrf_token", "action", "lang", "touched"})
MOTIVATION_PREFIX = "why-"
SET_PREFIX = "set-"
# no id in a definition may start with these, so a field name always says what it holds
RESERVED_PREFIXES = (MOTIVATION_PREFIX, SET_PREFIX)
OPT_OUT = "none"
DONT_KNOW = "dk"
MOTIVATION_MAX_LENGTH = 2000
# What a rejected field echoes back (its name, or a value that is not free text) is cut here:
# a hostile form must not make the page it gets back grow with it. A free text comes back up to
# twice its maximum length, so a text a little too long returns whole for its writer to shorten.
ECHO_LENGTH = 80

# No exponent and at most 15 digits a side: "1e400", "NaN" and "inf" are not numbers a person
# types, and 15 digits keep every value exact in JSON and JavaScript. ASCII only: int() would
# also read Arabic-Indic digits.
_DECIMAL = re.compile(r"[+-]?\d{1,15}(?:[.,]\d{1,15})?", re.ASCII)
_WHOLE = re.compile(r"[+-]?\d{1,15}", re.ASCII)
_POSTCODE = re.compile(r"([1-9]\d{3}) *(?:[A-Za-z]{2})?", re.ASCII)
# Control characters other than tab and newlines: PostgreSQL refuses NUL, and none is typed text.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_SCALE = {str(grade): grade for grade in range(11)}
_AGREE = {**{str(point): point for point in range(1, 6)}, DONT_KNOW: DONT_KNOW}


@dataclass(frozen=True)
class FieldError:
    """A problem with one submitted field; `field` is its HTML name and the id the summary links to."""

    field: str
    code: str
    params: dict = dataclasses.field(default_factory=dict)


@dataclass(frozen=True)
class PageResult:
    """A parsed page: the answer, per-field errors, and rule violations of the whole allocation.

    When a field fails, `answer` holds what was submitted for it (the raw string, a list for a
    multi question, None when absent) so the form shows exactly what was typed; the other
    fields hold their typed values.
    """

    answer: dict
    errors: list[FieldError]
    violations: list[Violation]

    @property
    def ok(self) -> bool:
        return not self.errors and not self.violations


class _Invalid(Exception):
    """Raised by a field reader: the submitted value breaks the rule named by `code`."""

    def __init__(self, code: str, **params: Any) -> None:
        super().__init__(code)
        self.code = code
        self.params = params


@dataclass(frozen=True)
class _Field:
    """One input of a page: its HTML name, its key in the answer and how to read it."""

    name: str
    key: str
    label: Text
    read: Callable[[list[str]], Any]  # submitted values -> stored value; raises _Invalid
    blank: Any = None  # the value a fresh respondent starts from
    multiple: bool = False  # several values under one name (multi questions)
    echo: int = ECHO_LENGTH  # how much of a rejected value is shown back


def parse_page(consultation: Consultation, page: Page, form: Any) -> PageResult:
    """Parse a submitted page; rule violations are checked only once every field has parsed."""
    fields = _FIELDS[page.type](page)
    answer, errors = _read_fields(fields, form, _UNKNOWN_CODES.get(page.type, "unknown_field"))
    violations = [] if errors else _rule_violations(consultation, page, answer)
    return PageResult(answer, errors, violations)


def parse_motivation(consultation: Consultation, page: PortfolioPage, form: Any) -> PageResult:
    """Parse the motivation asked after a portfolio page; only non-empty texts are kept."""
    answer, errors = _read_fields(_motivation_fields(page), form, "unknown_field")
    return PageResult({key: text for key, text in answer.items() if text}, errors, [])


def blank_answer(consultation: Consultation, page: Page) -> dict:
    """The answer a fresh respondent starts from: default levels, zero points, otherwise None."""
    return {f.key: f.blank for f in _FIELDS[page.type](page)}


def field_label(page: Page, name: str) -> Text | None:
    """The label of the input named `name` on `page` (motivation fields included), if any."""
    fields = _FIELDS[page.type](page)
    if isinstance(page, PortfolioPage):
        fields += _motivation_fields(page)
    return next((f.label for f in fields if f.name == name), None)


def _read_fields(fields: list[_Field], form: Any, unknown_code: str) -> tuple[dict, list[FieldError]]:
    answer, errors = {}, []
    for f in fields:
        values = form.getlist(f.name)
        try:
            answer[f.key] = f.read(values)
        except _Invalid as problem:
            shown = [value[: f.echo] for value in values]
            answer[f.key] = shown if f.multiple else (shown[0] if shown else None)
            errors.append(FieldError(f.name, problem.code, problem.params))
    known = {f.name for f in fields} | IGNORED_FIELDS
    unknown = [name[:ECHO_LENGTH] for name in form.keys() if name not in known]
    if len(unknown) == 1:
        errors.append(FieldError(unknown[0], unknown_code))
    elif unknown:  # one message for any number of them
        errors.append(FieldError(unknown[0], "unknown_fields", {"others": len(unknown) - 1}))
    return answer, errors


def _rule_violations(consultation: Consultation, page: Page, answer: dict) -> list[Violation]:
    if isinstance(page, PortfolioPage):
        return check_portfolio(consultation, page, answer)
    if isinstance(page, PointsPage):
        return check_points(page, answer)
    return []


# --- the fields of each page type ---------------------------------------------------------


def _question_fields(page: QuestionsPage) -> list[_Field]:
    return [
        _Field(
            q.id,
            q.id,
            q.label,
            _question_reader(q),
            multiple=q.type == "multi",
            echo=max(ECHO_LENGTH, 2 * q.max_length) if q.type == "text" else ECHO_LENGTH,
        )
        for q in page.questions
    ]


def _statement_fields(page: StatementsPage) -> list[_Field]:
    read = _single(_one_of(_AGREE, "agree_value"), required=page.required)
    return [_Field(s.id, s.id, s.text, read) for s in page.statements]


def _portfolio_fields(page: PortfolioPage) -> list[_Field]:
    return [
        _Field(o.id, o.id, o.title, _level_reader(o), blank=plain(exact(o.default))) for o in page.options
    ]


def _points_fields(page: PointsPage) -> list[_Field]:
    read = _single(_points, required=False, missing=0)
    return [_Field(g.id, g.id, g.title, read, blank=0) for g in page.goals]


def _pairs_fields(page: PairsPage) -> list[_Field]:
    return [
        _Field(
            f"{SET_PREFIX}{n}",
            str(n),
            Text({"nl": f"Keuze {n}", "en": f"Choice {n}"}),
            _single(
                _one_of(_pair_values(page, variants), "pairs_choice"),
                required=page.required,
                required_code="required_pair",
            ),
        )
        for n, variants in enumerate(page.sets, start=1)
    ]


def _motivation_fields(page: PortfolioPage) -> list[_Field]:
    read = _single(_text(MOTIVATION_MAX_LENGTH), required=False)
    return [
        _Field(f"{MOTIVATION_PREFIX}{o.id}", o.id, o.title, read, echo=2 * MOTIVATION_MAX_LENGTH)
        for o in page.options
    ]


_FIELDS: dict[str, Callable[[Any], list[_Field]]] = {
    "questions": _question_fields,
    "statements": _statement_fields,
    "portfolio": _portfolio_fields,
    "points": _points_fields,
    "pairs": _pairs_fields,
}
# A name the page does not know is most likely a tampered option or goal id: say so.
_UNKNOWN_CODES = {"portfolio": "unknown_option", "points": "unknown_goal"}


# --- readers: submitted values -> stored value --------------------------------------------


def _single(
    parse: Callable[[str], Any], *, required: bool, missing: Any = None, required_code: str = "required"
) -> Callable[[list[str]], Any]:
    """Read a one-value field: blank gives `missing` (an error when required), else `parse`(text)."""

    def read(values: list[str]) -> Any:
        if len(values) > 1:
            raise _Invalid("several_values")
        text = _clean(values[0]) if values else ""
        if not text:
            if required:
                raise _Invalid(required_code)
            return missing
        return parse(text)

    return read


def _clean(text: str) -> str:
    return _CONTROL.sub("", text).strip()


def _question_reader(question: Question) -> Callable[[list[str]], Any]:
    if question.type == "multi":
        return _multi_reader(question)
    parse = {
        "choice": lambda q: _one_of({c.id: c.id for c in q.choices}, "choose_one"),
        "number": _number,
        "text": lambda q: _text(q.max_length),
        "postcode4": lambda q: _postcode,
        "scale": lambda q: _one_of(_SCALE, "scale_range"),
        "agree": lambda q: _one_of(_AGREE, "agree_value"),
    }[question.type](question)
    return _single(parse, required=question.required)


def _one_of(values: Mapping[str, Any], code: str) -> Callable[[str], Any]:
    """Parse one of a fixed set of submitted strings to its stored value."""

    def parse(text: str) -> Any:
        if text not in values:
            raise _Invalid(code)
        return values[text]

    return parse


def _multi_reader(question: Question) -> Callable[[list[str]], Any]:
    order = [c.id for c in question.choices]

    def read(values: list[str]) -> list[str] | None:
        chosen = {_clean(value) for value in values} - {""}
        if not chosen.issubset(order):
            raise _Invalid("choose_one")
        if not chosen:
            if question.required:
                raise _Invalid("required")
            return None
        _check_bounds(len(chosen), question.min, question.max, "too_few", "too_many")
        return [choice for choice in order if choice in chosen]

    return read


def _number(question: Question) -> Callable[[str], Any]:
    def parse(text: str) -> Any:
        value = _decimal(text)
        # "1.000" means a thousand to many Dutch readers: a whole number must have no separator.
        if question.integer and not _WHOLE.fullmatch(text):
            raise _Invalid("not_integer")
        _check_bounds(value, question.min, question.max, "below_min", "above_max")
        return plain(value)

    return parse


def _decimal(text: str) -> Fraction:
    if not _DECIMAL.fullmatch(text):
        raise _Invalid("not_a_number")
    return Fraction(text.replace(",", "."))


def _check_bounds(value: Any, low: Any, high: Any, below_code: str, above_code: str) -> None:
    """Raise when `value` is outside the inclusive bounds (None: unbounded)."""
    if low is not None and value < exact(low):
        raise _Invalid(below_code, min=low)
    if high is not None and value > exact(high):
        raise _Invalid(above_code, max=high)


def _text(max_length: int) -> Callable[[str], str]:
    def parse(text: str) -> str:
        # browsers send each line break as CRLF but count it, as people do, as one character
        text = text.replace("\r\n", "\n").replace("\r", "\n")
        if len(text) > max_length:
            raise _Invalid("too_long", max=max_length, length=len(text))
        return text

    return parse


def _postcode(text: str) -> str:
    match = _POSTCODE.fullmatch(text)
    if not match:
        raise _Invalid("postcode")
    return match.group(1)


def _level_reader(option: Option) -> Callable[[list[str]], Any]:
    allowed = allowed_levels(option)

    def parse(text: str) -> Any:
        level = allowed.get(_decimal(text))
        if level is None:
            raise _Invalid("level_not_allowed", level=text, allowed=list(allowed.values()))
        return level

    # An unticked checkbox is not submitted at all, so only a toggle may be absent.
    return _single(parse, required=not option.is_toggle, missing=0, required_code="required_level")


def _points(text: str) -> int:
    if not _WHOLE.fullmatch(text):
        _decimal(text)  # no number at all is a different mistake from 2.5
        raise _Invalid("not_integer")
    points = int(text)
    if points < 0:
        raise _Invalid("negative_points")
    return points


def variant_letters(variants) -> list[str]:
    """The letters a set's variants are shown and stored by: A, B, C, ..."""
    return [chr(ord("A") + i) for i in range(len(variants))]


def _pair_values(page: PairsPage, variants: tuple) -> dict[str, str]:
    return {value: value for value in variant_letters(variants) + ([OPT_OUT] if page.opt_out else [])}
