"""Accounts of officials, managed by admins."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from pwe.models_officials import Role
from pwe.officials import bp
from pwe.officials.access import actor, requires
from pwe.services import accounts

ROLE_CHOICES = [
    ("admin", "admin: users and everything"),
    ("editor", "editor: consultations and invitations"),
    ("analyst", "analyst: results, exports and monitoring; no editing"),
]


def _page(error: str | None = None, status: int = 200):
    return render_template(
        "officials/users.html",
        users=accounts.all_users(),
        roles=list(Role.__members__),
        role_choices=ROLE_CHOICES,
        error=error,
        form=request.form,
        min_length=accounts.MIN_PASSWORD_LENGTH,
    ), status


@bp.get("/users")
@requires("users")
def users():
    return _page()


@bp.post("/users")
@requires("users")
def create_user():
    try:
        user = accounts.create_user(
            request.form.get("email", ""),
            request.form.get("password", ""),
            request.form.get("role", ""),
            actor(),
        )
    except accounts.AccountError as error:
        return _page(str(error), 422)
    flash(_("Account %(email)s created.", email=user.email))
    return redirect(url_for("officials.users"))


@bp.post("/users/<int:user_id>")
@requires("users")
def update_user(user_id: int):
    user = accounts.by_id(user_id)
    if user is None:
        abort(404)
    active = request.form.get("active")
    try:
        accounts.update_user(
            user,
            actor(),
            role=request.form.get("role") or None,
            active=None if active not in ("0", "1") else active == "1",
        )
    except accounts.AccountError as error:
        return _page(str(error), 422)
    flash(_("Account %(email)s saved.", email=user.email))
    return redirect(url_for("officials.users"))
