"""Which citizens' requests the rate limits count: starts, and submissions of the last step."""

from __future__ import annotations

from flask import request

from pwe.citizens.context import find_consultation
from pwe.flow import steps
from pwe.limits import configured_limit, counted, invited, limiter
from pwe.services.consultations import definition_of


def _not_the_last_step() -> bool:
    """Saving an ordinary step is never limited; only the submission that completes a response."""
    args = request.view_args or {}
    row = find_consultation(args.get("slug", ""))
    return row is None or steps(definition_of(row))[-1].id != args.get("step_id")


limit_starts = limiter.limit(configured_limit, scope="start", exempt_when=invited, deduct_when=counted)
limit_submissions = limiter.limit(
    configured_limit,
    scope="submission",
    exempt_when=lambda: invited() or _not_the_last_step(),
    deduct_when=counted,
)
