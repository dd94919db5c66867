"""Creating and upgrading the schema through Alembic, from the first table on."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import bindparam
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from pwe.extensions import db

MIGRATIONS = Path(__file__).parent / "migrations"


def alembic_config(url: str | None = None) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    if url:
        config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


def upgrade() -> None:
    """Bring the app's database to the newest schema (call inside an app context)."""
    config = alembic_config()
    with db.engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "head")


def upsert_per_step(model, *columns: str):
    """The statement that writes one row per (respondent_id, step_id) of `model`: inserted, or its
    `columns` and saved_at replaced, so two tabs or a double click never make a second row nor
    fail. Parameters: respondent_id, step_id, saved_at and each column. Built once per model and
    database (building it costs more than running it)."""
    return _upsert_per_step(model, columns, db.engine.dialect.name)


@lru_cache(maxsize=16)
def _upsert_per_step(model, columns: tuple[str, ...], dialect: str):
    insert = postgresql_insert if dialect == "postgresql" else sqlite_insert
    written = ("respondent_id", "step_id", *columns, "saved_at")
    statement = insert(model).values({name: bindparam(name) for name in written})
    return statement.on_conflict_do_update(
        index_elements=["respondent_id", "step_id"],
        set_={name: statement.excluded[name] for name in (*columns, "saved_at")},
    )
