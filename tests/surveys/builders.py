"""Small builders of consultations straight from the definition dataclasses (no YAML, no loader)."""

from __future__ import annotations

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


def text(nl: str, en: str | None = None) -> Text:
    """A Dutch text with its English words (the Dutch again when none are given)."""
    return Text({"nl": nl, "en": en if en is not None else nl})


def option(id: str, *, levels=(0, 1), use=None, effects=None, group=None, default=0, title=None) -> Option:
    return Option(
        id=id,
        title=title or text(f"Optie {id}", f"Option {id}"),
        levels=tuple(levels),
        use=dict(use or {}),
        effects=dict(effects or {}),
        group=group,
        default=default,
    )


def constraint(id: str, *, max=None, min=None, label=None, unit=None) -> Constraint:
    return Constraint(id=id, label=label or text(id.capitalize()), unit=unit or text(""), max=max, min=min)


def portfolio(options, constraints=(), *, leftover="allowed", randomize=True, id="advice"):
    """A portfolio page whose `constraints` are those its options use, in `constraints` order."""
    used = [c.id for c in constraints if any(c.id in o.use for o in options)]
    return PortfolioPage(
        id=id, options=tuple(options), leftover=leftover, randomize=randomize, constraints=tuple(used)
    )


def points(goal_ids, *, total=100, step=1, must_use_all=True, randomize=True) -> PointsPage:
    goals = tuple(Goal(id=g, title=text(f"Doel {g}", f"Goal {g}")) for g in goal_ids)
    return PointsPage(
        id="goals", goals=goals, total=total, step=step, must_use_all=must_use_all, randomize=randomize
    )


def consultation(*pages, constraints=(), attributes=(), versions=(), languages=("nl", "en")):
    return Consultation(
        id="test",
        languages=tuple(languages),
        title=text("Test"),
        attributes=tuple(attributes),
        constraints=tuple(constraints),
        pages=tuple(pages),
        versions=tuple(Version(v, {}) for v in versions),
    )


def attribute(id: str) -> Attribute:
    return Attribute(id=id, label=text(id))


def question(id: str, type: str, **fields) -> Question:
    if "choices" in fields:
        fields["choices"] = tuple(Choice(c, Text(neutral=c)) for c in fields["choices"])
    return Question(id=id, type=type, label=text(f"Vraag {id}", f"Question {id}"), **fields)


def questions(*items, id="about_you") -> QuestionsPage:
    return QuestionsPage(id=id, questions=tuple(items))


def statements(*ids, required=False) -> StatementsPage:
    return StatementsPage(
        id="values", statements=tuple(Statement(s, text(f"Stelling {s}")) for s in ids), required=required
    )


def pairs(n_sets=2, *, opt_out=True, required=True) -> PairsPage:
    variant = {"cost": 1}
    return PairsPage(
        id="variants",
        attributes=("cost",),
        sets=tuple((variant, variant) for _ in range(n_sets)),
        opt_out=text("Geen van beide", "Neither") if opt_out else None,
        required=required,
    )
