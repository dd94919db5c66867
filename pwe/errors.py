"""Error pages in the platform's style, in the visitor's language."""

from flask import Flask, render_template
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from pwe import limits
from pwe.extensions import db

BAD_REQUEST = _l("Request not understood")
BAD_REQUEST_TEXT = _l("We could not process this request. Go back and try again.")
TOO_LARGE = _l("What you sent was too large. Shorten your texts and try again.")
SESSION_EXPIRED = _l("Your session had expired. Check your answers and send them again.")
SESSION_LOST = _l("Your session has ended")
SESSION_LOST_TEXT = _l(
    "This page was too old to be sent, for instance because it stayed open for a long time or was "
    "opened again in another tab. What you entered on this page has therefore not been sent. The "
    "steps you saved before are kept."
)

PAGES = {
    400: (BAD_REQUEST, BAD_REQUEST_TEXT),
    403: (
        _l("No access"),
        _l("You may not see this page. Log in with an account that may, or go back to where you were."),
    ),
    404: (_l("Page not found"), _l("This page does not exist (any more). Check the address.")),
    405: (BAD_REQUEST, BAD_REQUEST_TEXT),
    413: (BAD_REQUEST, TOO_LARGE),
    429: (
        _l("Please wait a moment"),
        _l(
            "Many requests came from this internet connection in a short time. "
            "Please try again in a few minutes."
        ),
    ),
    500: (
        _l("Something went wrong"),
        _l(
            "Something went wrong on our side. The answers you saved earlier are kept. "
            "Please try again later."
        ),
    ),
}


def error_page(status: int, title=None, text=None):
    """The error page for `status`, in the request's language; title and text (lazy gettext
    strings) replace the status's own."""
    default_title, default_text = PAGES.get(status, PAGES[400])
    return render_template(
        "error.html", status=status, title=title or default_title, text=text or default_text
    ), status


def init_app(app: Flask) -> None:
    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        if error.code == 429:  # the page says to wait; the header says how long
            page, status = error_page(429)
            return page, status, {"Retry-After": str(limits.retry_after_seconds())}
        if error.code in PAGES:
            return error_page(error.code)
        return error

    @app.errorhandler(CSRFError)
    def csrf_error(error: CSRFError):
        return error_page(400, BAD_REQUEST, SESSION_EXPIRED)

    @app.errorhandler(500)
    def server_error(error):
        db.session.rollback()  # a failed transaction must not poison the next request
        return error_page(500)
