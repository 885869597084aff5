"""The search results page."""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from cells.page_parts import page_parts
from notes.search.engine import run_search, similar_themes, theme_named_by_words
from notes.search.forms import SearchForm
from notes.search.query import Criteria
from notes.search.words import correction_for
from notes.themes.stats import ThemeCount


@require_safe
def search(request: HttpRequest) -> HttpResponse:
    # The form and the results are the same for every reader of the same cells;
    # only the follow form (which posts) is rendered for each request.
    top, results = page_parts(
        request,
        "search",
        lambda: _search_context(request),
        "search/_search_top.html",
        "search/_search_results.html",
    )
    return render(request, "search/search.html", {"top": top, "results": results})


def _search_context(request: HttpRequest) -> dict[str, object]:
    form = SearchForm(request.GET or None, user=request.user)
    context: dict[str, object] = {"form": form, "page": None}
    if form.is_bound and not form.is_valid():
        return context
    criteria = form.criteria if form.is_bound else Criteria()
    group = request.GET.get("group") == "meeting"
    results = run_search(request.user, criteria, request.GET.get("page"), group=group)
    context.update(
        criteria=criteria,
        page=results.page,
        capped=results.capped,
        total=results.total,
        grouped=results.grouped,
        theme_facets=_narrowing_links(request, results.theme_facets, criteria),
        cell_facets=results.cell_facets,
        theme_words=theme_named_by_words(request.user, results, criteria),
        # A result opens its meeting with these words marked, and a way back here.
        hit_query=urlencode({"highlight": criteria.words, "back": request.get_full_path()})
        if criteria.words
        else "",
    )
    if not results.page.object_list and criteria.words:
        # No hits for the words: perhaps they meant a theme, or misspelt a word.
        context["did_you_mean"] = similar_themes(request.user, criteria.words)
        context["correction"] = _corrected_search(request, criteria.words)
    return context


@dataclass(frozen=True)
class CorrectedSearch:
    text: str
    url: str


def _corrected_search(request: HttpRequest, words: str) -> CorrectedSearch | None:
    """The search again with each misspelt word replaced by the readable word meant."""
    correction = correction_for(request.user, words)
    if correction is None:
        return None
    params = request.GET.copy()
    params.pop("page", None)
    query = params.get("q", "")
    for typed, meant in correction.words:
        query = re.sub(rf"\b{re.escape(typed)}\b", meant, query, flags=re.IGNORECASE)
    params["q"] = query
    return CorrectedSearch(correction.text, f"?{params.urlencode()}")


@dataclass(frozen=True)
class FacetLink:
    """A theme facet: its name, its count, and the search narrowed to it."""

    name: str
    count: int
    url: str


def _narrowing_links(
    request: HttpRequest, facets: list[ThemeCount], criteria: Criteria
) -> list[FacetLink]:
    """Theme facets link to the same search with ``theme:"name"`` added: they narrow."""
    active = {theme.pk for theme in criteria.themes}
    links = []
    for facet in facets:
        if facet.theme_id in active:
            continue
        params = request.GET.copy()
        params.pop("page", None)
        params["q"] = f'{params.get("q", "")} theme:"{facet.name}"'.strip()
        links.append(FacetLink(facet.name, facet.count, f"?{params.urlencode()}"))
    return links
