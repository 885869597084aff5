"""Fetch one object the user may read, or answer 404.

A hidden object answers 404, not 403, so its existence does not leak.
"""

from __future__ import annotations

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
