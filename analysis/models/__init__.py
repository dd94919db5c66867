"""Choice models for PWE data, statsmodels-like: `Model(choices, ...).fit()` -> results.

The classes load on first use (PEP 562), so a fit imports only its own model: latent classes
pull in scipy.sparse and MDCEV scipy.optimize, which take longer to import than a small fit runs.
"""

import importlib

_HOMES = {
    "ChoiceResults": "results",
    "LatentClassPortfolioLogit": "latent_class",
    "LatentClassResults": "latent_class",
    "compare_classes": "latent_class",
    "MDCEV": "mdcev",
    "MDCEVResults": "mdcev",
    "MNL": "mnl",
    "MNLResults": "mnl",
    "PortfolioLogit": "portfolio",
}
__all__ = sorted(_HOMES)


def __getattr__(name: str):
    if name not in _HOMES:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(f"{__name__}.{_HOMES[name]}"), name)
