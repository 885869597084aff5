"""Search: the query language (``query``), the engine over PostgreSQL full-text
search (``engine``), the search form and the results page.
"""
