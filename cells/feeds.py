"""A cell's meetings as an Atom feed and as a calendar, obeying the reader's visibility."""

from __future__ import annotations

import datetime
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.views.decorators.http import require_safe

from betterway.feeds import SITE_NAME, ForReader, ReaderFeed
from betterway.ical import Event, calendar_response
from cells.access import AnyUser, get_visible_cell
from cells.models import Cell, Meeting


class CellFeed(ReaderFeed):
    def get_object(self, request: HttpRequest, slug: str, **kwargs: Any) -> ForReader[Cell]:
        user = self.reader(request, **kwargs)
        return ForReader(get_visible_cell(user, slug), user)

    def title(self, obj: ForReader[Cell]) -> str:
        return f"{obj.subject.name} · {SITE_NAME}"

    def subtitle(self, obj: ForReader[Cell]) -> str:
        return obj.subject.description or f"Meetings of {obj.subject.name}."

    def items(self, obj: ForReader[Cell]) -> list[Meeting]:
        meetings = Meeting.objects.visible_to(obj.user).published().filter(cell=obj.subject)
        return list(meetings.select_related("cell").order_by("-date", "-pk")[: self.size])

    def item_title(self, meeting: Meeting) -> str:
        return meeting.title

    def item_description(self, meeting: Meeting) -> str:
        introduced = f"Introduced by {meeting.introduced_by}. " if meeting.introduced_by else ""
        return f"{introduced}{meeting.cell.name} met on {meeting.date:%-d %B %Y}."

    def item_author_name(self, meeting: Meeting) -> str:
        return meeting.cell.name

    def item_updateddate(self, meeting: Meeting) -> datetime.datetime:
        return meeting.updated_at

    def item_pubdate(self, meeting: Meeting) -> datetime.datetime:
        return meeting.published_at or timezone.make_aware(
            datetime.datetime.combine(meeting.date, datetime.time(12))
        )


CALENDAR_SIZE = 500


def calendar_of(request: HttpRequest, user: AnyUser, slug: str) -> HttpResponse:
    """The cell's published meetings as an iCalendar document, as ``user`` may read them."""
    cell = get_visible_cell(user, slug)
    meetings = (
        Meeting.objects.visible_to(user)
        .published()
        .filter(cell=cell)
        .select_related("cell")
        .order_by("-date", "-pk")[:CALENDAR_SIZE]
    )
    host = request.get_host().split(":")[0]
    events = [
        Event(
            uid=f"meeting-{meeting.pk}@{host}",
            day=meeting.date,
            summary=f"{meeting.title} ({cell.name})",
            description=CellFeed().item_description(meeting),
            url=request.build_absolute_uri(meeting.get_absolute_url()),
            stamp=meeting.updated_at,
        )
        for meeting in meetings
    ]
    return calendar_response(f"{cell.name} · {SITE_NAME}", events, f"{cell.slug}.ics")


@require_safe
def cell_calendar(request: HttpRequest, slug: str) -> HttpResponse:
    return calendar_of(request, request.user, slug)
