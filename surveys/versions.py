"""Design versions: the same consultation with other costs, effects or limits.

A version's `changes` come from the file, already validated by `surveys.load`:
{option_id: {"use": {...}, "effects": {...}}, "constraints": {constraint_id: {"max": n, "min": n}}}.
Each mapping overrides only the keys it names.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace

from surveys.definition import Constraint, Consultation, Option, Page, PortfolioPage


def apply_version(consultation: Consultation, version_id: str | None) -> Consultation:
    """The consultation as respondents of `version_id` see it; itself for None.

    Raises KeyError for an unknown version id, ValueError on a copy that has another version.
    """
    if version_id is None or version_id == consultation.version_id:
        return consultation
    if consultation.version_id is not None:
        raise ValueError(f"version {consultation.version_id!r} is already applied")
    version = next((v for v in consultation.versions if v.id == version_id), None)
    if version is None:
        raise KeyError(version_id)
    pages, constraints = apply_changes(consultation.pages, consultation.constraints, version.changes)
    return replace(consultation, pages=pages, constraints=constraints, version_id=version_id)


def apply_changes(
    pages: Iterable[Page], constraints: Iterable[Constraint], changes: dict
) -> tuple[tuple[Page, ...], tuple[Constraint, ...]]:
    """Pages and constraints with a version's changes applied."""
    constraint_changes = changes.get("constraints", {})
    changed_constraints = tuple(replace(c, **constraint_changes.get(c.id, {})) for c in constraints)
    constraint_ids = tuple(c.id for c in changed_constraints)
    changed_pages = tuple(_changed_page(page, changes, constraint_ids) for page in pages)
    return changed_pages, changed_constraints


def constraints_used(options: Iterable[Option], constraint_ids: Iterable[str]) -> tuple[str, ...]:
    """The ids of the constraints any of `options` uses, in the order of `constraint_ids`."""
    used = {constraint_id for option in options for constraint_id in option.use}
    return tuple(constraint_id for constraint_id in constraint_ids if constraint_id in used)


def _changed_page(page: Page, changes: dict, constraint_ids: tuple[str, ...]) -> Page:
    if not isinstance(page, PortfolioPage):
        return page
    options = tuple(_changed_option(option, changes.get(option.id)) for option in page.options)
    # a version may give an option a use it did not have, so the page's constraints can grow
    return replace(page, options=options, constraints=constraints_used(options, constraint_ids))


def _changed_option(option: Option, change: dict | None) -> Option:
    if not change:
        return option
    return replace(
        option,
        use={**option.use, **change.get("use", {})},
        effects={**option.effects, **change.get("effects", {})},
    )
