"""Choice models for PWE data, statsmodels-like: `Model(choices, ...).fit()` -> results."""
from analysis.models.mnl import MNL, MNLResults
from analysis.models.portfolio import PortfolioLogit
from analysis.models.results import ChoiceResults

__all__ = ["ChoiceResults", "MNL", "MNLResults", "PortfolioLogit"]
