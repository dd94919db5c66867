"""A respondent completes each demo consultation through the test client, and resumes after leaving."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from pwe.citizens.context import ADVICE_VISIBLE
from pwe.extensions import db
from pwe.flow import steps
from pwe.models import PageAnswer, Respondent, Response, utcnow
from pwe.services.consultations import find, import_definition
from surveys.answers import blank_answer
from surveys.language import format_number
from tests.pwe.visitor import (
    Visitor,
    expected_answer,
    respondent_consultation,
    respondent_row,
    session_entry,
    valid_form,
)


@pytest.fixture
def demo(app, example_texts):
    with app.app_context():
        for text in example_texts.values():
            import_definition(text, open_now=True)
    return app


@pytest.mark.parametrize("slug", ["ruimte-2050", "lelylijn"])
def test_complete_demo_consultation_and_stored_answers_equal_input(demo, client, slug):
    visitor = Visitor(client, slug)
    assert visitor.start().status_code == 302
    expected = {}
    with demo.app_context():
        consultation = respondent_consultation(client, slug)
        for step in steps(consultation):
            form = valid_form(consultation, step)
            page = visitor.get(visitor.step_url(step.id))
            assert page.status_code == 200
            response = visitor.post(visitor.step_url(step.id), form)
            assert response.status_code == 302, response.get_data(as_text=True)[:2000]
            expected[step.id] = expected_answer(consultation, step, form)
        assert response.headers["Location"].endswith(f"/c/{slug}/thanks")
        respondent = respondent_row(client, slug)
        stored = db.session.scalar(select(Response).where(Response.respondent_id == respondent.id))
        assert stored.answers == expected
        assert respondent.definition_hash == find(slug).definition_hash
        assert set(respondent.option_order) == {
            p.id for p in consultation.pages if p.type in ("portfolio", "points")
        }
    thanks = client.get(f"/c/{slug}/thanks")
    assert thanks.status_code == 200
    html = thanks.get_data(as_text=True)
    assert "Bedankt voor uw advies" in html
    assert "<script>alert(1)</script>" not in html


def complete(demo, client, slug: str) -> Visitor:
    visitor = Visitor(client, slug)
    visitor.start()
    with demo.app_context():
        consultation = respondent_consultation(client, slug)
        for step in steps(consultation):
            response = visitor.answer(step.id, valid_form(consultation, step))
    assert response.headers["Location"].endswith(f"/c/{slug}/thanks")
    return visitor


def test_on_a_shared_device_the_next_person_starts_afresh(demo, client):
    visitor = complete(demo, client, "lelylijn")
    with demo.app_context():
        first = respondent_row(client, "lelylijn").id
    cookie = client.get_cookie(demo.config["SESSION_COOKIE_NAME"])
    assert cookie.expires is None  # the advice is not kept on the device after the browser closes
    thanks = visitor.get("/c/lelylijn/thanks").get_data(as_text=True)
    assert "Iemand anders wil meedoen" in thanks and 'action="/c/lelylijn/someone-else"' in thanks
    assert "Iemand anders wil meedoen" in visitor.get("/c/lelylijn").get_data(as_text=True)

    assert visitor.post("/c/lelylijn/someone-else", {}).headers["Location"].endswith("/c/lelylijn")
    assert client.get("/c/lelylijn/thanks").headers["Location"].endswith("/c/lelylijn")
    landing = visitor.get("/c/lelylijn").get_data(as_text=True)
    assert 'name="consent"' in landing and "al meegedaan" not in landing
    complete(demo, client, "lelylijn")
    with demo.app_context():
        second = respondent_row(client, "lelylijn")
        assert second.id != first and second.response is not None
        assert db.session.scalar(select(func.count()).select_from(Response)) == 2


def test_the_advice_is_shown_for_a_while_only(demo, client, monkeypatch):
    complete(demo, client, "lelylijn")
    assert client.get("/c/lelylijn/thanks").status_code == 200
    later = utcnow() + ADVICE_VISIBLE + timedelta(minutes=1)
    monkeypatch.setattr("pwe.citizens.context.utcnow", lambda: later)
    assert client.get("/c/lelylijn/thanks").headers["Location"].endswith("/c/lelylijn")
    assert 'name="consent"' in client.get("/c/lelylijn").get_data(as_text=True)


def test_a_stale_form_leads_back_to_the_respondents_place(demo, client):
    visitor = Visitor(client, "lelylijn")
    visitor.start()
    with demo.app_context():
        consultation = respondent_consultation(client, "lelylijn")
        first, second = steps(consultation)[:2]
        visitor.answer(first.id, valid_form(consultation, first))
    visitor.token = "stale"
    response = visitor.post(visitor.step_url(second.id), valid_form(consultation, second))
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "Uw sessie is verlopen" in html and "eerder had opgeslagen, zijn bewaard" in html
    assert f'href="/c/lelylijn/{second.id}"' in html and "Verzoek niet begrepen" not in html
    with demo.app_context():
        assert set(db.session.scalars(select(PageAnswer.step_id))) == {first.id}


def test_blocked_cookies_are_explained_in_the_visitors_language(demo, client):
    response = client.post(
        "/c/lelylijn", data={"consent": "yes", "age_ok": "yes"}, headers={"Accept-Language": "en"}
    )
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "Taking part needs a cookie" in html and "one functional cookie" in html
    assert 'href="/c/lelylijn"' in html and '<html lang="en">' in html


def test_touched_tells_the_untouched_base_plan_from_one_sent_after_changes(demo, client):
    """The base plan sent as it came is not touched; sent after a change (the enhanced form's flag,
    or a Recalculate with something chosen) it is, and the flag is frozen with the response."""
    flags = []
    for flag_sent, recalculated in ((False, False), (True, False), (False, True)):
        visitor = Visitor(client, "lelylijn")
        client.delete_cookie(demo.config["SESSION_COOKIE_NAME"])
        visitor.start()
        with demo.app_context():
            consultation = respondent_consultation(client, "lelylijn")
            for step in steps(consultation):
                form = valid_form(consultation, step)
                if step.kind == "page" and step.page.type == "portfolio":
                    if recalculated:
                        visitor.get(visitor.step_url(step.id))
                        again = visitor.post(visitor.step_url(step.id), [*form, ("action", "recalculate")])
                        assert 'name="touched" value="1"' in again.get_data(as_text=True)
                    # the base plan, with the flag the page carried (a browser sends it back)
                    form = [("touched", "1")] if flag_sent or recalculated else [("touched", "0")]
                    portfolio, base_plan = step.id, blank_answer(consultation, step.page)
                visitor.answer(step.id, form)
            respondent = respondent_row(client, "lelylijn")
            flags.append(respondent.response.touched)
            assert respondent.response.answers[portfolio] == base_plan
    assert flags == [{portfolio: False}, {portfolio: True}, {portfolio: True}]


def test_footer_names_the_organiser_and_links_privacy_cookies_and_accessibility(demo, client):
    landing = client.get("/c/lelylijn").get_data(as_text=True)
    assert "Een raadpleging van Demonstratieplatform" in landing and "pwe-demo@example.org" in landing
    for what, heading in (
        ("privacy", "Privacyverklaring"),
        ("cookies", "Cookies"),
        ("accessibility", "Toegankelijkheidsverklaring"),
    ):
        assert f'href="/c/lelylijn/about/{what}"' in landing
        page = client.get(f"/c/lelylijn/about/{what}").get_data(as_text=True)
        assert f'<h1 class="nl-heading nl-heading--level-1">{heading}</h1>' in page
    privacy = client.get("/c/lelylijn/about/privacy").get_data(as_text=True)
    assert privacy.count('<p class="utrecht-paragraph">Wat wij bewaren') == 1  # paragraphs kept
    assert "één functioneel cookie" in client.get("/c/lelylijn/about/cookies").get_data(as_text=True)
    assert "WCAG" in client.get("/c/lelylijn/about/accessibility").get_data(as_text=True)
    assert client.get("/c/lelylijn/about/elsewhere").status_code == 404


def test_platform_pages_name_the_organisation_from_the_settings(demo, client):
    demo.config.update(PWE_ORGANISATION="Gemeente Voorbeeld", PWE_CONTACT="070 123 45 67")
    home = client.get("/").get_data(as_text=True)
    assert "Een raadpleging van Gemeente Voorbeeld" in home and "070 123 45 67" in home


def test_thanks_says_what_happens_next_and_shows_pairs_by_their_attributes(demo, client):
    with demo.app_context():
        find("lelylijn").results_expected_on = date(2031, 6, 1)
        db.session.commit()
    complete(demo, client, "lelylijn")
    html = client.get("/c/lelylijn/thanks").get_data(as_text=True)
    assert "Wat gebeurt er met uw advies?" in html and "publiceert" in html
    assert "De resultaten worden verwacht op 1 juni 2031." in html
    assert "Variant A:" not in html and '<ul class="pwe-variant-lines"><li>' in html
    assert 'href="/">Naar de startpagina</a>' in html


def test_respondent_resumes_where_they_left(demo, client):
    visitor = Visitor(client, "lelylijn")
    visitor.start()
    with demo.app_context():
        consultation = respondent_consultation(client, "lelylijn")
        all_steps = steps(consultation)
        for step in all_steps[:2]:
            visitor.answer(step.id, valid_form(consultation, step))
    # the tab is closed; the respondent comes back to the landing page later
    landing = visitor.get("/c/lelylijn").get_data(as_text=True)
    assert f'href="/c/lelylijn/{all_steps[2].id}"' in landing
    # skipping ahead is not possible: the first open step is where they are sent
    ahead = client.get(f"/c/lelylijn/{all_steps[-1].id}")
    assert ahead.status_code == 302 and ahead.headers["Location"].endswith(all_steps[2].id)
    # an answered step shows what they gave before
    again = client.get(f"/c/lelylijn/{all_steps[0].id}").get_data(as_text=True)
    first_field, first_value = valid_form(consultation, all_steps[0])[0]
    assert f'name="{first_field}" id="f-{first_field}" value="{first_value}"' in again


def test_completed_response_cannot_be_changed(demo, client):
    visitor = Visitor(client, "lelylijn")
    visitor.start()
    with demo.app_context():
        consultation = respondent_consultation(client, "lelylijn")
        for step in steps(consultation):
            visitor.answer(step.id, valid_form(consultation, step))
        respondent = respondent_row(client, "lelylijn")
        first = steps(consultation)[0]
        before = db.session.scalar(
            select(PageAnswer.answer).where(
                PageAnswer.respondent_id == respondent.id, PageAnswer.step_id == first.id
            )
        )
        late = visitor.post(visitor.step_url(first.id), {g.id: "0" for g in first.page.goals})
        assert late.status_code == 302 and late.headers["Location"].endswith("/thanks")
        db.session.expire_all()
        after = db.session.scalar(
            select(PageAnswer.answer).where(
                PageAnswer.respondent_id == respondent.id, PageAnswer.step_id == first.id
            )
        )
        assert after == before
        assert db.session.scalar(select(func.count()).select_from(Response)) == 1


def test_english_respondent_sees_english_texts(demo, client):
    visitor = Visitor(client, "lelylijn")
    landing = visitor.get("/c/lelylijn?lang=en").get_data(as_text=True)
    assert '<html lang="en">' in landing
    assert "illustrative" in landing
    visitor.post("/c/lelylijn", {"consent": "yes", "age_ok": "yes"})
    with demo.app_context():
        consultation = respondent_consultation(client, "lelylijn")
        first = steps(consultation)[0]
        visitor.answer(first.id, valid_form(consultation, first))
        assert respondent_row(client, "lelylijn").language == "en"


def test_landing_requires_consent_and_age(demo, client):
    visitor = Visitor(client, "ruimte-2050")
    visitor.get("/c/ruimte-2050")
    response = visitor.post("/c/ruimte-2050", {"consent": "yes"})
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert 'href="#f-age_ok"' in html and "16 jaar" in html
    assert 'value="yes" id="f-consent" checked' in html  # what they ticked is kept
    with demo.app_context():
        assert db.session.scalar(select(func.count()).select_from(Respondent)) == 0


@pytest.mark.parametrize(
    ("form", "explained"),
    [({"consent": "no"}, "Meedoen is vrijwillig"), ({"consent": "yes", "age_ok": "no"}, "16 jaar of ouder")],
)
def test_saying_no_or_being_too_young_is_thanked_not_corrected(demo, client, form, explained):
    visitor = Visitor(client, "ruimte-2050")
    visitor.get("/c/ruimte-2050")
    response = visitor.post("/c/ruimte-2050", form)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "Bedankt voor uw belangstelling" in html and explained.lower() in html.lower()
    assert "utrecht-form-field-error-message" not in html and 'href="/c/ruimte-2050"' in html
    with demo.app_context():
        assert db.session.scalar(select(func.count()).select_from(Respondent)) == 0
    assert session_entry(client, "ruimte-2050") is None


def test_home_lists_both_demo_consultations(demo, client):
    html = client.get("/").get_data(as_text=True)
    assert "/c/lelylijn" in html and "/c/ruimte-2050" in html


def test_motivation_questions_read_naturally(demo, client):
    """The question names the chosen level without its step number; the hint writes 2.000 as the error does."""
    visitor = Visitor(client, "ruimte-2050")
    visitor.start()
    with demo.app_context():
        consultation = respondent_consultation(client, "ruimte-2050")
        for step in steps(consultation):
            if step.kind == "motivation":
                break
            form = valid_form(consultation, step)
            if step.kind == "page" and step.page.type == "portfolio":
                form = [("housing", "1"), ("nature", "-1")] + [
                    (o.id, "0") for o in step.page.options if o.id not in ("housing", "nature")
                ]
            assert visitor.post(visitor.step_url(step.id), form).status_code == 302
        html = visitor.get(visitor.step_url(step.id)).get_data(as_text=True)
    assert "Waarom koos u bij Wonen voor 300.000 woningen meer dan gepland (1,95 miljoen extra)?" in html
    assert "Waarom liet u Landbouw zoals in het basisplan?" in html
    assert "Hoogstens 2.000 tekens." in html


def test_only_allocation_steps_have_a_live_check(demo, client):
    visitor = Visitor(client, "ruimte-2050")
    visitor.start()
    assert visitor.post("/c/ruimte-2050/values/check", []).status_code == 404


def test_intro_paragraphs_of_a_folded_block_stay_apart(demo, client):
    """The demo disclaimer is its own paragraph, not merged into the first one."""
    html = client.get("/c/lelylijn").get_data(as_text=True)
    assert "De getallen zijn ter illustratie.</p>" in html


def test_every_page_names_its_icon_and_languages_in_their_own_words(demo, client):
    html = client.get("/c/lelylijn").get_data(as_text=True)
    icon = html.split('rel="icon" href="')[1].split('"')[0]
    response = client.get(icon)
    response.close()  # a static file is streamed: close it as a browser would
    assert response.status_code == 200
    assert ">Nederlands</span>" in html and ">English</a>" in html


def test_a_first_visit_speaks_the_browsers_language_when_the_consultation_has_it(demo, client):
    assert 'lang="en"' in client.get("/c/lelylijn", headers={"Accept-Language": "en-GB,en;q=0.9"}).get_data(
        as_text=True
    )
    assert 'lang="nl"' in client.get("/c/lelylijn", headers={"Accept-Language": "de-DE"}).get_data(
        as_text=True
    )
    client.get("/c/lelylijn?lang=nl")
    assert 'lang="nl"' in client.get("/c/lelylijn", headers={"Accept-Language": "en"}).get_data(as_text=True)


def test_the_thank_you_page_shows_what_each_chosen_variant_was(demo, client):
    visitor = Visitor(client, "lelylijn")
    visitor.start()
    with demo.app_context():
        consultation = respondent_consultation(client, "lelylijn")
        for step in steps(consultation):
            visitor.post(visitor.step_url(step.id), valid_form(consultation, step))
        pairs = next(p for p in consultation.pages if p.type == "pairs")
        first = pairs.sets[0][0]
        attribute = consultation.attribute(pairs.attributes[0])
    html = client.get("/c/lelylijn/thanks").get_data(as_text=True)
    expected = f"<li>{attribute.label.by_lang['nl']}: {format_number(first[attribute.id], 'nl')}"
    assert expected in html
