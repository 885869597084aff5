"""Atom feeds of the points on a theme, obeying the reader's visibility."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.contrib.syndication.views import Feed
from django.db.models import Q
from django.http import Http404, HttpRequest
from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed

from betterway.markdown import render_markdown
from cells.access import AnyUser
from notes.models import Note, Theme

FEED_SIZE = 30


@dataclass
class _ThemeForReader:
    """Feed objects outlive a request, so the reader travels with the theme."""

    theme: Theme
    user: AnyUser


class ThemeFeed(Feed):
    feed_type = Atom1Feed

    def get_object(self, request: HttpRequest, slug: str) -> _ThemeForReader:
        found = Theme.objects.find_visible(request.user, Q(slug=slug))
        if not found:
            raise Http404("No such theme.")
        return _ThemeForReader(found[0], request.user)

    def title(self, obj: _ThemeForReader) -> str:
        return f"Points on “{obj.theme.name}” · Better Way Notes"

    def link(self, obj: _ThemeForReader) -> str:
        return obj.theme.get_absolute_url()

    def subtitle(self, obj: _ThemeForReader) -> str:
        return obj.theme.description or f"New discussion points on {obj.theme.name}."

    def items(self, obj: _ThemeForReader) -> list[Note]:
        notes = Note.objects.visible_to(obj.user).filter(tagged_items__tag=obj.theme)
        return list(notes.newest_first().select_related("meeting__cell")[:FEED_SIZE])

    def item_title(self, note: Note) -> str:
        heading = note.heading or f"Point {note.position}"
        return f"{heading} · {note.meeting.title} ({note.meeting.cell.name})"

    def item_description(self, note: Note) -> str:
        return render_markdown(note.body)

    def item_link(self, note: Note) -> str:
        return note.get_absolute_url()

    def item_pubdate(self, note: Note) -> datetime.datetime:
        meeting_day = datetime.datetime.combine(note.meeting.date, datetime.time(12))
        return timezone.make_aware(meeting_day)

    def item_updateddate(self, note: Note) -> datetime.datetime:
        return note.updated_at
