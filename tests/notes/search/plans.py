"""How PostgreSQL would run a search's query, for tests that it reads the right index."""

from __future__ import annotations

from django.db import connection

from notes.search.engine import matching_notes
from notes.search.query import Criteria
from tests.personas import Library


def plan_of_search(library: Library, words: str) -> str:
    """The plan of the staff's matches for ``words`` with sequential and plain index
    scans off: the planner's only fast way is then a bitmap scan of an index,
    and a condition that does not match an index's expression cannot use it.
    """
    criteria = Criteria(words=words)
    notes = matching_notes(library.world.users["staff"], criteria).order_by().values("pk")
    sql, params = notes.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE notes_note")
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_indexscan = off")
        cursor.execute(f"EXPLAIN {sql}", params)
        return "\n".join(row[0] for row in cursor.fetchall())
