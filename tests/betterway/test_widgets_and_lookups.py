"""The project's additions to Django: the ``__any`` lookup."""

from __future__ import annotations

from cells.models import Cell, Meeting
from notes.models import Note
from tests.personas import World


def test_any_matches_ids_from_a_list_of_any_length(world: World) -> None:
    cells = list(Cell.objects.order_by("pk"))
    assert list(Cell.objects.filter(pk__any=[cells[0].pk, cells[2].pk]).order_by("pk")) == [
        cells[0],
        cells[2],
    ]
    assert not Cell.objects.filter(pk__any=[]).exists()
    # Through a foreign key as well.
    meetings = Meeting.objects.filter(cell_id__any=(cells[1].pk,))
    assert set(meetings) == set(Meeting.objects.filter(cell=cells[1])) != set()
    notes = Note.objects.filter(meeting__cell_id__any=[cells[1].pk])
    assert set(notes) == set(Note.objects.filter(meeting__cell=cells[1]))
