"""The officials' blueprint under /admin: accounts, consultations, invitations, monitoring."""

from flask import Blueprint

bp = Blueprint("officials", __name__, url_prefix="/admin")

from pwe.officials import (  # noqa: E402,F401  (registers the views on bp)
    access,
    audit_routes,
    auth_routes,
    consultation_routes,
    editor_routes,
    form_routes,
    invitation_routes,
    preview_routes,
    result_routes,
    user_routes,
    versions_routes,
)
