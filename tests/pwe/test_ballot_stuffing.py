"""One client cannot stuff the ballot: starts and completions are limited per address, a start
leaves no row until a step is saved, abandoned respondents are pruned, and the cookie holds
nothing an export shows."""

from __future__ import annotations

import base64
import json
import zlib
from datetime import timedelta

import pytest
from click.testing import CliRunner
from sqlalchemy import func, select

from pwe.cli import main
from pwe.extensions import db
from pwe.flow import steps
from pwe.models import PageAnswer, Respondent, Response, VersionStart
from pwe.models_officials import Invitation, QuotaStop
from pwe.services.consultations import import_definition
from pwe.services.export import write_export
from pwe.services.pruning import prune
from pwe.settings import SettingError, from_environment
from tests.pwe.test_invitations import complete_through, links
from tests.pwe.test_quotas import set_quota
from tests.pwe.visitor import Visitor, respondent_consultation, respondent_row, valid_form


@pytest.fixture
def lelylijn(app, example_texts):
    with app.app_context():
        import_definition(example_texts["lelylijn"], open_now=True)
    return app


def complete(app, client, slug="lelylijn"):
    """One respondent from consent to the thank-you page; the last response."""
    started = Visitor(client, slug).start()
    return complete_started(app, client, slug) if started.status_code == 302 else started


def complete_started(app, client, slug="lelylijn"):
    """Every step of a respondent who has started; the first response that is not a redirect,
    or the last one."""
    visitor = Visitor(client, slug)
    with app.app_context():
        consultation = respondent_consultation(client, slug)
    for step in steps(consultation):
        response = visitor.answer(step.id, valid_form(consultation, step))
        if response.status_code != 302:
            return response
    return response


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def test_a_start_leaves_no_row_until_the_first_saved_step(lelylijn, client):
    visitor = Visitor(client, "lelylijn")
    assert visitor.start().status_code == 302
    with lelylijn.app_context():
        assert count(Respondent) == 0
        consultation = respondent_consultation(client, "lelylijn")
        first = steps(consultation)[0]
        visitor.answer(first.id, valid_form(consultation, first))
        respondent = respondent_row(client, "lelylijn")
        assert count(Respondent) == 1 and respondent.version == consultation.version_id
        assert count(PageAnswer) == 1


def test_versions_stay_balanced_when_nobody_has_saved_a_step_yet(lelylijn):
    """A burst of starts before anyone saves still spreads over the versions."""
    for _ in range(9):
        assert Visitor(lelylijn.test_client(), "lelylijn").start().status_code == 302
    with lelylijn.app_context():
        starts = db.session.scalars(select(VersionStart.starts)).all()
        assert sorted(starts) == [3, 3, 3] and count(Respondent) == 0


def test_starts_are_limited_per_address_with_a_polite_page(lelylijn):
    lelylijn.config["PWE_RATE_LIMIT"] = "3/minute"
    for _ in range(3):
        assert Visitor(lelylijn.test_client(), "lelylijn").start().status_code == 302
    refused = Visitor(lelylijn.test_client(), "lelylijn").start()
    assert refused.status_code == 429
    assert 0 < int(refused.headers["Retry-After"]) <= 60
    html = refused.get_data(as_text=True)
    assert "Probeer het over 1 minuut opnieuw" in html and "pwe.css" in html
    english = lelylijn.test_client()
    Visitor(english, "lelylijn").get("/c/lelylijn?lang=en")
    assert "try again in 1 minute" in Visitor(english, "lelylijn").start().get_data(as_text=True)
    # another address is not affected
    elsewhere = lelylijn.test_client()
    elsewhere.environ_base["REMOTE_ADDR"] = "198.51.100.9"
    assert Visitor(elsewhere, "lelylijn").start().status_code == 302


def test_a_household_on_one_address_is_never_slowed_by_the_default(lelylijn):
    assert lelylijn.config["PWE_RATE_LIMIT"] == from_environment({})["PWE_RATE_LIMIT"]
    for _ in range(6):
        final = complete(lelylijn, lelylijn.test_client())
        assert final.status_code == 302 and final.headers["Location"].endswith("/thanks")


def test_completions_are_limited_but_saving_steps_is_not(lelylijn):
    clients = [lelylijn.test_client() for _ in range(3)]
    for client in clients:
        assert Visitor(client, "lelylijn").start().status_code == 302
    lelylijn.config["PWE_RATE_LIMIT"] = "2/minute"
    outcomes = [complete_started(lelylijn, client) for client in clients]
    assert [o.status_code for o in outcomes] == [302, 302, 429]
    assert "adviezen verstuurd" in outcomes[-1].get_data(as_text=True)
    with lelylijn.app_context():
        assert count(Response) == 2
        assert count(Respondent) == 3  # the third one's earlier steps are kept for later


def test_a_last_step_with_mistakes_does_not_count(lelylijn, client):
    lelylijn.config["PWE_RATE_LIMIT"] = "1/minute"
    visitor = Visitor(client, "lelylijn")
    visitor.start()
    with lelylijn.app_context():
        consultation = respondent_consultation(client, "lelylijn")
    all_steps = steps(consultation)
    for step in all_steps[:-1]:
        visitor.answer(step.id, valid_form(consultation, step))
    last = all_steps[-1]
    assert visitor.answer(last.id, {"no-such-field": "x"}).status_code == 422
    final = visitor.answer(last.id, valid_form(consultation, last))
    assert final.headers["Location"].endswith("/thanks")


def test_off_disables_the_limits(lelylijn):
    lelylijn.config["PWE_RATE_LIMIT"] = "off"
    for _ in range(25):
        assert Visitor(lelylijn.test_client(), "lelylijn").start().status_code == 302


def test_invited_sessions_are_not_limited_per_address(lelylijn):
    lelylijn.config["PWE_RATE_LIMIT"] = "1/minute"
    for _ in range(3):
        client = lelylijn.test_client()
        with client.session_transaction() as session:
            session["invited"] = ["lelylijn"]
        assert Visitor(client, "lelylijn").start().status_code == 302
    # an invitation to another consultation exempts nothing here
    assert Visitor(lelylijn.test_client(), "lelylijn").start().status_code == 302
    client = lelylijn.test_client()
    with client.session_transaction() as session:
        session["invited"] = ["ruimte-2050"]
    assert Visitor(client, "lelylijn").start().status_code == 429


def test_the_address_comes_from_the_trusted_proxy(database_url, tmp_path, example_texts):
    from tests.conftest import make_app

    app = make_app(database_url, tmp_path / "proxied", PWE_TRUSTED_PROXIES=1, PWE_RATE_LIMIT="1/minute")
    with app.app_context():
        import_definition(example_texts["lelylijn"], open_now=True)
    try:
        for address, status in (("203.0.113.1", 302), ("203.0.113.2", 302), ("203.0.113.1", 429)):
            client = app.test_client()
            client.environ_base["HTTP_X_FORWARDED_FOR"] = address
            assert Visitor(client, "lelylijn").start().status_code == status
    finally:
        with app.app_context():
            db.session.remove()
            db.engine.dispose()


@pytest.mark.parametrize("text", ["lots", "10/fortnight", "-1/minute"])
def test_a_rate_limit_that_cannot_be_read_names_the_setting(text):
    with pytest.raises(SettingError, match="PWE_RATE_LIMIT"):
        from_environment({"PWE_RATE_LIMIT": text})


def test_the_cookie_holds_nothing_that_an_export_shows(lelylijn, client, tmp_path):
    complete(lelylijn, client)
    cookie = client.get_cookie(lelylijn.config["SESSION_COOKIE_NAME"]).value
    with lelylijn.app_context():
        write_export("lelylijn", tmp_path)
        pseudonym = db.session.scalar(select(Respondent.pseudonym))
    exported = "".join(path.read_text(encoding="utf-8") for path in tmp_path.glob("*.csv"))
    assert pseudonym in exported
    session_values = _strings(_decoded(cookie))
    assert session_values and all(value not in exported for value in session_values)
    assert cookie not in exported and pseudonym not in cookie + "".join(session_values)


def _decoded(cookie: str):
    """The session cookie's payload, as anyone holding the device can read it (it is signed,
    not encrypted)."""
    payload = cookie.lstrip(".").split(".")[0]
    data = base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4))
    return json.loads(zlib.decompress(data) if cookie.startswith(".") else data)


def _strings(value) -> list[str]:
    """The cookie's values (its keys are names such as the consultation's slug)."""
    if isinstance(value, dict):
        return [s for item in value.values() for s in _strings(item)]
    if isinstance(value, list):
        return [s for item in value for s in _strings(item)]
    return [value] if isinstance(value, str) and len(value) >= 8 else []


def save_first_step(app, client, slug="lelylijn") -> None:
    visitor = Visitor(client, slug)
    visitor.start()
    with app.app_context():
        consultation = respondent_consultation(client, slug)
    first = steps(consultation)[0]
    visitor.answer(first.id, valid_form(consultation, first))


def age_everything(age: timedelta) -> None:
    """Move every start and saved step `age` into the past."""
    for respondent in db.session.scalars(select(Respondent)):
        respondent.started_at -= age
    for answer in db.session.scalars(select(PageAnswer)):
        answer.saved_at -= age
    db.session.commit()


def test_prune_removes_only_idle_unfinished_respondents(lelylijn, tmp_path):
    finished, idle, busy = (lelylijn.test_client() for _ in range(3))
    complete(lelylijn, finished)
    for client in (idle, busy):
        save_first_step(lelylijn, client)
    with lelylijn.app_context():
        age_everything(timedelta(days=10))
        for answer in respondent_row(busy, "lelylijn").answers:
            answer.saved_at += timedelta(days=10)  # the busy one saved a step just now
        db.session.commit()
        idle_id = respondent_row(idle, "lelylijn").id

        assert prune(timedelta(days=7)) == 1
        assert db.session.get(Respondent, idle_id) is None
        assert count(Respondent) == 2 and count(Response) == 1
        assert (
            db.session.scalar(
                select(func.count()).select_from(PageAnswer).where(PageAnswer.respondent_id == idle_id)
            )
            == 0
        )
        assert prune(timedelta(days=7)) == 0


def test_an_invited_respondent_who_gave_up_is_pruned_and_their_link_works_again(lelylijn):
    link = links(lelylijn, n=1)[0]
    client = lelylijn.test_client()
    assert client.get(link.replace("http://localhost", "")).status_code == 302
    save_first_step(lelylijn, client)
    with lelylijn.app_context():
        age_everything(timedelta(days=10))
        assert prune(timedelta(days=7)) == 1  # the link pointing at them does not block it
        assert db.session.scalar(select(Invitation.respondent_id)) is None

    done = complete_through(lelylijn, lelylijn.test_client(), link)
    assert done.headers["Location"].endswith("/thanks")
    with lelylijn.app_context():
        assert db.session.scalars(select(Respondent.source)).all() == ["panel"]


def test_a_respondent_stopped_by_a_quota_is_pruned_with_the_stop(lelylijn):
    first, second = links(lelylijn, n=2)
    set_quota(lelylijn, "65+ = 1")
    complete_through(lelylijn, lelylijn.test_client(), first)
    client = lelylijn.test_client()
    client.get(second.replace("http://localhost", ""))
    Visitor(client, "lelylijn").start()
    with lelylijn.app_context():
        view = respondent_consultation(client, "lelylijn")
    for step in steps(view):
        response = Visitor(client, "lelylijn").answer(step.id, valid_form(view, step))
        if response.headers["Location"] == "/c/lelylijn/full":
            break
    with lelylijn.app_context():
        assert count(QuotaStop) == 1
        age_everything(timedelta(days=10))
        assert prune(timedelta(days=7)) == 1
        assert count(QuotaStop) == 0 and count(Respondent) == 1 and count(Response) == 1


def test_pwe_prune_command(lelylijn, database_url, tmp_path, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.setenv("PWE_INSTANCE_PATH", str(tmp_path / "instance"))
    result = CliRunner().invoke(main, ["prune", "--older-than", "7d"], catch_exceptions=False)
    assert result.exit_code == 0 and "0 unfinished respondent(s)" in result.output and "7d" in result.output
    wrong = CliRunner().invoke(main, ["prune", "--older-than", "a week"])
    assert wrong.exit_code == 2 and "--older-than" in wrong.output and "7d" in wrong.output


def test_with_prune_every_the_platform_prunes_after_a_request(database_url, tmp_path, example_texts):
    from tests.conftest import make_app

    app = make_app(
        database_url,
        tmp_path / "scheduled",
        PWE_PRUNE_EVERY=timedelta(hours=1),
        PWE_PRUNE_AFTER=timedelta(days=7),
    )
    try:
        with app.app_context():
            import_definition(example_texts["lelylijn"], open_now=True)
        save_first_step(app, app.test_client())
        with app.app_context():
            age_everything(timedelta(days=8))
        # pruning runs once the response is closed (sent), at most once per interval
        app.test_client().get("/").close()
        with app.app_context():
            assert count(Respondent) == 0
    finally:
        with app.app_context():
            db.session.remove()
            db.engine.dispose()


def test_an_ipv6_client_counts_by_its_64_network(lelylijn):
    lelylijn.config["PWE_RATE_LIMIT"] = "1/minute"
    for address, status in (
        ("2001:db8:1:2::1", 302),
        ("2001:db8:1:2:ffff::9", 429),
        ("2001:db8:1:3::1", 302),
    ):
        client = lelylijn.test_client()
        client.environ_base["REMOTE_ADDR"] = address
        assert Visitor(client, "lelylijn").start().status_code == status, address


def test_an_unreachable_redis_does_not_turn_respondents_away(database_url, tmp_path, example_texts):
    from tests.conftest import make_app

    # port 1 is privileged and unused, so nothing answers: the limiter counts in memory meanwhile
    app = make_app(database_url, tmp_path / "no-redis", REDIS_URL="redis://127.0.0.1:1/0")
    try:
        with app.app_context():
            import_definition(example_texts["lelylijn"], open_now=True)
        assert Visitor(app.test_client(), "lelylijn").start().status_code == 302
    finally:
        with app.app_context():
            db.session.remove()
            db.engine.dispose()
