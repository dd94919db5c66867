"""Choice models for PWE data, statsmodels-like: `Model(choices, ...).fit()` -> results."""
from analysis.models.latent_class import (LatentClassPortfolioLogit, LatentClassResults,
                                          compare_classes)
from analysis.models.mdcev import MDCEV, MDCEVResults
from analysis.models.mnl import MNL, MNLResults
from analysis.models.portfolio import PortfolioLogit
from analysis.models.results import ChoiceResults

__all__ = ["ChoiceResults", "LatentClassPortfolioLogit", "LatentClassResults", "MDCEV",
           "MDCEVResults", "MNL", "MNLResults", "PortfolioLogit", "compare_classes"]
