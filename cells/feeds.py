"""An Atom feed of a cell's meetings, obeying the reader's visibility."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.contrib.syndication.views import Feed
from django.http import HttpRequest
from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed

from cells.access import AnyUser, get_visible_cell
from cells.models import Cell, Meeting

FEED_SIZE = 30


@dataclass
class _CellForReader:
    """Feed objects outlive a request, so the reader travels with the cell."""

    cell: Cell
    user: AnyUser


class CellFeed(Feed):
    feed_type = Atom1Feed

    def get_object(self, request: HttpRequest, slug: str) -> _CellForReader:
        return _CellForReader(get_visible_cell(request.user, slug), request.user)

    def title(self, obj: _CellForReader) -> str:
        return f"{obj.cell.name} · Better Way Notes"

    def link(self, obj: _CellForReader) -> str:
        return obj.cell.get_absolute_url()

    def subtitle(self, obj: _CellForReader) -> str:
        return obj.cell.description or f"Meetings of {obj.cell.name}."

    def items(self, obj: _CellForReader) -> list[Meeting]:
        meetings = Meeting.objects.visible_to(obj.user).published().filter(cell=obj.cell)
        return list(meetings.select_related("cell").order_by("-date", "-pk")[:FEED_SIZE])

    def item_title(self, meeting: Meeting) -> str:
        return meeting.title

    def item_description(self, meeting: Meeting) -> str:
        introduced = f"Introduced by {meeting.introduced_by}. " if meeting.introduced_by else ""
        return f"{introduced}{meeting.cell.name} met on {meeting.date:%-d %B %Y}."

    def item_pubdate(self, meeting: Meeting) -> datetime.datetime:
        return meeting.published_at or timezone.make_aware(
            datetime.datetime.combine(meeting.date, datetime.time(12))
        )
