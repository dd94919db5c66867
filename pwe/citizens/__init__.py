"""The citizens' blueprint: landing page, the steps of a consultation, the thank-you page."""

from flask import Blueprint

bp = Blueprint("citizens", __name__)

from pwe.citizens import invited, routes  # noqa: E402,F401  (registers the views on bp)
