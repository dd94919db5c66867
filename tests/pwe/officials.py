"""Helpers for the officials' tests: accounts and a logged-in client."""

from __future__ import annotations

import re

from werkzeug.datastructures import MultiDict

from pwe.limits import limiter
from pwe.services.accounts import create_user

PASSWORD = "correct horse battery"


def make_user(app, email: str, role: str, password: str = PASSWORD) -> int:
    """A new account; the login limit per client starts from zero (every test client shares
    one address, and the limiter's counts outlive an app)."""
    limiter.reset()
    with app.app_context():
        return create_user(email, password, role, "test").id


def csrf_token(client, path: str = "/admin/login") -> str:
    page = client.get(path).get_data(as_text=True)
    return re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)


def log_in(client, email: str, password: str = PASSWORD):
    return client.post(
        "/admin/login", data={"email": email, "password": password, "csrf_token": csrf_token(client)}
    )


def logged_in(app, role: str, email: str | None = None):
    """A new client logged in as a new official with `role`."""
    email = email or f"{role}@example.nl"
    make_user(app, email, role)
    client = app.test_client()
    response = log_in(client, email)
    assert response.status_code == 302, response.get_data(as_text=True)
    return client


def post(client, path: str, data: dict | list | None = None, token_from: str = "/admin/", **kwargs):
    """A form POST (a dict, or (name, value) pairs) with the CSRF token of the page `token_from`."""
    pairs = list((data or {}).items()) if isinstance(data, dict) or data is None else list(data)
    return client.post(
        path, data=MultiDict(pairs + [("csrf_token", csrf_token(client, token_from))]), **kwargs
    )
