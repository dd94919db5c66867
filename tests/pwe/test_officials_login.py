"""Logging in to /admin: argon2 hashes, lockout per account and per client, session handling."""

from __future__ import annotations

from sqlalchemy import select

from pwe.extensions import db
from pwe.limits import limiter
from pwe.models_officials import AuditEntry, User
from pwe.services import accounts
from tests.pwe.officials import PASSWORD, csrf_token, log_in, logged_in, make_user, post


def test_password_is_stored_as_an_argon2_hash(app):
    make_user(app, "Ann@Example.nl", "admin")
    with app.app_context():
        user = db.session.scalar(select(User))
        assert user.email == "ann@example.nl"
        assert user.password_hash.startswith("$argon2id$")
        assert PASSWORD not in user.password_hash


def test_login_opens_the_management_area_and_logout_closes_it(app):
    make_user(app, "ann@example.nl", "editor")
    client = app.test_client()
    assert client.get("/admin/").headers["Location"].startswith("/admin/login")
    response = log_in(client, "ann@example.nl")
    assert response.status_code == 302 and response.headers["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200
    assert post(client, "/admin/logout").status_code == 302
    assert client.get("/admin/").status_code == 302


def test_one_message_for_unknown_account_wrong_password_and_lockout(app):
    make_user(app, "ann@example.nl", "editor")
    client = app.test_client()
    unknown = log_in(client, "nobody@example.nl", "whatever whatever")
    wrong = log_in(client, "ann@example.nl", "wrong password!")
    assert unknown.status_code == wrong.status_code == 401
    assert _alert(unknown) == _alert(wrong)
    assert "locked" in _alert(unknown)


def _alert(response) -> str:
    text = response.get_data(as_text=True)
    return text[text.index('role="alert"') : text.index("</div></div>")]


def test_the_account_locks_after_five_wrong_passwords_even_for_the_right_one(app):
    make_user(app, "ann@example.nl", "editor")
    client = app.test_client()
    for _ in range(accounts.MAX_FAILED_LOGINS):
        assert log_in(client, "ann@example.nl", "wrong password!").status_code == 401
    assert log_in(client, "ann@example.nl").status_code == 401
    with app.app_context():
        user = accounts.by_email("ann@example.nl")
        assert user.locked_until is not None
        assert db.session.scalar(select(AuditEntry.action).where(AuditEntry.action == "user.locked"))
        user.locked_until = None  # as if the lockout had passed
        db.session.commit()
    assert log_in(client, "ann@example.nl").status_code == 302


def test_too_many_attempts_from_one_client_are_refused_politely(app):
    limiter.reset()
    client = app.test_client()
    statuses = [log_in(client, f"x{i}@example.nl", "nope nope nope").status_code for i in range(21)]
    assert statuses[:20] == [401] * 20 and statuses[20] == 429


def test_login_starts_a_new_session_and_logout_ends_old_cookies(app):
    make_user(app, "ann@example.nl", "admin")
    client = app.test_client()
    with client.session_transaction() as session:
        session["planted"] = "by an attacker"
    log_in(client, "ann@example.nl")
    with client.session_transaction() as session:
        assert "planted" not in session
        stolen = dict(session)
    post(client, "/admin/logout")
    thief = app.test_client()
    with thief.session_transaction() as session:
        session.update(stolen)
    assert thief.get("/admin/").status_code == 302


def test_a_session_ends_after_inactivity(app):
    client = logged_in(app, "admin")
    with client.session_transaction() as session:
        state = session["official"]
        session["official"] = {**state, "seen": state["seen"] - 31 * 60}
    response = client.get("/admin/")
    assert response.status_code == 302 and "/admin/login" in response.headers["Location"]


def test_forms_without_csrf_token_are_refused(app):
    client = logged_in(app, "admin")
    response = client.post(
        "/admin/users", data={"email": "x@example.nl", "password": PASSWORD, "role": "admin"}
    )
    assert response.status_code == 400


def test_login_never_redirects_to_another_site(app):
    make_user(app, "ann@example.nl", "admin")
    client = app.test_client()
    response = client.post(
        "/admin/login?next=//evil.example/admin/",
        data={"email": "ann@example.nl", "password": PASSWORD, "csrf_token": csrf_token(client)},
    )
    assert response.headers["Location"] == "/admin/"
