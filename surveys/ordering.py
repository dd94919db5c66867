"""Per-respondent order of options and assignment of design versions.

Both take the random generator as an argument, so the platform can record what it showed and
tests can fix the seed.
"""

from __future__ import annotations

import random
from collections.abc import Mapping

from surveys.definition import Consultation, PointsPage, PortfolioPage


def option_order(page: PortfolioPage | PointsPage, rng: random.Random) -> list[str]:
    """Ids of the page's options (or goals) in the order to show: shuffled if the page says so."""
    if isinstance(page, PortfolioPage):
        ids = [option.id for option in page.options]
    elif isinstance(page, PointsPage):
        ids = [goal.id for goal in page.goals]
    else:
        raise TypeError(f"page {page.id!r} of type {page.type!r} has no options to order")
    # Randomising cancels the advantage of the first place on screen across respondents.
    return rng.sample(ids, len(ids)) if page.randomize else ids


def assign_version(consultation: Consultation, counts: Mapping[str, int], rng: random.Random) -> str | None:
    """A version with the fewest respondents so far, ties broken at random; None without versions."""
    if not consultation.versions:
        return None
    seen = {version.id: counts.get(version.id, 0) for version in consultation.versions}
    fewest = min(seen.values())
    return rng.choice([version_id for version_id, count in seen.items() if count == fewest])
