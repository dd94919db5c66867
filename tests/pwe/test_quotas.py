"""Quotas per invitation batch: a full cell stops a newcomer of the batch after their background
answers, politely, and counts them; the open link is never stopped."""

from __future__ import annotations

from pwe.flow import steps
from tests.pwe.officials import logged_in, post
from tests.pwe.test_invitations import complete_through, links, opened
from tests.pwe.visitor import Visitor, respondent_consultation, valid_form

INVITATIONS = "/admin/c/lelylijn/invitations"


def set_quota(app, limits: str):
    editor = logged_in(app, "editor")
    response = post(
        editor, f"{INVITATIONS}/1/quota", {"questions-1": "age", "limits-1": limits}, token_from=INVITATIONS
    )
    return editor, response


def test_a_full_cell_stops_the_next_respondent_of_the_batch(app, example_texts):
    opened(app, example_texts)
    first, second = links(app, n=2)
    editor, response = set_quota(app, "65+ = 1")
    assert response.status_code == 302
    complete_through(app, app.test_client(), first)  # valid_form answers age 65+

    client = app.test_client()
    visitor = Visitor(client, "lelylijn")
    client.get(second.replace("http://localhost", ""))
    visitor.start()
    with app.app_context():
        view = respondent_consultation(client, "lelylijn")
    for step in steps(view):
        response = visitor.answer(step.id, valid_form(view, step))
        if step.id == "about_you":
            break
    assert response.headers["Location"] == "/c/lelylijn/full"
    assert "genoeg mensen met uw achtergrond" in client.get("/c/lelylijn/full").get_data(as_text=True)
    assert client.get("/c/lelylijn/evaluation").headers["Location"] == "/c/lelylijn/full"
    page = editor.get(INVITATIONS).get_data(as_text=True)
    assert '<td class="utrecht-table__cell">65+</td>' in page.replace("&#43;", "+")


def test_a_quota_line_that_cannot_be_read_gets_a_message(app, example_texts):
    opened(app, example_texts)
    links(app, n=1)
    _, response = set_quota(app, "65+ is vijftig")
    assert response.status_code == 422 and "16-24/woman = 50" in response.get_data(as_text=True)
