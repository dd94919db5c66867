"""The backup procedure of docs/deploy.md, performed: pg_dump, restore into a new database, and
the export of the restored database is byte for byte the export of the original."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest
from sqlalchemy import create_engine, text

from analysis.simulation import load_value_weights
from pwe import create_app
from pwe.config import normalise_database_url
from pwe.extensions import db
from pwe.services.consultations import definition_of, find, import_definition
from pwe.services.export import write_export
from pwe.services.simulated import store_simulated
from tests.conftest import EXAMPLES, POSTGRES_URL, make_app

pytestmark = [
    pytest.mark.skipif(not POSTGRES_URL, reason="needs PWE_TEST_DATABASE_URL (a PostgreSQL server)"),
    pytest.mark.skipif(not shutil.which("pg_dump"), reason="needs pg_dump and pg_restore"),
]
SLUG = "ruimte-2050"


def url_of(database: str) -> str:
    parts = urlsplit(POSTGRES_URL)
    return urlunsplit(parts._replace(path="/" + database))


@pytest.fixture
def databases():
    """Two databases of this test's own on the test server, dropped afterwards."""
    names = [f"pwe_backup_{role}_{os.getpid()}" for role in ("original", "restored")]
    admin = create_engine(normalise_database_url(POSTGRES_URL), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        for name in names:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
            connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield [url_of(name) for name in names]
    finally:
        with admin.connect() as connection:
            for name in names:
                connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def export(url: str, out: Path) -> dict[str, bytes]:
    # the app as it runs against an existing database: nothing emptied, nothing migrated
    app = create_app(
        {"TESTING": True, "SECRET_KEY": "test-secret", "SQLALCHEMY_DATABASE_URI": normalise_database_url(url)}
    )
    with app.app_context():
        write_export(SLUG, out)
        db.session.remove()
        db.engine.dispose()
    return {path.name: path.read_bytes() for path in sorted(out.iterdir())}


def test_a_dump_restored_into_a_new_database_exports_the_same(databases, tmp_path):
    original, restored = databases
    app = make_app(original, tmp_path / "instance")
    with app.app_context():
        import_definition((EXAMPLES / f"{SLUG}.yaml").read_text(encoding="utf-8"), open_now=True)
        weights = load_value_weights(EXAMPLES / "value-weights" / f"{SLUG}.yaml", definition_of(find(SLUG)))
        store_simulated(SLUG, weights, 40, seed=3)
        db.session.remove()
        db.engine.dispose()
    before = export(original, tmp_path / "before")
    assert before["respondents.csv"].count(b"\n") == 41

    dump = tmp_path / "pwe.dump"
    subprocess.run(
        ["pg_dump", "--format=custom", "--no-owner", f"--file={dump}", original],
        check=True,
        capture_output=True,
        timeout=120,
    )
    subprocess.run(
        ["pg_restore", "--no-owner", "--exit-on-error", f"--dbname={restored}", str(dump)],
        check=True,
        capture_output=True,
        timeout=120,
    )

    assert export(restored, tmp_path / "after") == before
