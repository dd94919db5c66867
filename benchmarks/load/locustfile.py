"""Respondents for locust: each takes part in a demo consultation from the landing page to the
thanks page, reading every form (its CSRF token and fields) as a browser would before sending it.

LOAD_THINK="5,7.5" makes them think that many seconds on every page (default: no thinking);
LOAD_RESULT names a JSON file that receives the number of completed journeys at the end.
"""

from __future__ import annotations

import json
import os
import random
import time
from urllib.parse import urlencode

from locust import FastHttpUser, between, constant, events, task

from surveys.load import load
from tests.pwe.visitor import forms_for_any_version, read_form

EXAMPLES = os.path.join(os.path.dirname(__file__), "..", "..", "surveys", "examples")
SLUGS = ("lelylijn", "ruimte-2050")
JOURNEYS = {slug: forms_for_any_version(load(os.path.join(EXAMPLES, f"{slug}.yaml"))) for slug in SLUGS}
CONSENT = [("consent", "yes"), ("age_ok", "yes")]
FORM = {"Content-Type": "application/x-www-form-urlencoded"}

completed = {slug: 0 for slug in SLUGS}


def _think_time():
    low, _, high = os.environ.get("LOAD_THINK", "").partition(",")
    return between(float(low), float(high)) if low else constant(0)


class JourneyBroken(Exception):
    pass


class Respondent(FastHttpUser):
    wait_time = _think_time()

    @task
    def take_part(self) -> None:
        slug = random.choice(SLUGS)
        self.client.cookiejar.clear()  # every journey is a new respondent
        try:
            self._submit(f"/c/{slug}", CONSENT, name=f"/c/{slug} (consent)")
            for step, form in JOURNEYS[slug]:
                self._submit(f"/c/{slug}/{step.id}", form)
            self._open(f"/c/{slug}/thanks")
        except JourneyBroken:
            return
        completed[slug] += 1

    def _open(self, path: str, name: str | None = None) -> str:
        with self.client.get(path, name=name, allow_redirects=False, catch_response=True) as page:
            if page.status_code != 200:
                page.failure(f"{path}: status {page.status_code}")
                raise JourneyBroken(path)
            return page.text

    def _submit(self, path: str, pairs: list[tuple[str, str]], name: str | None = None) -> None:
        token, fields = read_form(self._open(path, name))
        self.wait()  # reading the page and answering
        missing = {field for field, _ in pairs} - fields
        body = urlencode([("csrf_token", token or "")] + pairs)
        with self.client.post(
            path, data=body, headers=FORM, name=name, allow_redirects=False, catch_response=True
        ) as sent:
            if missing or sent.status_code != 302:
                sent.failure(f"{path}: status {sent.status_code}, fields not on the page: {sorted(missing)}")
                raise JourneyBroken(path)


class BareVisitor(FastHttpUser):
    wait_time = constant(0)

    @task
    def hello(self) -> None:
        self.client.get("/")


@events.quitting.add_listener
def write_result(environment, **kwargs) -> None:
    if os.environ.get("LOAD_RESULT"):
        with open(os.environ["LOAD_RESULT"], "w", encoding="utf-8") as out:
            json.dump({"completed": completed, "at": time.time()}, out)
