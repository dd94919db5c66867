"""gunicorn with the shipped gunicorn.conf.py writes no client address and no browser string,
whatever the request: a page, a form, an unknown page, a forwarded address, a malformed request."""
from __future__ import annotations

import http.client
import json
import socket
from urllib.parse import urlsplit

import pytest

from tests.conftest import EXAMPLES, make_app
from tests.pwe.servers import gunicorn
from tests.pwe.visitor import read_form

CLIENT = "127.0.0.2"  # a loopback address of its own, so it cannot be mistaken for the server's
FORWARDED = "198.51.100.23"
BROWSER = "PrivacyProbe/1.0 (X11; Linux)"


def request(server_url: str, method: str, path: str, body: str = "", cookie: str = "") -> http.client.HTTPResponse:
    address = urlsplit(server_url)
    connection = http.client.HTTPConnection(address.hostname, address.port, timeout=10,
                                            source_address=(CLIENT, 0))
    headers = {"User-Agent": BROWSER, "X-Forwarded-For": FORWARDED, "Referer": "https://example.org/from",
               "Cookie": cookie}
    if body:
        headers["Content-Type"] = "application/x-www-form-urlencoded"
    connection.request(method, path, body=body, headers=headers)
    response = connection.getresponse()
    response.text = response.read().decode()
    connection.close()
    return response


@pytest.mark.slow
def test_gunicorn_logs_hold_no_client_address_nor_user_agent(tmp_path):
    database = f"sqlite:///{tmp_path / 'pwe.sqlite3'}"
    app = make_app(database, tmp_path / "instance")
    with app.app_context():
        from pwe.services.consultations import import_definition

        import_definition((EXAMPLES / "lelylijn.yaml").read_text(encoding="utf-8"))
    with gunicorn({"DATABASE_URL": database, "PWE_TRUSTED_PROXIES": "1"}, tmp_path, workers=1) as server:
        landing = request(server.url, "GET", "/c/lelylijn?lang=en")
        cookie = landing.getheader("Set-Cookie").split(";")[0]
        token, _ = read_form(landing.text)
        started = request(server.url, "POST", "/c/lelylijn", f"csrf_token={token}&consent=yes&age_ok=yes", cookie)
        assert started.status == 302
        assert request(server.url, "GET", "/no/such/page").status == 404
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
