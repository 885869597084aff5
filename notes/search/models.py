"""The words of each cell's published points, for "did you mean" on misspelt words."""

from __future__ import annotations

from django.contrib.postgres.indexes import GinIndex, OpClass
from django.db import models


class SearchWord(models.Model):
    """A word that occurs in a cell's published points, and in how many.

    Kept per cell so a suggestion only ever comes from points the reader may
    read; rebuilt for a cell whenever one of its meetings is written
    (see notes/search/words.py).
    """

    cell = models.ForeignKey("cells.Cell", on_delete=models.CASCADE, related_name="+")
    word = models.CharField(max_length=40)
    points = models.PositiveIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["cell", "word"], name="search_word_unique_in_cell")
        ]
        indexes = [
            GinIndex(OpClass("word", name="gin_trgm_ops"), name="search_word_trigrams"),
        ]

    def __str__(self) -> str:
        return self.word
