"""Shared fixtures: an app on a fresh database, SQLite always and PostgreSQL when configured."""
from __future__ import annotations

import os
from pathlib import Path

import pytest
from sqlalchemy import text

from pwe import create_app
from pwe.database import upgrade
from pwe.extensions import db

EXAMPLES = Path(__file__).resolve().parent.parent / "surveys" / "examples"
POSTGRES_URL = os.environ.get("PWE_TEST_DATABASE_URL")
DATABASES = ["sqlite"] + (["postgresql"] if POSTGRES_URL else [])


def make_app(database_url: str, instance_path: Path, **settings):
    from pwe.config import normalise_database_url

    os.environ["PWE_INSTANCE_PATH"] = str(instance_path)
    config = {
        "TESTING": True,
        "SECRET_KEY": "test-secret",
        "SQLALCHEMY_DATABASE_URI": normalise_database_url(database_url),
        "PWE_RANDOM_SEED": 7,
        **settings,
    }
    app = create_app(config)
    with app.app_context():
        if app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql"):
            _reset_postgres()
        upgrade()
    return app


def _reset_postgres() -> None:
    """Each test starts from an empty schema, built by the migrations as in production."""
    with db.engine.begin() as connection:
        connection.execute(text("DROP SCHEMA public CASCADE"))
        connection.execute(text("CREATE SCHEMA public"))


@pytest.fixture(params=DATABASES)
def database_url(request, tmp_path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'test.sqlite3'}"
    return POSTGRES_URL


@pytest.fixture
def app(database_url, tmp_path):
    app = make_app(database_url, tmp_path / "instance")
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def example_texts() -> dict[str, str]:
    return {path.stem: path.read_text(encoding="utf-8") for path in sorted(EXAMPLES.glob("*.yaml"))}
