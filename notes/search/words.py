"""Suggesting the word meant when a search's word matches nothing.

The table of words (``SearchWord``) holds, per cell, every word of its
published points with how many points use it. pg_trgm finds the readable
word most like a misspelt one ("Sheffeld" -> "sheffield"). A worker rebuilds
a cell's words after any change to its published points.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import connection, transaction
from procrastinate.exceptions import AlreadyEnqueued

from cells.access import AnyUser, reader_of
from cells.models import MeetingStatus

# How alike (pg_trgm similarity) a word must be to be suggested for another.
SIMILAR_WORD = 0.4
_WORD = re.compile(r"[^\W\d_]{3,40}")

# 'simple' keeps words as written (lower-cased), not stemmed: a suggestion is a
# word the reader can type.
_REFRESH_SQL = f"""
WITH words AS (
    SELECT word, ndoc FROM ts_stat($$
        SELECT to_tsvector('simple', note.heading || ' ' || note.body)
        FROM notes_note AS note JOIN cells_meeting AS meeting ON meeting.id = note.meeting_id
        WHERE meeting.cell_id = %s AND meeting.status = '{MeetingStatus.PUBLISHED}'
    $$)
    WHERE word ~ '^[[:alpha:]]{{3,40}}$'
)
INSERT INTO notes_searchword (cell_id, word, points)
SELECT %s, word, ndoc FROM words
"""  # noqa: S608 - fixed values only


# The first key of the advisory locks that keep two rebuilds of a cell apart.
_REBUILD_LOCK = 1_937_011_043


def refresh_cells(cell_ids: Iterable[int]) -> None:
    """Rebuild the words of these cells from their published points.

    Two rebuilds of one cell (two workers, each with a job queued after a
    save) take turns: run together, the second's rows would collide with the
    first's, and it would fail where it should read the first one's change too.
    """
    with transaction.atomic(), connection.cursor() as cursor:
        for cell_id in sorted(set(cell_ids)):  # in order, so two rebuilds cannot deadlock
            lock = [_REBUILD_LOCK, cell_id]
            cursor.execute("SELECT pg_advisory_xact_lock(%s::int, %s::int)", lock)
            cursor.execute("DELETE FROM notes_searchword WHERE cell_id = %s", [cell_id])
            # ts_stat takes its query as text: the cell id is an integer we hold.
            cursor.execute(_REFRESH_SQL.replace("%s", str(int(cell_id)), 1), [cell_id])


def refresh_later(cell_id: int) -> None:
    """Have a worker rebuild the cell's words once the change being written commits.

    Rebuilding reads every published point of the cell (0.1 s for 1,500 points,
    0.4 s for 6,000): too slow for the save that asks for it. Queued after the
    commit, with at most one job waiting per cell: a job still waiting starts
    after this change is committed, so it reads it, and further saves meanwhile
    queue nothing more. (Queued inside the transaction, a refused duplicate
    could belong to a job already reading the cell without this change.)
    """
    # Robust: the change is saved by then, and a rebuild that cannot be queued
    # (logged) must not turn the save into an error page.
    transaction.on_commit(lambda: _queue_refresh(cell_id), robust=True)


def _queue_refresh(cell_id: int) -> None:
    from notes.search.tasks import refresh_search_words

    job = refresh_search_words.configure(queueing_lock=f"search-words:{cell_id}")
    # In a block of its own: a refused duplicate must not end a surrounding
    # transaction (a callback run inside one, as tests do).
    with contextlib.suppress(AlreadyEnqueued), transaction.atomic():
        job.defer(cell_id=cell_id)


@dataclass(frozen=True)
class Correction:
    text: str  # the search's words, each unknown word replaced by the one meant
    words: list[tuple[str, str]]  # (typed, meant) pairs


def correction_for(user: AnyUser, text: str) -> Correction | None:
    """The search's words with each word no readable point uses replaced by the
    readable word most like it; None when nothing is to be corrected.
    """
    typed = list(dict.fromkeys(word.lower() for word in _WORD.findall(text)))[:8]
    if not typed:
        return None
    reader = reader_of(user)
    cells = None if reader.is_staff else list(reader.readable)
    if cells == []:
        return None
    condition = "" if cells is None else "AND cell_id = ANY(%(cells)s)"
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            SELECT typed, best.word FROM unnest(%(typed)s::text[]) AS typed
            CROSS JOIN LATERAL (
                SELECT word, similarity(word, typed) AS alike, sum(points) AS uses
                FROM notes_searchword
                WHERE word %% typed {condition}
                GROUP BY word ORDER BY alike DESC, uses DESC LIMIT 1
            ) AS best
            WHERE best.alike >= %(threshold)s AND best.word <> typed
              AND NOT EXISTS (
                SELECT 1 FROM notes_searchword AS known
                WHERE known.word = typed {condition.replace("cell_id", "known.cell_id")}
              )
            """,  # noqa: S608 - the condition is fixed text
            {"typed": typed, "cells": cells, "threshold": SIMILAR_WORD},
        )
        found = dict(cursor.fetchall())
    if not found:
        return None
    corrected = re.sub(_WORD.pattern, lambda m: found.get(m.group(0).lower(), m.group(0)), text)
    return Correction(corrected, [(word, found[word]) for word in typed if word in found])
