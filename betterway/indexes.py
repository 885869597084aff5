"""GIN indexes that searches read: kept fast while points are being written.

A GIN index takes new entries into a pending list, and every search through
the index reads that whole list until it is merged into the index proper
(by autovacuum, or by the write that fills it). PostgreSQL lets the list grow
to 4 MB by default: at 200,000 notes, 15,000 points written since the last
vacuum left 404 pages in it, and an index walk that took 5.7 ms took 12. Kept
to 256 kB, it is merged sixteen times as often, in pieces a sixteenth of the
size: updating 1,000 points took the same time either way (README, Performance).
"""

from __future__ import annotations

from typing import Any

from django.contrib.postgres.indexes import GinIndex

PENDING_LIST_KB = 256


def search_index(*expressions: Any, name: str, fields: tuple[str, ...] = ()) -> GinIndex:
    """A GIN index on ``fields`` or ``expressions`` whose pending list stays small."""
    return GinIndex(
        *expressions, fields=list(fields), name=name, gin_pending_list_limit=PENDING_LIST_KB
    )
