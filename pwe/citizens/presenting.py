"""What the templates show: plain functions from a consultation and answers to view data."""

from __future__ import annotations

import re
from dataclasses import dataclass

from flask import g, request, url_for
from flask_babel import gettext as _
from werkzeug.exceptions import RequestEntityTooLarge

from pwe.citizens.fragments import about_options, pair_tables
from pwe.templating import attribute_description, level_label
from surveys.answers import (
    MOTIVATION_MAX_LENGTH,
    MOTIVATION_PREFIX,
    OPT_OUT,
    SET_PREFIX,
    PageResult,
    blank_answer,
    variant_letters,
)
from surveys.definition import Consultation, Option, PairsPage, PointsPage, PortfolioPage
from surveys.feasibility import (
    bound_breaks,
    check_points,
    check_portfolio,
    points_bounds,
    portfolio_effects,
    portfolio_use,
)
from surveys.language import format_number, joined
from surveys.messages import describe


@dataclass(frozen=True)
class Bounds:
    """The inclusive limits of an amount, as a constraint has them."""

    min: float | None
    max: float | None


@dataclass(frozen=True)
class Problem:
    """One line of the error summary: the message and the field it links to."""

    field: str
    message: str  # in the summary, led by the field's label
    inline: str = ""  # next to the field, where the label is already in view

    @property
    def href(self) -> str:
        return f"#f-{self.field}"


def declined(consultation: Consultation, form) -> str | None:
    """Why the visitor cannot or will not take part (the text to thank them with), or None.
    Saying no is an answer, not a mistake: it gets a polite page, never an error to fix."""
    if form.get("consent") == "no":
        return _(
            "You chose not to take part. That is perfectly fine: taking part is voluntary. "
            "Nothing about you has been stored."
        )
    if consultation.min_age and form.get("age_ok") == "no":
        return _(
            "Only people aged %(age)s or older can take part in this consultation. Nothing about "
            "you has been stored. Thank you for wanting to share your views!",
            age=consultation.min_age,
        )
    return None


def landing_errors(consultation: Consultation, form) -> list[Problem]:
    problems = []
    if form.get("consent") != "yes":
        problems.append(Problem("consent", _("Choose whether you want to take part.")))
    if consultation.min_age and form.get("age_ok") != "yes":
        problems.append(
            Problem(
                "age_ok",
                _("Choose whether you are %(age)s or older.", age=consultation.min_age),
            )
        )
    return problems


def ordered(ids_in_order: list[str] | None, items) -> list:
    """Items (options or goals) in the order this respondent was shown."""
    if not ids_in_order:
        return list(items)
    by_id = {item.id: item for item in items}
    return [by_id[i] for i in ids_in_order if i in by_id] + [i for i in items if i.id not in ids_in_order]


def touched(ctx, values: dict) -> bool | None:
    """Whether the respondent changed anything on a portfolio page: the page's own flag (set by
    the enhanced form at the first change, and carried through Recalculate), an earlier save that
    was touched, or an advice that differs from the base plan. None for every other step."""
    if ctx.step.kind != "page" or not isinstance(ctx.step.page, PortfolioPage):
        return None
    return (
        _flag_sent()
        or ctx.touched.get(ctx.step.id, False)
        or values != blank_answer(ctx.consultation, ctx.step.page)
    )


def _flag_sent() -> bool:
    if request.method != "POST":
        return False
    try:
        return request.form.get("touched") == "1"
    except RequestEntityTooLarge:  # the oversized body is not read: the saved answer is shown
        return False


def step_view(
    ctx, values: dict, result: PageResult | None = None, show_errors: bool = False, notice: str | None = None
) -> dict:
    """Everything a step template needs, errors in the respondent's language included."""
    consultation, page = ctx.consultation, ctx.step.page
    problems = _problems(ctx, result) if (result is not None and show_errors) else []
    view = {
        "c": consultation,
        "row": ctx.row,
        "step": ctx.step,
        "page": page,
        "values": values,
        "number": ctx.index + 1,
        "total": len(ctx.steps),
        "is_last": ctx.is_last,
        "previous_url": previous_url(ctx),
        "check_url": url_for("citizens.check", slug=ctx.row.slug, step_id=ctx.step.id),
        "errors": problems,
        "field_errors": {p.field: p.inline or p.message for p in problems},
        "notice": notice,
        "touched": touched(ctx, values),
    }
    order = ctx.respondent.option_order.get(page.id)
    if isinstance(page, PortfolioPage):
        options = ordered(order, page.options)
        groups = _group_notes(consultation, page)
        view.update(
            options=options,
            live=portfolio_status(consultation, page, values),
            groups=groups,
            about=about_options(ctx, groups),
        )
        if ctx.step.kind == "motivation":
            view.update(
                motivations=motivation_questions(consultation, page, options, ctx.saved.get(page.id, {})),
                max_length=MOTIVATION_MAX_LENGTH,
            )
    elif isinstance(page, PointsPage):
        view.update(goals=ordered(order, page.goals), live=points_status(page, values))
    elif isinstance(page, PairsPage):
        sets = pair_sets(consultation, page)
        view.update(sets=sets, pair_table=pair_tables(ctx, sets))
    return view


def previous_url(ctx) -> str:
    """Where "Vorige" leads: the step before, or the landing page from the first step."""
    if ctx.previous_step:
        return url_for("citizens.step", slug=ctx.row.slug, step_id=ctx.previous_step.id)
    return url_for("citizens.landing", slug=ctx.row.slug)


def _problems(ctx, result: PageResult) -> list[Problem]:
    consultation, page, lang = ctx.consultation, ctx.step.page, g.lang
    problems = [
        Problem(
            e.field,
            describe(e, lang, consultation, page),
            describe(e, lang, consultation, page, with_label=False),
        )
        for e in result.errors
    ]
    first_field = _first_field(ctx)
    for violation in result.violations:
        subject = violation.subject
        field = subject if subject is not None and _is_field(page, subject) else first_field
        if violation.code == "group_conflict":
            field = violation.params.get("options", [first_field])[0]
        problems.append(Problem(field, describe(violation, lang, consultation, page)))
    return problems


def _is_field(page, name: str) -> bool:
    items = getattr(page, "options", None) or getattr(page, "goals", None) or ()
    return any(item.id == name for item in items)


def _first_field(ctx) -> str:
    """Where a rule break of the whole page links to: the first option or goal as shown."""
    page = ctx.step.page
    items = getattr(page, "options", None) or getattr(page, "goals", None) or ()
    shown = ordered(ctx.respondent.option_order.get(page.id), items)
    return shown[0].id if shown else ""


def _numeric_levels(page: PortfolioPage, values: dict) -> dict | None:
    levels = {o.id: values.get(o.id) for o in page.options}
    if all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in levels.values()):
        return levels
    return None


def portfolio_status(consultation: Consultation, page: PortfolioPage, values: dict) -> dict:
    """Used and remaining per constraint and the running totals of effects of the current choice.

    Each constraint row has a state: within, over (above the maximum), under (below the minimum),
    or neutral while the respondent has not changed the base plan yet (no alarm before any choice)."""
    levels = _numeric_levels(page, values)
    if levels is None:
        return {"constraints": [], "effects": [], "ok": False, "known": False}
    use = portfolio_use(consultation, page, levels)
    effects = portfolio_effects(consultation, page, levels)
    violations = check_portfolio(consultation, page, levels)
    untouched = all(levels[o.id] == o.default for o in page.options)
    lang = g.lang
    rows = []
    for cid in page.constraints:
        constraint = consultation.constraint(cid)
        state = constraint_state(constraint, use[cid])
        if untouched and state != "within":
            state = "neutral"
        rows.append(
            {
                "id": cid,
                "state": state,
                "bar": meter_geometry(constraint, use[cid]),
                "text": constraint_text(consultation, constraint, use[cid], lang, state),
                "label": consultation.text(constraint.label, lang),
                "description": consultation.text(constraint.description, lang),
            }
        )
    effect_rows = [
        {
            "label": consultation.text(consultation.attribute(aid).label, lang),
            "unit": consultation.text(consultation.attribute(aid).unit, lang),
            "value": value,
            "description": attribute_description(consultation, consultation.attribute(aid), lang),
        }
        for aid, value in effects.items()
    ]
    return {
        "constraints": rows,
        "effects": effect_rows,
        "ok": not violations,
        "known": True,
        "untouched": untouched,
    }


def constraint_state(constraint, used) -> str:
    """within, over (above the maximum) or under (below the minimum); the bounds are inclusive."""
    broken = bound_breaks(used, constraint.min, constraint.max)
    return "over" if broken.get("over_max") else "under" if broken.get("under_min") else "within"


def meter_geometry(constraint, used) -> dict:
    """Percentages for the drawn meter: the allowed band and the current amount on one scale
    that always holds zero, both bounds and the amount, so negative ranges draw too."""
    bounds = [b for b in (constraint.min, constraint.max) if b is not None]
    low, high = min([0, used, *bounds]), max([0, used, *bounds])
    span = high - low

    def at(value) -> float:
        return round(100 * (value - low) / span, 2) if span else 100.0

    return {
        "start": at(constraint.min if constraint.min is not None else low),
        "end": at(constraint.max if constraint.max is not None else high),
        "zero": at(0),
        "value": at(used),
    }


def constraint_text(consultation, constraint, used, lang, state: str) -> str:
    """The state of one limit in words a citizen uses, for every kind of limit (negative too)."""
    label, unit = consultation.text(constraint.label, lang), consultation.text(constraint.unit, lang)

    def n(value) -> str:
        return format_number(value, lang)

    low, high = constraint.min, constraint.max
    # every sentence takes what it needs from the same numbers (gettext ignores the rest)
    words = {"label": label, "unit": unit, "used": n(used)}
    words |= {"min": n(low) if low is not None else "", "max": n(high) if high is not None else ""}
    if state == "over":
        return _(
            "%(label)s: %(amount)s %(unit)s more than allowed (at most %(max)s).",
            amount=n(used - high),
            **words,
        )
    if state == "under":
        return _(
            "%(label)s: %(amount)s %(unit)s less than allowed (at least %(min)s).",
            amount=n(low - used),
            **words,
        )
    if high is not None and high > 0 and (low is None or low <= 0) and used >= 0:
        return _("%(label)s: %(used)s of %(max)s %(unit)s used, %(left)s left.", left=n(high - used), **words)
    if high is not None and low is not None:
        return _("%(label)s: %(used)s %(unit)s; allowed is from %(min)s to %(max)s.", **words)
    if high is not None:
        return _("%(label)s: %(used)s %(unit)s; allowed is at most %(max)s.", **words)
    if low is not None:
        return _("%(label)s: %(used)s %(unit)s; needed is at least %(min)s.", **words)
    return _("%(label)s: %(used)s %(unit)s.", **words)


def _points_over(**numbers) -> str:
    return _("%(used)s points given: %(over)s more than the %(total)s you have.", **numbers)


def _points_given(**numbers) -> str:
    return _("%(used)s of %(total)s points given, %(left)s left.", **numbers)


def points_status(page: PointsPage, values: dict) -> dict:
    """Points given and left, drawn with the same meter and states as a portfolio's limits."""
    numbers = [v for v in values.values() if isinstance(v, int) and not isinstance(v, bool)]
    known = len(numbers) == len(values)
    used = sum(numbers)
    ok = known and not check_points(page, values)
    low, high = points_bounds(page)
    bounds = Bounds(min=low, max=high)
    state = constraint_state(bounds, used) if used else "neutral"
    lang = g.lang
    return {
        "known": known,
        "ok": ok,
        "untouched": not used,
        "constraints": [
            {
                "id": "points",
                "state": state,
                "bar": meter_geometry(bounds, used),
                "description": "",
                "text": (_points_over if state == "over" else _points_given)(
                    used=format_number(used, lang),
                    total=format_number(page.total, lang),
                    left=format_number(page.total - used, lang),
                    over=format_number(used - page.total, lang),
                ),
            }
        ],
    }


def _group_notes(consultation: Consultation, page: PortfolioPage) -> dict[str, str]:
    groups: dict[str, list[Option]] = {}
    for option in page.options:
        if option.group:
            groups.setdefault(option.group, []).append(option)
    lang = g.lang
    return {
        name: _(
            "You can choose only one option from this group: %(options)s.",
            options=joined([consultation.text(o.title, lang) for o in members], lang),
        )
        for name, members in groups.items()
    }


def motivation_questions(consultation, page: PortfolioPage, options, chosen: dict) -> list[dict]:
    """One question per option, phrased by what the respondent chose."""
    lang = g.lang
    rows = []
    for option in options:
        level = chosen.get(option.id, option.default)
        title = consultation.text(option.title, lang)
        if option.is_toggle:
            if level:
                label = _("Why did you choose %(option)s?", option=title)
            else:
                label = _("Why did you not choose %(option)s?", option=title)
        elif level == option.default:
            label = _("Why did you leave %(option)s as in the basic plan?", option=title)
        else:
            label = _(
                "Why did you choose %(level)s for %(option)s?",
                option=title,
                level=_without_step_number(level_label(consultation, option, level, lang)),
            )
        rows.append(
            {
                "option": option,
                "field": f"{MOTIVATION_PREFIX}{option.id}",
                "label": label,
                "level_text": level_label(consultation, option, level, lang),
            }
        )
    return rows


def _without_step_number(level_text: str) -> str:
    """A level label as it reads inside a sentence: "+1: 300.000 woningen meer" -> "300.000 woningen meer"."""
    return re.sub(r"^[+-]?\d+(?:[.,]\d+)?:\s*", "", level_text)


def pair_sets(consultation: Consultation, page: PairsPage) -> list[dict]:
    attributes = [consultation.attribute(a) for a in page.attributes]
    return (
        [
            {
                "number": i + 1,
                "field": f"{SET_PREFIX}{i + 1}",
                "variants": [
                    {"letter": letter, "values": [variant[a.id] for a in attributes]}
                    for letter, variant in zip(variant_letters(variants), variants)
                ],
            }
            for i, variants in enumerate(page.sets)
        ]
        if attributes
        else []
    )


def advice_summary(consultation: Consultation, answers: dict, option_order: dict) -> list[dict]:
    """The respondent's own advice for the thank-you page: portfolios, points and pair choices."""
    lang = g.lang
    sections: list[dict] = []
    for page in consultation.pages:
        answer = answers.get(page.id) or {}
        title = consultation.text(page.title, lang)
        if isinstance(page, PortfolioPage):
            rows = [
                (
                    consultation.text(o.title, lang),
                    level_label(consultation, o, answer.get(o.id, o.default), lang),
                )
                for o in ordered(option_order.get(page.id), page.options)
            ]
            use = portfolio_use(consultation, page, {o.id: answer.get(o.id, o.default) for o in page.options})
            totals = []
            for cid in page.constraints:
                constraint = consultation.constraint(cid)
                totals.append(
                    constraint_text(
                        consultation, constraint, use[cid], lang, constraint_state(constraint, use[cid])
                    )
                )
            sections.append({"kind": "portfolio", "title": title, "rows": rows, "totals": totals})
        elif isinstance(page, PointsPage):
            goals = sorted(page.goals, key=lambda goal: -answer.get(goal.id, 0))
            rows = [
                (consultation.text(goal.title, lang), format_number(answer.get(goal.id, 0), lang))
                for goal in goals
            ]
            sections.append({"kind": "points", "title": title, "rows": rows, "totals": []})
        elif isinstance(page, PairsPage):
            variants: list[tuple[str, str | list[str]]] = [
                (
                    _("Choice %(number)s of %(total)s", number=i + 1, total=len(page.sets)),
                    _chosen_variant(consultation, page, i, answer.get(str(i + 1)), lang),
                )
                for i in range(len(page.sets))
            ]
            sections.append({"kind": "pairs", "title": title, "rows": variants, "totals": []})
    return sections


def _chosen_variant(
    consultation: Consultation, page: PairsPage, index: int, letter, lang: str
) -> str | list[str]:
    """A pair choice as what was chosen: the variant's attributes, one line each (a letter alone
    means nothing once the pair is out of sight), or the opt-out's text."""
    if letter == OPT_OUT:
        return consultation.text(page.opt_out, lang)
    variants = page.sets[index]
    by_letter = dict(zip(variant_letters(variants), variants))
    if letter not in by_letter:
        return _("Variant %(letter)s", letter=letter or "")
    return [
        f"{consultation.text(consultation.attribute(a).label, lang)}: "
        f"{format_number(by_letter[letter][a], lang)} "
        f"{consultation.text(consultation.attribute(a).unit, lang)}".strip()
        for a in page.attributes
    ]
