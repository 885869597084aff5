"""Theme pages: the index, one theme, its feed, and theme autocomplete."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib.auth.decorators import login_required
from django.contrib.postgres.search import TrigramSimilarity
from django.core.paginator import Page, Paginator
from django.db.models import (
    Case,
    Count,
    IntegerField,
    Value,
    When,
)
from django.db.models.functions import Lower
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.safestring import SafeString
from django.views.decorators.http import require_POST, require_safe

from betterway.pagination import CountedPaginator
from betterway.text import strip_control_characters
from cells.page_parts import page_parts, render_shared, shared
from notes.models import Note, Theme, visible_notes_q
from notes.themes.chart import points_chart
from notes.themes.feeds import ThemeFeed
from notes.themes.stats import (
    RelatedTheme,
    cached,
    cells_discussing,
    points_per_month,
    related_themes,
    theme_counts,
)
from notes.themes.suggestions import suggest_themes, suggestable_themes

THEMES_PER_PAGE = 60


POINTS_PER_PAGE = 20


AUTOCOMPLETE_SIZE = 10
# How alike (pg_trgm similarity) a theme's name must be to be offered instead of a new one.
SIMILAR_NAME = 0.3


THEME_SORTS = {"name": "by name", "count": "most discussed first"}


@dataclass(frozen=True)
class IndexEntry:
    """One theme of the index: how many readable points carry it, and its companions."""

    theme: Theme
    count: int
    related: list[RelatedTheme]


@require_safe
def theme_index(request: HttpRequest) -> HttpResponse:
    [body] = page_parts(
        request, "theme_index", lambda: _index_context(request), "themes/_theme_index_body.html"
    )
    return render(request, "themes/theme_index.html", {"body": body})


def _index_context(request: HttpRequest) -> dict[str, Any]:
    sort = request.GET.get("sort") if request.GET.get("sort") in THEME_SORTS else "name"
    name_filter = request.GET.get("filter", "").strip()[:100]
    counts = theme_counts(request.user)
    if name_filter:
        counts = [row for row in counts if name_filter.lower() in row.name.lower()]
    if sort == "count":
        counts = sorted(counts, key=lambda row: (-row.count, row.name.lower()))
    else:
        counts = sorted(counts, key=lambda row: row.name.lower())
    page: Page[Any] = Paginator(counts, THEMES_PER_PAGE).get_page(request.GET.get("page"))
    rows = list(page.object_list)
    themes = Theme.objects.in_bulk([row.theme_id for row in rows])
    related = related_themes(request.user, list(themes), limit=3)
    page.object_list = [
        IndexEntry(themes[row.theme_id], row.count, related.get(row.theme_id, []))
        for row in rows
        if row.theme_id in themes  # not deleted since the counts were taken
    ]
    return {"page": page, "sort": sort, "sorts": THEME_SORTS, "name_filter": name_filter}


@dataclass(frozen=True)
class ThemePage:
    """A theme and its page's part shared by readers of the same cells."""

    theme: Theme
    body: SafeString


@require_safe
def theme_detail(request: HttpRequest, slug: str) -> HttpResponse:
    # One cache entry holds the theme and its page: found there, the theme was
    # visible to readers of these cells at this version of the content.
    page = shared(request, "theme", lambda: _theme_page(request, slug))
    if page is None:
        moved = Theme.objects.moved_from(request.user, slug)
        if moved is None:
            raise Http404("No such theme.")
        return redirect(moved, permanent=True)
    return render(request, "themes/theme_detail.html", {"theme": page.theme, "body": page.body})


def _theme_page(request: HttpRequest, slug: str) -> ThemePage | None:
    theme = Theme.objects.visible_at(request.user, slug)
    if theme is None:
        return None
    context = _theme_context(request, theme)
    return ThemePage(theme, render_shared(request, "themes/_theme_body.html", context))


def _theme_context(request: HttpRequest, theme: Theme) -> dict[str, Any]:
    user = request.user
    notes = Note.objects.visible_to(user).filter(tagged_items__tag=theme)
    # Counted once for all the theme's pages (the parts are cached per page).
    cells = cached(user, "cells", lambda: cells_discussing(notes), theme.pk)
    # The per-cell counts add up to the total, so the pages need no COUNT(*).
    paginator = CountedPaginator(
        notes.newest_first().for_listing(),
        POINTS_PER_PAGE,
        known_count=sum(row.count for row in cells),
    )
    return {
        "theme": theme,
        "page": paginator.get_page(request.GET.get("page")),
        "chart": points_chart(cached(user, "months", lambda: points_per_month(notes), theme.pk)),
        "cells": cells,
        "related": related_themes(user, [theme.pk]).get(theme.pk, []),
    }


@require_safe
def theme_autocomplete(request: HttpRequest) -> JsonResponse:
    """Themes for a theme input: case-insensitive, exact match first, most used next.

    For people who write notes: unused themes are offered too, so logged-out
    visitors get nothing.
    """
    if not request.user.is_authenticated:
        return JsonResponse({"error": "Log in to use theme suggestions."}, status=403)
    typed = strip_control_characters(request.GET.get("q", "")).strip()[:100]
    if not typed:
        return JsonResponse({"themes": [], "similar": []})
    user = request.user
    offered = Theme.objects.filter(pk__in=suggestable_themes(user).values("pk"))
    themes = (
        offered.filter(name__icontains=typed)
        .annotate(
            # Only the points this reader may read are counted.
            uses=Count(
                "tagged_notes", filter=visible_notes_q(user, "tagged_notes__content_object__")
            ),
            exact=Case(
                When(name__iexact=typed, then=Value(0)),
                default=Value(1),
                output_field=IntegerField(),
            ),
        )
        .order_by("exact", "-uses", Lower("name"))[:AUTOCOMPLETE_SIZE]
    )
    found = list(themes)
    similar: list[str] = []
    if not any(theme.name.lower() == typed.lower() for theme in found):
        # For "Create a new theme “x”? Did you mean …": names that look alike.
        alike = offered.annotate(similarity=TrigramSimilarity("name", typed)).filter(
            similarity__gte=SIMILAR_NAME
        )
        similar = [theme.name for theme in alike.order_by("-similarity", "name")[:3]]
    return JsonResponse(
        {
            "themes": [{"name": t.name, "slug": t.slug, "uses": t.uses} for t in found],
            "similar": similar,
        }
    )


@login_required
@require_POST
def theme_suggestions(request: HttpRequest) -> JsonResponse:
    """Themes suggested by a point's text as it is typed, with the words that matched."""
    text = strip_control_characters(request.POST.get("text", ""))
    [found] = suggest_themes(request.user, [text])
    return JsonResponse(
        {"suggestions": [{"name": s.theme.name, "reason": s.reason} for s in found]}
    )


_theme_feed = ThemeFeed()


def theme_feed(request: HttpRequest, slug: str) -> HttpResponse:
    """The theme's Atom feed; an old address redirects to the feed's new one."""
    if Theme.objects.visible_at(request.user, slug) is None:
        moved = Theme.objects.moved_from(request.user, slug)
        if moved is not None:
            return redirect("notes:theme_feed", slug=moved.slug, permanent=True)
    return _theme_feed(request, slug=slug)
