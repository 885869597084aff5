"""Atom feeds of discussion points, obeying the reader's visibility: a theme's points."""

from __future__ import annotations

import datetime
from typing import Any

from django.http import Http404, HttpRequest
from django.utils import timezone

from betterway.feeds import SITE_NAME, ForReader, ReaderFeed
from betterway.markdown import render_markdown
from notes.models import Note, Theme


class PointFeed(ReaderFeed):
    """Entries that are points: each links to the point in its meeting."""

    def item_title(self, note: Note) -> str:
        heading = note.heading or f"Point {note.position}"
        return f"{heading} · {note.meeting.title} ({note.meeting.cell.name})"

    def item_description(self, note: Note) -> str:
        return render_markdown(note.body)

    def item_author_name(self, note: Note) -> str:
        return note.meeting.cell.name

    def item_link(self, note: Note) -> str:
        return note.get_absolute_url()

    def item_pubdate(self, note: Note) -> datetime.datetime:
        meeting_day = datetime.datetime.combine(note.meeting.date, datetime.time(12))
        return timezone.make_aware(meeting_day)

    def item_updateddate(self, note: Note) -> datetime.datetime:
        return note.updated_at


class ThemeFeed(PointFeed):
    def get_object(self, request: HttpRequest, slug: str, **kwargs: Any) -> ForReader[Theme]:
        user = self.reader(request, **kwargs)
        theme = Theme.objects.visible_at(user, slug)
        if theme is None:
            raise Http404("No such theme.")
        return ForReader(theme, user)

    def title(self, obj: ForReader[Theme]) -> str:
        return f"Points on “{obj.subject.name}” · {SITE_NAME}"

    def subtitle(self, obj: ForReader[Theme]) -> str:
        about = obj.subject.description or f"New discussion points on {obj.subject.name}."
        if obj.user.is_authenticated:
            return about
        return f"{about} Public cells only: your private feed link shows all you may read."

    def items(self, obj: ForReader[Theme]) -> list[Note]:
        notes = Note.objects.visible_to(obj.user).filter(tagged_items__tag=obj.subject)
        return list(notes.newest_first().select_related("meeting__cell")[: self.size])
