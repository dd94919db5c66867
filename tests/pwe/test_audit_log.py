"""The audit log: who changed what when, with before and after; admins read and export it."""

from __future__ import annotations

import csv
import io
import json

from pwe.services.consultations import import_definition
from tests.pwe.officials import logged_in, make_user, post


def test_user_changes_are_audited_and_admins_export_the_log(app):
    admin = logged_in(app, "admin")
    response = post(
        admin,
        "/admin/users",
        {"email": "bob@example.nl", "password": "long enough pw", "role": "analyst"},
        token_from="/admin/users",
    )
    assert response.status_code == 302
    page = admin.get("/admin/audit").get_data(as_text=True)
    assert "user.create" in page and "user:bob@example.nl" in page and "admin@example.nl" in page

    rows = list(csv.DictReader(io.StringIO(admin.get("/admin/audit.csv").get_data(as_text=True))))
    created = [row for row in rows if row["target"] == "user:bob@example.nl"]
    assert created[0]["actor"] == "admin@example.nl"
    assert json.loads(created[0]["after"]) == {"active": True, "role": "analyst"}


def test_role_changes_record_before_and_after(app):
    admin = logged_in(app, "admin")
    user_id = make_user(app, "bob@example.nl", "analyst")
    post(admin, f"/admin/users/{user_id}", {"role": "editor", "active": "1"}, token_from="/admin/users")
    rows = list(csv.DictReader(io.StringIO(admin.get("/admin/audit.csv").get_data(as_text=True))))
    update = next(row for row in rows if row["action"] == "user.update")
    assert json.loads(update["before"])["role"] == "analyst"
    assert json.loads(update["after"])["role"] == "editor"


def test_a_bad_new_account_gets_a_message_and_keeps_the_address(app):
    admin = logged_in(app, "admin")
    response = post(
        admin,
        "/admin/users",
        {"email": "bob@example.nl", "password": "short", "role": "editor"},
        token_from="/admin/users",
    )
    text = response.get_data(as_text=True)
    assert response.status_code == 422 and "at least 12 characters" in text
    assert 'value="bob@example.nl"' in text


def test_imports_and_status_changes_are_audited(app, example_texts):
    with app.app_context():
        import_definition(example_texts["lelylijn"])
    admin = logged_in(app, "admin")
    post(admin, "/admin/c/lelylijn/status", {"status": "open"}, token_from="/admin/c/lelylijn")
    page = admin.get("/admin/audit").get_data(as_text=True)
    assert "consultation.create" in page and "consultation.open" in page
