"""Simulation before fieldwork, by one import: value weights (analysis.value_weights), synthetic
responses (analysis.synthetic) and power analysis (analysis.power)."""

from analysis.power import DEFAULT_SIZES, parse_sizes, power_analysis, power_summary
from analysis.synthetic import SOURCE, simulate_responses
from analysis.value_weights import (
    ValueWeightsError,
    check_value_weights,
    load_value_weights,
    portfolio_utility,
    true_parameters,
)

__all__ = [
    "DEFAULT_SIZES",
    "SOURCE",
    "ValueWeightsError",
    "check_value_weights",
    "load_value_weights",
    "parse_sizes",
    "portfolio_utility",
    "power_analysis",
    "power_summary",
    "simulate_responses",
    "true_parameters",
]
