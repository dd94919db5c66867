"""Headers, cookies and error pages that every response carries."""

from __future__ import annotations

from pwe.services.consultations import import_definition
from tests.pwe.visitor import Visitor


def test_security_headers_and_no_inline_script(app, client, example_texts):
    with app.app_context():
        import_definition(example_texts["lelylijn"], open_now=True)
    response = client.get("/c/lelylijn")
    policy = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy
    assert "frame-ancestors 'none'" in policy
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"
    html = response.get_data(as_text=True)
    assert "<script>" not in html and " style=" not in html and "onclick" not in html


def test_session_cookie_flags(app, client, example_texts):
    app.config["SESSION_COOKIE_SECURE"] = True
    with app.app_context():
        import_definition(example_texts["lelylijn"], open_now=True)
    response = Visitor(client, "lelylijn").start()
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Secure" in cookie


def test_not_found_page_in_platform_style(client):
    response = client.get("/c/no-such-consultation?lang=en")
    assert response.status_code == 404
    html = response.get_data(as_text=True)
    assert "Page not found" in html and "pwe.css" in html


def test_server_error_page_in_platform_style(app):
    @app.get("/boom")
    def boom():
        raise RuntimeError("boom")

    app.config["PROPAGATE_EXCEPTIONS"] = False
    response = app.test_client().get("/boom")
    assert response.status_code == 500
    assert "Er ging iets mis" in response.get_data(as_text=True)


def test_no_ip_address_or_user_agent_is_stored(app, example_texts):
    """A respondent's address and browser string appear in no table after they took part."""
    from sqlalchemy import text

    from pwe.extensions import db

    agent, address = "Mozilla/5.0 (PWE-test-agent)", "203.0.113.77"
    client = app.test_client()
    client.environ_base.update(HTTP_USER_AGENT=agent, REMOTE_ADDR=address, HTTP_X_FORWARDED_FOR=address)
    with app.app_context():
        import_definition(example_texts["lelylijn"], open_now=True)
    visitor = Visitor(client, "lelylijn")
    assert visitor.start().status_code == 302
    with app.app_context():
        for table in db.metadata.sorted_tables:
            for row in db.session.execute(text(f"SELECT * FROM {table.name}")):
                stored = " ".join(str(value) for value in row)
                assert agent not in stored and address not in stored, table.name
