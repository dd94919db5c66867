"""The CSS a self-contained report needs: from the vendored NL Design System stylesheets only the
rules whose selectors name a class the report uses, and only the design tokens (custom
properties) those rules and the report's own stylesheet refer to, directly or through others."""

from __future__ import annotations

import re

_VAR = re.compile(r"var\((--[\w-]+)")
_DECLARATION = re.compile(r"(--[\w-]+)\s*:\s*([^;}]+)")
_CLASS = re.compile(r'class="([^"]*)"')
_COMMENT = re.compile(r"/\*.*?\*/", re.S)


def used_classes(html: str) -> set[str]:
    return {name for value in _CLASS.findall(html) for name in value.split()}


def _rules(css: str) -> list[tuple[str, str]]:
    """Top-level (prelude, body) pairs; a body of an at-rule holds rules of its own."""
    rules, depth, start, prelude = [], 0, 0, ""
    for i, char in enumerate(css):
        if char == "{":
            if depth == 0:
                prelude, start = css[start:i].strip(), i + 1
            depth += 1
        elif char == "}":
            depth -= 1
            if depth == 0:
                rules.append((prelude, css[start:i]))
                start = i + 1
    return rules


def _filter(css: str, classes: set[str]) -> str:
    pattern = re.compile(r"\.(" + "|".join(map(re.escape, sorted(classes))) + r")(?![\w-])")
    kept = []
    for prelude, body in _rules(css):
        if prelude.startswith(("@media", "@container", "@supports")):
            inner = _filter(body, classes)
            if inner:
                kept.append(f"{prelude}{{{inner}}}")
        elif not prelude.startswith("@") and pattern.search(prelude):
            kept.append(f"{prelude}{{{body}}}")
    return "".join(kept)


def needed_css(components: str, theme: str, own: str, classes: set[str]) -> str:
    """Component rules for `classes`, the theme's tokens they need, then the report's own CSS
    (which may also use theme tokens)."""
    rules = _filter(_COMMENT.sub("", components), classes) if classes else ""
    tokens: dict[str, str] = {}
    for _, body in _rules(_COMMENT.sub("", theme)):
        tokens.update((name, value.strip()) for name, value in _DECLARATION.findall(body))
    wanted, queue = set(), _VAR.findall(rules + own)
    while queue:
        name = queue.pop()
        if name in wanted or name not in tokens:
            continue
        wanted.add(name)
        queue += _VAR.findall(tokens[name])
    theme_block = ".voorbeeld-theme{" + "".join(f"{n}:{tokens[n]};" for n in sorted(wanted)) + "}"
    return "\n".join([theme_block, rules, own])
