"""The search engine: the points a reader may read that match the criteria, ranked.

Rows are filtered with ``@@`` on the GIN-indexed vector first, then ranked;
headlines are computed only for the rows of the page shown.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.postgres.search import (
    SearchHeadline,
    SearchRank,
    TrigramSimilarity,
)
from django.core.paginator import Page
from django.db import connection
from django.db.models import F, Q
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from betterway.markdown import plain_excerpt
from betterway.pagination import CountedPaginator
from cells.access import AnyUser
from notes.models import HIGHLIGHT_START, HIGHLIGHT_STOP, SEARCH_CONFIG, Note, NoteQuerySet, Theme
from notes.search.query import Criteria
from notes.themes.stats import CellCount, ThemeCount, cells_discussing, themes_of

SIMILARITY_THRESHOLD = 0.3
FACET_SIZE = 12
# Ranking, counting and faceting every match of a word found in most notes
# would take far longer than a reader waits. Results are drawn from the most
# recently written matches, at most this many; the page says when it capped.
CANDIDATES = 1000
RESULTS_PER_PAGE = 20


def similar_themes(user: AnyUser, text: str, limit: int = 3) -> list[Theme]:
    """Themes the user may see whose names look like ``text`` (trigram similarity)."""
    if not text.strip():
        return []
    return list(
        Theme.objects.visible_to(user)
        .annotate(similarity=TrigramSimilarity("name", text))
        .filter(similarity__gte=SIMILARITY_THRESHOLD)
        .order_by("-similarity", "name")[:limit]
    )


def matching_notes(user: AnyUser, criteria: Criteria) -> NoteQuerySet:
    """Points the user may read that match ``criteria``, unordered."""
    notes = Note.objects.visible_to(user)
    query = criteria.query
    if query is not None:
        notes = notes.filter(search_vector=query)
    for theme in criteria.themes:
        notes = notes.filter(tagged_items__tag=theme)
    if criteria.cells:
        notes = notes.filter(meeting__cell__in=criteria.cells)
    for name in criteria.by:
        notes = notes.filter(
            Q(meeting__introduced_by__icontains=name)
            | Q(author__display_name__icontains=name)
            | Q(author__username__iexact=name)
        )
    if criteria.after:
        notes = notes.filter(meeting__date__gte=criteria.after)
    if criteria.before:
        notes = notes.filter(meeting__date__lt=criteria.before)
    return notes


@dataclass
class Results:
    page: Page
    capped: bool
    theme_facets: list[ThemeCount]
    cell_facets: list[CellCount]


def run_search(user: AnyUser, criteria: Criteria, page_number: str | None) -> Results:
    """The page of results, the facets, and whether the candidates were capped.

    One fast query picks the candidates (PostgreSQL walks notes newest first
    and stops at the cap); ranking, counting and facets then touch only them.
    """
    ids = _candidate_ids(matching_notes(user, criteria), criteria)
    capped = len(ids) > CANDIDATES
    ids = ids[:CANDIDATES]
    candidates = Note.objects.filter(pk__in=ids)
    paginator = CountedPaginator(
        ordered(candidates, criteria).for_listing(), RESULTS_PER_PAGE, known_count=len(ids)
    )
    page = paginator.get_page(page_number)
    add_snippets(page, criteria)
    return Results(
        page,
        capped,
        theme_facets=themes_of(candidates, limit=FACET_SIZE),
        cell_facets=cells_discussing(candidates, limit=FACET_SIZE),
    )


def _candidate_ids(matching: NoteQuerySet, criteria: Criteria) -> list[int]:
    """Ids of the newest matches, one more than the cap (to tell whether it capped)."""
    if '"' not in criteria.words:
        # PostgreSQL walks notes newest first and stops at the cap.
        return list(matching.order_by("-pk").values_list("pk", flat=True)[: CANDIDATES + 1])
    # For a phrase PostgreSQL guesses the matches from its words, far too many,
    # and walks every note; finding the matches through the index first is
    # much faster, as phrases match few notes.
    sql, params = matching.order_by().values("pk").query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(
            f"WITH found AS MATERIALIZED ({sql}) "  # noqa: S608 - SQL built by the ORM
            "SELECT pk FROM found ORDER BY pk DESC LIMIT %s",
            (*params, CANDIDATES + 1),
        )
        return [row[0] for row in cursor.fetchall()]


def ordered(notes: NoteQuerySet, criteria: Criteria) -> NoteQuerySet:
    query = criteria.query
    if query is None or criteria.sort == "date":
        return notes.newest_first()
    return notes.annotate(rank=SearchRank(F("search_vector"), query)).order_by(
        "-rank", "-meeting__date", "pk"
    )


def add_snippets(page: Page, criteria: Criteria) -> None:
    """Give each note on the page a ``snippet``: a highlighted excerpt, escaped.

    One query for the whole page, and only for the page: ts_headline is slow.
    """
    notes = list(page.object_list)
    query = criteria.query
    headlines: dict[int, str] = {}
    if query is not None and notes:
        headlines = dict(
            Note.objects.filter(pk__in=[note.pk for note in notes])
            .annotate(
                headline=SearchHeadline(
                    "body",
                    query,
                    config=SEARCH_CONFIG,
                    start_sel=HIGHLIGHT_START,
                    stop_sel=HIGHLIGHT_STOP,
                    max_fragments=2,
                    min_words=12,
                    max_words=32,
                    fragment_delimiter=" … ",
                )
            )
            .values_list("pk", "headline")
        )
    for note in notes:
        note.snippet = highlight(headlines.get(note.pk) or plain_excerpt(note.body))
    page.object_list = notes


def highlight(headline: str) -> SafeString:
    """Escape a headline, then turn the highlight markers into <mark> elements."""
    escaped = escape(headline)
    return mark_safe(  # noqa: S308 - escaped just above; only our own tags are added
        escaped.replace(HIGHLIGHT_START, "<mark>").replace(HIGHLIGHT_STOP, "</mark>")
    )
