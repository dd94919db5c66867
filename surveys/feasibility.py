"""The one feasibility rule: whether an allocation obeys a portfolio or points page's rules.

The web form's server check, the live check endpoint, the validator and the choice model's
feasible set all call this module, so a rule can never drift between them. Every bound is
inclusive, and sums are exact: numbers are read as their decimal text, so 0.1 + 0.2 fits 0.3.
"""
from __future__ import annotations

import functools
import math
import numbers
from dataclasses import dataclass, field, replace
from decimal import Decimal
from fractions import Fraction
from types import MappingProxyType
from typing import Any, Iterable, Mapping

import numpy as np

from surveys.definition import Consultation, Number, Option, PointsPage, PortfolioPage

# Groups are exclusive: at most this many of a group's options may be away from their lowest level.
_MOST_AWAY_PER_GROUP = 1
# Above this the scaled exact totals no longer fit numpy's int64; Python ints take over.
_INT64_SAFE = 2**62


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
    if isinstance(value, numbers.Real):            # numpy floats, say
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


def portfolio_use(consultation: Consultation, page: PortfolioPage,
                  levels: Mapping[str, Number]) -> dict[str, Number]:
    """Total use of each of the page's constraints by a complete, valid level per option."""
    return _plain_totals(page, levels, "use", page.constraints)


def portfolio_effects(consultation: Consultation, page: PortfolioPage,
                      levels: Mapping[str, Number]) -> dict[str, Number]:
    """Total effect on every attribute some option of the page affects, in consultation order."""
    affected = {key for option in page.options for key in option.effects}
    ordered = [a.id for a in consultation.attributes if a.id in affected]
    # An attribute missing from the consultation is the validator's to report, not ours to drop.
    ordered += sorted(affected.difference(ordered))
    return _plain_totals(page, levels, "effects", ordered)


def check_portfolio(consultation: Consultation, page: PortfolioPage,
                    levels: Mapping[str, Any]) -> list[Violation]:
    """Every rule the levels break; constraints and groups are checked only on a complete, valid vector."""
    problems = _level_violations(page, levels)
    if problems:
        return problems
    used = _exact_totals(page, levels, "use", page.constraints)
    for limit in _limits(consultation, page):
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
    used, total = sum(_whole(allocation.get(g, 0)) for g in goal_ids), page.total
    if used > total:
        return [Violation("over_total", None, {"used": used, "total": total, "over": used - total})]
    if page.must_use_all and used < total:
        return [Violation("under_total", None, {"used": used, "total": total, "left": total - used})]
    return []


def feasible_level_vectors(consultation: Consultation, page: PortfolioPage,
                           limit: int = 1_000_000) -> np.ndarray:
    """Every feasible level vector (rows; columns are options in page order), in itertools.product order.

    Enumerates all combinations, so it refuses pages with more than `limit` of them.
    """
    counts = [len(option.levels) for option in page.options]
    size = math.prod(counts)
    if size > limit:
        raise ValueError(
            f"page {page.id!r}: its {len(counts)} options have {size:,} combinations of levels, "
            f"more than the limit of {limit:,}; raise the limit or use a method that does not "
            "enumerate (knapsack recursion or sampling)")
    index = np.indices(counts, dtype=np.int16).reshape(len(counts), size).T
    keep = np.ones(size, dtype=bool)
    for rule in _limits(consultation, page):
        keep &= ~_any_broken(_scaled_rule_breaks(page, rule, index))
    for members in _groups(page).values():
        away = sum(index[:, j] != _lowest_index(page.options[j]) for j in members)
        keep &= away <= _MOST_AWAY_PER_GROUP
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
            problems.append(Violation("level_not_allowed", option.id, {
                "level": _shown(levels[option.id]), "allowed": list(allowed.values())}))
    return problems


def _exact_or_none(value: Any) -> Fraction | None:
    try:
        return exact(value)
    except ValueError:
        return None


# --- constraints --------------------------------------------------------------------------


@dataclass(frozen=True)
class _Limit:
    """The bounds one constraint sets on the total use, exact."""

    id: str
    min: Fraction | None
    max: Fraction | None
    use_all: bool

    def breaks(self, used: Any) -> dict[str, Any]:
        """Each rule mapped to whether `used` breaks it; `used` may be a total or an array of totals."""
        rules = {}
        if self.max is not None:
            rules["over_max"] = used > self.max
        if self.min is not None:
            rules["under_min"] = used < self.min
        if self.use_all and self.max is not None:
            rules["leftover_not_allowed"] = used < self.max
        return rules


# For each rule: the bound it compares with and the name of the gap the respondent must close.
_GAPS = {"over_max": ("max", "over"), "under_min": ("min", "short"),
         "leftover_not_allowed": ("max", "left")}


def _limits(consultation: Consultation, page: PortfolioPage) -> list[_Limit]:
    use_all = page.leftover == "must_use_all"
    return [_Limit(c.id, _maybe_exact(c.min), _maybe_exact(c.max), use_all)
            for c in map(consultation.constraint, page.constraints)]


def _maybe_exact(value: Number | None) -> Fraction | None:
    return None if value is None else exact(value)


def _limit_violations(limit: _Limit, used: Fraction) -> list[Violation]:
    problems = []
    for code, broken in limit.breaks(used).items():
        if broken:
            bound_name, gap_name = _GAPS[code]
            bound = getattr(limit, bound_name)
            problems.append(Violation(code, limit.id, {
                "used": plain(used), bound_name: plain(bound), gap_name: plain(abs(used - bound))}))
    return problems


def _exact_totals(page: PortfolioPage, levels: Mapping[str, Any], per_unit: str,
                  keys: Iterable[str]) -> dict[str, Fraction]:
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


def _plain_totals(page: PortfolioPage, levels: Mapping[str, Any], per_unit: str,
                  keys: Iterable[str]) -> dict[str, Number]:
    return {key: plain(total) for key, total in _exact_totals(page, levels, per_unit, keys).items()}


def _scaled_rule_breaks(page: PortfolioPage, rule: _Limit, index: np.ndarray) -> dict[str, Any]:
    """`rule.breaks` on the total use of every row of `index`, in exact integers.

    Every amount is scaled by one common denominator so the comparison is exact, as in the
    one-portfolio check.
    """
    per_level = [[exact(level) * exact(option.use.get(rule.id, 0)) for level in option.levels]
                 for option in page.options]
    bounds = [b for b in (rule.min, rule.max) if b is not None]
    scale = math.lcm(1, *(f.denominator for f in [*bounds, *(x for row in per_level for x in row)]))
    largest = sum(max((abs(x) for x in row), default=0) for row in per_level) + sum(map(abs, bounds))
    dtype = np.int64 if largest * scale < _INT64_SAFE else object
    total = np.zeros(len(index), dtype=dtype)
    for j, row in enumerate(per_level):
        total = total + np.array([int(x * scale) for x in row], dtype=dtype)[index[:, j]]
    scaled = replace(rule, min=_scaled(rule.min, scale), max=_scaled(rule.max, scale))
    return scaled.breaks(total)


def _scaled(bound: Fraction | None, scale: int) -> int | None:
    return None if bound is None else int(bound * scale)


def _any_broken(breaks: dict[str, Any]) -> Any:
    """Rows that break any of the rules (object arrays compare to objects, so cast to bool)."""
    return np.logical_or.reduce([np.asarray(b, dtype=bool) for b in breaks.values()] or [False])


# --- groups -------------------------------------------------------------------------------


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
        away = [o.id for o in options if exact(levels[o.id]) != _lowest(o)]
        if len(away) > _MOST_AWAY_PER_GROUP:
            problems.append(Violation("group_conflict", group, {"options": away}))
    return problems


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
