"""A small consultation with every page type, two design versions, and a full set of answers."""

from __future__ import annotations

DEFINITION = """
id: sample
languages: [nl]
title: Proef
attributes:
  - {id: homes, label: Woningen}
  - {id: nature, label: Natuur}
  - {id: stops, label: Haltes}
constraints:
  - {id: budget, label: Budget, max: 100, min: 10}
  - {id: land, label: Land, max: 50}
pages:
  - type: questions
    id: about_you
    questions:
      - {id: age, type: choice, label: Leeftijd, choices: [{id: young, label: Jong}, {id: old, label: Oud}]}
      - {id: transport, type: multi, label: Vervoer, choices: [{id: bike, label: Fiets}, {id: car, label: Auto}]}
      - {id: trips, type: number, label: Reizen}
      - {id: trust, type: agree, label: Vertrouwen}
  - type: statements
    id: values
    statements: [{id: regions, text: Regio}, {id: future, text: Toekomst}]
  - type: portfolio
    id: advice
    motivation: true
    options:
      - {id: rail, title: Spoor, levels: [0, 1, 2], use: {budget: 30}, effects: {homes: 10}, group: transport}
      - {id: bus, title: Bus, use: {budget: 20}, effects: {homes: 2, nature: -1}, group: transport}
      - {id: park, title: Park, use: {budget: 10}, effects: {nature: 5}}
  - type: portfolio
    id: land_use
    options:
      - {id: houses, title: Huizen, use: {budget: 40, land: 30}, effects: {homes: 100}}
      - {id: forest, title: Bos, use: {budget: 10, land: 20}, effects: {nature: 8}}
  - type: points
    id: goals
    total: 10
    must_use_all: false
    goals: [{id: g_nature, title: Natuur}, {id: g_homes, title: Wonen}]
  - type: pairs
    id: variants
    attributes: [stops, nature]
    opt_out: Geen van beide
    required: false
    sets:
      - [{stops: 2, nature: 1}, {stops: 4, nature: 0}]
      - [{stops: 3, nature: 2}, {stops: 1, nature: 1}]
versions:
  - {id: A, changes: {}}
  - id: B
    changes:
      rail: {use: {budget: 45}, effects: {homes: 12}}
      constraints: {budget: {max: 120}}
"""


def answers(**changes: dict) -> dict:
    """A complete, valid set of answers by step id; `changes` replace whole steps."""
    return {
        "about_you": {"age": "young", "transport": ["bike"], "trips": 3, "trust": "dk"},
        "values": {"regions": 4, "future": None},
        "advice": {"rail": 2, "bus": 0, "park": 1},
        "why-advice": {"rail": "Snel naar het werk", "bus": "Te duur, vind ik"},
        "land_use": {"houses": 1, "forest": 0},
        "goals": {"g_nature": 7, "g_homes": 3},
        "variants": {"1": "A", "2": "none"},
        **changes,
    }
