"""Refuse YAML that would explode before it becomes data: aliases that expand a small file into
billions of values ("billion laughs"), an alias inside its own anchor, and numbers too long for
Python to read. The composed node tree is walked once, each shared node counted once, so a
hostile file is refused in milliseconds.
"""

from __future__ import annotations

import yaml

# far above any real definition (the examples have a few thousand), far below a slow one
MAX_VALUES = 100_000
MAX_NUMBER_DIGITS = 100
_INT_TAG = "tag:yaml.org,2002:int"


class Refused(Exception):
    """The YAML cannot be read safely; `place` and `message` say where and what to change."""

    def __init__(self, place: str, message: str) -> None:
        super().__init__(f"{place}: {message}")
        self.place, self.message = place, message


def check(root: yaml.Node | None) -> None:
    """Raise Refused for a node tree that is unsafe to turn into data."""
    if root is None:
        return
    size = _expanded_sizes(root)
    if size[id(root)] > MAX_VALUES:
        raise Refused(
            _largest_part(root, size),
            f"the aliases (*name) in this file expand it to more than {MAX_VALUES:,} "
            "values; a definition needs far fewer. Write the repeated part out, or "
            "refer to it fewer times",
        )


def _children(node: yaml.Node) -> list[yaml.Node]:
    if isinstance(node, yaml.MappingNode):
        return [part for pair in node.value for part in pair]
    if isinstance(node, yaml.SequenceNode):
        return list(node.value)
    return []


def _expanded_sizes(root: yaml.Node) -> dict[int, int]:
    """Per node (by id), how many values it holds with every alias written out; iterative, so
    deep nesting cannot exhaust Python's stack."""
    size: dict[int, int] = {}
    on_path: set[int] = set()
    stack: list[tuple[yaml.Node, bool]] = [(root, False)]
    while stack:
        node, children_done = stack.pop()
        if children_done:
            on_path.discard(id(node))
            total = 1 + sum(size[id(child)] for child in _children(node))
            size[id(node)] = min(total, MAX_VALUES + 1)
            continue
        if id(node) in size:
            continue
        if isinstance(node, yaml.ScalarNode):
            _check_number(node)
            size[id(node)] = 1
            continue
        on_path.add(id(node))
        stack.append((node, True))
        for child in _children(node):
            if id(child) in on_path:
                raise Refused(
                    _line(child),
                    "an alias (*name) here refers to a list or mapping "
                    "that contains it, so it never ends; write the value out",
                )
            if id(child) not in size:
                stack.append((child, False))
    return size


def _check_number(node: yaml.ScalarNode) -> None:
    if node.tag == _INT_TAG and len(node.value) > MAX_NUMBER_DIGITS:
        raise Refused(
            _line(node),
            f"a number of {len(node.value):,} characters; no definition "
            f"needs more than {MAX_NUMBER_DIGITS}. If it is meant as a "
            "text, put it in quotes",
        )


def _largest_part(root: yaml.Node, size: dict[int, int]) -> str:
    """The top-level key whose value grows most, to name where the explosion is."""
    if not isinstance(root, yaml.MappingNode) or not root.value:
        return _line(root)
    key, _ = max(root.value, key=lambda pair: size[id(pair[1])])
    return str(key.value)[:80] if isinstance(key, yaml.ScalarNode) else _line(key)


def _line(node: yaml.Node) -> str:
    return f"line {node.start_mark.line + 1}, column {node.start_mark.column + 1}"
