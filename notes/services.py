"""Writes that span meetings, notes and themes: saving a record, restoring history."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db import IntegrityError, connection, transaction
from django.db.models.functions import Lower
from django.utils.text import slugify

from cells.models import Cell, Meeting, MeetingStatus
from notes.models import Note, TaggedNote, Theme, ThemeAlias

THEME_NAME_MAX = 100


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


def split_theme_names(text: str) -> list[str]:
    """“Leadership, systems change,, leadership” -> ["Leadership", "systems change"]."""
    names: list[str] = []
    for raw in text.split(","):
        name = " ".join(raw.split())
        if name and name.lower() not in {n.lower() for n in names}:
            names.append(name)
    return names


def themes_named(names: Iterable[str]) -> list[Theme]:
    """The themes with these names, whatever their case; missing ones are created.

    Safe when two editors create the same new theme at once: the database's
    case-insensitive unique constraint decides, and the loser reuses the winner's.
    """
    names = list(dict.fromkeys(name for name in names if name))
    if not names:
        return []
    found = _existing(names)
    for name in names:
        if name.lower() not in found:
            found[name.lower()] = _create_theme(name)
    return [found[name.lower()] for name in names]


def _existing(names: list[str]) -> dict[str, Theme]:
    wanted = [name.lower() for name in names]
    themes = Theme.objects.annotate(lower_name=Lower("name")).filter(lower_name__in=wanted)
    return {theme.name.lower(): theme for theme in themes}


def _create_theme(name: str) -> Theme:
    base = slugify(name)[:90] or "theme"
    for attempt in range(20):
        slug = base if attempt == 0 else f"{base}-{attempt + 1}"
        try:
            with transaction.atomic():
                return Theme.objects.create(name=name, slug=slug)
        except IntegrityError:
            # Either the name now exists (a concurrent editor) or the slug is taken.
            existing = Theme.objects.named(name).first()
            if existing is not None:
                return existing
    raise IntegrityError(f"Could not find a free address for the theme “{name}”.")


def create_meeting(cell: Cell, user: Any, details: dict[str, Any], points: list[PointInput],
                   attendees: Iterable[Any] = ()) -> Meeting:  # fmt: skip
    with transaction.atomic():
        meeting = Meeting(cell=cell, created_by=user, status=MeetingStatus.DRAFT, **details)
        meeting.save()
        meeting.attendees.set(attendees)
        _save_points(meeting, user, points, existing={})
    return meeting


def save_record(meeting: Meeting, user: Any, *, version: int, details: dict[str, Any],
                points: list[PointInput], attendees: Iterable[Any] = ()) -> Meeting:  # fmt: skip
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


def _save_points(meeting: Meeting, user: Any, points: list[PointInput],
                 existing: dict[int, Note]) -> None:  # fmt: skip
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


@dataclass
class MergeResult:
    target: Theme
    merged: list[str]
    points: int


def merge_themes(target: Theme, sources: Iterable[Theme]) -> MergeResult:
    """Move every point of ``sources`` to ``target`` and delete the sources.

    No point ends up with the same theme twice; the sources' addresses become
    aliases of the target, so old links keep working.
    """
    sources = [theme for theme in sources if theme.pk != target.pk]
    source_ids = [theme.pk for theme in sources]
    if not source_ids:
        return MergeResult(target, [], 0)
    with transaction.atomic():
        affected = list(
            TaggedNote.objects.filter(tag_id__in=source_ids)
            .values_list("content_object_id", flat=True)
            .distinct()
        )
        params = {"sources": source_ids, "target": target.pk}
        with connection.cursor() as cursor:
            # Drop source tags on points that have the target already, and all
            # but one source tag on points that have several sources.
            cursor.execute(
                """
                DELETE FROM notes_taggednote AS t
                WHERE t.tag_id = ANY(%(sources)s) AND (
                    EXISTS (SELECT 1 FROM notes_taggednote AS x
                            WHERE x.content_object_id = t.content_object_id
                              AND x.tag_id = %(target)s)
                    OR EXISTS (SELECT 1 FROM notes_taggednote AS y
                               WHERE y.content_object_id = t.content_object_id
                                 AND y.tag_id = ANY(%(sources)s) AND y.id < t.id))
                """,
                params,
            )
            cursor.execute(
                "UPDATE notes_taggednote SET tag_id = %(target)s WHERE tag_id = ANY(%(sources)s)",
                params,
            )
        Note.objects.filter(pk__in=affected).refresh_theme_names()
        ThemeAlias.objects.filter(theme_id__in=source_ids).update(theme=target)
        ThemeAlias.objects.bulk_create(
            [ThemeAlias(slug=theme.slug, theme=target) for theme in sources],
            ignore_conflicts=True,
        )
        Theme.objects.filter(pk__in=source_ids).delete()
    return MergeResult(target, [theme.name for theme in sources], len(affected))


def add_theme(notes: Any, theme: Theme) -> int:
    """Tag these notes with ``theme`` (those that have it already are left alone)."""
    ids = list(notes.values_list("pk", flat=True))
    with transaction.atomic():
        TaggedNote.objects.bulk_create(
            [TaggedNote(content_object_id=pk, tag=theme) for pk in ids], ignore_conflicts=True
        )
        Note.objects.filter(pk__in=ids).refresh_theme_names()
    return len(ids)


def remove_theme(notes: Any, theme: Theme) -> int:
    ids = list(notes.filter(tagged_items__tag=theme).values_list("pk", flat=True))
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "DELETE FROM notes_taggednote WHERE tag_id = %s AND content_object_id = ANY(%s)",
            [theme.pk, ids],
        )
        Note.objects.filter(pk__in=ids).refresh_theme_names()
    return len(ids)
