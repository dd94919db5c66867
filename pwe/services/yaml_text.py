"""Writing changed definition data back into the official's own YAML text.

A save from the structured forms or the design helper changes a few values. Written out anew,
the whole file would lose its comments, its quotes, its flow mappings such as
`{nl: "...", en: "..."}` and its folded paragraphs, and the revision's diff would show every
line. Instead the changed data is merged into the text's round-trip document (ruamel.yaml), so
what did not change keeps its text and its comments; a changed text keeps the quoting style of
the one it replaces. The result is read back: if it does not hold exactly the data, the data is
written plainly instead, so a save never stores anything but what the forms produced.
"""

from __future__ import annotations

import io
import re
from typing import Any

import yaml
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import YAMLError as RoundTripError
from ruamel.yaml.scalarbool import ScalarBoolean
from ruamel.yaml.scalarstring import (
    DoubleQuotedScalarString,
    FoldedScalarString,
    LiteralScalarString,
    SingleQuotedScalarString,
)

from pwe.services.editing import data_of

# a changed folded text is cut at spaces into lines as long as the file's own, or this long
FOLD_WIDTH = 92
_STRING_STYLES = (DoubleQuotedScalarString, SingleQuotedScalarString, LiteralScalarString)
_RESOLVER = yaml.resolver.Resolver()
_TEXT_TAG = "tag:yaml.org,2002:str"


def plain(data: dict) -> str:
    """The data as a fresh YAML text, in the order of its keys."""
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=100)


def rewritten(original_text: str, data: dict) -> str:
    """`original_text` changed to hold `data`, keeping the text of everything that did not change."""
    if data == data_of(original_text):
        return original_text
    try:
        round_trip = _round_trip(original_text)
        document = round_trip.load(original_text)
        if not isinstance(document, CommentedMap):
            return plain(data)
        output = io.StringIO()
        round_trip.dump(_merged(document, data), output)
        text = output.getvalue()
    except (RoundTripError, ValueError, TypeError, RecursionError):
        return plain(data)
    return text if data_of(text) == data else plain(data)


def _round_trip(text: str) -> YAML:
    round_trip = YAML()  # typ "rt": comments, quotes, flow style and key order are kept
    round_trip.preserve_quotes = True
    round_trip.width = 4096  # lines are not cut anew; a folded text keeps its own cuts
    sequence, offset = _list_indent(text)
    round_trip.indent(mapping=2, sequence=sequence, offset=offset)
    return round_trip


def _list_indent(text: str) -> tuple[int, int]:
    """How the text indents list items under their key: "key:\\n  - item" is (4, 2), the usual
    "key:\\n- item" (2, 0)."""
    found = re.search(r"^( *)[A-Za-z_][\w-]*:[ \t]*\n( *)- ", text, re.M)
    if found is None:
        return 4, 2
    offset = max(0, len(found.group(2)) - len(found.group(1)))
    return offset + 2, offset


def _merged(old: Any, new: Any) -> Any:
    """`new`, reusing the parts of `old` (with their comments and style) that it keeps."""
    if isinstance(new, dict) and isinstance(old, CommentedMap):
        return _merged_mapping(old, new)
    if isinstance(new, list) and isinstance(old, CommentedSeq):
        return _merged_list(old, new)
    if _same_scalar(old, new):
        return old
    if isinstance(new, str) and isinstance(old, str):
        return _unambiguous(_styled_like(old, new))
    return _written(new)


def _written(value: Any) -> Any:
    """A new part of the data, its texts quoted where a reader would take them for something else."""
    if isinstance(value, dict):
        return {key: _written(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_written(item) for item in value]
    return _unambiguous(value) if isinstance(value, str) else value


def _unambiguous(text: str) -> str:
    """The text quoted when it would be read back as another value: ruamel writes YAML 1.2, where
    "yes" and "off" are texts, and the platform reads YAML 1.1, where they are true and false."""
    if isinstance(text, (*_STRING_STYLES, FoldedScalarString)):
        return text
    if _RESOLVER.resolve(yaml.ScalarNode, str(text), (True, False)) != _TEXT_TAG:
        return DoubleQuotedScalarString(text)
    return text


def _merged_mapping(old: CommentedMap, new: dict) -> CommentedMap:
    # a key gone from where a new one stands was most likely renamed: the new value takes its style
    gone = {position: old[key] for position, key in enumerate(old) if key not in new}
    for key in [key for key in old if key not in new]:
        del old[key]
    for position, (key, value) in enumerate(new.items()):
        if key not in old:
            old.insert(position, key, _merged(gone[position], value) if position in gone else _written(value))
            continue
        merged = _merged(old[key], value)
        if list(old).index(key) == position:
            old[key] = merged
        else:  # moved: its comment stays where the key was
            del old[key]
            old.insert(position, key, merged)
    return old


def _merged_list(old: CommentedSeq, new: list) -> CommentedSeq:
    old_ids, new_ids = _ids(old), _ids(new)
    if old_ids is not None and new_ids is not None:
        # items with ids (pages, options, questions) keep their text wherever they move
        by_id = dict(zip(old_ids, old))
        items = [
            _merged(by_id[key], item) if key in by_id else _written(item) for key, item in zip(new_ids, new)
        ]
    elif len(old) == len(new):
        items = [_merged(before, after) for before, after in zip(old, new)]
    else:
        items = [_written(item) for item in new]
    if len(items) != len(old):
        # the comments of a list that grew or shrank would land beside other items
        old.ca.items.clear()
    old[:] = items
    return old


def _ids(items: list) -> list[str] | None:
    """The items' ids when every item is a mapping with its own distinct id."""
    ids = [item.get("id") if isinstance(item, dict) else None for item in items]
    texts = [key for key in ids if isinstance(key, str)]
    return texts if texts and len(texts) == len(ids) == len(set(texts)) else None


def _same_scalar(old: Any, new: Any) -> bool:
    """Equal and of the same kind: True is not 1, and 1.0 is not 1."""
    if isinstance(old, (dict, list)) or isinstance(new, (dict, list)):
        return False
    if (isinstance(old, (bool, ScalarBoolean))) != isinstance(new, bool):
        return False
    if isinstance(old, float) != isinstance(new, float) or isinstance(old, str) != isinstance(new, str):
        return False
    return bool(old == new)


def _styled_like(old: str, new: str) -> str:
    """A changed text in the style of the one it replaces: quoted as it was, or folded."""
    if isinstance(old, FoldedScalarString):
        return _folded(new, _fold_width(old))
    for style in _STRING_STYLES:
        if isinstance(old, style):
            return style(new)
    return new


def _fold_width(old: FoldedScalarString) -> int:
    """The longest line of a folded text as the file cut it: its paragraphs are cut again at it."""
    cuts = [-1, *getattr(old, "fold_pos", []), len(old)]
    breaks = [index for index, character in enumerate(old) if character == "\n"]
    edges = sorted({*cuts, *breaks})
    longest = max((end - start - 1 for start, end in zip(edges, edges[1:])), default=FOLD_WIDTH)
    return longest if 40 <= longest <= 200 else FOLD_WIDTH


def _folded(text: str, width: int = FOLD_WIDTH) -> str:
    """A folded text (">") cut at spaces into lines of at most `width` characters; paragraphs
    stay paragraphs. A text that folding cannot carry (spaces at a line's ends, several spaces
    in a row) is written as it is, quoted if need be."""
    lines = text.split("\n")
    if "  " in text or "\t" in text or any(line != line.strip() or not line for line in lines):
        return text
    folded = FoldedScalarString(text)
    folded.fold_pos = _fold_positions(text, width)
    return folded


def _fold_positions(text: str, width: int) -> list[int]:
    """The spaces to cut at: each line as long as it can be without passing `width`."""
    positions, line_start, last_space = [], 0, -1
    for index, character in enumerate(text + "\n"):
        if character == " " or character == "\n":
            if index - line_start > width and last_space > line_start:
                positions.append(last_space)
                line_start = last_space + 1
            if character == "\n":
                line_start, last_space = index + 1, index
            else:
                last_space = index
    return positions
