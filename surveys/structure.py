"""What respondents answered against, apart from its wording.

Once people have answered a consultation its options, numbers and pages may no longer change;
correcting a typo may. `structure` is the consultation with every text replaced by a marker, so
two definitions with the same structure differ in wording only.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from surveys.definition import Consultation, Text

TEXT = "<text>"


def structure(consultation: Consultation) -> Any:
    """A comparable value of everything but the texts."""
    return _without_texts(consultation)


def texts_only_changed(old: Consultation, new: Consultation) -> bool:
    """True when `new` differs from `old` in wording alone."""
    return structure(old) == structure(new)


def _without_texts(value: Any) -> Any:
    if isinstance(value, Text):
        return TEXT
    if dataclasses.is_dataclass(value):
        return (type(value).__name__,) + tuple(
            (f.name, _without_texts(getattr(value, f.name))) for f in dataclasses.fields(value)
        )
    if isinstance(value, dict):
        return tuple(sorted((k, _without_texts(v)) for k, v in value.items()))
    if isinstance(value, (list, tuple)):
        return tuple(_without_texts(v) for v in value)
    return value
