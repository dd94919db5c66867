"""Error pages in the platform's style, in the visitor's language."""

from flask import Flask, render_template
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from pwe.extensions import db

PAGES = {
    400: ("bad_request_title", "bad_request_text"),
    404: ("not_found_title", "not_found_text"),
    405: ("bad_request_title", "bad_request_text"),
    413: ("bad_request_title", "too_large"),
    500: ("server_error_title", "server_error_text"),
}


def error_page(status: int, title_key: str | None = None, text_key: str | None = None):
    default_title, default_text = PAGES.get(status, PAGES[400])
    return render_template(
        "error.html", status=status, title_key=title_key or default_title, text_key=text_key or default_text
    ), status


def init_app(app: Flask) -> None:
    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        if error.code in PAGES:
            return error_page(error.code)
        return error

    @app.errorhandler(CSRFError)
    def csrf_error(error: CSRFError):
        return error_page(400, "bad_request_title", "session_expired")

    @app.errorhandler(500)
    def server_error(error):
        db.session.rollback()  # a failed transaction must not poison the next request
        return error_page(500)
