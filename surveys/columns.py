"""The names the export tables give their own columns, so the validator can keep ids off them.

An attribute id becomes a column of the choice table and a question or statement id a column of
the respondent table (analysis.tables); an id equal to one of these names would make two columns
with one name, and such a definition could not be exported.
"""

from __future__ import annotations

from collections.abc import Iterable

RESPONDENT_COLUMNS = (
    "respondent",
    "version",
    "source",
    "language",
    "started_at",
    "completed_at",
    "duration_minutes",
)
CHOICE_COLUMNS = ("respondent", "task", "option", "choice", "group", "version")
# what an option uses of a limit, the limit's maximum and minimum: one set per constraint, named
# after it (cost_budget, ...) when a page has several
RESOURCE_COLUMNS = ("cost", "budget", "budget_min")


def resource_columns(constraint_id: str | None) -> tuple[str, str, str]:
    """The choice table's resource columns: plain for a page's only limit (None), else suffixed."""
    if constraint_id is None:
        return RESOURCE_COLUMNS
    cost, budget, budget_min = (f"{name}_{constraint_id}" for name in RESOURCE_COLUMNS)
    return cost, budget, budget_min


def choice_table_names(constraint_ids: Iterable[str]) -> tuple[str, ...]:
    """The names the choice table sets itself for a consultation with these constraints."""
    resources = (name for c in (None, *constraint_ids) for name in resource_columns(c))
    return (*CHOICE_COLUMNS, *resources)
