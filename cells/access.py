"""Fetch one object the user may read, or answer 404.

A hidden object answers 404, not 403, so its existence does not leak; one the
user may read but not change answers 403.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404

from cells.models import AnyUser, Cell, Meeting, MeetingQuerySet


def get_visible_cell(user: AnyUser, slug: str) -> Cell:
    return get_object_or_404(Cell.objects.visible_to(user), slug=slug)


def get_visible_meeting(
    user: AnyUser, cell_slug: str, pk: int, meetings: MeetingQuerySet | None = None
) -> Meeting:
    """The meeting ``pk`` of cell ``cell_slug``; ``meetings`` may add joins and prefetches."""
    if meetings is None:
        meetings = Meeting.objects.all()
    return get_object_or_404(
        meetings.visible_to(user).select_related("cell"), pk=pk, cell__slug=cell_slug
    )


def get_editable_cell(user: AnyUser, slug: str) -> Cell:
    cell = get_visible_cell(user, slug)
    if not cell.is_editable_by(user):
        raise PermissionDenied("Only the cell's facilitators can record its meetings.")
    return cell


def get_editable_meeting(
    user: AnyUser, cell_slug: str, pk: int, meetings: MeetingQuerySet | None = None
) -> Meeting:
    meeting = get_visible_meeting(user, cell_slug, pk, meetings)
    if not meeting.cell.is_editable_by(user):
        raise PermissionDenied("Only the cell's facilitators can change its meetings.")
    return meeting
