"""Admin for meetings, notes and themes.

The meeting admin lives here, not in cells/admin.py, because it shows a
meeting's notes inline and cells must not import notes.
"""

from __future__ import annotations

import csv
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.postgres.search import SearchQuery
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.db.models.functions import Lower
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from simple_history.admin import SimpleHistoryAdmin
from taggit.models import Tag

from cells.models import Meeting, MeetingStatus
from notes.models import SEARCH_CONFIG, Note, Theme, ThemeAlias
from notes.services import add_theme, merge_themes, remove_theme, set_status, themes_named

# Themes are this project's tags; taggit's generic tags are unused and would confuse.
admin.site.unregister(Tag)

SIMILARITY = 0.4
FILTER_THEMES = 40


def _full_text(term: str) -> SearchQuery:
    return SearchQuery(term, config=SEARCH_CONFIG, search_type="websearch")


def _log(request: HttpRequest, obj: Any, message: str) -> None:
    """Record a bulk change in the object's admin history, with who and when."""
    LogEntry.objects.log_actions(
        user_id=request.user.pk, queryset=[obj], action_flag=CHANGE, change_message=message,
        single_object=True,
    )  # fmt: skip


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


class ThemeNameForm(forms.Form):
    name = forms.CharField(
        label="Theme", max_length=100,
        help_text="An existing theme (any case) or a new one, which is created.",
    )  # fmt: skip


class ThemeChoiceForm(forms.Form):
    theme = forms.ModelChoiceField(queryset=Theme.objects.none(), label="Theme")


def _theme_action(modeladmin: Any, request: HttpRequest, notes: QuerySet, *, adding: bool,
                  selected: QuerySet, title: str) -> HttpResponse | None:  # fmt: skip
    """Ask which theme, then add it to or remove it from ``notes`` in one operation."""
    if adding:
        form: forms.Form = ThemeNameForm(request.POST if "apply" in request.POST else None)
    else:
        form = ThemeChoiceForm(request.POST if "apply" in request.POST else None)
        form.fields["theme"].queryset = Theme.objects.filter(
            tagged_notes__content_object__in=notes
        ).distinct().order_by(Lower("name"))  # fmt: skip
    if form.is_bound and form.is_valid():
        if adding:
            theme = themes_named([form.cleaned_data["name"]])[0]
            count = add_theme(notes, theme)
        else:
            theme = form.cleaned_data["theme"]
            count = remove_theme(notes, theme)
        verb = "Added" if adding else "Removed"
        message = f"{verb} theme “{theme.name}” {'to' if adding else 'from'} {count} point(s)."
        _log(request, theme, message)
        modeladmin.message_user(request, message, messages.SUCCESS)
        return None
    context = {
        **modeladmin.admin_site.each_context(request), "title": title, "form": form,
        "selected": selected, "action": request.POST.get("action"), "opts": modeladmin.model._meta,
        "point_count": notes.count(),
    }  # fmt: skip
    return TemplateResponse(request, "admin/notes/theme_action.html", context)


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

    def get_queryset(self, request: HttpRequest) -> QuerySet[Meeting]:
        return super().get_queryset(request).annotate(point_total=Count("notes"))

    def get_search_results(self, request: HttpRequest, queryset: QuerySet,
                           search_term: str) -> tuple[QuerySet, bool]:  # fmt: skip
        if not search_term.strip():
            return queryset, False
        matching = Note.objects.filter(meeting=OuterRef("pk"), search_vector=_full_text(
            search_term))  # fmt: skip
        return queryset.filter(Exists(matching) | Q(title__icontains=search_term)), False

    @admin.display(description="points", ordering="point_total")
    def point_count(self, meeting: Meeting) -> int:
        return meeting.point_total

    def _set_status(self, request: HttpRequest, meetings: QuerySet, status: str) -> None:
        changed = 0
        for meeting in meetings.exclude(status=status):
            set_status(meeting, status)  # one by one, so each is in the meeting's history
            changed += 1
        label = "Published" if status == MeetingStatus.PUBLISHED else "Unpublished"
        self.message_user(request, f"{label} {changed} meeting(s).", messages.SUCCESS)

    @admin.action(description="Publish selected meetings", permissions=["change"])
    def publish(self, request: HttpRequest, queryset: QuerySet) -> None:
        self._set_status(request, queryset, MeetingStatus.PUBLISHED)

    @admin.action(description="Unpublish selected meetings (back to draft)",
                  permissions=["change"])  # fmt: skip
    def unpublish(self, request: HttpRequest, queryset: QuerySet) -> None:
        self._set_status(request, queryset, MeetingStatus.DRAFT)

    @admin.action(description="Add a theme to every point of the selected meetings",
                  permissions=["change"])  # fmt: skip
    def add_theme_to_points(self, request: HttpRequest, queryset: QuerySet) -> Any:
        notes = Note.objects.filter(meeting__in=queryset)
        return _theme_action(self, request, notes, adding=True, selected=queryset,
                             title="Add a theme to the points of these meetings")  # fmt: skip

    @admin.action(description="Remove a theme from the points of the selected meetings",
                  permissions=["change"])  # fmt: skip
    def remove_theme_from_points(self, request: HttpRequest, queryset: QuerySet) -> Any:
        notes = Note.objects.filter(meeting__in=queryset)
        return _theme_action(self, request, notes, adding=False, selected=queryset,
                             title="Remove a theme from the points of these meetings")  # fmt: skip


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

    def get_search_results(self, request: HttpRequest, queryset: QuerySet,
                           search_term: str) -> tuple[QuerySet, bool]:  # fmt: skip
        if not search_term.strip():
            return queryset, False
        return queryset.filter(search_vector=_full_text(search_term)), False

    def save_model(self, request: HttpRequest, obj: Note, form: Any, change: bool) -> None:
        if change:
            obj.version += 1  # editors holding the old version will be told
        super().save_model(request, obj, form, change)

    @admin.display(description="cell", ordering="meeting__cell__name")
    def cell(self, note: Note) -> str:
        return note.meeting.cell.name

    @admin.display(description="date", ordering="meeting__date")
    def meeting_date(self, note: Note) -> object:
        return note.meeting.date

    @admin.action(description="Add a theme to the selected points", permissions=["change"])
    def add_theme_to_notes(self, request: HttpRequest, queryset: QuerySet) -> Any:
        return _theme_action(self, request, queryset, adding=True, selected=queryset,
                             title="Add a theme to these points")  # fmt: skip

    @admin.action(description="Remove a theme from the selected points", permissions=["change"])
    def remove_theme_from_notes(self, request: HttpRequest, queryset: QuerySet) -> Any:
        return _theme_action(self, request, queryset, adding=False, selected=queryset,
                             title="Remove a theme from these points")  # fmt: skip

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
            row = [note.meeting.cell.name, note.meeting.title, note.meeting.date.isoformat(),
                   note.position, note.heading, note.theme_names, note.body]  # fmt: skip
            writer.writerow([CsvEscape.cell(value) for value in row])
        return response


class ThemeAliasInline(admin.TabularInline):
    model = ThemeAlias
    extra = 0
    fields = ["slug", "created_at"]
    readonly_fields = ["created_at"]
    verbose_name = "old address"
    verbose_name_plural = "old addresses (they redirect here)"


class MergeForm(forms.Form):
    target = forms.ModelChoiceField(
        queryset=Theme.objects.none(), widget=forms.RadioSelect, label="Keep this theme",
        help_text="The others are merged into it and deleted; their addresses redirect to it.",
    )  # fmt: skip


@admin.register(Theme)
class ThemeAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "usage", "description"]
    search_fields = ["name", "keywords", "description"]
    prepopulated_fields = {"slug": ["name"]}
    fields = ["name", "slug", "description", "keywords"]
    inlines = [ThemeAliasInline]
    actions = ["merge"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Theme]:
        return super().get_queryset(request).annotate(usage_total=Count("tagged_notes"))

    @admin.display(description="points", ordering="usage_total")
    def usage(self, theme: Theme) -> int:
        return theme.usage_total

    def get_urls(self) -> list[Any]:
        similar = path("similar/", self.admin_site.admin_view(self.similar_view),
                       name="notes_theme_similar")  # fmt: skip
        merge = path("merge/", self.admin_site.admin_view(self.merge_view),
                     name="notes_theme_merge")  # fmt: skip
        return [similar, merge, *super().get_urls()]

    def _merge(self, request: HttpRequest, target: Theme, themes: list[Theme]) -> None:
        result = merge_themes(target, themes)
        message = (f"Merged {', '.join(f'“{name}”' for name in result.merged)} into "
                   f"“{target.name}” ({result.points} point(s)).")  # fmt: skip
        _log(request, target, message)
        self.message_user(request, message, messages.SUCCESS)

    @admin.action(description="Merge selected themes…", permissions=["change"])
    def merge(self, request: HttpRequest, queryset: QuerySet) -> Any:
        themes = list(queryset.order_by("-usage_total", "name"))
        if len(themes) < 2:
            self.message_user(request, "Select at least two themes to merge.", messages.WARNING)
            return None
        form = MergeForm(request.POST if "apply" in request.POST else None,
                         initial={"target": themes[0].pk})  # fmt: skip
        form.fields["target"].queryset = queryset
        if form.is_bound and form.is_valid():
            self._merge(request, form.cleaned_data["target"], themes)
            return None
        context = {
            **self.admin_site.each_context(request), "title": "Merge themes", "form": form,
            "themes": themes, "action": request.POST.get("action"), "opts": self.model._meta,
        }  # fmt: skip
        return TemplateResponse(request, "admin/notes/theme_merge.html", context)

    def merge_view(self, request: HttpRequest) -> HttpResponse:
        """Merge one theme into another from the similar-themes page (POST only)."""
        if request.method != "POST" or not self.has_change_permission(request):
            return HttpResponseRedirect(reverse("admin:notes_theme_similar"))
        target = get_object_or_404(Theme, pk=request.POST.get("target"))
        source = get_object_or_404(Theme, pk=request.POST.get("source"))
        self._merge(request, target, [source])
        return HttpResponseRedirect(reverse("admin:notes_theme_similar"))

    def similar_view(self, request: HttpRequest) -> HttpResponse:
        """Pairs of themes with similar names (trigram similarity), likely duplicates."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        with connection.cursor() as cursor:
            cursor.execute(
                """
                SELECT a.id, b.id, similarity(a.name, b.name) AS score
                FROM notes_theme AS a JOIN notes_theme AS b
                  ON a.id < b.id AND similarity(a.name, b.name) >= %s
                ORDER BY score DESC, a.name LIMIT 100
                """,
                [SIMILARITY],
            )
            rows = cursor.fetchall()
        themes = Theme.objects.annotate(usage_total=Count("tagged_notes")).in_bulk(
            {pk for a, b, _ in rows for pk in (a, b)}
        )
        pairs = [(themes[a], themes[b], round(score * 100)) for a, b, score in rows]
        context = {
            **self.admin_site.each_context(request), "title": "Themes with similar names",
            "pairs": pairs, "opts": self.model._meta,
            "can_merge": self.has_change_permission(request),
        }  # fmt: skip
        return TemplateResponse(request, "admin/notes/theme_similar.html", context)


@admin.register(ThemeAlias)
class ThemeAliasAdmin(admin.ModelAdmin):
    list_display = ["slug", "theme", "created_at"]
    list_select_related = ["theme"]
    search_fields = ["slug", "theme__name"]
    autocomplete_fields = ["theme"]
