"""The one feasibility rule: what an advice on a portfolio or points page may be, and if any may.

Everything that decides feasibility calls this module: the web form's server check and the live
check (`check_portfolio`, `check_points`), the validator (is any advice possible: `infeasibility`),
the choice model's feasible set for a consultation (`feasible_level_vectors`), the bounds the
choice table states (`total_bounds`, `points_bounds`) and the model's rule for a table without a
definition (`bound_breaks` with `float_slack`, `whole_range`, `too_many_away`). Every bound is
inclusive. Sums over a definition are exact: numbers are read as
their decimal text, so 0.1 + 0.2 fits 0.3; a table's float sums get `float_slack` instead.
"""

from __future__ import annotations

import functools
import math
import numbers
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from decimal import Decimal
from fractions import Fraction
from types import MappingProxyType
from typing import Any

import numpy as np
import numpy.typing as npt

from surveys.definition import (
    Constraint,
    Consultation,
    Number,
    Option,
    PointsPage,
    PortfolioPage,
)

# Groups are exclusive: at most this many of a group's options may be away from their lowest level.
MOST_AWAY_PER_GROUP = 1
# Above this the scaled exact totals no longer fit numpy's int64; Python ints take over.
_INT64_SAFE = 2**62
# Relative slack that lets a float sum equal to a bound count as equal (the table path).
FLOAT_TOLERANCE = 1e-9
# Above this many reachable use totals `infeasibility` falls back to per-constraint bounds.
REACHABLE_LIMIT = 200_000


@dataclass(frozen=True)
class Violation:
    """A rule the whole allocation breaks; `params` holds plain JSON numbers for the message."""

    code: str
    subject: str | None
    params: dict = field(default_factory=dict)


def exact(value: Any) -> Fraction:
    """`value` as an exact fraction of its decimal text (0.1 is 1/10); ValueError if no finite number."""
    # The fast, cached path first: this runs for every option on every keystroke of the live check.
    if type(value) in (int, float):
        return _exact_number(value)
    if isinstance(value, bool):
        raise ValueError("a yes/no value is not a number")
    if isinstance(value, numbers.Rational):
        return Fraction(value)
    if isinstance(value, numbers.Real):  # numpy floats, say
        return _exact_number(float(value))
    if isinstance(value, Decimal) and value.is_finite():
        return Fraction(value)
    raise ValueError(f"not a finite number: {value!r}")


@functools.lru_cache(maxsize=4096)
def _exact_number(value: Any) -> Fraction:
    if not math.isfinite(value):
        raise ValueError(f"not a finite number: {value!r}")
    return Fraction(str(value))


def plain(value: Fraction) -> Number:
    """An exact number as JSON knows it: an int when whole, else the nearest float."""
    return int(value) if value.denominator == 1 else float(value)


def portfolio_use(
    consultation: Consultation, page: PortfolioPage, levels: Mapping[str, Number]
) -> dict[str, Number]:
    """Total use of each of the page's constraints by a complete, valid level per option."""
    return _plain_totals(page, levels, "use", page.constraints)


def portfolio_effects(
    consultation: Consultation, page: PortfolioPage, levels: Mapping[str, Number]
) -> dict[str, Number]:
    """Total effect on every attribute some option of the page affects, in consultation order."""
    affected = {key for option in page.options for key in option.effects}
    ordered = [a.id for a in consultation.attributes if a.id in affected]
    # An attribute missing from the consultation is the validator's to report, not ours to drop.
    ordered += sorted(affected.difference(ordered))
    return _plain_totals(page, levels, "effects", ordered)


def check_portfolio(
    consultation: Consultation, page: PortfolioPage, levels: Mapping[str, Any]
) -> list[Violation]:
    """Every rule the levels break; constraints and groups are checked only on a complete, valid vector."""
    problems = _level_violations(page, levels)
    if problems:
        return problems
    used = _exact_totals(page, levels, "use", page.constraints)
    for limit in _limits(page, map(consultation.constraint, page.constraints)):
        problems += _limit_violations(limit, used[limit.id])
    return problems + _group_violations(page, levels)


def check_points(page: PointsPage, allocation: Mapping[str, Any]) -> list[Violation]:
    """Every rule a points allocation breaks; a goal that is left out has 0 points."""
    goal_ids = [goal.id for goal in page.goals]
    problems = [Violation("unknown_goal", str(key)) for key in allocation if key not in goal_ids]
    for goal_id in goal_ids:
        problem = _amount_violation(goal_id, allocation.get(goal_id, 0), page.step)
        problems += [problem] if problem else []
    if problems:
        return problems
    # every amount is whole here (_amount_violation checked each), so `or 0` never applies
    used, total = sum(_whole(allocation.get(g, 0)) or 0 for g in goal_ids), page.total
    broken = bound_breaks(used, *points_bounds(page))
    if broken["over_max"]:
        return [Violation("over_total", None, {"used": used, "total": total, "over": used - total})]
    if broken["under_min"]:
        return [Violation("under_total", None, {"used": used, "total": total, "left": total - used})]
    return []


def points_bounds(page: PointsPage) -> tuple[int, int]:
    """The lowest and highest number of points an allocation may use, inclusive."""
    return (page.total if page.must_use_all else 0), page.total


def feasible_level_vectors(
    consultation: Consultation, page: PortfolioPage, limit: int = 1_000_000
) -> np.ndarray:
    """Every feasible level vector (rows; columns are options in page order), in itertools.product order.

    Enumerates all combinations, so it refuses pages with more than `limit` of them.
    """
    counts = [len(option.levels) for option in page.options]
    size = math.prod(counts)
    if size > limit:
        raise ValueError(
            f"page {page.id!r}: its {len(counts)} options have {size:,} combinations of levels, "
            f"more than the limit of {limit:,}; raise the limit or use a method that does not "
            "enumerate (knapsack recursion or sampling)"
        )
    index = np.indices(counts, dtype=np.int16).reshape(len(counts), size).T
    keep = np.ones(size, dtype=bool)
    for rule in _limits(page, map(consultation.constraint, page.constraints)):
        window = Window.of(page, rule)
        keep &= ~_any_broken(window.limit.breaks(window.totals(index)))
    for members in _groups(page).values():
        lowest = [_lowest_index(page.options[j]) for j in members]
        keep &= ~too_many_away(index[:, members] != lowest)
    return _levels_at(page, index[keep])


# --- levels -------------------------------------------------------------------------------


def allowed_levels(option: Option) -> Mapping[Fraction, Number]:
    """The option's levels, exact value -> the level as stored (int when whole); read-only."""
    return _allowed(tuple(option.levels))


@functools.lru_cache(maxsize=1024)
def _allowed(levels: tuple) -> Mapping[Fraction, Number]:
    # Read-only because the cache hands the same mapping to every caller.
    return MappingProxyType({exact(level): plain(exact(level)) for level in levels})


def _shown(value: Any) -> Any:
    """A submitted value as a JSON-safe message parameter, whatever the client sent."""
    number = _exact_or_none(value)
    return str(value)[:50] if number is None else plain(number)


def _level_violations(page: PortfolioPage, levels: Mapping[str, Any]) -> list[Violation]:
    known = {option.id for option in page.options}
    problems = [Violation("unknown_option", str(key)) for key in levels if key not in known]
    for option in page.options:
        if option.id not in levels:
            problems.append(Violation("missing_option", option.id))
            continue
        allowed = allowed_levels(option)
        if _exact_or_none(levels[option.id]) not in allowed:
            problems.append(
                Violation(
                    "level_not_allowed",
                    option.id,
                    {"level": _shown(levels[option.id]), "allowed": list(allowed.values())},
                )
            )
    return problems


def _exact_or_none(value: Any) -> Fraction | None:
    try:
        return exact(value)
    except ValueError:
        return None


# --- constraints --------------------------------------------------------------------------


def bound_breaks(
    total: Any, low: Any = None, high: Any = None, *, use_all: bool = False, slack: Any = 0
) -> dict[str, Any]:
    """Each bound rule mapped to whether `total` breaks it: the inclusive-bounds test, once.

    `total` and the bounds may be numbers or arrays (None: no such bound); `use_all` demands the
    whole max; `slack` forgives float rounding (`float_slack`), 0 for exact sums.
    """
    rules = {}
    if high is not None:
        rules["over_max"] = total > high + slack
    if low is not None:
        rules["under_min"] = total < low - slack
    if use_all and high is not None:
        rules["leftover_not_allowed"] = total < high - slack
    return rules


def float_slack(*bounds: Any) -> Any:
    """The slack for float sums against these bounds (arrays; infinite means none), elementwise."""
    finite = [np.where(np.isfinite(b), np.abs(b), 0.0) for b in map(np.asarray, bounds)]
    return FLOAT_TOLERANCE * np.maximum(1.0, np.max(finite, axis=0))


def whole_range(low: float, high: float) -> tuple[float, float]:
    """The lowest and highest whole total within the float bounds [low, high] (infinite: none)."""
    slack = float(float_slack(low, high))
    return (
        math.ceil(low - slack) if math.isfinite(low) else low,
        math.floor(high + slack) if math.isfinite(high) else high,
    )


@dataclass(frozen=True)
class Limit:
    """The bounds one constraint sets on the total use of a page, exact."""

    id: str
    min: Any  # Fraction, or int once scaled; None: no bound
    max: Any
    use_all: bool  # must_use_all: the whole max must be used

    def breaks(self, used: Any) -> dict[str, Any]:
        """Each rule mapped to whether `used` breaks it; `used` may be a total or an array of totals."""
        return bound_breaks(used, self.min, self.max, use_all=self.use_all)

    def holds(self, used: Any) -> bool:
        return not any(self.breaks(used).values())

    @property
    def low(self) -> Any:
        """The lowest total allowed (the max itself under must_use_all)."""
        return self.max if self.use_all and self.max is not None else self.min


# For each rule: the bound it compares with and the name of the gap the respondent must close.
_GAPS = {"over_max": ("max", "over"), "under_min": ("min", "short"), "leftover_not_allowed": ("max", "left")}


def total_bounds(page: PortfolioPage, constraint: Constraint) -> tuple[Number | None, Number | None]:
    """The lowest and highest total use of `constraint` an advice on `page` may reach, inclusive,
    as written (must_use_all raises the lowest to the max); None: no bound."""
    limit = Limit(constraint.id, constraint.min, constraint.max, page.leftover == "must_use_all")
    return limit.low, limit.max


def _limits(page: PortfolioPage, constraints: Iterable[Constraint]) -> list[Limit]:
    """The limits of the page's constraints among `constraints`, in their order."""
    use_all = page.leftover == "must_use_all"
    return [
        Limit(c.id, _maybe_exact(c.min), _maybe_exact(c.max), use_all)
        for c in constraints
        if c.id in page.constraints
    ]


def _maybe_exact(value: Number | None) -> Fraction | None:
    return None if value is None else exact(value)


def _limit_violations(limit: Limit, used: Fraction) -> list[Violation]:
    problems = []
    for code, broken in limit.breaks(used).items():
        if broken:
            bound_name, gap_name = _GAPS[code]
            bound = getattr(limit, bound_name)
            problems.append(
                Violation(
                    code,
                    limit.id,
                    {"used": plain(used), bound_name: plain(bound), gap_name: plain(abs(used - bound))},
                )
            )
    return problems


def _exact_totals(
    page: PortfolioPage, levels: Mapping[str, Any], per_unit: str, keys: Iterable[str]
) -> dict[str, Fraction]:
    """Sum of level x amount per unit (an option's `use` or `effects`) for each key."""
    totals = dict.fromkeys(keys, Fraction(0))
    for option in page.options:
        level = exact(levels[option.id])
        if not level:
            continue
        for key, amount in getattr(option, per_unit).items():
            if key in totals:
                totals[key] += level * exact(amount)
    return totals


def _plain_totals(
    page: PortfolioPage, levels: Mapping[str, Any], per_unit: str, keys: Iterable[str]
) -> dict[str, Number]:
    return {key: plain(total) for key, total in _exact_totals(page, levels, per_unit, keys).items()}


@dataclass(frozen=True)
class Window:
    """One limit of a page in whole units of 1/scale: the bounds and each option's use per level,
    scaled by one common denominator so totals are exact integer sums, and fast."""

    limit: Limit  # bounds as ints
    scale: int
    uses: tuple[tuple[int, ...], ...]  # per option of the page, per level

    @classmethod
    def of(cls, page: PortfolioPage, limit: Limit) -> Window:
        per_level = [
            [exact(level) * exact(option.use.get(limit.id, 0)) for level in option.levels]
            for option in page.options
        ]
        bounds = [b for b in (limit.min, limit.max) if b is not None]
        scale = math.lcm(1, *(f.denominator for f in [*bounds, *(x for row in per_level for x in row)]))
        scaled = replace(limit, min=_scaled(limit.min, scale), max=_scaled(limit.max, scale))
        return cls(scaled, scale, tuple(tuple(int(x * scale) for x in row) for row in per_level))

    def totals(self, index: np.ndarray) -> np.ndarray:
        """The total use of every row of level positions (rows x options), scaled."""
        largest = sum(max(map(abs, row), default=0) for row in self.uses) + sum(
            abs(b) for b in (self.limit.min, self.limit.max) if b is not None
        )
        dtype = np.int64 if largest < _INT64_SAFE else object
        total = np.zeros(len(index), dtype=dtype)
        for j, row in enumerate(self.uses):
            total = total + np.array(row, dtype=dtype)[index[:, j]]
        return total

    def show(self, total: int) -> str:
        number = Fraction(total, self.scale)
        return str(number.numerator) if number.denominator == 1 else repr(float(number))

    def __str__(self) -> str:
        limit = self.limit
        if limit.use_all and limit.max is not None:
            return f"max {self.show(limit.max)}, to be used exactly: leftover is must_use_all"
        return ", ".join(
            f"{name} {self.show(bound)}"
            for name, bound in (("min", limit.min), ("max", limit.max))
            if bound is not None
        )


def _scaled(bound: Fraction | None, scale: int) -> int | None:
    return None if bound is None else int(bound * scale)


def _any_broken(breaks: dict[str, Any]) -> Any:
    """Rows that break any of the rules (object arrays compare to objects, so cast to bool)."""
    return np.logical_or.reduce([np.asarray(b, dtype=bool) for b in breaks.values()] or [np.asarray(False)])


# --- groups -------------------------------------------------------------------------------


def too_many_away(away: npt.ArrayLike) -> np.ndarray:
    """Rows (of a group's members: away from the lowest level or not) that break the group rule."""
    return np.asarray(away, dtype=bool).sum(axis=1) > MOST_AWAY_PER_GROUP


def _groups(page: PortfolioPage) -> dict[str, list[int]]:
    """Positions of each group's options, groups in order of first appearance."""
    groups: dict[str, list[int]] = {}
    for j, option in enumerate(page.options):
        if option.group is not None:
            groups.setdefault(option.group, []).append(j)
    return groups


def _lowest(option: Option) -> Fraction:
    return min(allowed_levels(option))


def _lowest_index(option: Option) -> int:
    return [exact(level) for level in option.levels].index(_lowest(option))


def _group_violations(page: PortfolioPage, levels: Mapping[str, Any]) -> list[Violation]:
    problems = []
    for group, members in _groups(page).items():
        options = [page.options[j] for j in members]
        away = [exact(levels[o.id]) != _lowest(o) for o in options]
        if too_many_away([away])[0]:
            problems.append(
                Violation(
                    "group_conflict",
                    group,
                    {"options": [o.id for o, is_away in zip(options, away) if is_away]},
                )
            )
    return problems


# --- is any advice possible (the validator) ---------------------------------------------

Vector = tuple[int, ...]


def infeasibility(page: PortfolioPage, constraints: Iterable[Constraint]) -> list[str]:
    """Why no choice of levels on the page satisfies its constraints ([] when one does).

    Takes the constraints rather than a consultation so the validator can ask before one exists,
    for the page as written and as each design version changes it.
    """
    windows = [Window.of(page, limit) for limit in _limits(page, constraints)]
    items = choices_per_item(page, windows)
    totals = reachable_totals(items, len(windows))
    if totals is None:
        # too many combinations to list: only each constraint's lowest and highest total are
        # checked, which finds every constraint that is out of reach on its own, but not a gap
        # inside the range (must_use_all) nor constraints that cannot hold together
        return [
            message
            for index, window in enumerate(windows)
            if (message := window_message(window, *_range(items, index)))
        ]
    if any(all(w.limit.holds(t[i]) for i, w in enumerate(windows)) for t in totals):
        return []
    messages = []
    for index, window in enumerate(windows):
        reached = {total[index] for total in totals}
        if message := window_message(window, min(reached), max(reached), reached):
            messages.append(message)
    return messages or [_joint_message(windows)]


def choices_per_item(page: PortfolioPage, windows: list[Window]) -> list[set[Vector]]:
    """The use vectors each independent item can contribute: an ungrouped option, or a group."""

    def use(j: int, level_index: int) -> Vector:
        return tuple(window.uses[j][level_index] for window in windows)

    items = [
        {use(j, i) for i in range(len(option.levels))}
        for j, option in enumerate(page.options)
        if option.group is None
    ]
    for members in _groups(page).values():
        # everyone at their lowest level, or one member (MOST_AWAY_PER_GROUP) elsewhere
        lowest = {j: use(j, _lowest_index(page.options[j])) for j in members}
        everyone_lowest = _add(*lowest.values())
        items.append(
            {everyone_lowest}
            | {
                _add(everyone_lowest, use(j, i), tuple(-x for x in lowest[j]))
                for j in members
                for i in range(len(page.options[j].levels))
            }
        )
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


def window_message(window: Window, lowest: int, highest: int, totals: set[int] | None = None) -> str | None:
    """Why no total of one constraint lies in its window; None if one may."""
    limit = window.limit
    head = f'no choice of levels satisfies constraint "{limit.id}" ({window})'
    bound = "max" if limit.use_all and limit.max is not None else "min"
    if limit.low is not None and highest < limit.low:
        return (
            f"{head}; the options can use at most {window.show(highest)}. Lower {bound} or "
            "raise the options' use."
        )
    if limit.max is not None and lowest > limit.max:
        return f"{head}; the options use at least {window.show(lowest)}. Raise max or lower the options' use."
    if totals is None or any(limit.holds(total) for total in totals):
        return None
    below = max(total for total in totals if total < limit.low)
    above = min(total for total in totals if total > limit.max)
    return (
        f"{head}; the totals the options can reach skip it: the nearest are "
        f"{window.show(below)} and {window.show(above)}. Change the bounds, the options' use or "
        "their levels" + (", or set leftover: allowed." if bound == "max" else ".")
    )


def _joint_message(windows: list[Window]) -> str:
    names = " and ".join(f'"{window.limit.id}"' for window in windows)
    return (
        f"no choice of levels satisfies constraints {names} at the same time, though each can "
        "be satisfied alone. Loosen one of them or change the options' use."
    )


# --- points -------------------------------------------------------------------------------


def _amount_violation(goal_id: str, value: Any, step: int) -> Violation | None:
    amount = _whole(value)
    if amount is None:
        return Violation("not_integer", goal_id, {"value": _shown(value)})
    if amount < 0:
        return Violation("negative_points", goal_id, {"value": amount})
    if amount % step:
        return Violation("step", goal_id, {"value": amount, "step": step})
    return None


def _whole(value: Any) -> int | None:
    """`value` as an int if it is a whole number (2.0 from JSON counts), else None."""
    amount = _exact_or_none(value)
    return int(amount) if amount is not None and amount.denominator == 1 else None


def _levels_at(page: PortfolioPage, index: np.ndarray) -> np.ndarray:
    """The definition's levels at the given level positions, as int when every level is whole."""
    tables = [[plain(exact(level)) for level in option.levels] for option in page.options]
    whole = all(isinstance(level, int) for table in tables for level in table)
    values = np.empty(index.shape, dtype=np.int64 if whole else np.float64)
    for j, table in enumerate(tables):
        values[:, j] = np.asarray(table, dtype=values.dtype)[index[:, j]]
    return values
