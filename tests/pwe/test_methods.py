"""No request but a POST with its CSRF token changes the database, on any route there is.

The routes are read from the app's URL map, so a route added later is covered without a change
here. The respondent has saved every step but the last, so a POST code path reached by HEAD,
OPTIONS or a forged POST would overwrite saved answers or complete the response.
"""

from __future__ import annotations

import itertools

import pytest
from werkzeug.datastructures import MultiDict

from pwe.flow import steps
from pwe.services.consultations import import_definition
from tests.pwe.dump import database_dump
from tests.pwe.visitor import Visitor, respondent_consultation, valid_form

METHODS = ("HEAD", "OPTIONS", "PUT", "PATCH", "DELETE", "GET")


def every_url(app, slug: str, step_ids: list[str]) -> list[str]:
    """One URL per route and plausible value of each of its variables."""
    candidates = {"slug": [slug], "step_id": step_ids, "filename": ["css/pwe.css"]}
    urls = set()
    for rule in app.url_map.iter_rules():
        names = sorted(rule.arguments)
        choices = [candidates.get(name, ["1", slug]) for name in names]
        for values in itertools.product(*choices):
            try:
                built = rule.build(dict(zip(names, values)), append_unknown=False)
            except ValueError:  # a value its converter refuses ("lelylijn" for an <int:...>)
                continue
            if built is not None:
                urls.add(built[1])
    return sorted(urls)


@pytest.mark.parametrize("slug", ["lelylijn", "ruimte-2050"])
def test_no_method_but_a_csrf_protected_post_changes_anything(app, client, example_texts, slug):
    with app.app_context():
        for definition in example_texts.values():
            import_definition(definition, open_now=True)
    visitor = Visitor(client, slug)
    visitor.start()
    with app.app_context():
        consultation = respondent_consultation(client, slug)
    all_steps = steps(consultation)
    for step in all_steps[:-1]:
        assert visitor.answer(step.id, valid_form(consultation, step)).status_code == 302
    visitor.get(visitor.step_url(all_steps[-1].id))  # the last step is open, with its token

    forms = {visitor.step_url(step.id): valid_form(consultation, step) for step in all_steps}
    with app.app_context():
        before = database_dump()
        urls = every_url(app, slug, [step.id for step in all_steps])
    assert visitor.step_url(all_steps[-1].id) in urls and f"/c/{slug}" in urls

    for url in urls:
        form = forms.get(url, [("consent", "yes"), ("age_ok", "yes")])
        # every other method even carries a valid token: only POST may ever save
        with_token = MultiDict([("csrf_token", visitor.token), *form])
        for method in METHODS:
            response = client.open(url, method=method, data=with_token)
            response.close()
            assert response.status_code < 500, (method, url)
        forged = client.post(url, data=MultiDict(form))
        assert forged.status_code in (400, 405), url

    with app.app_context():
        assert database_dump() == before


def test_head_of_a_step_shows_the_page_without_saving(app, client, example_texts):
    """The reported attack: HEAD with only the session cookie emptied the saved motivations."""
    with app.app_context():
        import_definition(example_texts["ruimte-2050"], open_now=True)
    visitor = Visitor(client, "ruimte-2050")
    visitor.start()
    with app.app_context():
        consultation = respondent_consultation(client, "ruimte-2050")
    all_steps = steps(consultation)
    motivation = next(step for step in all_steps if step.kind == "motivation")
    for step in all_steps[: all_steps.index(motivation) + 1]:
        visitor.answer(step.id, valid_form(consultation, step))

    head = client.head(visitor.step_url(motivation.id))
    get = client.get(visitor.step_url(motivation.id))
    assert head.status_code == get.status_code == 200
    assert head.headers["Content-Type"] == get.headers["Content-Type"]
    assert "Reden voor" in get.get_data(as_text=True)  # the saved motivation is still there


def test_the_platforms_pages_beside_the_steps_are_the_names_a_page_id_may_not_take(app):
    from surveys.schema import PLATFORM_PAGES

    prefix = "/c/<slug>/"
    beside_steps = {
        rule.rule[len(prefix) :]
        for rule in app.url_map.iter_rules()
        if rule.rule.startswith(prefix)
        and "/" not in rule.rule[len(prefix) :]
        and "<" not in rule.rule[len(prefix) :]
    }
    assert beside_steps == set(PLATFORM_PAGES)
