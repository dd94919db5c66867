"""What an operations team relies on: health probes, Prometheus metrics, JSON logs."""

from __future__ import annotations

import io
import json

from flask import abort
from prometheus_client import REGISTRY
from sqlalchemy import text

from pwe import create_app
from pwe.extensions import db
from pwe.flow import steps
from pwe.logs import json_handler
from tests.pwe.visitor import started, valid_form

OUTSIDER = {"REMOTE_ADDR": "203.0.113.7"}


def sample(name: str, **labels) -> float:
    return REGISTRY.get_sample_value(name, labels) or 0.0


def test_healthz_answers_without_the_database(client):
    response = client.get("/healthz")
    assert response.status_code == 200 and response.json == {"status": "ok"}
    assert "Set-Cookie" not in response.headers


def test_readyz_is_ok_on_a_migrated_database(client):
    response = client.get("/readyz")
    assert response.status_code == 200 and response.json == {"status": "ok"}


def test_readyz_refuses_traffic_when_migrations_are_behind(app, client):
    with app.app_context():
        with db.engine.begin() as connection:
            current = connection.execute(text("SELECT version_num FROM alembic_version")).scalar_one()
            connection.execute(text("DELETE FROM alembic_version"))
        try:
            response = client.get("/readyz")
        finally:  # the test database's schema is kept for the next test
            with db.engine.begin() as connection:
                connection.execute(text("INSERT INTO alembic_version VALUES (:v)"), {"v": current})
    assert response.status_code == 503
    assert "pwe init-db" in response.json["reason"]


def test_readyz_refuses_traffic_when_the_database_is_unreachable(tmp_path):
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "test-secret",
            "SQLALCHEMY_DATABASE_URI": "postgresql+psycopg://nobody@127.0.0.1:1/none",
        }
    )
    response = app.test_client().get("/readyz")
    assert response.status_code == 503
    assert response.json == {"status": "unavailable", "reason": "database unreachable"}


def test_metrics_count_starts_completions_and_validation_failures(app, client, example_texts):
    before = {
        name: sample(name, consultation="lelylijn") for name in ("pwe_starts_total", "pwe_completions_total")
    }
    failures = sample("pwe_validation_failures_total", endpoint="citizens.submit")
    visitor, consultation = started(app, client, example_texts["lelylijn"], "lelylijn")
    all_steps = steps(consultation)
    refused = visitor.answer(all_steps[0].id, {})
    assert refused.status_code == 422
    for step in all_steps:
        assert visitor.answer(step.id, valid_form(consultation, step)).status_code == 302
    assert sample("pwe_starts_total", consultation="lelylijn") == before["pwe_starts_total"] + 1
    assert sample("pwe_completions_total", consultation="lelylijn") == before["pwe_completions_total"] + 1
    assert sample("pwe_validation_failures_total", endpoint="citizens.submit") == failures + 1
    assert sample("pwe_request_duration_seconds_count", endpoint="citizens.submit", method="POST") > 0


def test_metrics_count_rate_limit_refusals(app, client):
    app.add_url_rule("/limited", "limited", lambda: abort(429))
    before = sample("pwe_rate_limit_refusals_total", endpoint="limited")
    assert client.get("/limited").status_code == 429
    assert sample("pwe_rate_limit_refusals_total", endpoint="limited") == before + 1


def test_metrics_are_served_to_loopback_only(client):
    page = client.get("/metrics")
    assert page.status_code == 200
    assert "pwe_request_duration_seconds_bucket" in page.get_data(as_text=True)
    assert client.get("/metrics", environ_base=OUTSIDER).status_code == 403


def test_a_metrics_token_admits_its_bearer_from_anywhere(app, client):
    app.config["PWE_METRICS_TOKEN"] = "s3cret-token"
    assert client.get("/metrics", environ_base=OUTSIDER).status_code == 403
    assert client.get("/metrics", headers={"Authorization": "Bearer wrong"}).status_code == 403
    allowed = client.get("/metrics", environ_base=OUTSIDER, headers={"Authorization": "Bearer s3cret-token"})
    assert allowed.status_code == 200


def test_metrics_of_several_processes_are_added_up(app, client, tmp_path, monkeypatch):
    from prometheus_client import values

    app.config["PROMETHEUS_MULTIPROC_DIR"] = str(tmp_path)
    monkeypatch.setenv("PROMETHEUS_MULTIPROC_DIR", str(tmp_path))
    writer = values.MultiProcessValue(process_identifier=lambda: 123)(
        "counter", "pwe_starts_total", "pwe_starts_total", ("consultation",), ("x",), ""
    )
    writer.inc(3)
    page = client.get("/metrics").get_data(as_text=True)
    assert 'pwe_starts_total{consultation="x"} 3.0' in page


def test_log_lines_are_json_with_their_fields(app):
    stream = io.StringIO()
    handler = json_handler(stream)
    app.logger.addHandler(handler)
    try:
        app.logger.warning("something happened", extra={"fields": {"event": "test"}})
    finally:
        app.logger.removeHandler(handler)
    line = json.loads(stream.getvalue())
    assert (line["message"], line["event"], line["level"]) == ("something happened", "test", "warning")
