"""Pages of the organisation: the cell list, a cell, a meeting."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.paginator import Paginator
from django.db.models import Count, Max, Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from betterway.highlighting import words_to_mark
from cells.access import (
    AnyUser,
    get_visible_cell,
    get_visible_meeting,
    is_insider,
    reader_of,
)
from cells.models import Cell, Meeting, MeetingStatus, Role
from cells.page_parts import page_parts
from cells.sharing import cached

CELLS_PER_PAGE = 30
MEETINGS_PER_PAGE = 20


@require_safe
def cell_list(request: HttpRequest) -> HttpResponse:
    published = Q(meetings__status=MeetingStatus.PUBLISHED)
    # "Your cells": the cells the member belongs to, linked from the dashboard.
    mine = False
    cells = Cell.objects.visible_to(request.user)
    if request.user.is_authenticated and request.GET.get("mine") == "1":
        mine = True
        cells = cells.filter(memberships__user=request.user)
    cells = cells.annotate(
        meeting_count=Count("meetings", filter=published),
        last_met=Max("meetings__date", filter=published),
    ).order_by("name")
    page = Paginator(cells, CELLS_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "cells/cell_list.html", {"page": page, "mine": mine})


@require_safe
def cell_detail(request: HttpRequest, slug: str) -> HttpResponse:
    cell = get_visible_cell(request.user, slug)
    can_edit = reader_of(request.user).may_edit_cell(cell.pk)
    # The drafts, themes and meetings are the same for every reader of the same
    # cells (who may edit the cell is part of that); the follow button, the
    # members' names and the actions' "Mark done" forms are not.
    drafts_and_themes, meetings = page_parts(
        request,
        "cell",
        lambda: _cell_context(request, cell, can_edit),
        "cells/_cell_drafts_and_themes.html",
        "cells/_cell_meetings.html",
    )
    memberships = list(cell.memberships.select_related("user").order_by("user__username"))
    # Members' names are for the cell and the network's staff, not every reader.
    insider = is_insider(request.user, cell.pk)
    context = {
        "cell": cell,
        "can_edit": can_edit,
        "drafts_and_themes": drafts_and_themes,
        "meetings": meetings,
        "facilitators": [m.user for m in memberships if m.role == Role.FACILITATOR],
        "members": [m.user for m in memberships if m.role == Role.MEMBER] if insider else None,
    }
    return render(request, "cells/cell_detail.html", context)


def _cell_context(request: HttpRequest, cell: Cell, can_edit: bool) -> dict[str, Any]:
    meetings = (
        Meeting.objects.filter(reader_of(request.user).cell_meetings_q(cell.pk))
        .select_related("cell")
        .with_point_counts()
        .order_by("-date", "-pk")
    )
    # The facilitator's unfinished work first; the list below still has every meeting.
    drafts = (
        list(meetings.filter(status=MeetingStatus.DRAFT)[:MEETINGS_PER_PAGE]) if can_edit else []
    )
    return {
        "cell": cell,
        "can_edit": can_edit,
        "drafts": drafts,
        "page": Paginator(meetings, MEETINGS_PER_PAGE).get_page(request.GET.get("page")),
    }


@require_safe
def meeting_detail(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    meeting = get_visible_meeting(request.user, slug, pk)
    highlight = request.GET.get("highlight", "")[:200].strip()
    notes: QuerySet[Any] | list[Any]
    if highlight:
        # Opened from search results: the points are rendered with the reader's
        # words marked, for them alone.
        notes = list(_points(meeting))
        search = _search_context(request, highlight, notes)
    else:
        # Not read here: the ``points`` tag renders them once for readers of the
        # same cells, and takes them from the cache after.
        notes, search = _points(meeting), {}
    previous, following = cached(
        request.user, "meeting-neighbours", lambda: _neighbours(request.user, meeting), meeting.pk
    )
    context = {
        "meeting": meeting,
        "notes": notes,
        "attendees": meeting.attendees.all(),
        "previous": previous,
        "next": following,
        "can_edit": reader_of(request.user).may_edit_cell(meeting.cell_id),
        "show_names": meeting.names_shown_to(request.user),
        **search,
    }
    return render(request, "cells/meeting_detail.html", context)


@dataclass(frozen=True)
class MeetingLink:
    """Another meeting of the cell, as the page links to it."""

    title: str
    url: str


def _neighbours(user: AnyUser, meeting: Meeting) -> tuple[MeetingLink | None, ...]:
    """The previous and next meetings the reader may read, as links (cached: small)."""
    return tuple(
        MeetingLink(other.title, other.get_absolute_url()) if other else None
        for other in meeting.neighbours(user)
    )


def _search_context(request: HttpRequest, highlight: str, notes: list[Any]) -> dict[str, Any]:
    """Opened from search results: the words to mark, and the way back to the results."""
    back = request.GET.get("back", "")
    texts = [f"{note.heading} {note.body}" for note in notes]
    return {
        "highlight": highlight,
        "highlight_words": words_to_mark(highlight, texts),
        # Only a search page of this site, never an address from elsewhere.
        "back_to_results": back if back.startswith("/search/") else "",
    }


def _points(meeting: Meeting) -> QuerySet[Any]:
    """The meeting's points in order, each knowing its meeting (their themes
    are read as they are rendered, by the ``points`` tag).

    Only the columns the page shows are read: the driver would parse every word
    of a hundred search vectors, and each column read costs every row its
    conversion.
    """
    points: QuerySet[Any] = meeting.notes.order_by("position")
    return points.only("meeting", "position", "heading", "body")
