"""Analysis of PWE consultations: tidy tables, weighting, shares and choice models (pure pandas, no Flask)."""
