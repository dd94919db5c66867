"""The report of a consultation's results: every number computed once, then written as
report.html, results.json, tables.xlsx and one CSV per table (see docs/report.md)."""
