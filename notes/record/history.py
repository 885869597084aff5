"""A meeting's history: every saved version of it and its points, with differences."""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from cells.models import Meeting
from notes.models import Note
from notes.record.services import note_version_is_restorable

_MEETING_FIELDS = {
    "date": "Date",
    "title": "Topic",
    "introduced_by": "Introduced by",
    "venue": "Where",
    "guest_names": "Guests",
    "status": "Status",
}
_NOTE_FIELDS = {
    "position": "Position",
    "heading": "Heading",
    "body": "Text",
    "theme_names": "Themes",
}
HISTORY_KINDS = {"+": "added", "~": "changed", "-": "deleted"}


@dataclass
class Change:
    label: str
    diff: SafeString


@dataclass
class Entry:
    when: datetime
    who: Any
    subject: str
    kind: str
    record: Any
    changes: list[Change] = field(default_factory=list)
    restorable: bool = False
    is_note: bool = False


def word_diff(old: str, new: str) -> SafeString:
    """Words removed in <del>, added in <ins>; everything escaped."""
    old_words, new_words = str(old).split(), str(new).split()
    parts: list[str] = []
    matcher = difflib.SequenceMatcher(a=old_words, b=new_words, autojunk=False)
    for op, a1, a2, b1, b2 in matcher.get_opcodes():
        if op == "equal":
            parts.append(escape(" ".join(old_words[a1:a2])))
            continue
        if a2 > a1:
            parts.append(f"<del>{escape(' '.join(old_words[a1:a2]))}</del>")
        if b2 > b1:
            parts.append(f"<ins>{escape(' '.join(new_words[b1:b2]))}</ins>")
    return mark_safe(" ".join(parts))  # noqa: S308 - every word escaped above


def changes_between(previous: Any, record: Any, fields: dict[str, str]) -> list[Change]:
    """What changed from one history record to the next, field by field."""
    changes = []
    for name, label in fields.items():
        new = getattr(record, name)
        old = getattr(previous, name) if previous is not None else ""
        if previous is None or old != new:
            changes.append(Change(label, word_diff(old if previous else "", new)))
    return changes


def entries(meeting: Meeting) -> list[Entry]:
    """Every version of the meeting and its points, newest first."""
    from notes.record.panels import panels

    found = _meeting_entries(meeting) + _note_entries(meeting)
    for panel in panels():
        found += panel.history(meeting)
    found.sort(key=lambda entry: entry.when, reverse=True)
    return found


def _meeting_entries(meeting: Meeting) -> list[Entry]:
    """Versions of the details; each restorable unless it is what stands now."""
    found = []
    previous = None
    records = list(meeting.history.select_related("history_user").order_by("history_date"))
    for record in records:
        changes = changes_between(previous, record, _MEETING_FIELDS)
        if changes or previous is None:
            kind = HISTORY_KINDS[record.history_type]
            restorable = record is not records[-1]
            found.append(
                Entry(
                    record.history_date,
                    record.history_user,
                    "Meeting details",
                    kind,
                    record,
                    changes,
                    restorable=restorable,
                )
            )
        previous = record
    return found


def _note_entries(meeting: Meeting) -> list[Entry]:
    """Versions of the points, including deleted ones, each against the one before."""
    existing = set(meeting.notes.values_list("pk", flat=True))
    records = list(
        Note.history.filter(meeting_id=meeting.pk)
        .select_related("history_user")
        .order_by("id", "history_date", "history_id")
    )
    latest = {record.id: record for record in records}
    previous_of: dict[int, Any] = {}
    found = []
    for record in records:
        before = previous_of.get(record.id)
        kind = HISTORY_KINDS[record.history_type]
        changes = [] if kind == "deleted" else changes_between(before, record, _NOTE_FIELDS)
        if changes or kind != "changed":
            restorable = note_version_is_restorable(
                deleted=kind == "deleted",
                exists=record.id in existing,
                is_latest=record is latest[record.id],
            )
            found.append(
                Entry(
                    record.history_date,
                    record.history_user,
                    f"Point {record.position}",
                    kind,
                    record,
                    changes,
                    restorable=restorable,
                    is_note=True,
                )
            )
        previous_of[record.id] = before if kind == "deleted" else record
    return found
