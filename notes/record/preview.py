"""The editor's preview: the meeting as its page will show it, from what was
typed and nothing saved, and who will be able to read it.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.contrib.auth import get_user_model
from django.db.models.functions import Lower

from cells.models import Cell, Meeting, MeetingStatus
from notes.models import Theme
from notes.themes.naming import split_theme_names


@dataclass
class PreviewPoint:
    position: int
    heading: str
    body: str
    # What the page's template shows as the point's themes, as ``Note.chips``.
    chips: list[Theme]

    @property
    def anchor(self) -> str:
        return f"point-{self.position}"


@dataclass
class PreviewRecord:
    meeting: Meeting
    notes: list[PreviewPoint]
    attendees: list[Any]
    guests: list[str]
    names_hidden_outside: bool


def readers_of(cell: Cell) -> str:
    """Who reads the cell's published meetings, in words for a sentence."""
    if cell.visibility == "public":
        return "anyone on the internet"
    if cell.visibility == "network":
        return "everyone logged in to the network"
    members = cell.memberships.count()
    return f"the {members} member{'' if members == 1 else 's'} of {cell.name}"


def preview_record(
    cell: Cell, meeting: Meeting | None, details: dict[str, Any], points: list[Any]
) -> PreviewRecord:
    """The record as typed: ``details`` are the details form's values, ``points`` the
    point forms (skipping those ticked for deletion or left blank).
    """
    preview = Meeting(
        cell=cell,
        date=_date(details.get("date")),  # type: ignore[misc]  # unsaved: no date yet is shown as such
        title=str(details.get("title") or "").strip(),
        introduced_by=str(details.get("introduced_by") or "").strip(),
        venue=str(details.get("venue") or "").strip(),
        guest_names=str(details.get("guest_names") or ""),
        show_attendees=bool(details.get("show_attendees")),
        status=meeting.status if meeting is not None else MeetingStatus.DRAFT,
    )
    typed = [form for form in points if not form["DELETE"].value() and _has_text(form)]
    names = [_theme_names(form) for form in typed]
    themes = _themes_by_name({name.lower() for point in names for name in point})
    notes = [
        PreviewPoint(
            position=position,
            heading=str(form["heading"].value() or "").strip(),
            body=str(form["body"].value() or "").strip(),
            chips=[themes.get(name.lower()) or Theme(name=name) for name in point_names],
        )
        for position, (form, point_names) in enumerate(zip(typed, names, strict=True), start=1)
    ]
    attendee_ids = [value for value in details.get("attendees") or [] if str(value).isdigit()]
    attendees = list(
        get_user_model().objects.filter(pk__in=attendee_ids, memberships__cell=cell).distinct()
    )
    return PreviewRecord(
        meeting=preview,
        notes=notes,
        attendees=attendees,
        guests=preview.guest_list(),
        names_hidden_outside=cell.visibility != "private" and not preview.show_attendees,
    )


def _has_text(form: Any) -> bool:
    return bool(str(form["body"].value() or "").strip() or str(form["heading"].value() or ""))


def _theme_names(form: Any) -> list[str]:
    accepted = ", ".join(form["accept"].value() or [])
    return split_theme_names(f"{form['themes'].value() or ''}, {accepted}")


def _themes_by_name(lower_names: set[str]) -> dict[str, Theme]:
    if not lower_names:
        return {}
    found = Theme.objects.annotate(lower_name=Lower("name")).filter(lower_name__in=lower_names)
    return {theme.name.lower(): theme for theme in found}


def _date(value: Any) -> datetime.date | None:
    if isinstance(value, datetime.date):
        return value
    try:
        return datetime.date.fromisoformat(str(value or ""))
    except ValueError:
        return None
