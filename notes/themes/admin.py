"""Admin of themes: merges, renames, similar names, bulk theme actions on points."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.models import CHANGE, LogEntry
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.db.models import (
    Count,
    QuerySet,
)
from django.db.models.functions import Lower
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse

from notes.models import Note, Theme, ThemeAlias
from notes.record.services import changing_points
from notes.themes.merging import add_theme, merge_themes, remove_theme
from notes.themes.naming import check_theme_name, themes_named

SIMILARITY = 0.4


def _log(request: HttpRequest, obj: Any, message: str) -> None:
    """Record a bulk change in the object's admin history, with who and when."""
    LogEntry.objects.log_actions(
        user_id=cast(int, request.user.pk),
        queryset=[obj],
        action_flag=CHANGE,
        change_message=message,
        single_object=True,
    )


class ThemeNameForm(forms.Form):
    name = forms.CharField(
        label="Theme",
        max_length=100,
        help_text="An existing theme (any case) or a new one, which is created.",
        validators=[check_theme_name],
    )


class ThemeForm(forms.ModelForm):
    """A theme's own page in the admin: its name follows the rules of names typed anywhere."""

    class Meta:
        model = Theme
        fields = ["name", "slug", "description", "keywords"]

    def clean_name(self) -> str:
        name = " ".join(self.cleaned_data["name"].split())
        check_theme_name(name)
        return name


class ThemeChoiceForm(forms.Form):
    theme = forms.ModelChoiceField(queryset=Theme.objects.none(), label="Theme")


def theme_action(
    modeladmin: Any,
    request: HttpRequest,
    notes: QuerySet,
    *,
    adding: bool,
    selected: QuerySet,
    title: str,
) -> HttpResponse | None:
    """Ask which theme, then add it to or remove it from ``notes`` in one operation."""
    if adding:
        form: forms.Form = ThemeNameForm(request.POST if "apply" in request.POST else None)
    else:
        form = ThemeChoiceForm(request.POST if "apply" in request.POST else None)
        cast(forms.ModelChoiceField, form.fields["theme"]).queryset = (
            Theme.objects.filter(tagged_notes__content_object__in=notes)
            .distinct()
            .order_by(Lower("name"))
        )
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
        **modeladmin.admin_site.each_context(request),
        "title": title,
        "form": form,
        "selected": selected,
        "action": request.POST.get("action"),
        "opts": modeladmin.model._meta,
        "point_count": notes.count(),
    }
    return TemplateResponse(request, "admin/notes/theme_action.html", context)


class ThemeAliasInline(admin.TabularInline):
    model = ThemeAlias
    extra = 0
    fields = ["slug", "created_at"]
    readonly_fields = ["created_at"]
    verbose_name = "old address"
    verbose_name_plural = "old addresses (they redirect here)"


class MergeForm(forms.Form):
    target = forms.ModelChoiceField(
        queryset=Theme.objects.none(),
        widget=forms.RadioSelect,
        label="Keep this theme",
        help_text="The others are merged into it and deleted; their addresses redirect to it.",
    )


@admin.register(Theme)
class ThemeAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "usage", "description"]
    search_fields = ["name", "keywords", "description"]
    prepopulated_fields = {"slug": ["name"]}
    fields = ["name", "slug", "description", "keywords", "curated"]
    form = ThemeForm
    inlines = [ThemeAliasInline]
    actions = ["merge"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Theme]:
        return super().get_queryset(request).annotate(usage_total=Count("tagged_notes"))

    @admin.display(description="points", ordering="usage_total")
    def usage(self, theme: Theme) -> int:
        return theme.usage_total  # TagBase is untyped; annotated by get_queryset

    def get_changeform_initial_data(self, request: HttpRequest) -> dict[str, Any]:
        # A theme an admin adds is part of the network's vocabulary.
        return {"curated": True, **super().get_changeform_initial_data(request)}

    def save_model(self, request: HttpRequest, obj: Theme, form: Any, change: bool) -> None:
        """A rename changes the theme names of its points: their records' versions go
        up, so an editor holding the old name is told rather than bringing it back.
        """
        if not (change and "name" in form.changed_data):
            super().save_model(request, obj, form, change)
            return
        tagged = Note.objects.filter(tagged_items__tag=obj).values_list("pk", flat=True)
        with changing_points(tagged):
            super().save_model(request, obj, form, change)

    def get_urls(self) -> list[Any]:
        similar = path(
            "similar/", self.admin_site.admin_view(self.similar_view), name="notes_theme_similar"
        )
        merge = path(
            "merge/", self.admin_site.admin_view(self.merge_view), name="notes_theme_merge"
        )
        return [similar, merge, *super().get_urls()]

    def _merge(self, request: HttpRequest, target: Theme, themes: list[Theme]) -> None:
        result = merge_themes(target, themes)
        message = (
            f"Merged {', '.join(f'“{name}”' for name in result.merged)} into "
            f"“{target.name}” ({result.points} point(s))."
        )
        _log(request, target, message)
        self.message_user(request, message, messages.SUCCESS)

    @admin.action(description="Merge selected themes…", permissions=["change"])
    def merge(self, request: HttpRequest, queryset: QuerySet) -> Any:
        themes = list(queryset.order_by("-usage_total", "name"))
        if len(themes) < 2:
            self.message_user(request, "Select at least two themes to merge.", messages.WARNING)
            return None
        form = MergeForm(
            request.POST if "apply" in request.POST else None, initial={"target": themes[0].pk}
        )
        cast(forms.ModelChoiceField, form.fields["target"]).queryset = queryset
        if form.is_bound and form.is_valid():
            self._merge(request, form.cleaned_data["target"], themes)
            return None
        context = {
            **self.admin_site.each_context(request),
            "title": "Merge themes",
            "form": form,
            "themes": themes,
            "action": request.POST.get("action"),
            "opts": self.model._meta,
        }
        return TemplateResponse(request, "admin/notes/theme_merge.html", context)

    def merge_view(self, request: HttpRequest) -> HttpResponse:
        """Merge one theme into another from the similar-themes page (POST only)."""
        if request.method != "POST" or not self.has_change_permission(request):
            return HttpResponseRedirect(reverse("admin:notes_theme_similar"))
        ids = [request.POST.get("target", ""), request.POST.get("source", "")]
        if not all(value.isascii() and value.isdigit() for value in ids):
            raise Http404("No such theme.")
        target = get_object_or_404(Theme, pk=ids[0])
        source = get_object_or_404(Theme, pk=ids[1])
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
            **self.admin_site.each_context(request),
            "title": "Themes with similar names",
            "pairs": pairs,
            "opts": self.model._meta,
            "can_merge": self.has_change_permission(request),
        }
        return TemplateResponse(request, "admin/notes/theme_similar.html", context)


@admin.register(ThemeAlias)
class ThemeAliasAdmin(admin.ModelAdmin):
    list_display = ["slug", "theme", "created_at"]
    list_select_related = ["theme"]
    search_fields = ["slug", "theme__name"]
    autocomplete_fields = ["theme"]
