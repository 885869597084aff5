"""Search's background jobs: keeping each cell's table of words current."""

from __future__ import annotations

from procrastinate import RetryStrategy
from procrastinate.contrib.django import app

from notes.search import words


# A failed rebuild would leave the cell's words as they were until its next change.
@app.task(queue="search", retry=RetryStrategy(max_attempts=3, wait=5))
def refresh_search_words(cell_id: int) -> None:
    """Rebuild the cell's words from its published points (see ``words.refresh_later``)."""
    words.refresh_cells([cell_id])
