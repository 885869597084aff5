"""Reads about themes across the points a user may read: related themes, cells, months."""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Count, F, QuerySet
from django.db.models.functions import TruncMonth

from betterway.lookups import Ids
from cells.access import AnyUser
from cells.sharing import cached
from notes.models import Note, NoteQuerySet, TaggedNote, Theme, visible_notes_q


def _visible_tagged(user: AnyUser) -> QuerySet[TaggedNote]:
    tagged = TaggedNote.objects.all()
    condition = visible_notes_q(user, "content_object__")
    return tagged if condition is None else tagged.filter(condition)


@dataclass(frozen=True)
class CellCount:
    """A cell and how many of the points in question it holds."""

    name: str
    slug: str
    count: int


@dataclass(frozen=True)
class ThemeCount:
    """A theme and how many of the points in question carry it."""

    theme_id: int
    name: str
    slug: str
    count: int


@dataclass(frozen=True)
class RelatedTheme:
    """A theme found on the same points as another, and on how many."""

    theme: Theme
    count: int


def related_themes(
    user: AnyUser, theme_ids: list[int], limit: int = 5
) -> dict[int, list[RelatedTheme]]:
    """For each theme, the themes most often on the same readable points, with counts.

    Two queries whatever the number of themes: one to count pairs, one for names.
    """
    if not theme_ids:
        return {}
    top = cached(
        user, "related", lambda: _related_pairs(user, theme_ids, limit), *sorted(theme_ids), limit
    )
    wanted = {tag_id for rows in top.values() for tag_id, _ in rows}
    themes = Theme.objects.in_bulk(wanted)
    return {
        source: [RelatedTheme(themes[tag_id], count) for tag_id, count in rows if tag_id in themes]
        for source, rows in top.items()
    }


def _related_pairs(
    user: AnyUser, theme_ids: list[int], limit: int
) -> dict[int, list[tuple[int, int]]]:
    pairs = (
        _visible_tagged(user)
        .annotate(source=F("content_object__tagged_items__tag_id"))
        .filter(source__in=theme_ids)
        .exclude(source=F("tag_id"))
        .values("source", "tag_id")
        # Rows, not ids: one column fewer through the joins (a tenth faster).
        .annotate(count=Count("*"))
        .order_by("source", "-count", "tag_id")
    )
    top: dict[int, list[tuple[int, int]]] = defaultdict(list)
    for row in pairs:
        if len(top[row["source"]]) < limit:
            top[row["source"]].append((row["tag_id"], row["count"]))
    return dict(top)


def cells_discussing(notes: NoteQuerySet, limit: int | None = None) -> list[CellCount]:
    """Cells of these points with their counts, most points first."""
    rows = (
        notes.order_by()
        .values_list("meeting__cell__name", "meeting__cell__slug")
        .annotate(count=Count("pk"))
        .order_by("-count", "meeting__cell__name")
    )
    return [CellCount(*row) for row in (rows if limit is None else rows[:limit])]


def points_per_month(notes: NoteQuerySet) -> dict[datetime.date, int]:
    rows = (
        notes.order_by()
        .annotate(month=TruncMonth("meeting__date"))
        .values("month")
        .annotate(count=Count("pk"))
    )
    return {row["month"]: row["count"] for row in rows}


def top_themes_of_cell(user: AnyUser, cell_id: int, limit: int = 10) -> list[Theme]:
    """The cell's most discussed themes, counting only points the user may read; cached."""

    def count() -> list[Theme]:
        notes = Note.objects.visible_to(user).filter(meeting__cell_id=cell_id)
        return list(
            Theme.objects.filter(tagged_notes__content_object__in=notes.values("pk"))
            .annotate(point_count=Count("tagged_notes"))
            .order_by("-point_count", "name")[:limit]
        )

    return cached(user, "cell-themes", count, cell_id, limit)


def theme_counts(user: AnyUser) -> list[ThemeCount]:
    """Every theme the user may see, with its readable points; cached."""

    def count() -> list[ThemeCount]:
        # Counted by theme id, then named: joining the names before counting
        # carried every tagged point through one more join (at 200,000 points
        # 219 ms, against 151 ms this way).
        counts = dict(
            _visible_tagged(user).order_by().values_list("tag_id").annotate(count=Count("*"))
        )
        named = Theme.objects.filter(pk__any=Ids(counts)).order_by()
        return [
            ThemeCount(pk, name, slug, counts[pk])
            for pk, name, slug in named.values_list("pk", "name", "slug")
        ]

    return cached(user, "theme-counts", count)
