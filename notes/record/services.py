"""Writes that span meetings, notes and themes: saving a record, restoring history."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction

from cells.models import Cell, Meeting, MeetingStatus
from notes.models import Note
from notes.themes.naming import split_theme_names, themes_named


@dataclass
class PointInput:
    """One point as the editor submitted it; ``id`` and ``version`` for existing ones."""

    heading: str
    body: str
    themes: list[str] = field(default_factory=list)
    id: int | None = None
    version: int | None = None


class StaleRecord(Exception):
    """Someone saved the meeting after this edit began; nothing was written."""

    def __init__(self, meeting: Meeting) -> None:
        super().__init__("The meeting changed since this edit began.")
        self.meeting = meeting


def create_meeting(
    cell: Cell,
    user: Any,
    details: dict[str, Any],
    points: list[PointInput],
    attendees: Iterable[Any] = (),
) -> Meeting:
    with transaction.atomic():
        meeting = Meeting(cell=cell, created_by=user, status=MeetingStatus.DRAFT, **details)
        meeting.save()
        meeting.attendees.set(attendees)
        _save_points(meeting, user, points, existing={})
    return meeting


def save_record(
    meeting: Meeting,
    user: Any,
    *,
    version: int,
    details: dict[str, Any],
    points: list[PointInput],
    attendees: Iterable[Any] = (),
) -> Meeting:
    """Save the meeting's details and its points in order, or raise StaleRecord.

    Points missing from ``points`` are deleted (their history keeps them, so
    they can be restored). The meeting's version guards the whole record.
    """
    with transaction.atomic():
        locked = Meeting.objects.select_for_update().get(pk=meeting.pk)
        existing = {note.pk: note for note in locked.notes.select_for_update()}
        stale = locked.version != version or any(
            point.id is not None
            and (point.id not in existing or existing[point.id].version != point.version)
            for point in points
        )
        if stale:
            raise StaleRecord(locked)
        for name, value in details.items():
            setattr(locked, name, value)
        locked.version += 1
        locked.save()
        locked.attendees.set(attendees)
        _save_points(locked, user, points, existing)
    return locked


def _save_points(
    meeting: Meeting, user: Any, points: list[PointInput], existing: dict[int, Note]
) -> None:
    kept = {point.id for point in points if point.id is not None}
    for note_id, note in existing.items():
        if note_id not in kept:
            note.delete()
    for position, point in enumerate(points, start=1):
        themes = themes_named(point.themes)
        names = ", ".join(sorted((theme.name for theme in themes), key=str.lower))
        note = existing.get(point.id) if point.id is not None else None
        if note is None:
            note = Note(meeting=meeting, author=user)
        elif (note.position, note.heading, note.body, note.theme_names) == (
            position,
            point.heading,
            point.body,
            names,
        ):
            continue  # unchanged: no new version, no history entry
        else:
            note.version += 1
        note.position, note.heading, note.body = position, point.heading, point.body
        # Set before saving so the history snapshot has the new theme names.
        note.theme_names = names
        note.save()
        note.themes.set(themes)


def set_status(meeting: Meeting, status: str) -> None:
    meeting.status = status
    meeting.version += 1
    meeting.save()


def restore_note_version(meeting: Meeting, record: Any) -> Note:
    """Bring a point back as it was in a history ``record``, even if it was deleted."""
    with transaction.atomic():
        note = Note.objects.filter(pk=record.id, meeting=meeting).first()
        if note is None:
            note = Note(pk=record.id, meeting=meeting, author=record.author)
            taken = set(meeting.notes.values_list("position", flat=True))
            note.position = record.position if record.position not in taken else max(taken) + 1
        else:
            note.version += 1
        note.heading, note.body, note.theme_names = record.heading, record.body, record.theme_names
        note.save()
        note.themes.set(themes_named(split_theme_names(record.theme_names)))
        meeting.version += 1
        meeting.save(update_fields=["version", "updated_at"])
    return note


RESTORABLE_MEETING_FIELDS = ["date", "title", "introduced_by", "guest_names", "venue"]


def restore_meeting_version(meeting: Meeting, record: Any) -> Meeting:
    for name in RESTORABLE_MEETING_FIELDS:
        setattr(meeting, name, getattr(record, name))
    meeting.version += 1
    meeting.save()
    return meeting


# Set-based theme changes (admin). Plain UPDATE/DELETE statements send no
# signals, so each function refreshes the affected notes' theme names itself.
