"""Read a consultation definition (YAML) into `surveys.definition` objects: the public entry.

Every problem in a file is collected, each with its place ("pages[2].options[3].use.budget") and a
message that says how to fix it; `parse` raises one DefinitionError listing them all. The reading
is `surveys.reader`, the format's keys and checks `surveys.schema` (documented in docs/format.md).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from pathlib import Path

import yaml

from surveys import yaml_guard
from surveys.definition import Consultation
from surveys.reader import Problem, duplicate_keys, parse_yaml, syntax_problem
from surveys.schema import ConsultationReader, read_consultation

__all__ = ["DefinitionError", "Problem", "definition_hash", "load", "parse", "problems"]


class DefinitionError(Exception):
    """A definition with problems; str() lists every one, one per line, prefixed by the source."""

    def __init__(self, problems: Iterable[Problem], source: str = "<string>"):
        self.problems = list(problems)
        self.source = source
        super().__init__(self.problems, source)

    def __str__(self) -> str:
        return "\n".join(f"{self.source}: {problem}" for problem in self.problems)


def parse(text: str, source: str = "<string>") -> Consultation:
    """The consultation defined by `text`; raises DefinitionError listing all its problems."""
    consultation, found = _read(text)
    if consultation is None:  # _read gives None exactly when it found problems
        raise DefinitionError(found, source)
    return consultation


def load(path) -> Consultation:
    """The consultation defined in the file at `path` (UTF-8)."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        reason = getattr(error, "strerror", None) or str(error)
        raise DefinitionError([Problem("", f"cannot read the file: {reason}")], str(path)) from error
    return parse(text, source=str(path))


def problems(text: str) -> list[Problem]:
    """Every problem in `text`; [] when it defines a valid consultation."""
    return _read(text)[1]


def definition_hash(text: str) -> str:
    """SHA-256 (hex) of the exact text, to recognise a definition stored verbatim."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _read(text: str) -> tuple[Consultation | None, list[Problem]]:
    try:
        root, document = parse_yaml(text)
    except yaml.YAMLError as error:
        return None, [syntax_problem(error)]
    except yaml_guard.Refused as error:
        return None, [Problem(error.place, error.message)]
    except RecursionError:
        return None, [
            Problem(
                "",
                "lists or mappings are nested too deeply to read; a definition "
                "needs a few levels, not hundreds",
            )
        ]
    reader = ConsultationReader()
    reader.problems += duplicate_keys(root, set())
    consultation = read_consultation(reader, document)
    return (consultation if not reader.problems else None), reader.problems
