"""What the templates show: plain functions from a consultation and answers to view data."""
from __future__ import annotations

from dataclasses import dataclass

from flask import g, url_for

from pwe.i18n import t
from pwe.templating import level_label
from surveys.answers import MOTIVATION_PREFIX, OPT_OUT, SET_PREFIX, PageResult, variant_letters
from surveys.definition import Consultation, Option, PairsPage, PointsPage, PortfolioPage
from surveys.feasibility import check_points, check_portfolio, portfolio_effects, portfolio_use
from surveys.messages import describe, format_number

@dataclass(frozen=True)
class Problem:
    """One line of the error summary: the message and the field it links to."""

    field: str
    message: str          # in the summary, led by the field's label
    inline: str = ""      # next to the field, where the label is already in view

    @property
    def href(self) -> str:
        return f"#f-{self.field}"


def landing_errors(consultation: Consultation, form) -> list[Problem]:
    problems = []
    if form.get("consent") != "yes":
        problems.append(Problem("consent", t("consent_required")))
    if consultation.min_age and form.get("age_ok") != "yes":
        problems.append(Problem("age_ok", t("age_required", age=consultation.min_age)))
    return problems


def ordered(ids_in_order: list[str] | None, items) -> list:
    """Items (options or goals) in the order this respondent was shown."""
    if not ids_in_order:
        return list(items)
    by_id = {item.id: item for item in items}
    return [by_id[i] for i in ids_in_order if i in by_id] + [i for i in items if i.id not in ids_in_order]


def step_view(ctx, values: dict, result: PageResult | None = None, show_errors: bool = False,
              notice: str | None = None) -> dict:
    """Everything a step template needs, errors in the respondent's language included."""
    consultation, page = ctx.consultation, ctx.step.page
    problems = _problems(ctx, result) if (result is not None and show_errors) else []
    view = {
        "c": consultation, "row": ctx.row, "step": ctx.step, "page": page, "values": values,
        "number": ctx.index + 1, "total": len(ctx.steps), "is_last": ctx.is_last,
        "previous_url": (url_for("citizens.step", slug=ctx.row.slug, step_id=ctx.previous_step.id)
                         if ctx.previous_step else url_for("citizens.landing", slug=ctx.row.slug)),
        "check_url": url_for("citizens.check", slug=ctx.row.slug, step_id=ctx.step.id),
        "errors": problems, "field_errors": {p.field: p.inline or p.message for p in problems},
        "notice": notice,
    }
    order = ctx.respondent.option_order.get(page.id)
    if isinstance(page, PortfolioPage):
        options = ordered(order, page.options)
        view.update(options=options, live=portfolio_status(consultation, page, values),
                    groups=_group_notes(consultation, page))
        if ctx.step.kind == "motivation":
            view.update(motivations=motivation_questions(consultation, page, options,
                                                         ctx.saved.get(page.id, {})))
    elif isinstance(page, PointsPage):
        view.update(goals=ordered(order, page.goals), live=points_status(page, values))
    elif isinstance(page, PairsPage):
        view.update(sets=pair_sets(consultation, page))
    return view


def _problems(ctx, result: PageResult) -> list[Problem]:
    consultation, page, lang = ctx.consultation, ctx.step.page, g.lang
    problems = [Problem(e.field, describe(e, lang, consultation, page),
                        describe(e, lang, consultation, page, with_label=False)) for e in result.errors]
    first_field = _first_field(ctx)
    for violation in result.violations:
        field = violation.subject if _is_field(page, violation.subject) else first_field
        if violation.code == "group_conflict":
            field = violation.params.get("options", [first_field])[0]
        problems.append(Problem(field, describe(violation, lang, consultation, page)))
    return problems


def _is_field(page, name: str | None) -> bool:
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
    """Used and remaining per constraint and the running totals of effects of the current choice."""
    levels = _numeric_levels(page, values)
    if levels is None:
        return {"constraints": [], "effects": [], "ok": False, "known": False}
    use = portfolio_use(consultation, page, levels)
    effects = portfolio_effects(consultation, page, levels)
    violations = check_portfolio(consultation, page, levels)
    broken = {v.subject for v in violations}
    lang = g.lang
    rows = []
    for cid in page.constraints:
        constraint = consultation.constraint(cid)
        used = use[cid]
        rows.append({
            "id": cid, "used": used,
            "meter_min": constraint.min if constraint.min is not None else min(0, used),
            "meter_max": constraint.max if constraint.max is not None else max(used, 0),
            "text": _constraint_text(consultation, constraint, used, lang),
            "ok": cid not in broken,
        })
    effect_rows = [
        {"label": consultation.text(consultation.attribute(aid).label, lang),
         "unit": consultation.text(consultation.attribute(aid).unit, lang), "value": value}
        for aid, value in effects.items()
    ]
    ok = not violations
    return {"constraints": rows, "effects": effect_rows, "ok": ok, "known": True}


def _constraint_text(consultation, constraint, used, lang) -> str:
    label, unit = consultation.text(constraint.label, lang), consultation.text(constraint.unit, lang)

    def n(value) -> str:
        return "-" if value is None else format_number(value, lang)

    if constraint.max is not None and used > constraint.max:
        return t("constraint_status_over", label=label, used=n(used), max=n(constraint.max), unit=unit,
                 over=n(used - constraint.max))
    if constraint.max is None or (constraint.min is not None and constraint.min != 0):
        return t("constraint_status_min", label=label, used=n(used), unit=unit, min=n(constraint.min),
                 max=n(constraint.max))
    return t("constraint_status", label=label, used=n(used), max=n(constraint.max), unit=unit,
             left=n(constraint.max - used))


def points_status(page: PointsPage, values: dict) -> dict:
    numbers = [v for v in values.values() if isinstance(v, int) and not isinstance(v, bool)]
    known = len(numbers) == len(values)
    used = sum(numbers)
    ok = known and not check_points(page, values)
    lang = g.lang
    return {"known": known, "ok": ok, "used": used, "total": page.total,
            "text": t("points_status", used=format_number(used, lang), total=format_number(page.total, lang),
                      left=format_number(page.total - used, lang))}


def _group_notes(consultation: Consultation, page: PortfolioPage) -> dict[str, str]:
    groups: dict[str, list[Option]] = {}
    for option in page.options:
        if option.group:
            groups.setdefault(option.group, []).append(option)
    lang = g.lang
    return {
        name: t("option_group_note", options=", ".join(consultation.text(o.title, lang) for o in members))
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
            label = t("why_chosen" if level else "why_not_chosen", option=title)
        else:
            label = t("why_level", option=title, level=level_label(consultation, option, level, lang))
        rows.append({"option": option, "field": f"{MOTIVATION_PREFIX}{option.id}", "label": label,
                     "level_text": level_label(consultation, option, level, lang)})
    return rows


def pair_sets(consultation: Consultation, page: PairsPage) -> list[dict]:
    attributes = [consultation.attribute(a) for a in page.attributes]
    return [
        {"number": i + 1, "field": f"{SET_PREFIX}{i + 1}",
         "variants": [{"letter": letter, "values": [variant[a.id] for a in attributes]}
                      for letter, variant in zip(variant_letters(variants), variants)]}
        for i, variants in enumerate(page.sets)
    ] if attributes else []


def advice_summary(consultation: Consultation, answers: dict, option_order: dict) -> list[dict]:
    """The respondent's own advice for the thank-you page: portfolios, points and pair choices."""
    lang = g.lang
    sections = []
    for page in consultation.pages:
        answer = answers.get(page.id) or {}
        title = consultation.text(page.title, lang)
        if isinstance(page, PortfolioPage):
            rows = [(consultation.text(o.title, lang), level_label(consultation, o, answer.get(o.id, o.default), lang))
                    for o in ordered(option_order.get(page.id), page.options)]
            use = portfolio_use(consultation, page, {o.id: answer.get(o.id, o.default) for o in page.options})
            totals = [_constraint_text(consultation, consultation.constraint(cid), use[cid], lang)
                      for cid in page.constraints]
            sections.append({"kind": "portfolio", "title": title, "rows": rows, "totals": totals})
        elif isinstance(page, PointsPage):
            goals = sorted(page.goals, key=lambda goal: -answer.get(goal.id, 0))
            rows = [(consultation.text(goal.title, lang), format_number(answer.get(goal.id, 0), lang)) for goal in goals]
            sections.append({"kind": "points", "title": title, "rows": rows, "totals": []})
        elif isinstance(page, PairsPage):
            rows = [(t("pair_set", number=i + 1, total=len(page.sets)),
                     consultation.text(page.opt_out, lang) if answer.get(str(i + 1)) == OPT_OUT
                     else t("variant", letter=answer.get(str(i + 1), "")))
                    for i in range(len(page.sets))]
            sections.append({"kind": "pairs", "title": title, "rows": rows, "totals": []})
    return sections
