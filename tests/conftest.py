"""Shared fixtures: an app on a fresh database, SQLite always and PostgreSQL when configured."""

from __future__ import annotations

import functools
import os
import shutil
import tempfile
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest
from sqlalchemy import create_engine, text

from pwe import create_app
from pwe.database import upgrade
from pwe.extensions import db
from surveys import examples

EXAMPLES = examples.folder()


def _postgres_url() -> str | None:
    """The PostgreSQL database of this test process. Parallel workers (pytest -n) each get a
    database of their own beside the configured one, since every test empties its tables."""
    url = os.environ.get("PWE_TEST_DATABASE_URL")
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    if not url or not worker:
        return url
    parts = urlsplit(url)
    worker_url = urlunsplit(parts._replace(path=f"{parts.path.rstrip('/')}_{worker}"))
    _recreate(url, database_name(worker_url))
    return worker_url


def database_name(url: str) -> str:
    return urlsplit(url).path.lstrip("/")


def _recreate(admin_url: str, name: str, *, drop_only: bool = False) -> None:
    from pwe.config import normalise_database_url

    admin = create_engine(normalise_database_url(admin_url), isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            if not drop_only:
                connection.execute(text(f'CREATE DATABASE "{name}"'))
    finally:
        admin.dispose()


POSTGRES_URL = _postgres_url()
DATABASES = ["sqlite"] + (["postgresql"] if POSTGRES_URL else [])


def pytest_sessionfinish(session, exitstatus):
    configured = os.environ.get("PWE_TEST_DATABASE_URL")
    if configured and POSTGRES_URL and POSTGRES_URL != configured:
        _recreate(configured, database_name(POSTGRES_URL), drop_only=True)


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
    uri = config["SQLALCHEMY_DATABASE_URI"]
    if uri.startswith("sqlite:///") and not Path(uri[len("sqlite:///") :]).exists():
        shutil.copyfile(_migrated_sqlite(), uri[len("sqlite:///") :])
    app = create_app(config)
    with app.app_context():
        if uri.startswith("postgresql"):
            _empty_postgres()
        upgrade()
    return app


@functools.cache
def _migrated_sqlite() -> Path:
    """One SQLite file built by the migrations, as in production, once per test run; each test
    gets a copy (running every migration per test made the suite slow)."""
    path = Path(tempfile.mkdtemp(prefix="pwe-migrated-")) / "migrated.sqlite3"
    app = create_app(
        {"TESTING": True, "SECRET_KEY": "test-secret", "SQLALCHEMY_DATABASE_URI": f"sqlite:///{path}"}
    )
    with app.app_context():
        upgrade()
        db.engine.dispose()
    return path


_postgres_built: set[str] = set()


def _empty_postgres() -> None:
    """Each test starts from empty tables. The schema is built by the migrations once per run
    (from an empty schema, as in production); later tests only empty its tables."""
    url = str(db.engine.url)
    with db.engine.begin() as connection:
        if url not in _postgres_built:
            connection.execute(text("DROP SCHEMA public CASCADE"))
            connection.execute(text("CREATE SCHEMA public"))
            _postgres_built.add(url)
            return
        tables = [t.name for t in reversed(db.metadata.sorted_tables)]
        if tables:
            connection.execute(text(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE"))


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
