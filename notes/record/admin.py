"""Admin of meetings and their points; every write goes through notes.record.services."""

from __future__ import annotations

import csv
import datetime
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.db.models import (
    Count,
    Exists,
    OuterRef,
    Q,
    QuerySet,
)
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from simple_history.admin import SimpleHistoryAdmin

from cells.models import Meeting, MeetingStatus
from notes.models import Note, Theme, format_theme_names, websearch
from notes.record import services
from notes.themes.admin import theme_action

FILTER_THEMES = 40


class _VersionedForm(forms.ModelForm):
    """Carries the version the admin page was opened at, so a change saved by
    someone else meanwhile is reported instead of overwritten.
    """

    seen_version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    STALE = (
        "Someone saved this {what} after you opened this page. Your changes are still "
        "here: copy what you need, then open the {what} again to see theirs."
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["seen_version"].initial = self.instance.version

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        seen = data.get("seen_version")
        if self.instance.pk and seen is not None and seen != self.instance.version:
            what = self._meta.model._meta.verbose_name
            raise forms.ValidationError(self.STALE.format(what=what), code="stale")
        return data


class ThemeListFilter(admin.SimpleListFilter):
    """The most used themes; any theme works through the URL (?theme=slug)."""

    title = "theme"
    parameter_name = "theme"
    lookup = "tagged_items__tag__slug"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        themes = Theme.objects.annotate(uses=Count("tagged_notes")).order_by("-uses", "name")
        return [(t.slug, t.name) for t in themes[:FILTER_THEMES]]

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        if not self.value():
            return queryset
        return queryset.filter(**{self.lookup: self.value()}).distinct()


class MeetingThemeFilter(ThemeListFilter):
    lookup = "notes__tagged_items__tag__slug"


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
    list_filter = ["status", "cell", MeetingThemeFilter, "date"]
    list_select_related = ["cell"]
    search_fields = ["title"]
    search_help_text = "Words in the topic or in any point (full-text, English stemming)."
    date_hierarchy = "date"
    autocomplete_fields = ["cell", "introduced_by_user", "attendees", "created_by"]
    readonly_fields = ["published_at", "created_at", "updated_at", "version"]
    inlines = [NoteInline]
    actions = ["publish", "unpublish", "add_theme_to_points", "remove_theme_from_points"]

    form = _VersionedForm

    def get_queryset(self, request: HttpRequest) -> QuerySet[Meeting]:
        return super().get_queryset(request).annotate(point_total=Count("notes"))

    def save_model(self, request: HttpRequest, obj: Meeting, form: Any, change: bool) -> None:
        services.save_meeting_from_admin(obj, version=form.cleaned_data.get("seen_version"))

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        """Points of the inline: saved through the record's write path, with theme
        names set first so each history entry shows the point's themes.
        """
        changed = formset.save(commit=False)
        for note in formset.deleted_objects:
            services.delete_note_from_admin(note, meeting_version_bumped=True)
        for point_form in formset.forms:
            if point_form.instance in changed:
                note = point_form.instance
                note.theme_names = format_theme_names(point_form.cleaned_data.get("themes", []))
                services.save_note_from_admin(note, version=None, meeting_version_bumped=True)
        formset.save_m2m()

    def get_search_results(
        self, request: HttpRequest, queryset: QuerySet, search_term: str
    ) -> tuple[QuerySet, bool]:
        if not search_term.strip():
            return queryset, False
        matching = Note.objects.filter(meeting=OuterRef("pk"), search_vector=websearch(search_term))
        return queryset.filter(Exists(matching) | Q(title__icontains=search_term)), False

    @admin.display(description="points", ordering="point_total")
    def point_count(self, meeting: Meeting) -> int:
        return meeting.point_total  # type: ignore[attr-defined]  # annotated by get_queryset

    def _set_status(self, request: HttpRequest, meetings: QuerySet, status: str) -> None:
        changed = 0
        for meeting in meetings.exclude(status=status):
            services.set_status(meeting, status)  # one by one: each in its meeting's history
            changed += 1
        label = "Published" if status == MeetingStatus.PUBLISHED else "Unpublished"
        self.message_user(request, f"{label} {changed} meeting(s).", messages.SUCCESS)

    @admin.action(description="Publish selected meetings", permissions=["change"])
    def publish(self, request: HttpRequest, queryset: QuerySet) -> None:
        self._set_status(request, queryset, MeetingStatus.PUBLISHED)

    @admin.action(description="Unpublish selected meetings (back to draft)", permissions=["change"])
    def unpublish(self, request: HttpRequest, queryset: QuerySet) -> None:
        self._set_status(request, queryset, MeetingStatus.DRAFT)

    @admin.action(
        description="Add a theme to every point of the selected meetings", permissions=["change"]
    )
    def add_theme_to_points(self, request: HttpRequest, queryset: QuerySet) -> Any:
        notes = Note.objects.filter(meeting__in=queryset)
        return theme_action(
            self,
            request,
            notes,
            adding=True,
            selected=queryset,
            title="Add a theme to the points of these meetings",
        )

    @admin.action(
        description="Remove a theme from the points of the selected meetings",
        permissions=["change"],
    )
    def remove_theme_from_points(self, request: HttpRequest, queryset: QuerySet) -> Any:
        notes = Note.objects.filter(meeting__in=queryset)
        return theme_action(
            self,
            request,
            notes,
            adding=False,
            selected=queryset,
            title="Remove a theme from the points of these meetings",
        )


class CsvEscape:
    """Spreadsheet programs run cells starting with = + - @ as formulas; defuse them."""

    @staticmethod
    def cell(value: object) -> str:
        text = "" if value is None else str(value)
        return f"'{text}" if text[:1] in {"=", "+", "-", "@", "\t", "\r"} else text


@admin.register(Note)
class NoteAdmin(SimpleHistoryAdmin):
    list_display = ["__str__", "cell", "meeting_date", "theme_names"]
    list_select_related = ["meeting__cell"]
    list_filter = ["meeting__status", "meeting__cell", ThemeListFilter, "meeting__date"]
    search_fields = ["heading"]
    search_help_text = "Full-text: words, “phrases”, -exclusions, or (English stemming)."
    autocomplete_fields = ["meeting", "author"]
    readonly_fields = ["theme_names", "version", "created_at", "updated_at"]
    actions = ["add_theme_to_notes", "remove_theme_from_notes", "export_csv"]

    def get_search_results(
        self, request: HttpRequest, queryset: QuerySet, search_term: str
    ) -> tuple[QuerySet, bool]:
        if not search_term.strip():
            return queryset, False
        return queryset.filter(search_vector=websearch(search_term)), False

    form = _VersionedForm

    def save_model(self, request: HttpRequest, obj: Note, form: Any, change: bool) -> None:
        obj.theme_names = format_theme_names(form.cleaned_data.get("themes", []))
        version = form.cleaned_data.get("seen_version")
        services.save_note_from_admin(obj, version=version, meeting_version_bumped=False)

    def delete_model(self, request: HttpRequest, obj: Note) -> None:
        services.delete_note_from_admin(obj, meeting_version_bumped=False)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet) -> None:
        for note in queryset:
            services.delete_note_from_admin(note, meeting_version_bumped=False)

    @admin.display(description="cell", ordering="meeting__cell__name")
    def cell(self, note: Note) -> str:
        return note.meeting.cell.name

    @admin.display(description="date", ordering="meeting__date")
    def meeting_date(self, note: Note) -> datetime.date:
        return note.meeting.date

    @admin.action(description="Add a theme to the selected points", permissions=["change"])
    def add_theme_to_notes(self, request: HttpRequest, queryset: QuerySet) -> Any:
        return theme_action(
            self,
            request,
            queryset,
            adding=True,
            selected=queryset,
            title="Add a theme to these points",
        )

    @admin.action(description="Remove a theme from the selected points", permissions=["change"])
    def remove_theme_from_notes(self, request: HttpRequest, queryset: QuerySet) -> Any:
        return theme_action(
            self,
            request,
            queryset,
            adding=False,
            selected=queryset,
            title="Remove a theme from these points",
        )

    @admin.action(description="Export the selected points as CSV", permissions=["view"])
    def export_csv(self, request: HttpRequest, queryset: QuerySet) -> HttpResponse:
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        stamp = timezone.localtime().strftime("%Y-%m-%d-%H%M")
        response["Content-Disposition"] = f'attachment; filename="points-{stamp}.csv"'
        writer = csv.writer(response)
        writer.writerow(["cell", "meeting", "date", "position", "heading", "themes", "text"])
        notes = queryset.select_related("meeting__cell").order_by(
            "meeting__cell__name", "meeting__date", "meeting_id", "position"
        )
        for note in notes.iterator(chunk_size=2000):
            row = [
                note.meeting.cell.name,
                note.meeting.title,
                note.meeting.date.isoformat(),
                note.position,
                note.heading,
                note.theme_names,
                note.body,
            ]
            writer.writerow([CsvEscape.cell(value) for value in row])
        return response
