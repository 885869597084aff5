"""The one write path of a meeting record: every change to a meeting or its points.

The editor, the publish buttons, the admin (forms, inlines and actions),
restoring from history, ``import_notes`` and the demo loader all write through
these functions. Each one, in one transaction:

1. locks the meeting's row (``SELECT … FOR UPDATE``), so concurrent writes queue;
2. refuses, with ``StaleRecord``, a write that began from an older version;
3. bumps the meeting's ``version`` once (and each changed point's), so any
   editor holding an older page is told instead of overwriting;
4. saves once, so django-simple-history writes one entry per change.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.db.models import F
from django.dispatch import Signal
from django.utils import timezone

from betterway import content_version
from betterway.text import strip_control_characters
from cells.models import Cell, Meeting, MeetingStatus
from notes.models import Note, format_theme_names
from notes.search import words as search_words
from notes.themes.naming import split_theme_names, themes_named

# The meeting fields a restore brings back (status is changed by publishing).
# Sent once a meeting is published for the first time (after the commit), with
# ``meeting``: following mails the cell's followers from it.
meeting_published = Signal()

RESTORABLE_MEETING_FIELDS = [
    "date",
    "title",
    "introduced_by",
    "guest_names",
    "venue",
    "show_attendees",
]


@dataclass
class PointInput:
    """One point as the editor submitted it; ``id`` and ``version`` for existing ones."""

    heading: str
    body: str
    themes: list[str] = field(default_factory=list)
    id: int | None = None
    version: int | None = None
    # Which editor form it came from, and the point it was saved as: what the
    # editor's panels (actions, proposals) need to save beside it.
    key: str = ""
    note_id: int | None = field(default=None, compare=False)


class StaleRecord(Exception):
    """Someone saved the meeting after this edit began; nothing was written."""

    def __init__(self, meeting: Meeting) -> None:
        super().__init__("The meeting changed since this edit began.")
        self.meeting = meeting


class RestoreRefused(ValueError):
    """A history record that cannot be restored; the message says why, for the user."""


@contextmanager
def _locked(meeting_pk: int, version: int | None = None) -> Iterator[Meeting]:
    """The meeting, locked until the transaction ends, its version bumped on the way out.

    With ``version``, a meeting saved since that version raises StaleRecord.
    """
    with transaction.atomic():
        locked = Meeting.objects.select_for_update().get(pk=meeting_pk)
        if version is not None and locked.version != version:
            raise StaleRecord(locked)
        was_published = locked.is_published
        locked.version += 1
        yield locked
        if was_published or locked.is_published:
            # Only published points' words are suggested: a draft's saves change none.
            search_words.refresh_later(locked.cell_id)


def _clean(value: Any) -> Any:
    return strip_control_characters(value) if isinstance(value, str) else value


def create_meeting(
    cell: Cell,
    user: Any,
    details: dict[str, Any],
    points: list[PointInput],
    attendees: Iterable[Any] = (),
    *,
    status: str = MeetingStatus.DRAFT,
) -> Meeting:
    with transaction.atomic():
        meeting = Meeting(cell=cell, created_by=user, status=status)
        for name, value in details.items():
            setattr(meeting, name, _clean(value))
        meeting.save()
        meeting.attendees.set(attendees)
        _save_points(meeting, user, points, existing={})
        if meeting.is_published:
            _announce_publication(meeting)
            search_words.refresh_later(cell.pk)
    return meeting


def save_record(
    meeting: Meeting,
    user: Any,
    *,
    version: int,
    details: dict[str, Any],
    points: list[PointInput],
    attendees: Iterable[Any] = (),
    status: str | None = None,
) -> Meeting:
    """Save the meeting's details and its points in order, or raise StaleRecord.

    Points missing from ``points`` are deleted (their history keeps them, so
    they can be restored). The meeting's version guards the whole record;
    ``status`` publishes or unpublishes in the same save (one version, one
    history entry).
    """
    with _locked(meeting.pk, version) as locked:
        existing = {note.pk: note for note in locked.notes.select_for_update()}
        if any(
            point.id is not None
            and (point.id not in existing or existing[point.id].version != point.version)
            for point in points
        ):
            raise StaleRecord(Meeting.objects.get(pk=meeting.pk))
        for name, value in details.items():
            setattr(locked, name, _clean(value))
        if status is not None:
            _set_status_fields(locked, status)
        locked.save()
        locked.attendees.set(attendees)
        _save_points(locked, user, points, existing)
    return locked


def _save_points(
    meeting: Meeting, user: Any, points: list[PointInput], existing: dict[int, Note]
) -> None:
    kept = {point.id for point in points if point.id is not None}
    for note_id, gone in existing.items():
        if note_id not in kept:
            gone.delete()
    for position, point in enumerate(points, start=1):
        heading, body = _clean(point.heading), _clean(point.body)
        themes = themes_named([_clean(name) for name in point.themes])
        names = format_theme_names(theme.name for theme in themes)
        note = existing.get(point.id) if point.id is not None else None
        if note is None:
            note = Note(meeting=meeting, author=user)
        elif (note.position, note.heading, note.body, note.theme_names) == (
            position,
            heading,
            body,
            names,
        ):
            point.note_id = note.pk
            continue  # unchanged: no new version, no history entry
        else:
            note.version += 1
        note.position, note.heading, note.body = position, heading, body
        # Set before saving so the history snapshot has the new theme names.
        note.theme_names = names
        note.save()
        note.themes.set(themes)
        point.note_id = note.pk


def _set_status_fields(meeting: Meeting, status: str) -> None:
    meeting.status = status
    if status == MeetingStatus.PUBLISHED and meeting.published_at is None:
        meeting.published_at = timezone.now()
        _announce_publication(meeting)


def _announce_publication(meeting: Meeting) -> None:
    """Tell the receivers of ``meeting_published``, once the publication is committed."""
    transaction.on_commit(lambda: meeting_published.send(sender=Meeting, meeting=meeting))


def set_status(meeting: Meeting, status: str, *, version: int | None = None) -> Meeting:
    """Publish or unpublish, changing nothing else; StaleRecord if ``version`` is old.

    Works on the freshly locked row, so a save that landed just before is kept.
    """
    with _locked(meeting.pk, version) as locked:
        _set_status_fields(locked, status)
        locked.save(update_fields=["status", "published_at", "version", "updated_at"])
    return locked


# Admin forms and inlines. Django's admin runs a change in one transaction:
# save_model (the meeting) first, then the inlines (its points).


def save_meeting_from_admin(meeting: Meeting, *, version: int | None) -> None:
    """Save the meeting as the admin form changed it (``meeting`` is that instance)."""
    if meeting.pk is None:
        meeting.save()
        if meeting.is_published:
            _announce_publication(meeting)
            search_words.refresh_later(meeting.cell_id)  # its points are saved before the commit
        return
    with _locked(meeting.pk, version) as locked:
        meeting.version = locked.version
        for name in ["title", "introduced_by", "guest_names", "venue"]:
            setattr(meeting, name, _clean(getattr(meeting, name)))
        first_publication = locked.published_at is None and meeting.is_published
        meeting.save()
        if first_publication:
            _announce_publication(meeting)
        if meeting.is_published:
            # Published here, or moved to another cell: ``_locked`` has the cell
            # and status it had before.
            search_words.refresh_later(meeting.cell_id)


def save_note_from_admin(note: Note, *, version: int | None, meeting_version_bumped: bool) -> None:
    """Save a point changed in the admin: its version, and its meeting's, go up.

    ``meeting_version_bumped`` is true for an inline of a meeting whose own
    save already bumped the version in this transaction. A point moved to
    another meeting changes both records.
    """
    note.heading, note.body = _clean(note.heading), _clean(note.body)
    with transaction.atomic():
        stored = Note.objects.filter(pk=note.pk).values_list("meeting_id", flat=True)
        previous_meeting = stored.first() if note.pk is not None else None
        meetings = {note.meeting_id, previous_meeting}
        if meeting_version_bumped:
            meetings.discard(note.meeting_id)  # locked and bumped by the meeting's save
        # Meetings first, then the point: the lock order of save_record, so the
        # two cannot deadlock.
        _bump_meetings(pk for pk in meetings if pk is not None)
        if note.pk is not None:
            current = Note.objects.select_for_update().get(pk=note.pk)
            if version is not None and current.version != version:
                raise StaleRecord(current.meeting)
            note.version = current.version + 1
        note.save()


def delete_note_from_admin(note: Note, *, meeting_version_bumped: bool) -> None:
    with transaction.atomic():
        if not meeting_version_bumped:
            _bump_meetings({note.meeting_id})
        note.delete()


def _bump_meetings(meeting_ids: Iterable[int]) -> None:
    """Lock these meetings and bump their versions, each with a history entry."""
    ids = sorted({pk for pk in meeting_ids if pk is not None})
    if not ids:
        return
    # A fixed lock order, so two bulk changes cannot deadlock.
    meetings = list(Meeting.objects.select_for_update().filter(pk__in=ids).order_by("pk"))
    Meeting.objects.filter(pk__in=ids).update(version=F("version") + 1, updated_at=timezone.now())
    for meeting in meetings:
        meeting.version += 1
    Meeting.history.bulk_history_create(meetings, update=True)
    for cell_id in {meeting.cell_id for meeting in meetings if meeting.is_published}:
        search_words.refresh_later(cell_id)


@contextmanager
def changing_points(note_ids: Iterable[int]) -> Iterator[list[int]]:
    """For set-based changes to many points (theme tools): lock their meetings,
    let the caller change the points, then bump every version and record history.
    """
    ids = sorted(set(note_ids))
    with transaction.atomic():
        meeting_ids = set(Note.objects.filter(pk__in=ids).values_list("meeting_id", flat=True))
        _bump_meetings(meeting_ids)
        yield ids
        notes = Note.objects.filter(pk__in=ids)
        notes.update(version=F("version") + 1)
        Note.history.bulk_history_create(list(notes), update=True)
        content_version.bump()


# Restoring from history.


def note_version_is_restorable(*, deleted: bool, exists: bool, is_latest: bool) -> bool:
    """A deleted point can come back while it is gone; an earlier version of a
    point can be restored while the point exists and that version is not its latest.
    """
    return not exists if deleted else exists and not is_latest


def restore_note_version(meeting: Meeting, record: Any) -> Note:
    """Bring a point back as it was in a history ``record``, even if it was deleted."""
    with _locked(meeting.pk) as locked:
        note = Note.objects.select_for_update().filter(pk=record.id).first()
        if note is not None and note.meeting_id != locked.pk:
            raise RestoreRefused(
                "This point has since been moved to another meeting, "
                f"“{note.meeting.title}”; restore it from that meeting's history."
            )
        latest = Note.history.filter(id=record.id).latest("history_date", "history_id")
        restorable = note_version_is_restorable(
            deleted=record.history_type == "-",
            exists=note is not None,
            is_latest=latest.history_id == record.history_id,
        )
        if not restorable:
            raise RestoreRefused("That version is what the point says now: nothing to restore.")
        if note is None:
            note = Note(pk=record.id, meeting=locked, author=record.author)
            taken = set(locked.notes.values_list("position", flat=True))
            note.position = record.position if record.position not in taken else max(taken) + 1
        else:
            note.version += 1
        note.heading, note.body, note.theme_names = record.heading, record.body, record.theme_names
        note.save()
        note.themes.set(themes_named(split_theme_names(record.theme_names)))
        locked.save(update_fields=["version", "updated_at"])
    return note


def restore_meeting_version(meeting: Meeting, record: Any) -> Meeting:
    with _locked(meeting.pk) as locked:
        latest = locked.history.latest("history_date", "history_id")
        if record.history_id == latest.history_id:
            raise RestoreRefused("Those are the meeting's details now: nothing to restore.")
        for name in RESTORABLE_MEETING_FIELDS:
            setattr(locked, name, getattr(record, name))
        locked.save()
    return locked
