"""The search engine: the points a reader may read that match the criteria, ranked.

Rows are filtered with ``@@`` on the GIN-indexed vector first, then ranked;
headlines are computed only for the rows of the page shown.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from typing import Any, TypeAlias

from django.contrib.postgres.search import (
    SearchQuery,
    SearchRank,
    SearchVectorExact,
    SearchVectorField,
    TrigramSimilarity,
)
from django.core.paginator import Page, Paginator
from django.db import connection
from django.db.models import F, Func, Q, QuerySet, TextField, Value
from django.db.models.functions import Cast, Coalesce
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from betterway.lookups import Ids
from betterway.markdown import plain_excerpt, plain_text
from cells.access import AnyUser, reader_of
from cells.models import Meeting
from notes.models import (
    HIGHLIGHT_START,
    HIGHLIGHT_STOP,
    SEARCH_CONFIG,
    Note,
    NoteQuerySet,
    Theme,
    heading_vector,
    split_stored_theme_names,
    websearch_text,
)
from notes.search.models import HeadingTerm, NoteHeading
from notes.search.phrases import hashed, phrase_pairs
from notes.search.query import Criteria
from notes.themes.stats import CellCount, ThemeCount

# A candidate in result order: its id, its meeting's, its cell's name and slug,
# its themes' names.
Ranked: TypeAlias = tuple[int, int, str, str, str]
# A candidate's meeting, position, rank and themes' names, as the walk that
# found it read them.
Known: TypeAlias = tuple[int, int, float, str]
# What the walk and ``_ranked`` read of a candidate: its id, then what ``Known`` holds.
_CANDIDATE_COLUMNS = ("pk", "meeting_id", "position", "rank", "theme_names")

SIMILARITY_THRESHOLD = 0.3
FACET_SIZE = 12
# Ranking, counting and faceting every match of a word found in most notes
# would take far longer than a reader waits. Results are drawn from at most
# this many of the newest matches, joined by the best-ranked points whose
# headings match (so the best are always among them, however old); the page
# says when it capped.
CANDIDATES = 1000
# How many of the best heading matches join them: ten pages of results.
HEADING_CANDIDATES = 200
RESULTS_PER_PAGE = 20
# A snippet without matching words (no query): the first this many words.
SNIPPET_WORDS = 40


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
    pairs = phrase_pairs(criteria.words) if '"' in criteria.words else []
    if pairs:
        # The pairs index finds a phrase's points; each is then checked for the
        # phrase itself, through an expression the words index does not serve.
        # (The words index keeps no positions: PostgreSQL, misjudging how few
        # points hold both words, combined it with the pairs index and read
        # 100,000 of its entries at 1,000,000 notes.)
        vector = Coalesce("search_vector", Value("", output_field=SearchVectorField()))
        notes = notes.filter(word_pairs__contains=hashed(pairs)).filter(
            SearchVectorExact(vector, query)
        )
    elif query is not None:
        notes = notes.filter(search_vector=query)
    for theme in criteria.themes:
        notes = notes.filter(tagged_items__tag=theme)
    for name in criteria.by:
        notes = notes.filter(
            Q(meeting__introduced_by__icontains=name)
            | Q(author__display_name__icontains=name)
            | Q(author__username__iexact=name)
        )
    return notes.filter(_meeting_criteria(criteria))


def _meeting_criteria(criteria: Criteria, prefix: str = "meeting__") -> Q:
    """The criteria about a point's meeting (its cell, its date), reached through ``prefix``."""
    condition = Q()
    if criteria.cells:
        condition &= Q(**{f"{prefix}cell__in": criteria.cells})
    if criteria.after:
        condition &= Q(**{f"{prefix}date__gte": criteria.after})
    if criteria.before:
        condition &= Q(**{f"{prefix}date__lt": criteria.before})
    return condition


@dataclass
class Results:
    page: Page
    capped: bool
    theme_facets: list[ThemeCount]
    cell_facets: list[CellCount]
    # How many candidates carry each theme, by its name.
    theme_counts: Counter[str]
    # How many points match (with ``capped``, how many were drawn); the page
    # counts meetings instead when the results are grouped.
    total: int
    grouped: bool = False


@dataclass
class MeetingGroup:
    """One meeting of grouped results, with its matching points in rank order."""

    meeting: Meeting
    points: list[Note]


@dataclass(frozen=True)
class ThemeWords:
    """Words that are also a theme's name: how many results carry the theme, how many
    only mention the words. Searching "systems change" and theme:"systems change"
    then give different counts with the reason on the page.
    """

    theme: Theme
    tagged: int
    mentioning: int


def theme_named_by_words(user: AnyUser, results: Results, criteria: Criteria) -> ThemeWords | None:
    """The counts for ``ThemeWords`` when the words name a theme the user may see."""
    if not criteria.words or criteria.themes or not results.total:
        return None
    words = criteria.words.strip('" ')
    narrowed = criteria.cells or criteria.by or criteria.after or criteria.before
    if not (results.capped or narrowed) and not any(
        name.lower() == words.lower() for name in results.theme_counts
    ):
        # A point's theme names are among its words, so every point the reader
        # may read on a theme the words name is a candidate here: if none
        # carries it, the reader may see no such theme (themes only on hidden
        # points stay hidden), and looking it up would find nothing.
        return None
    named = Theme.objects.find_visible(user, Q(name__iexact=words))
    if not named:
        return None
    tagged = results.theme_counts[named[0].name]
    return ThemeWords(named[0], tagged, results.total - tagged)


def run_search(
    user: AnyUser, criteria: Criteria, page_number: str | None, *, group: bool = False
) -> Results:
    """The page of results, the facets, and whether the candidates were capped.

    Fast queries pick the candidates; ranking, counting and facets then touch
    only them. With ``group``, a page lists meetings, each with its matching
    points beneath, in the order of each meeting's best point.
    """
    matching = matching_notes(user, criteria)
    newest, known = _newest(matching, criteria)
    capped = len(newest) > CANDIDATES
    ids = newest[:CANDIDATES]
    if capped and _by_relevance(criteria):
        ids = _best_heading_ids(user, matching, criteria) + ids
        ids = list(dict.fromkeys(ids))
    # Every candidate is put in order once; a page, its meetings and the
    # facets are cut from that list, and only a page's points are fetched.
    ranked = _ranked(ids, criteria, known)
    page = (
        _grouped_page(ranked, criteria, page_number)
        if group
        else _page(ranked, criteria, page_number)
    )
    shown = [] if group else list(page.object_list)  # grouped, the points show no chips
    theme_counts = Counter(name for *_, names in ranked for name in split_stored_theme_names(names))
    return Results(
        page,
        capped,
        theme_facets=_theme_facets_and_chips(theme_counts, ranked, shown),
        cell_facets=_cell_facets(ranked),
        theme_counts=theme_counts,
        total=len(ids),
        grouped=group,
    )


def _page(ranked: list[Ranked], criteria: Criteria, page_number: str | None) -> Page:
    page = Paginator([pk for pk, *_ in ranked], RESULTS_PER_PAGE).get_page(page_number)
    wanted = list(page.object_list)
    notes = _fetched(wanted)
    # A point deleted since the candidates were drawn is left out, not an error.
    points: list[Any] = add_snippets([notes[pk] for pk in wanted if pk in notes], criteria)
    page.object_list = points
    return page


def _fetched(pks: list[int]) -> dict[int, Note]:
    """The points of a page, with what a listing shows of them."""
    # Unordered: the caller puts them in order (a point's default order joins its meeting).
    points = Note.objects.filter(pk__any=Ids(pks)).order_by().for_listing()
    return {note.pk: note for note in points}


def _theme_facets_and_chips(
    counts: Counter[str], ranked: list[Ranked], shown: list[Note]
) -> list[ThemeCount]:
    """The themes the candidates carry most, and the chips of the points shown.

    Both come from the names each candidate carries (``Note.theme_names``, read
    with it), and one query finds the themes' addresses: counting the tags of
    a thousand points took a query longer than the walk that found them, and
    the page's chips read its points' tags again in a query of their own.
    """
    top = sorted(counts.items(), key=lambda item: (-item[1], item[0].casefold()))[:FACET_SIZE]
    on_page = {point.pk for point in shown}
    names_of = {row[0]: split_stored_theme_names(row[-1]) for row in ranked if row[0] in on_page}
    wanted = {name for name, _ in top}
    wanted.update(name for names in names_of.values() for name in names)
    themes = {
        name: Theme.listed(pk, name, slug)
        for pk, name, slug in Theme.objects.filter(name__in=wanted)
        .order_by()
        .values_list("pk", "name", "slug")
    }
    for point in shown:
        # A theme renamed since the walk read the point is left out, as below.
        chips = [themes[name] for name in names_of.get(point.pk, ()) if name in themes]
        chips.sort(key=Theme.chip_order)
        point.attached_chips = chips  # type: ignore[attr-defined]
    return [
        ThemeCount(themes[name].pk, name, themes[name].slug, count)
        for name, count in top
        if name in themes  # renamed since the walk read the point
    ]


def _cell_facets(ranked: list[Ranked]) -> list[CellCount]:
    counts = Counter((name, slug) for _, _, name, slug, _ in ranked)
    facets = [CellCount(name, slug, count) for (name, slug), count in counts.items()]
    facets.sort(key=lambda facet: (-facet.count, facet.name.casefold()))
    return facets[:FACET_SIZE]


def _grouped_page(ranked: list[Ranked], criteria: Criteria, page_number: str | None) -> Page:
    """A page of meetings (in the order of their best points), each with its points."""
    by_meeting: dict[int, list[int]] = {}
    for pk, meeting_id, *_ in ranked:
        by_meeting.setdefault(meeting_id, []).append(pk)
    page = Paginator(list(by_meeting.values()), RESULTS_PER_PAGE).get_page(page_number)
    wanted = [pk for pks in page.object_list for pk in pks]
    notes = _fetched(wanted)
    add_snippets([notes[pk] for pk in wanted if pk in notes], criteria)
    shown = ([notes[pk] for pk in pks if pk in notes] for pks in page.object_list)
    groups: list[Any] = [MeetingGroup(points[0].meeting, points) for points in shown if points]
    page.object_list = groups
    return page


def _best_heading_ids(user: AnyUser, matching: NoteQuerySet, criteria: Criteria) -> list[int]:
    """The best matches among points whose headings match, at most HEADING_CANDIDATES.

    A heading match carries weight A, so it outranks a match in the body
    alone: when there are too many matches to rank them all, these are the
    ones that must not be missed for being old. They are ranked by their
    headings in the narrow headings table; theme and author filters belong
    to the notes, so with those the notes themselves are ranked.
    """
    query = criteria.query
    assert query is not None
    if criteria.themes or criteria.by:
        return list(
            matching.annotate(heading_match=heading_vector())
            .filter(heading_match=query)
            .annotate(rank=relevance(query))
            .order_by("-rank", "-pk")
            .values_list("pk", flat=True)[:HEADING_CANDIDATES]
        )
    headings: QuerySet[Any]
    if _ONE_WORD.fullmatch(criteria.words.strip()):
        # One word: its headings, ranked in advance, are read best first from
        # an index, and the walk stops at the first HEADING_CANDIDATES readable.
        headings = HeadingTerm.objects.filter(term=_lexeme(query))
    else:
        # Plain ts_rank: in a heading of a few words how close they stand says
        # little, and cover density costs twice as much over thousands of rows.
        headings = NoteHeading.objects.filter(vector=query).annotate(
            rank=SearchRank(F("vector"), query, normalization=Value(1))
        )
    # Each row carries its meeting's cell, status and date: the reading rules
    # and the meeting filters apply to it directly.
    headings = headings.filter(_meeting_criteria(criteria, ""))
    visible = reader_of(user).meetings_q()
    if visible is not None:
        headings = headings.filter(visible)
    best = list(
        headings.order_by("-rank", "-note_id").values_list("note_id", flat=True)[
            :HEADING_CANDIDATES
        ]
    )
    if "-" not in criteria.words:
        return best  # every word in the heading is in the point
    # A heading can match where its point does not ("council -budget" with the
    # budget in the body): keep only the points that match as a whole.
    matched = set(
        Note.objects.filter(pk__any=Ids(best), search_vector=query).values_list("pk", flat=True)
    )
    return [pk for pk in best if pk in matched]


# A query of one word alone: no quotes, operators, hyphens or digits.
_ONE_WORD = re.compile(r"[^\W\d_]+")


def _lexeme(query: SearchQuery) -> Func:
    """The one word of a one-word query as PostgreSQL stems it: the query's
    text is that word in quotes ("'council'"), or empty for a stop word."""
    return Func(Cast(query, TextField()), Value(" '"), function="btrim", output_field=TextField())


def _newest(matching: NoteQuerySet, criteria: Criteria) -> tuple[list[int], dict[int, Known]]:
    """Ids of the newest matches, one more than the cap (to tell whether it capped);
    and, where the walk that finds them can give it, what ``_ranked`` needs of
    each (``Known``), which it then need not read again.
    """
    if criteria.before:
        # Before a date, the newest meetings of the range first: PostgreSQL walks
        # the meetings' date index and stops at the cap, where walking notes
        # newest first would pass every point written after the range. (After a
        # date alone, the newest points are in the range: the walk below is fine.)
        newest = matching.order_by("-meeting__date", "-meeting_id", "-pk")
        return list(newest.values_list("pk", flat=True)[: CANDIDATES + 1]), {}
    if '"' not in criteria.words:
        # PostgreSQL walks notes newest first and stops at the cap, ranking
        # each match it keeps as it reads it.
        walk = matching.order_by("-pk").annotate(rank=_rank(criteria))
        rows = walk.values_list(*_CANDIDATE_COLUMNS)[: CANDIDATES + 1]
        known = {pk: tuple(rest) for pk, *rest in rows}
        return list(known), known
    # For a phrase PostgreSQL guesses the matches from its words, far too many,
    # and walks every note; finding the matches through the pairs index first
    # is much faster, as phrases match few notes.
    sql, params = matching.order_by().values("pk").query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(
            f"WITH found AS MATERIALIZED ({sql}) "  # noqa: S608 - SQL built by the ORM
            "SELECT pk FROM found ORDER BY pk DESC LIMIT %s",
            (*params, CANDIDATES + 1),
        )
        return [row[0] for row in cursor.fetchall()], {}


def relevance(query: SearchQuery) -> SearchRank:
    """How well a point matches: its words' weights (heading and themes A, body B)
    and how close together they stand (cover density), divided by the log of
    its length, so a short point about the words outranks a long one that
    mentions them in passing. Measured by ``make bench``'s search quality:
    better on every figure than plain ``ts_rank`` (at 200,000 notes, known
    items at rank 1 from 21% to 24%, theme queries' top 10 tagged from 56% to 65%).
    """
    return SearchRank(F("search_vector"), query, cover_density=True, normalization=Value(1))


def _by_relevance(criteria: Criteria) -> bool:
    """Best match first, or (no words, or asked for) newest first."""
    return criteria.query is not None and criteria.sort != "date"


def _rank(criteria: Criteria) -> SearchRank | Value:
    """What orders the results: relevance, or nothing (newest first)."""
    query = criteria.query
    return relevance(query) if query is not None and _by_relevance(criteria) else Value(0.0)


def _ranked(ids: list[int], criteria: Criteria, known: dict[int, Known]) -> list[Ranked]:
    """The candidates in result order: best match first (ties: the newer meeting),
    or newest first, with each one's meeting, cell and themes' names.

    PostgreSQL ranks those not ``known`` already; their meetings are read by
    id and the list is sorted here. Sorting by meeting date in the database
    joined every meeting of the network (50,000 at 1,000,000 notes) to order
    a thousand points.
    """
    rows = [(pk, *known[pk]) for pk in ids if pk in known]
    unknown = [pk for pk in ids if pk not in known]
    if unknown:
        # Unordered (a note's default order joins its meeting): sorted below.
        unranked = (
            Note.objects.filter(pk__any=Ids(unknown)).order_by().annotate(rank=_rank(criteria))
        )
        rows += unranked.values_list(*_CANDIDATE_COLUMNS)
    meetings = {
        pk: (date.toordinal(), name, slug)
        for pk, date, name, slug in Meeting.objects.filter(pk__any=Ids({row[1] for row in rows}))
        .order_by()
        .values_list("pk", "date", "cell__name", "cell__slug")
    }
    rows = [row for row in rows if row[1] in meetings]  # a meeting deleted meanwhile
    if _by_relevance(criteria):
        rows.sort(key=lambda row: (-row[3], -meetings[row[1]][0], row[0]))
    else:  # as NoteQuerySet.newest_first orders them
        rows.sort(key=lambda row: (-meetings[row[1]][0], -row[1], row[2]))
    return [
        (pk, meeting_id, *meetings[meeting_id][1:], themes) for pk, meeting_id, _, _, themes in rows
    ]


# ts_headline over each page's points as plain text: one query for the page.
_HEADLINES_SQL = f"""
SELECT point.id, ts_headline(
    '{SEARCH_CONFIG}', point.text, websearch_to_tsquery('{SEARCH_CONFIG}', %s), %s
)
FROM unnest(%s::bigint[], %s::text[]) AS point(id, text)
"""  # noqa: S608 - only the fixed search configuration is interpolated
_HEADLINE_OPTIONS = (
    f"StartSel={HIGHLIGHT_START}, StopSel={HIGHLIGHT_STOP}, MaxFragments=2, "
    'MinWords=12, MaxWords=32, FragmentDelimiter=" … "'
)
SNIPPET_SOURCE_CHARS = 20_000


def add_snippets(notes: list[Note], criteria: Criteria) -> list[Note]:
    """Give each note (of a page) a ``snippet``: the matching words highlighted in
    its plain text (no Markdown), with "…" where it starts or ends mid-text.

    One query for the whole page, and only for the page: ts_headline is slow.
    """
    if criteria.query is None:
        for note in notes:
            note.snippet = highlight(plain_excerpt(note.body, SNIPPET_WORDS))
        return notes
    plain = {note.pk: plain_text(note.body[:SNIPPET_SOURCE_CHARS]) for note in notes}
    headlines: dict[int, str] = {}
    if notes:
        with connection.cursor() as cursor:
            cursor.execute(
                _HEADLINES_SQL,
                (
                    websearch_text(criteria.words),
                    _HEADLINE_OPTIONS,
                    list(plain),
                    list(plain.values()),
                ),
            )
            headlines = dict(cursor.fetchall())
    for note in notes:
        headline = headlines.get(note.pk)
        note.snippet = highlight(
            _marked_cut(headline, plain[note.pk])
            if headline
            else plain_excerpt(note.body, SNIPPET_WORDS)
        )
    return notes


def _marked_cut(headline: str, text: str) -> str:
    """The headline with "…" at whichever end falls inside the text.

    Compared word by word: ts_headline drops punctuation at the ends and
    anything shaped like a tag, so the characters differ where the words do not.
    """
    shown = _words(headline.replace(HIGHLIGHT_START, "").replace(HIGHLIGHT_STOP, ""))
    whole = _words(text)
    ends = min(3, len(shown))
    start = "" if whole[:ends] == shown[:ends] else "… "
    end = "" if whole[len(whole) - ends :] == shown[len(shown) - ends :] else " …"
    return f"{start}{' '.join(headline.split())}{end}"


_TAG = re.compile(r"</?[A-Za-z][^<>]{0,200}>")
_WORD = re.compile(r"\w+")


def _words(text: str) -> list[str]:
    return _WORD.findall(_TAG.sub(" ", text))


def highlight(headline: str) -> SafeString:
    """Escape a headline, then turn the highlight markers into <mark> elements."""
    escaped = escape(headline)
    return mark_safe(  # noqa: S308 - escaped just above; only our own tags are added
        escaped.replace(HIGHLIGHT_START, "<mark>").replace(HIGHLIGHT_STOP, "</mark>")
    )
