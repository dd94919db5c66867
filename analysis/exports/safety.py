"""Spreadsheet safety: a text cell a spreadsheet would run as a formula is written inert.

A text starting with `=`, `+`, `-`, `@`, tab or carriage return gets a single quote in front
(as OWASP advises for CSV injection), so it stays text in Excel and LibreOffice. Only text is
touched: numbers are written as numbers, a negative number included. Texts that already start
with quotes before such a character get one more, so `restore` undoes `neutralise` exactly.
"""

from __future__ import annotations

from typing import Any

QUOTE = "'"
_FORMULA_STARTS = frozenset("=+-@\t\r")


def neutralise(value: Any) -> Any:
    """The value as a spreadsheet should receive it: text that could run as a formula quoted."""
    if isinstance(value, str) and _runs(value):
        return QUOTE + value
    return value


def restore(value: Any) -> Any:
    """The text `neutralise` was given (anything else unchanged)."""
    if isinstance(value, str) and value[:1] == QUOTE and _runs(value[1:]):
        return value[1:]
    return value


def _runs(text: str) -> bool:
    """Starts with a formula character, after any number of quotes."""
    first = text.lstrip(QUOTE)[:1]
    return first != "" and first in _FORMULA_STARTS
