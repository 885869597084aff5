"""An Atom feed of a cell's meetings, obeying the reader's visibility."""

from __future__ import annotations

import datetime

from django.http import HttpRequest
from django.utils import timezone

from betterway.feeds import SITE_NAME, ForReader, ReaderFeed
from cells.access import get_visible_cell
from cells.models import Cell, Meeting


class CellFeed(ReaderFeed):
    def get_object(self, request: HttpRequest, slug: str) -> ForReader[Cell]:
        return ForReader(get_visible_cell(request.user, slug), request.user)

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

    def item_pubdate(self, meeting: Meeting) -> datetime.datetime:
        return meeting.published_at or timezone.make_aware(
            datetime.datetime.combine(meeting.date, datetime.time(12))
        )
