"""More that a facilitator records about each point, from packages the record
does not know about (``notes.actions``: actions and proposals).

A package registers a ``PointPanel``. For every point the editor shows, it
binds the panel under the point's form prefix (to what was posted, or to
initial values), renders the panel's template inside the point, carries what
was typed across round trips (split, add, preview, errors) and, once the
points are saved, lets the panel save, in the same transaction as the record.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, Protocol

from django.http import HttpRequest

from cells.models import Cell, Meeting
from notes.models import Note
from notes.record.services import PointInput


class BoundPanel(Protocol):
    template_name: str

    def is_valid(self) -> bool: ...

    def errors(self) -> list[tuple[str, str]]:
        """(id of the field, message) for the editor's error summary."""
        ...

    def typed(self) -> Any:
        """What was typed, as ``initial`` for the next render of the page."""
        ...

    def suggest(self, text: str) -> None:
        """Offer suggestions from the point's heading and text, before rendering."""
        ...

    def save(self, note: Note) -> None: ...

    def describe(self) -> list[str]:
        """What was typed, in words, for the page that shows an unsaved edit."""
        ...


class PointPanel(Protocol):
    def history(self, meeting: Meeting) -> list[Any]:
        """Entries (``notes.record.history.Entry``) for the meeting's History page."""
        ...

    def initial(self, meeting: Meeting) -> dict[int, Any]:
        """Initial values for the saved points of ``meeting``, by point id."""
        ...

    def bind(
        self,
        request: HttpRequest,
        cell: Cell,
        prefix: str,
        *,
        data: Any = None,
        initial: Any = None,
    ) -> BoundPanel: ...


_panels: list[PointPanel] = []


def register(panel: PointPanel) -> None:
    if not any(type(known) is type(panel) for known in _panels):
        _panels.append(panel)


def panels() -> list[PointPanel]:
    return list(_panels)


def save_panels(forms: Iterable[Any], points: Iterable[PointInput]) -> None:
    """Save the panels of each saved point's form (``PointInput.key`` names it),
    now that the point has an id. Points with no form here (added by someone
    else meanwhile) have nothing to save.
    """
    by_prefix = {form.prefix: form for form in forms}
    points = [point for point in points if point.note_id is not None and point.key in by_prefix]
    notes = Note.objects.select_related("meeting__cell").in_bulk(
        [point.note_id for point in points]
    )
    for point in points:
        for bound in by_prefix[point.key].panels:
            bound.save(notes[point.note_id])
