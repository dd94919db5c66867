"""The design-versions helper: which numbers vary, balanced versions from a seed (surveys.
design_versions), the definition with them, and the precision of the value weights they would
give (analysis.simulation.power_analysis) at 1,000 and 5,000 respondents."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import yaml

from analysis.simulation import ValueWeightsError, check_value_weights, power_analysis
from pwe.services import yaml_text
from pwe.services.editing import data_of
from surveys.definition import Consultation, Number, PortfolioPage
from surveys.design_versions import Design, Varied, VariedKind, balanced_versions
from surveys.load import parse

POWER_SIZES = (1000, 5000)
# few replications: an estimate in seconds, not a study; `pwe power` does more
POWER_REPLICATIONS = 4


@dataclass(frozen=True)
class Candidate:
    """A number the helper may vary: its form field, what it is, and its value now."""

    field: str
    option: str
    kind: VariedKind
    key: str
    now: float | int | None


def candidates(consultation: Consultation) -> list[Candidate]:
    """Every option's use of each constraint and effect on each attribute, per portfolio page."""
    found = []
    for page in consultation.pages:
        if not isinstance(page, PortfolioPage):
            continue
        for option in page.options:
            varying: tuple[tuple[VariedKind, Sequence[str], Mapping[str, Number]], ...] = (
                ("use", page.constraints, option.use),
                ("effects", [a.id for a in consultation.attributes], option.effects),
            )
            for kind, keys, numbers in varying:
                for key in keys:
                    found.append(
                        Candidate(f"vary.{option.id}.{kind}.{key}", option.id, kind, key, numbers.get(key))
                    )
    return found


def read_varied(consultation: Consultation, form) -> tuple[list[Varied], dict[str, str]]:
    """The numbers to vary from the form (comma-separated values), with a message per field
    that cannot be read."""
    varied, errors = [], {}
    for candidate in candidates(consultation):
        text = form.get(candidate.field, "").strip()
        if not text:
            continue
        try:
            values = tuple(_number(part) for part in text.split(",") if part.strip())
        except ValueError:
            errors[candidate.field] = f"Write numbers separated by commas, e.g. 100, 150, 200; not '{text}'."
            continue
        if len(set(values)) < 2:
            errors[candidate.field] = "Give at least two different values, or leave it empty."
            continue
        varied.append(Varied(candidate.option, candidate.kind, candidate.key, values))
    return varied, errors


def with_versions(text: str, design: Design) -> str:
    """The definition with its versions replaced by the design's."""
    data = data_of(text)
    if data is None:
        raise ValueError(
            "the definition is no YAML mapping, so it cannot take versions; correct it in the editor"
        )
    data["versions"] = design.versions
    return yaml_text.rewritten(text, data)


def precision(text: str, weights_text: str, page_id: str, seed: int) -> list[dict]:
    """Expected standard error of each value weight per size; ValueError saying what to fix."""
    consultation = parse(text)
    try:
        weights = yaml.safe_load(weights_text) or {}
        check_value_weights(consultation, weights)
    except (yaml.YAMLError, ValueWeightsError) as error:
        raise ValueError(f"The value weights cannot be used: {error}") from error
    table = power_analysis(
        consultation, weights, page_id, sizes=POWER_SIZES, replications=POWER_REPLICATIONS, seed=seed
    )
    return table[["n", "parameter", "true", "mean_se", "half_width"]].to_dict("records")


def design(varied: list[Varied], count: int, seed: int) -> Design:
    return balanced_versions(varied, count, seed)


def _number(text: str):
    value = float(text.strip().replace(",", "."))
    return int(value) if value.is_integer() and "." not in text else value
