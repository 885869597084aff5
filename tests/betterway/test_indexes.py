"""The search indexes keep their pending lists small, as migrated and as rebuilt."""

from __future__ import annotations

from django.db import connection

from betterway.indexes import PENDING_LIST_KB
from cells.models import Cell
from notes.models import Note
from tests.personas import make_meeting

SEARCH_INDEXES = {
    "note_search_vector",
    "note_heading_search",
    "note_word_pairs",
    "note_heading_vector",
    "search_word_trigrams",
}


def gin_indexes_and_options() -> dict[str, list[str]]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT i.relname, COALESCE(i.reloptions, '{}') FROM pg_class i "
            "JOIN pg_am am ON am.oid = i.relam WHERE am.amname = 'gin'"
        )
        return dict(cursor.fetchall())


def test_every_gin_index_keeps_a_small_pending_list(db: None) -> None:
    found = gin_indexes_and_options()
    assert set(found) == SEARCH_INDEXES  # a new GIN index is made with search_index too
    for name, options in found.items():
        assert options == [f"gin_pending_list_limit={PENDING_LIST_KB}"], name


def test_new_entries_beyond_the_limit_are_merged_into_the_index(db: None) -> None:
    # About 50 entries per point: a thousand points' entries outgrow 256 kB of
    # pending list; under PostgreSQL's default 4 MB they would all still wait.
    words = " ".join(f"word{n}" for n in range(50))
    meeting = make_meeting(Cell.objects.create(name="Northern", slug="northern"), points=0)
    Note.objects.bulk_create(
        Note(meeting=meeting, position=n, body=f"{words} point{n}") for n in range(1, 1001)
    )
    with connection.cursor() as cursor:
        # Merges what is still pending, and says how many pages of 8 kB that was.
        cursor.execute("SELECT gin_clean_pending_list('note_search_vector')")
        pending_pages = cursor.fetchone()[0]
    assert pending_pages * 8 <= PENDING_LIST_KB
