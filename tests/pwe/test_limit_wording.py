"""Every kind of limit reads in plain words: over, under, within, a maximum of 0, negative ranges."""

from __future__ import annotations

import pytest
from flask import Flask

from pwe import i18n
from pwe.citizens.presenting import Bounds, constraint_state, constraint_text, meter_geometry
from surveys.definition import Constraint, Text


def limit(low, high) -> Constraint:
    return Constraint(
        "land", Text({"nl": "Ruimte", "en": "Land"}), Text({"nl": "ha", "en": "ha"}), max=high, min=low
    )


@pytest.mark.parametrize(
    ("low", "high", "used", "state", "nl"),
    [
        (None, 0, 74, "over", "Ruimte: 74 ha meer dan toegestaan (maximaal 0)."),
        (-60, 0, -110, "under", "Ruimte: 50 ha minder dan toegestaan (minimaal -60)."),
        (-60, 0, -5, "within", "Ruimte: -5 ha; toegestaan is van -60 tot en met 0."),
        (0, 3000, 3200, "over", "Ruimte: 200 ha meer dan toegestaan (maximaal 3.000)."),
        (0, 2700, 1000, "within", "Ruimte: 1.000 van 2.700 ha gebruikt, 1.700 over."),
        (500, None, 100, "under", "Ruimte: 400 ha minder dan toegestaan (minimaal 500)."),
        (500, None, 800, "within", "Ruimte: 800 ha; nodig is minstens 500."),
        (None, -10, -20, "within", "Ruimte: -20 ha; toegestaan is hoogstens -10."),
        (None, None, 7, "within", "Ruimte: 7 ha."),
    ],
)
def test_each_kind_of_limit_in_words(low, high, used, state, nl):
    constraint = limit(low, high)
    consultation = type("C", (), {"text": staticmethod(lambda text, lang: text.by_lang[lang])})()
    app = Flask(__name__)
    i18n.init_app(app)
    with app.test_request_context():
        i18n.use_language(("nl",), "nl")
        assert constraint_state(constraint, used) == state
        assert constraint_text(consultation, constraint, used, "nl", state) == nl


def test_the_meter_scale_holds_zero_both_bounds_and_the_amount():
    assert meter_geometry(Bounds(-60, 0), -120) == {"start": 50.0, "end": 100.0, "zero": 100.0, "value": 0.0}
    assert meter_geometry(Bounds(0, 2700), 5400) == {"start": 0.0, "end": 50.0, "zero": 0.0, "value": 100.0}
    assert meter_geometry(Bounds(0, 0), 0)["value"] == 100.0
