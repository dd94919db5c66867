"""Headers, cookies and error pages that every response carries."""
from __future__ import annotations

from pwe.services.consultations import import_definition
from tests.pwe.visitor import Visitor


def test_security_headers_and_no_inline_script(app, client, example_texts):
    with app.app_context():
        import_definition(example_texts["lelylijn"])
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
        import_definition(example_texts["lelylijn"])
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


def test_no_ip_address_or_user_agent_is_stored(app, client, example_texts):
    from pwe.models import Respondent

    columns = {c.name for c in Respondent.__table__.columns}
    assert not columns & {"ip", "ip_address", "user_agent", "remote_addr"}
