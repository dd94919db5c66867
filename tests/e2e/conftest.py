"""One live server with both demo consultations and one Chromium for the whole session;
a fresh browser context (cookies, viewport, JavaScript on or off) for every test."""

from __future__ import annotations

import os
import threading
from dataclasses import dataclass

import pytest
from flask import Flask
from sqlalchemy import func, select
from werkzeug.serving import WSGIRequestHandler, make_server

from analysis.report.pdf import CHROMIUM_FLAGS, find_chromium
from pwe.extensions import db
from pwe.flow import Step, steps
from pwe.models import Respondent, Response
from pwe.services.consultations import definition_of, find, import_definition
from surveys.definition import Consultation
from tests.conftest import EXAMPLES, make_app

SLUGS = ["ruimte-2050", "lelylijn"]


VIEWPORTS = {
    "mobile": {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True},
    "desktop": {"viewport": {"width": 1280, "height": 900}},
}


@dataclass(frozen=True)
class RespondentView:
    """The respondent the browser just started, and the consultation as their version shows it."""

    handle: str
    consultation: Consultation

    @property
    def steps(self) -> list[Step]:
        return steps(self.consultation)


@dataclass(frozen=True)
class LiveServer:
    url: str
    app: Flask

    def definition(self, slug: str) -> Consultation:
        with self.app.app_context():
            return definition_of(find(slug))

    def respondent_of(self, slug: str, cookies: list[dict]) -> RespondentView:
        """The respondent whose signed session cookie the browser holds (their row appears only
        at their first saved step; until then the session holds their start)."""
        name = self.app.config["SESSION_COOKIE_NAME"]
        value = next(cookie["value"] for cookie in cookies if cookie["name"] == name)
        session = self.app.session_interface.get_signing_serializer(self.app).loads(value)
        start = session["respondents"][slug]
        with self.app.app_context():
            return RespondentView(start["handle"], definition_of(find(slug)).for_version(start["version"]))

    def responses_of(self, handle: str) -> list[dict]:
        with self.app.app_context():
            return list(
                db.session.scalars(
                    select(Response.answers).join(Respondent).where(Respondent.handle == handle)
                )
            )

    def respondent_count(self) -> int:
        with self.app.app_context():
            return db.session.scalar(select(func.count()).select_from(Respondent))


class QuietHandler(WSGIRequestHandler):
    """No line per request: a failing test's output shows the test, not the static files."""

    def log_request(self, *args, **kwargs) -> None:
        pass


@pytest.fixture(scope="session")
def live_server(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("e2e")
    # every browser comes from 127.0.0.1, as in a load test: no limits per address
    app = make_app(f"sqlite:///{tmp}/e2e.sqlite3", tmp / "instance", PWE_RATE_LIMIT="off")
    with app.app_context():
        for path in sorted(EXAMPLES.glob("*.yaml")):
            import_definition(path.read_text(encoding="utf-8"), str(path), open_now=True)
    server = make_server("127.0.0.1", 0, app, threaded=True, request_handler=QuietHandler)
    thread = threading.Thread(target=server.serve_forever, name="e2e-live-server", daemon=True)
    thread.start()
    yield LiveServer(f"http://127.0.0.1:{server.server_port}", app)
    server.shutdown()
    thread.join()
    server.server_close()
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


@pytest.fixture(scope="session")
def browser():
    # Debian's Chromium, never a downloaded one, with the flags the report's PDF uses
    executable = find_chromium()
    if executable is None:
        reason = "Debian's Chromium is not installed (apt-get install chromium); browser tests skipped"
        if os.environ.get("CI"):
            pytest.fail("Chromium is required under CI: apt-get install chromium", pytrace=False)
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_FLAGS)
        yield chromium
        chromium.close()


@pytest.fixture
def open_page(browser, live_server):
    """open_page("mobile" | "desktop", **context_options) -> a page in a fresh context; options
    (a viewport, JavaScript off, the browser's locale) override the device's and Dutch."""
    contexts = []

    def open_(device: str = "desktop", **options):
        context = browser.new_context(
            base_url=live_server.url, **({"locale": "nl-NL"} | VIEWPORTS[device] | options)
        )
        context.set_default_timeout(10_000)
        contexts.append(context)
        return context.new_page()

    yield open_
    for context in contexts:
        context.close()
