"""Tables that serve search: the words of each cell's published points, for "did you
mean" on misspelt words, and the points' headings."""

from __future__ import annotations

from django.contrib.postgres.indexes import OpClass
from django.contrib.postgres.search import SearchVectorField
from django.db import models

from betterway.indexes import search_index
from cells.choices import MeetingStatus


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
            search_index(OpClass("word", name="gin_trgm_ops"), name="search_word_trigrams"),
        ]

    def __str__(self) -> str:
        return self.word


class MeetingCopy(models.Model):
    """A copy of a point's meeting's cell, status and date, named as
    ``Reader.meetings_q`` and the search filters name them: who may read a
    row, and a search's cell and date filters, are answered without a join.
    The database keeps the copy in step (triggers); Django only reads it.
    """

    cell = models.ForeignKey(
        "cells.Cell",
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        db_index=False,
        related_name="+",
    )
    status = models.CharField(max_length=10, choices=MeetingStatus.choices)
    date = models.DateField()

    class Meta:
        abstract = True


class NoteHeading(MeetingCopy):
    """A point's heading as a search vector, one row per point that has a heading.

    Search finds the best heading matches here, however old: a word common
    across the network may head tens of thousands of points, and ranking
    them through the notes themselves reads every one of their bodies' pages.
    This table is a thirtieth of their size, and carries a copy of each
    point's meeting's cell, status and date, so that who may read a heading,
    and a search's cell and date filters, are answered without a join.

    The database keeps it in step with notes and meetings (triggers; see
    migration 0009), so bulk imports and restores need nothing more; Django
    only reads it.
    """

    note = models.OneToOneField(
        "notes.Note",
        primary_key=True,
        on_delete=models.DO_NOTHING,  # the notes' delete trigger removes the row
        db_constraint=False,
        related_name="+",
    )
    meeting = models.ForeignKey(
        "cells.Meeting", on_delete=models.DO_NOTHING, db_constraint=False, related_name="+"
    )
    vector = SearchVectorField()

    class Meta:
        indexes = [search_index(fields=("vector",), name="note_heading_vector")]

    def __str__(self) -> str:
        return f"heading of point {self.note_id}"


class HeadingTerm(MeetingCopy):
    """One word of a point's heading, with how well the heading matches that word alone.

    A one-word search ("council") finds its best headings here by walking an
    index in rank order and stopping at the first that the reader may read,
    instead of ranking every heading with the word: a word common across the
    network heads tens of thousands of points. ``rank`` is what search would
    compute, ``ts_rank(heading vector, word, 1)``.

    Kept in step with ``NoteHeading`` by the database (a trigger on it; see
    migration 0011), with the same copy of the meeting's cell, status and date.
    """

    pk = models.CompositePrimaryKey("note", "term")
    # The primary key's first column: its index serves "the terms of this point".
    note = models.ForeignKey(
        "notes.Note",
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        db_index=False,
        related_name="+",
    )
    term = models.TextField()
    rank = models.FloatField()

    class Meta:
        indexes = [
            # The best headings of a word first; the reading rules and filters
            # are answered from the index alone.
            models.Index(
                fields=["term", "-rank", "-note"],
                include=["cell", "status", "date"],
                name="heading_term_best",
            )
        ]

    def __str__(self) -> str:
        return f"{self.term} in the heading of point {self.note_id}"
