"""A small bounded cache shared by the worker's threads: what is derived from a stored definition
(its parsed form, the rendered description of an option) is computed once per process, not once
per request."""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Hashable
from threading import Lock
from typing import Any, Generic, TypeVar

from flask import g, has_request_context
from sqlalchemy import inspect

Value = TypeVar("Value")


class BoundedCache(Generic[Value]):
    """At most `size` values, the least recently used dropped first. Keys must hold everything
    the value depends on (a definition's hash, not the row it came from)."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._values: OrderedDict[Hashable, Value] = OrderedDict()
        self._lock = Lock()

    def get(self, key: Hashable, make: Callable[[], Value]) -> Value:
        with self._lock:
            if key in self._values:
                self._values.move_to_end(key)
                return self._values[key]
        value = make()  # outside the lock: two threads may both make it, and both get a right value
        with self._lock:
            self._values[key] = value
            while len(self._values) > self.size:
                self._values.popitem(last=False)
        return value

    def clear(self) -> None:
        with self._lock:
            self._values.clear()


_OF_REQUEST = "rows_of_request"


def rows_of_request(kind: str) -> dict[Hashable, Any]:
    """Rows a request has read, by kind and key, so its views, limits and templates read each
    once. Outside a request nothing is kept."""
    if not has_request_context():
        return {}
    return g.setdefault(_OF_REQUEST, {}).setdefault(kind, {})


def forget_rows_of_request() -> None:
    """At the end of a request: an app context pushed around several (tests, commands) would
    otherwise hand the next one rows read before it."""
    if has_request_context():
        g.pop(_OF_REQUEST, None)


def still_usable(row) -> bool:
    """A remembered row is still in the session and not deleted."""
    state = inspect(row)
    return not state.detached and not state.deleted
