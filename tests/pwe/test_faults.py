"""Faults an operations team will meet: a worker killed mid-submission, PostgreSQL restarting under
load, SQLite on a read-only file or a full disk. No response is lost, half stored or stored twice,
and the respondent sees a page that lets them go on."""

from __future__ import annotations

import os
import random
import re
import signal
import sqlite3
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from html import unescape
from pathlib import Path

import pytest
import requests
from sqlalchemy import event, func, select
from werkzeug.datastructures import MultiDict

from pwe.extensions import db
from pwe.models import PageAnswer, Response
from pwe.services.consultations import definition_of, find, import_definition
from tests.conftest import EXAMPLES, make_app
from tests.pwe.servers import HttpRespondent, gunicorn, private_postgres, wait_until
from tests.pwe.visitor import Visitor, forms_for_any_version, read_form

SLUG = "lelylijn"
TRY_AGAIN = {"nl": "Opnieuw proberen", "en": "Try again"}


@contextmanager
def demo_database(url: str, instance: Path):
    """The database migrated and holding the demo consultation: its app and a valid journey."""
    app = make_app(url, instance)
    with app.app_context():
        import_definition((EXAMPLES / f"{SLUG}.yaml").read_text(encoding="utf-8"), open_now=True)
        journey = forms_for_any_version(definition_of(find(SLUG)))
    try:
        yield app, journey
    finally:
        with app.app_context():
            db.session.remove()
            db.engine.dispose()


def stored(app) -> tuple[list[dict], int]:
    with app.app_context():
        answers = list(db.session.scalars(select(Response.answers)))
        respondents = db.session.scalar(select(func.count(func.distinct(Response.respondent_id))))
    return answers, respondents


def kept_form(html: str) -> list[tuple[str, str]]:
    """The hidden fields of the try-again page, as the browser would send them back."""
    return [
        (unescape(n), unescape(v))
        for n, v in re.findall(r'<input type="hidden" name="([^"]*)" value="([^"]*)">', html)
    ]


@pytest.fixture
def postgres_demo(tmp_path):
    """A private PostgreSQL holding the demo consultation: the cluster, its app and a journey."""
    with private_postgres() as postgres, demo_database(postgres.url, tmp_path / "instance") as (app, journey):
        yield postgres, app, journey


@pytest.mark.slow
def test_a_killed_worker_neither_loses_nor_doubles_a_response(postgres_demo, tmp_path):
    postgres, app, journey = postgres_demo
    *first_steps, (last_step, last_form) = journey
    with gunicorn({"DATABASE_URL": postgres.url}, tmp_path, workers=3) as server:
        people = [HttpRespondent(server.url, SLUG) for _ in range(12)]

        def arrive_at_the_last_step(person):
            assert person.start().status_code == 302
            for step, form in first_steps:
                assert person.send(f"/c/{SLUG}/{step.id}", form).status_code == 302

        with ThreadPoolExecutor(6) as pool:
            list(pool.map(arrive_at_the_last_step, people))
        last_url = f"/c/{SLUG}/{last_step.id}"
        tokens = {id(p): read_form(p.get(last_url).text)[0] for p in people}
        killed = []

        def submit(person):
            try:
                return person.post(last_url, [("csrf_token", tokens[id(person)])] + last_form).status_code
            except requests.ConnectionError:
                return "connection lost"

        submitted = threading.Event()

        def kill_workers():
            while not submitted.wait(random.uniform(0.02, 0.1)):
                for pid in server.workers():
                    os.kill(pid, signal.SIGKILL)
                    killed.append(pid)

        killer = threading.Thread(target=kill_workers)
        with ThreadPoolExecutor(len(people)) as pool:
            killer.start()
            outcomes = list(pool.map(submit, people))
        submitted.set()
        killer.join()
        assert killed and "connection lost" in outcomes, outcomes
        wait_until(server.ready, 30, "gunicorn's replacement workers")
        # whoever lost their connection comes back and goes on where they were
        sent_again = 0
        for person in people:
            landing = person.get(f"/c/{SLUG}")
            if f'href="{last_url}"' in landing.text:
                assert person.send(last_url, last_form).headers["Location"].endswith("/thanks")
                sent_again += 1
            assert person.get(f"/c/{SLUG}/thanks").status_code == 200
    answers, respondents = stored(app)
    assert len(answers) == respondents == len(people)
    assert all(None not in frozen.values() for frozen in answers)
    print(
        f"{len(killed)} workers killed with SIGKILL during {len(people)} final submissions; "
        f"{outcomes.count('connection lost')} lost their connection, {sent_again} had no "
        f"response stored and sent the last step again; {len(answers)} responses stored, "
        f"one per respondent, none partial"
    )


@pytest.mark.slow
def test_postgres_restarting_under_load_shows_try_again_and_the_platform_recovers(postgres_demo, tmp_path):
    postgres, app, journey = postgres_demo
    with gunicorn({"DATABASE_URL": postgres.url}, tmp_path, workers=3) as server:
        statuses: list[int] = []
        pages_503: list[str] = []
        done = threading.Event()

        def take_part(person: HttpRespondent) -> bool:
            """Walk the journey; after a try-again page, the same step again until it is stored."""
            consent = [("consent", "yes"), ("age_ok", "yes")]
            step_index, started = 0, False
            while not done.wait(0.2):  # reading time, so that journeys overlap the restart
                path = f"/c/{SLUG}/{journey[step_index][0].id}" if started else f"/c/{SLUG}"
                pairs = journey[step_index][1] if started else consent
                page = person.get(path)
                statuses.append(page.status_code)
                if page.status_code == 503:
                    pages_503.append(page.text)
                    continue
                token, _ = read_form(page.text)
                response = person.post(path, [("csrf_token", token)] + pairs)
                statuses.append(response.status_code)
                if response.status_code == 503:
                    pages_503.append(response.text)
                    continue
                assert response.status_code == 302, response.text[:500]
                if not started:
                    started = True
                    continue
                step_index += 1
                if step_index == len(journey):
                    return True
            return False

        people = [HttpRespondent(server.url, SLUG) for _ in range(12)]
        with ThreadPoolExecutor(len(people)) as pool:
            futures = [pool.submit(take_part, person) for person in people]
            # stop the database while everyone is mid-journey, however fast the pages are
            wait_until(lambda: len(statuses) >= len(people) * 2, 30, "every respondent under way")
            postgres.stop()
            time.sleep(2.0)
            postgres.start()
            wait_until(lambda: all(f.done() for f in futures), 60, "every respondent finished")
            done.set()
            finished = [f.result() for f in futures]
        # the workers' metrics, added up across processes
        metrics = requests.get(server.url + "/metrics", timeout=10).text
        assert f'pwe_completions_total{{consultation="{SLUG}"}} {len(people)}.0' in metrics
    assert all(finished)
    assert pages_503, "the restart fell between requests; nobody saw it"
    assert all(TRY_AGAIN["nl"] in page for page in pages_503)
    assert set(statuses) <= {200, 302, 503}
    answers, respondents = stored(app)
    assert len(answers) == respondents == len(people)
    print(
        f"{len(statuses)} requests from {len(people)} respondents while PostgreSQL stopped for "
        f"2 s and started again: {len(pages_503)} try-again pages (503), no other error; "
        f"all {len(people)} completed without restarting gunicorn"
    )


@pytest.mark.slow
def test_a_submission_while_postgres_is_down_is_kept_and_sent_again(postgres_demo):
    postgres, app, journey = postgres_demo
    client = app.test_client()
    visitor = Visitor(client, SLUG)
    visitor.start()
    (first, form), (second, _) = journey[:2]
    visitor.get(visitor.step_url(first.id))
    postgres.stop()
    try:
        response = visitor.post(visitor.step_url(first.id), form)
        page = response.get_data(as_text=True)
        assert response.status_code == 503 and response.headers["Retry-After"]
        assert TRY_AGAIN["nl"] in page and 'class="pwe-header' in page
        kept = kept_form(page)
        assert [pair for pair in kept if pair[0] != "csrf_token"] == form
        assert client.get(visitor.step_url(first.id)).status_code == 503
    finally:
        postgres.start()
    again = client.post(visitor.step_url(first.id), data=MultiDict(kept))
    assert again.status_code == 302 and again.headers["Location"].endswith(second.id)
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(PageAnswer)) == 1


@pytest.fixture
def sqlite_demo(tmp_path):
    with demo_database(f"sqlite:///{tmp_path / 'pwe.sqlite3'}", tmp_path / "instance") as (app, journey):
        visitor = Visitor(app.test_client(), SLUG)
        visitor.start()
        step, form = journey[0]
        assert visitor.answer(step.id, form).status_code == 302
        yield app, visitor, journey, tmp_path / "pwe.sqlite3"


def reconnect(app, pragma: str | None = None) -> None:
    """New connections from now on, each running `pragma` first."""
    with app.app_context():
        db.engine.dispose()
        if pragma:
            event.listen(db.engine, "connect", lambda connection, record: connection.execute(pragma))


def assert_refused_and_intact(app, visitor, journey, database: Path, caplog, reason: str) -> None:
    """The next step's submission gets the try-again page and a log line; the file stays sound."""
    answered = [step.id for step, _ in journey[:-1]]
    step, form = journey[-1]
    visitor.get(visitor.step_url(step.id))
    with caplog.at_level("ERROR", logger="pwe"):
        response = visitor.post(visitor.step_url(step.id), form)
    assert response.status_code == 503
    assert TRY_AGAIN["nl"] in response.get_data(as_text=True)
    logged = [r for r in caplog.records if getattr(r, "fields", {}).get("event") == "database_unavailable"]
    assert logged and reason in logged[0].fields["error"]
    with app.app_context():
        db.engine.dispose()
    with sqlite3.connect(database) as check:
        assert check.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        assert sorted(check.execute("SELECT step_id FROM page_answer").fetchall()) == sorted(
            (step_id,) for step_id in answered
        )


def test_sqlite_on_a_read_only_file(sqlite_demo, caplog):
    app, visitor, journey, database = sqlite_demo
    database.chmod(0o444)
    # file permissions do not bind root; the read-only pragma makes SQLite refuse the same way
    reconnect(app, "PRAGMA query_only = 1" if os.geteuid() == 0 else None)
    assert_refused_and_intact(app, visitor, journey[:2], database, caplog, "readonly database")


def test_sqlite_on_a_full_disk(sqlite_demo, caplog):
    app, visitor, journey, database = sqlite_demo
    (portfolio, form), (motivation, _) = journey[1:3]
    assert motivation.kind == "motivation"
    assert visitor.answer(portfolio.id, form).status_code == 302
    pages = sqlite3.connect(database).execute("PRAGMA page_count").fetchone()[0]
    # SQLite answers a database that may not grow exactly as it answers a full disk (SQLITE_FULL);
    # long motivations need pages the file does not have
    reconnect(app, f"PRAGMA max_page_count = {pages}")
    long_texts = [(f"why-{option.id}", "x" * 2000) for option in motivation.page.options]
    assert_refused_and_intact(
        app, visitor, journey[:2] + [(motivation, long_texts)], database, caplog, "full"
    )
