"""The content: discussion points (Note), themes and their aliases (``models.py``),
with one package per feature:

- ``record``: everything a facilitator does to a meeting, and the one write path;
- ``themes``: naming, merging, statistics, suggestions, the chart, pages and feeds;
- ``search``: the query language, the engine, the form and the results page.
"""
