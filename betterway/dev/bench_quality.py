"""Search quality on the scale data: known-item search and theme queries.

Known items: random readable points, each searched for by 2 to 4 of its
rarest body words (not its heading). Reported: the share found at rank 1,
in the top 10 (success@10), and the mean reciprocal rank within the top 20
(MRR@20). Theme queries: a theme's name typed as words; reported, the share
of the top 10 that carry the theme. Each for full-text search and for the
icontains way (every word in the heading or body, newest first, as Django
admin's default search would list them).
"""

from __future__ import annotations

import random
import re
from collections.abc import Callable
from typing import Any

from django.db.models import Q, Sum

from betterway.markdown import plain_text
from notes.models import Note, Theme
from notes.search.engine import run_search
from notes.search.models import SearchWord
from notes.search.query import Criteria

TOP = 20
_WORD = re.compile(r"[^\W\d_]{4,}")


def bench_quality(
    user: Any, *, items: int, icontains_items: int, theme_queries: int, seed: int = 7
) -> dict[str, Any]:
    pick = random.Random(seed)  # noqa: S311 - a reproducible sample, not security
    readable = list(Note.objects.visible_to(user).values_list("pk", flat=True))
    sample = pick.sample(readable, min(items, len(readable)))
    known = _known_items(sample)
    themes = list(Theme.objects.visible_to(user).values_list("pk", "name"))
    theme_sample = pick.sample(themes, min(theme_queries, len(themes)))
    return {
        "full_text": {
            **_known_item_scores(known, lambda q: _full_text(user, q)),
            **_theme_scores(theme_sample, lambda q: _full_text(user, q)),
        },
        "icontains": {
            **_known_item_scores(known[:icontains_items], lambda q: _icontains(user, q)),
            **_theme_scores(theme_sample[:icontains_items], lambda q: _icontains(user, q)),
        },
    }


def _known_items(note_ids: list[int]) -> list[tuple[int, str]]:
    """(point, query): each point's 2 to 4 rarest body words that its heading lacks."""
    notes = Note.objects.filter(pk__in=note_ids).only("pk", "heading", "body")
    words_of = {note.pk: _words(note) for note in notes}
    every = {word for words in words_of.values() for word in words}
    frequency = dict(
        SearchWord.objects.filter(word__in=every)
        .values("word")
        .annotate(points=Sum("points"))
        .values_list("word", "points")
    )
    known = []
    for pk in note_ids:
        words = sorted(words_of.get(pk, []), key=lambda w: (frequency.get(w, 10**9), w))
        chosen = words[: 2 + pk % 3]  # 2, 3 or 4 words
        if len(chosen) >= 2:
            known.append((pk, " ".join(chosen)))
    return known


def _words(note: Note) -> set[str]:
    heading = {word.lower() for word in _WORD.findall(note.heading)}
    return {word.lower() for word in _WORD.findall(plain_text(note.body))} - heading


def _full_text(user: Any, query: str) -> list[int]:
    results = run_search(user, Criteria(words=query), None)
    return [note.pk for note in results.page.object_list][:TOP]


def _icontains(user: Any, query: str) -> list[int]:
    condition = Q()
    for word in query.split():
        condition &= Q(heading__icontains=word) | Q(body__icontains=word)
    notes = Note.objects.visible_to(user).filter(condition).order_by("-pk")
    return list(notes.values_list("pk", flat=True)[:TOP])


def _known_item_scores(
    known: list[tuple[int, str]], search: Callable[[str], list[int]]
) -> dict[str, Any]:
    first = top10 = 0
    reciprocal = 0.0
    for pk, query in known:
        found = search(query)
        if pk in found:
            rank = found.index(pk) + 1
            first += rank == 1
            top10 += rank <= 10
            reciprocal += 1 / rank
    n = max(len(known), 1)
    return {
        "known_items": len(known),
        "rank_1": round(first / n, 3),
        "success_at_10": round(top10 / n, 3),
        "mrr_at_20": round(reciprocal / n, 3),
    }


def _theme_scores(
    themes: list[tuple[int, str]], search: Callable[[str], list[int]]
) -> dict[str, Any]:
    carrying, shown = 0, 0
    for theme_id, name in themes:
        top = search(name)[:10]
        shown += len(top)
        carrying += Note.objects.filter(pk__in=top, tagged_items__tag_id=theme_id).count()
    return {"theme_queries": len(themes), "theme_top10_tagged": round(carrying / max(shown, 1), 3)}
