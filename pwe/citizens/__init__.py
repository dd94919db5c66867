"""The citizens' blueprint: landing page, the steps of a consultation, the thank-you page."""

from flask import Blueprint

from pwe.extensions import db

bp = Blueprint("citizens", __name__)


@bp.before_request
def keep_rows_after_commit() -> None:
    # A citizen request reads its consultation and respondent, commits once or twice, and ends:
    # expiring them at each commit would only read the same rows again. The session is the
    # request's own (removed at teardown), so this reaches no other request.
    db.session().expire_on_commit = False


from pwe.citizens import invited, routes  # noqa: E402,F401  (registers the views on bp)
