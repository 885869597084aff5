"""Three-way merge of an edit that began from an older version of the record.

The editor says which version of the meeting (and of each point) it started
from; history holds those versions. Against that base, what only the
facilitator changed and what only someone else changed both survive: other
fields, other points, points added on either side. Only the same field (or
point) changed on both sides to different values is a clash, for the
facilitator to decide.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field, replace
from typing import Any

from django.contrib.auth import get_user_model

from cells.models import Meeting
from notes.models import Note, format_theme_names, split_stored_theme_names
from notes.record.services import PointInput

DETAIL_FIELDS = [
    "date",
    "title",
    "introduced_by",
    "introduced_by_user",
    "guest_names",
    "venue",
    "show_attendees",
]
DETAIL_LABELS = {
    "date": "Date",
    "title": "Topic",
    "introduced_by": "Introduced by",
    "introduced_by_user": "Introducer's account",
    "guest_names": "Guests",
    "venue": "Where",
    "show_attendees": "Show who attended outside the cell",
    "attendees": "Attended",
}
POINT_FIELDS = {"heading": "Heading", "body": "Text", "themes": "Themes"}


@dataclass
class Clash:
    """One field, or one point's field, changed on both sides."""

    label: str
    key: str  # the editor's field name: "title", "points-2-body"
    mine: Any
    theirs: Any
    base: Any = None


@dataclass
class Merged:
    details: dict[str, Any]
    attendees: list[int]
    points: list[PointInput]
    clashes: list[Clash] = field(default_factory=list)
    # For the clash page: every detail side by side, (label, mine, theirs), as
    # stored (``readable_rows`` puts them in words).
    detail_rows: list[tuple[str, Any, Any]] = field(default_factory=list)


def _pick(base: Any, mine: Any, theirs: Any, resolved: bool = False) -> tuple[Any, bool]:
    """The merged value, and whether it clashes (``resolved``: the facilitator chose mine)."""
    if resolved:
        return mine, False
    if mine in (theirs, base):
        return theirs, False
    if theirs == base:
        return mine, False
    return mine, True


def merge_record(
    meeting: Meeting,
    details: dict[str, Any],
    attendees: list[int],
    attendees_was: list[int] | None,
    points: list[PointInput],
    deleted: dict[int, int | None],
    base_version: int,
    resolved: frozenset[str] = frozenset(),
) -> Merged:
    """Merge the facilitator's edit (from ``base_version``) with the record as it is now.

    ``details`` and ``points`` are what the editor posted; ``deleted`` the
    points it deleted (id: the version it saw); ``resolved`` the clashes the
    facilitator already decided (their choice is in ``details`` / ``points``).
    Points come back with the current versions, so saving the merge over the
    current version succeeds.
    """
    base = (
        Meeting.history.filter(id=meeting.pk, version=base_version)
        .order_by("-history_date", "-history_id")
        .first()
    )
    merged = Merged(details={}, attendees=[], points=[])
    for name in DETAIL_FIELDS:
        theirs = _detail(meeting, name)
        mine = _plain(details.get(name))
        was = _detail(base, name) if base is not None else theirs
        value, clash = _pick(was, mine, theirs, name in resolved)
        merged.details[name] = details.get(name) if value == mine else getattr(meeting, name)
        merged.detail_rows.append((DETAIL_LABELS[name], mine, theirs))
        if clash:
            merged.clashes.append(Clash(DETAIL_LABELS[name], name, mine, theirs, was))
    theirs_attendees = sorted(meeting.attendees.values_list("pk", flat=True))
    was_attendees = sorted(attendees_was) if attendees_was is not None else theirs_attendees
    value, clash = _pick(
        was_attendees, sorted(attendees), theirs_attendees, "attendees" in resolved
    )
    merged.attendees = list(value)
    label = DETAIL_LABELS["attendees"]
    if clash:
        merged.clashes.append(
            Clash(label, "attendees", sorted(attendees), theirs_attendees, was_attendees)
        )
    merged.detail_rows.append((label, sorted(attendees), theirs_attendees))
    _merge_points(meeting, points, deleted, merged, resolved)
    return merged


def readable_rows(rows: list[tuple[str, Any, Any]]) -> list[tuple[str, Any, Any]]:
    """``Merged.detail_rows`` in words, for the clash page: people by name, yes or
    no, dates in full.
    """
    people_ids: set[int] = set()
    for label, mine, theirs in rows:
        if label in {DETAIL_LABELS["introduced_by_user"], DETAIL_LABELS["attendees"]}:
            for value in (mine, theirs):
                people_ids.update(value if isinstance(value, list) else [value] if value else [])
    names = {
        user.pk: user.get_display_name()
        for user in get_user_model().objects.filter(pk__in=people_ids)
    }

    def words(value: Any) -> Any:
        if isinstance(value, bool):
            return "Yes" if value else "No"
        if isinstance(value, datetime.date):
            return f"{value.day} {value:%B %Y}"
        return value

    readable = []
    for label, mine, theirs in rows:
        if label == DETAIL_LABELS["attendees"]:
            mine, theirs = (", ".join(names.get(pk, "?") for pk in side) for side in (mine, theirs))
        elif label == DETAIL_LABELS["introduced_by_user"]:
            mine, theirs = names.get(mine, ""), names.get(theirs, "")
        readable.append((label, words(mine), words(theirs)))
    return readable


def _merge_points(
    meeting: Meeting,
    points: list[PointInput],
    deleted: dict[int, int | None],
    merged: Merged,
    resolved: frozenset[str],
) -> None:
    current = {note.pk: note for note in meeting.notes.order_by("position")}
    seen: set[int] = set(deleted)
    for number, point in enumerate(points, start=1):
        if point.id is None:
            merged.points.append(point)  # new on my side
            continue
        seen.add(point.id)
        theirs = current.get(point.id)
        base = _note_version(point.id, point.version)
        mine_values = _input_values(point)
        if theirs is None:
            # Deleted meanwhile: gone, unless I changed it (then I decide).
            if f"point-{point.id}" in resolved:
                merged.points.append(replace(point, id=None, version=None))
            elif base is None or mine_values != _note_values(base):
                label = f"Point {number} (deleted meanwhile)"
                merged.clashes.append(Clash(label, f"point-{point.id}", mine_values, None))
            continue
        theirs_values = _note_values(theirs)
        base_values = _note_values(base) if base is not None else theirs_values
        values = {}
        for name, label in POINT_FIELDS.items():
            key = f"{point.key}-{name}"
            value, clash = _pick(
                base_values[name], mine_values[name], theirs_values[name], key in resolved
            )
            values[name] = value
            if clash:
                shown_theirs = theirs.theme_names if name == "themes" else theirs_values[name]
                shown_mine = ", ".join(point.themes) if name == "themes" else mine_values[name]
                label = f"Point {number}, {label.lower()}"
                merged.clashes.append(
                    Clash(label, key, shown_mine, shown_theirs, base_values[name])
                )
        themes = point.themes if values["themes"] == mine_values["themes"] else theirs_names(theirs)
        merged.points.append(
            replace(
                point,
                heading=values["heading"],
                body=values["body"],
                themes=themes,
                version=theirs.version,
            )
        )
    for note_id, seen_version in deleted.items():
        theirs = current.get(note_id)
        if theirs is None or theirs.version == seen_version or f"point-{note_id}" in resolved:
            continue  # deleted on my side, unchanged on theirs (or I insist): it goes
        # They changed a point I deleted: I decide; meanwhile it stays.
        label = f"Point {theirs.position} (you deleted it)"
        merged.clashes.append(Clash(label, f"point-{note_id}", None, _note_values(theirs)))
        merged.points.append(_kept(theirs))
    # Points added by someone else meanwhile stay, after mine.
    for note in current.values():
        if note.pk not in seen:
            merged.points.append(_kept(note))


def _kept(note: Note) -> PointInput:
    return PointInput(
        heading=note.heading,
        body=note.body,
        themes=theirs_names(note),
        id=note.pk,
        version=note.version,
    )


def theirs_names(note: Note) -> list[str]:
    return split_stored_theme_names(note.theme_names)


def _input_values(point: PointInput) -> dict[str, str]:
    # Theme names compared without regard to case, as themes are named.
    return {"heading": point.heading, "body": point.body, "themes": _names(point.themes)}


def _note_version(note_id: int, version: int | None) -> Any:
    if version is None:
        return None
    return (
        Note.history.filter(id=note_id, version=version)
        .order_by("-history_date", "-history_id")
        .first()
    )


def _note_values(note: Any) -> dict[str, str]:
    return {"heading": note.heading, "body": note.body, "themes": note.theme_names.lower()}


def _names(themes: list[str]) -> str:
    return format_theme_names(themes).lower()


def _detail(meeting: Any, name: str) -> Any:
    if name == "introduced_by_user":
        return meeting.introduced_by_user_id
    return _plain(getattr(meeting, name))


def _plain(value: Any) -> Any:
    """Values compared as the editor and history hold them: a user as its id."""
    return getattr(value, "pk", value)
