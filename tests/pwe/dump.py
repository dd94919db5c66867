"""The whole database as plain data, to show that a request changed nothing."""

from __future__ import annotations

from sqlalchemy import inspect, text

from pwe.extensions import db


def database_dump() -> dict[str, list[str]]:
    """Every row of every table in the database (not only the ones this code knows), sorted."""
    dump = {}
    for table in sorted(inspect(db.engine).get_table_names()):
        rows = db.session.execute(text(f'SELECT * FROM "{table}"')).all()
        dump[table] = sorted(repr(tuple(row)) for row in rows)
    return dump
