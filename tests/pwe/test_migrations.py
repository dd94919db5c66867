"""Upgrading a database that already has respondents: nobody loses their place, and the
cookie of an unfinished respondent no longer holds their export pseudonym."""

from __future__ import annotations

from alembic import command
from sqlalchemy import create_engine, text

from pwe.database import alembic_config


def test_0002_separates_handles_from_pseudonyms_and_counts_versions(tmp_path):
    url = f"sqlite:///{tmp_path / 'old.sqlite3'}"
    command.upgrade(alembic_config(url), "0001")
    engine = create_engine(url)
    with engine.begin() as connection:
        connection.execute(
            text("INSERT INTO consultation VALUES (1, 'c', 'id: c', 'h', 'open', '2026-01-01', '2026-01-01')")
        )
        connection.execute(
            text("INSERT INTO consultation VALUES (2, 'd', 'id: d', 'h', 'open', '2026-01-01', '2026-01-01')")
        )
        for rid, pseudonym, cid, version in (
            (1, "done", 1, "A"),
            (2, "busy", 1, "A"),
            (3, "new", 1, "B"),
            (4, "plain", 2, None),
        ):
            connection.execute(
                text(
                    "INSERT INTO respondent VALUES (:id, :p, :c, 'h', :v, 'nl', 'open', '{}', '2026-01-01')"
                ),
                {"id": rid, "p": pseudonym, "c": cid, "v": version},
            )
        connection.execute(text("INSERT INTO response VALUES (1, 1, 1, '{}', '2026-01-02')"))

    command.upgrade(alembic_config(url), "head")
    with engine.connect() as connection:
        rows = dict((r.id, r) for r in connection.execute(text("SELECT * FROM respondent")))
        starts = connection.execute(text("SELECT consultation_id, version, starts FROM version_start")).all()
    engine.dispose()
    # the completed respondent keeps the pseudonym exports already show
    assert (rows[1].pseudonym, rows[1].handle) == ("done", "done")
    # unfinished respondents keep their cookie (now a handle) and get a pseudonym never in one
    for rid, old in ((2, "busy"), (3, "new"), (4, "plain")):
        assert rows[rid].handle == old and rows[rid].pseudonym not in (old, "")
    # every earlier respondent counts as a start; a consultation without versions under ""
    assert sorted(starts) == [(1, "A", 2), (1, "B", 1), (2, "", 1)]
