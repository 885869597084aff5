"""Admin for meetings, notes and themes.

The meeting admin lives here, not in cells/admin.py, because it shows a
meeting's notes inline and cells must not import notes.
"""

from __future__ import annotations

from django.contrib import admin
from django.db.models import Count, QuerySet
from django.http import HttpRequest
from simple_history.admin import SimpleHistoryAdmin
from taggit.models import Tag

from cells.models import Meeting
from notes.models import Note, Theme

# Themes are this project's tags; taggit's generic tags are unused and would confuse.
admin.site.unregister(Tag)


class NoteInline(admin.StackedInline):
    model = Note
    extra = 0
    ordering = ["position"]
    fields = ["position", "heading", "body", "themes", "author"]
    autocomplete_fields = ["author"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Note]:
        return super().get_queryset(request).prefetch_related("themes")


@admin.register(Meeting)
class MeetingAdmin(SimpleHistoryAdmin):
    list_display = ["title", "cell", "date", "status", "point_count"]
    list_filter = ["status", "cell", "date"]
    list_select_related = ["cell"]
    search_fields = ["title", "introduced_by", "cell__name"]
    date_hierarchy = "date"
    autocomplete_fields = ["cell", "introduced_by_user", "attendees", "created_by"]
    readonly_fields = ["published_at", "created_at", "updated_at"]
    inlines = [NoteInline]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Meeting]:
        return super().get_queryset(request).annotate(point_total=Count("notes"))

    @admin.display(description="points", ordering="point_total")
    def point_count(self, meeting: Meeting) -> int:
        return meeting.point_total


@admin.register(Note)
class NoteAdmin(SimpleHistoryAdmin):
    list_display = ["__str__", "cell", "meeting_date", "theme_names"]
    list_select_related = ["meeting__cell"]
    list_filter = ["meeting__status", "meeting__cell"]
    search_fields = ["heading", "meeting__title"]
    autocomplete_fields = ["meeting", "author"]
    readonly_fields = ["theme_names", "version", "created_at", "updated_at"]

    @admin.display(description="cell", ordering="meeting__cell__name")
    def cell(self, note: Note) -> str:
        return note.meeting.cell.name

    @admin.display(description="date", ordering="meeting__date")
    def meeting_date(self, note: Note) -> object:
        return note.meeting.date


@admin.register(Theme)
class ThemeAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "usage", "description"]
    search_fields = ["name", "keywords", "description"]
    prepopulated_fields = {"slug": ["name"]}
    fields = ["name", "slug", "description", "keywords"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Theme]:
        return super().get_queryset(request).annotate(usage_total=Count("tagged_notes"))

    @admin.display(description="points", ordering="usage_total")
    def usage(self, theme: Theme) -> int:
        return theme.usage_total
