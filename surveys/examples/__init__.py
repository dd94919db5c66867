"""The example consultations (the demo's) and their value weights, located as package data with
importlib.resources, so an installed wheel finds them as a checkout does.

Every example `<name>.yaml` may have value weights for simulated responses in
`value-weights/<slug>.yaml` (slug: the consultation's id).
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

_VALUE_WEIGHTS = "value-weights"


def folder() -> Path:
    """Where the examples are installed. pip unpacks wheels, so this is a real folder whose files
    every reader of definitions and value weights can open by path."""
    return Path(str(resources.files(__name__)))


def definitions() -> list[Path]:
    """The example definitions, sorted by file name."""
    return sorted(folder().glob("*.yaml"))


def value_weights(slug: str) -> Path:
    """The value-weights file of the example consultation `slug` (when there is none, the reader
    says it cannot read it)."""
    return folder() / _VALUE_WEIGHTS / f"{slug}.yaml"


def margins(slug: str) -> Path:
    """The population shares of the example consultation `slug`'s background questions (what
    `pwe weight --margins` rakes to and what simulated respondents are drawn from)."""
    return folder() / "margins" / f"{slug}.yaml"
