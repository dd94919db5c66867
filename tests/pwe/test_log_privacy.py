"""gunicorn with the shipped gunicorn.conf.py writes no client address and no browser string,
whatever the request: a page, a form, an unknown page, a forwarded address, a malformed request."""

from __future__ import annotations

import http.client
import json
import socket
from urllib.parse import urlsplit

import pytest

from pwe.extensions import db
from pwe.services.consultations import import_definition
from tests.conftest import EXAMPLES, make_app
from tests.pwe.servers import gunicorn
from tests.pwe.visitor import read_form

CLIENT = "127.0.0.2"  # a loopback address of its own, so it cannot be mistaken for the server's
FORWARDED = "198.51.100.23"
BROWSER = "PrivacyProbe/1.0 (X11; Linux)"


def request(server_url: str, method: str, path: str, body: str = "", cookie: str = ""):
    """Status, Set-Cookie header and body of one request sent from CLIENT's address."""
    address = urlsplit(server_url)
    connection = http.client.HTTPConnection(
        address.hostname, address.port, timeout=10, source_address=(CLIENT, 0)
    )
    headers = {
        "User-Agent": BROWSER,
        "X-Forwarded-For": FORWARDED,
        "Referer": "https://example.org/from",
        "Cookie": cookie,
    }
    if body:
        headers["Content-Type"] = "application/x-www-form-urlencoded"
    connection.request(method, path, body=body, headers=headers)
    response = connection.getresponse()
    status, set_cookie, text = response.status, response.getheader("Set-Cookie"), response.read().decode()
    connection.close()
    return status, set_cookie, text


@pytest.mark.slow
def test_gunicorn_logs_hold_no_client_address_nor_user_agent(tmp_path):
    database = f"sqlite:///{tmp_path / 'pwe.sqlite3'}"
    app = make_app(database, tmp_path / "instance")
    with app.app_context():
        import_definition((EXAMPLES / "lelylijn.yaml").read_text(encoding="utf-8"), open_now=True)
        db.session.remove()
        db.engine.dispose()
    with gunicorn({"DATABASE_URL": database, "PWE_TRUSTED_PROXIES": "1"}, tmp_path, workers=1) as server:
        _, set_cookie, landing = request(server.url, "GET", "/c/lelylijn?lang=en")
        token, _ = read_form(landing)
        started, _, _ = request(
            server.url,
            "POST",
            "/c/lelylijn",
            f"csrf_token={token}&consent=yes&age_ok=yes",
            set_cookie.split(";")[0],
        )
        assert started == 302
        assert request(server.url, "GET", "/no/such/page")[0] == 404
        address = urlsplit(server.url)
        with socket.create_connection((address.hostname, address.port), source_address=(CLIENT, 0)) as raw:
            raw.sendall(b"NOT HTTP AT ALL\r\n\r\n")
            raw.recv(1000)
    text = server.log.read_text(encoding="utf-8")
    lines = [json.loads(line) for line in text.splitlines() if line.startswith("{")]
    paths = [line.get("path") for line in lines if line["logger"] == "gunicorn.access"]
    assert {"/c/lelylijn", "/no/such/page"} <= set(paths)
    assert any("Invalid request" in line["message"] for line in lines)
    for secret in (CLIENT, FORWARDED, "PrivacyProbe", "example.org", "lang=en"):
        assert secret not in text
