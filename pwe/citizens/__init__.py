"""The citizens' blueprint: landing page, the steps of a consultation, the thank-you page."""

from flask import Blueprint, g

from pwe.caching import forget_rows_of_request
from pwe.extensions import db

bp = Blueprint("citizens", __name__)


@bp.before_request
def keep_rows_after_commit() -> None:
    # A citizen request reads its consultation and respondent, commits once or twice, and ends:
    # expiring them at each commit would only read the same rows again.
    g.expired_on_commit = db.session().expire_on_commit
    db.session().expire_on_commit = False


@bp.teardown_request
def expire_rows_after_commit_again(_error) -> None:
    # the session outlives the request where an app context was pushed around it (CLI, tests)
    if "expired_on_commit" in g and db.session.registry.has():
        db.session().expire_on_commit = g.pop("expired_on_commit")
    forget_rows_of_request()  # so does g: the next request reads its rows afresh


from pwe.citizens import invited, routes  # noqa: E402,F401  (registers the views on bp)
