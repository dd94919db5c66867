"""No management page, file or JSON is reachable without login or with a role that lacks the
right: every /admin URL of the app's URL map, requested as nobody and as each role."""

from __future__ import annotations

import pytest

from pwe.models_officials import Role
from pwe.officials.access import PERMISSIONS, PUBLIC, REQUIRED
from pwe.services.consultations import import_definition
from tests.conftest import make_app
from tests.pwe.officials import logged_in, make_user

ARGUMENTS = {
    "slug": "lelylijn",
    "user_id": 1,
    "number": 1,
    "batch_id": 1,
    "page_index": 1,
    "part": "general",
    "version": "A",
    "response_id": 1,
    "step_id": "goals",
    "page_id": "goals",
    "lang": "nl",
    "name": "respondents.csv",
}


@pytest.fixture
def no_csrf_app(database_url, tmp_path, example_texts):
    app = make_app(database_url, tmp_path / "instance", WTF_CSRF_ENABLED=False)
    make_user(app, "first-admin@example.nl", "admin")
    with app.app_context():
        import_definition(example_texts["lelylijn"])
    yield app
    from pwe.extensions import db

    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def management_urls(app) -> list[tuple[str, str, str]]:
    """(endpoint, method, url) of every management view."""
    urls = []
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/admin") or rule.endpoint in PUBLIC:
            continue
        url = rule.build({name: ARGUMENTS[name] for name in rule.arguments}, append_unknown=False)[1]
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            urls.append((rule.endpoint, method, url))
    return urls


def test_every_management_view_declares_its_permission(app):
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules() if rule.rule.startswith("/admin")}
    assert endpoints - PUBLIC <= set(REQUIRED)
    assert len(endpoints) > 8


def test_nothing_is_reachable_without_login(no_csrf_app):
    client = no_csrf_app.test_client()
    for endpoint, method, url in management_urls(no_csrf_app):
        response = client.open(url, method=method)
        assert response.status_code == 302, (endpoint, method, url)
        assert response.headers["Location"].startswith("/admin/login"), (endpoint, url)


@pytest.mark.parametrize("role", [r.value for r in Role])
def test_each_role_reaches_exactly_what_it_may(no_csrf_app, role):
    client = logged_in(no_csrf_app, role)
    for endpoint, method, url in management_urls(no_csrf_app):
        allowed = Role(role) in PERMISSIONS[REQUIRED[endpoint]]
        response = client.open(url, method=method)
        if allowed:
            assert response.status_code not in (302, 403) or (
                response.status_code == 302 and "/admin/login" not in response.headers["Location"]
            ), (role, endpoint, method, url, response.status_code)
        else:
            assert response.status_code == 403, (role, endpoint, method, url, response.status_code)
