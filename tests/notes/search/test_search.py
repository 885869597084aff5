"""Search: words, phrases, operators, ranking, snippets, errors, facets, visibility."""

from __future__ import annotations

import datetime
import html
import re
from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

import pytest
from django.db import connection
from django.db.models import Count
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cells.models import Meeting, MeetingStatus
from notes.models import Note, TaggedNote, Theme
from notes.search.engine import _grouped_page, _page, highlight, matching_notes
from notes.search.query import Criteria, SearchError, parse_date, split_operators
from tests.personas import PERSONAS, Library, can_read

SEARCH = reverse("notes:search")


def _results(client: Any, **params: str) -> list[Note]:
    response = client.get(SEARCH, params)
    assert response.status_code == 200
    return list(response.context["page"].object_list)


def _keys(library: Library, notes: list[Note]) -> list[str]:
    by_pk = {note.pk: key for key, note in library.notes.items()}
    return [by_pk.get(note.pk, f"other-{note.pk}") for note in notes]


def test_operators_are_split_from_words() -> None:
    words, ops = split_operators('coaching theme:"systems change" CELL:northern -money by:Fran')
    assert words == "coaching -money"
    assert ops["theme"] == ["systems change"]
    assert ops["cell"] == ["northern"]
    assert ops["by"] == ["Fran"]


def test_a_word_that_merely_contains_an_operator_name_is_left_alone() -> None:
    words, ops = split_operators("subcell:x re-theme:y")
    assert words == "subcell:x re-theme:y"
    assert ops["cell"] == [] and ops["theme"] == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2017", datetime.date(2017, 1, 1)),
        ("2017-11", datetime.date(2017, 11, 1)),
        ("2017-11-29", datetime.date(2017, 11, 29)),
    ],
)
def test_dates_may_be_a_year_a_month_or_a_day(text: str, expected: datetime.date) -> None:
    assert parse_date(text) == expected


@pytest.mark.parametrize("text", ["yesterdayish", "2017-13", "2017-02-30", "17", ""])
def test_bad_dates_raise_a_message_naming_the_value(text: str) -> None:
    with pytest.raises(SearchError, match="date"):
        parse_date(text)


def test_english_stemming_finds_other_forms(client: Any, library: Library) -> None:
    assert _keys(library, _results(client, q="redesigning patient")) == ["coaching"]


def test_exact_phrase_needs_the_words_together(client: Any, library: Library) -> None:
    assert _keys(library, _results(client, q='"food pantry"')) == ["pantry"]
    assert _keys(library, _results(client, q='"pantry food"')) == []


def test_minus_excludes_a_word(client: Any, library: Library) -> None:
    assert set(_keys(library, _results(client, q="patients"))) == {"coaching", "passing"}
    assert _keys(library, _results(client, q="patients -money")) == ["coaching"]


def test_or_finds_either_word(client: Any, library: Library) -> None:
    # Logged out, only the public cell's pantry is readable.
    assert set(_keys(library, _results(client, q="homework or acute"))) == {"pantry"}
    client.force_login(library.world.users["outsider"])
    assert set(_keys(library, _results(client, q="homework or acute"))) == {"pantry", "budget"}


def test_theme_operator_with_quotes_and_any_case(client: Any, library: Library) -> None:
    client.force_login(library.world.users["outsider"])
    found = _keys(library, _results(client, q='theme:"Systems Change"'))
    assert set(found) == {"pantry", "budget"}
    assert set(_keys(library, _results(client, q="theme:systems-change"))) == {"pantry", "budget"}


def test_cell_operator_by_slug_or_name(client: Any, library: Library) -> None:
    client.force_login(library.world.users["outsider"])
    assert _keys(library, _results(client, q="prevention cell:network-cell")) == ["budget"]
    assert _keys(library, _results(client, q='prevention cell:"Network cell"')) == ["budget"]


def test_by_operator_matches_the_introducer(client: Any, library: Library) -> None:
    client.force_login(library.world.users["outsider"])
    found = _keys(library, _results(client, q="by:amara"))
    assert set(found) == {"coaching", "passing", "budget"}


def test_a_quoted_name_of_several_words_works_like_the_filter(
    client: Any, library: Library
) -> None:
    client.force_login(library.world.users["outsider"])
    quoted = _keys(library, _results(client, q='by:"Amara Okafor"'))
    filtered = _keys(library, _results(client, by="Amara Okafor"))
    assert set(quoted) == set(filtered) == {"coaching", "passing", "budget"}
    assert _results(client, q='by:"Amara Nobody"') == []


def test_date_operators_bound_the_meeting_date(client: Any, library: Library) -> None:
    client.force_login(library.world.users["outsider"])
    assert set(_keys(library, _results(client, q="after:2018"))) >= {"pantry", "trust"}
    assert "coaching" not in _keys(library, _results(client, q="after:2018"))
    found = _keys(library, _results(client, q="after:2017-01 before:2018-01"))
    assert set(found) == {"budget"} | {k for k in found if k.startswith("other")}
    assert "budget" in found and "pantry" not in found


def test_operators_combine_with_words_and_each_other(client: Any, library: Library) -> None:
    client.force_login(library.world.users["outsider"])
    query = "pantry theme:co-production cell:public-cell by:ben after:2018-09 before:2019"
    assert _keys(library, _results(client, q=query)) == ["pantry"]


def test_form_filters_do_what_operators_do(client: Any, library: Library) -> None:
    client.force_login(library.world.users["outsider"])
    via_form = _results(
        client,
        q="pantry",
        theme="co-production",
        cell="public-cell",
        by="ben",
        after="2018-09-01",
        before="2019-01-01",
    )
    assert _keys(library, via_form) == ["pantry"]


def test_a_heading_or_theme_match_ranks_above_a_passing_mention(
    client: Any, library: Library
) -> None:
    assert _keys(library, _results(client, q="coaching")) == ["coaching", "passing"]
    client.force_login(library.world.users["outsider"])
    # "prevention" is a theme of "budget" and "passing"; "budget" also says it.
    ranked = _keys(library, _results(client, q="prevention"))
    assert ranked.index("budget") < ranked.index("passing")


def test_sort_by_date_puts_newest_first(client: Any, library: Library) -> None:
    client.force_login(library.world.users["outsider"])
    ranked = _keys(library, _results(client, q="coaching or pantry", sort="date"))
    assert ranked == ["pantry", "coaching", "passing"]


def test_snippets_highlight_matches_and_escape_the_note(client: Any, library: Library) -> None:
    response = client.get(SEARCH, {"q": "trust"})
    page = response.text
    assert "<mark>Trust</mark>" in page and "<mark>trust</mark> is built" in page
    # Typed markup never reaches the page as markup (the snippet drops the
    # tag-shaped text; the point's page shows it escaped); quotes read as there.
    assert "matters &amp; “quotes”" in page
    assert "<b>matters</b>" not in page


def test_snippets_are_plain_text_marked_where_they_are_cut(client: Any, library: Library) -> None:
    note = library.note("trust")
    words = " ".join(f"filler{n}" for n in range(60))
    note.body = f"{words} the [RSA report](https://example.org/rsa) says **trust** grows. {words}"
    note.save()
    response = client.get(SEARCH, {"q": "trust"})
    [snippet] = [n.snippet for n in response.context["page"].object_list if n.pk == note.pk]
    assert "RSA report" in snippet and "](" not in snippet and "**" not in snippet
    assert "<mark>trust</mark>" in snippet
    assert snippet.startswith("… ") and snippet.endswith(" …")
    short = library.note("pantry")
    found = client.get(SEARCH, {"q": "pantry"}).context["page"].object_list
    [whole] = [n.snippet for n in found if n.pk == short.pk]
    assert not whole.startswith("…") and not whole.endswith("…")


def test_highlight_escapes_everything_but_its_own_marks() -> None:
    html = highlight("\x02pantry\x03 <script>alert(1)</script> <mark>")
    assert html == "<mark>pantry</mark> &lt;script&gt;alert(1)&lt;/script&gt; &lt;mark&gt;"


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("after:yesterdayish", "“yesterdayish” is not a date"),
        ("before:2019-02-31", "“2019-02-31” is not a real date"),
        ("theme:nonsense", "No theme called “nonsense”"),
        ("cell:atlantis", "No cell called “atlantis”"),
        ("theme:", "“theme:” needs a value"),
        ("after:2019 before:2018", "must come before"),
        ("x" * 501, "at most 500 characters"),
    ],
)
def test_bad_operator_values_get_a_clear_message_not_a_500(
    client: Any, library: Library, query: str, message: str
) -> None:
    response = client.get(SEARCH, {"q": query})
    assert response.status_code == 200
    assert message in response.text
    assert 'aria-invalid="true"' in response.text
    assert response.context.get("page") is None


@pytest.mark.parametrize(
    "query",
    ['"unclosed', ":::", "-", "or or", "!!!", "& | ! ( )", "émigré \u2019quotes\u2019", "\x00"],
)
def test_odd_input_never_fails(client: Any, library: Library, query: str) -> None:
    assert client.get(SEARCH, {"q": query}).status_code == 200


def test_bad_page_number_shows_a_page(client: Any, library: Library) -> None:
    assert client.get(SEARCH, {"q": "patients", "page": "banana"}).status_code == 200


def test_misspelt_theme_suggests_the_right_one(client: Any, library: Library) -> None:
    response = client.get(SEARCH, {"q": "theme:co-producton"})
    assert "Did you mean" in response.text
    assert "q=theme%3A%22co-production%22" in response.text


def test_word_without_hits_suggests_a_close_theme(client: Any, library: Library) -> None:
    response = client.get(SEARCH, {"q": "coproductoin"})
    assert response.context["page"].paginator.count == 0
    assert [theme.name for theme in response.context["did_you_mean"]] == ["co-production"]
    assert "No points you can read match this search." in response.text
    assert "Did you mean the theme" in response.text
    assert "?q=theme:%22co-production%22" in response.text


def test_empty_query_shows_the_newest_points(client: Any, library: Library) -> None:
    client.force_login(library.world.users["outsider"])
    response = client.get(SEARCH)
    notes = list(response.context["page"].object_list)
    dates = [note.meeting.date for note in notes]
    assert dates == sorted(dates, reverse=True)
    assert "Newest points" in response.text


def test_the_search_round_trips_in_the_url(client: Any, library: Library) -> None:
    client.force_login(library.world.users["outsider"])
    response = client.get(SEARCH, {"q": "pantry", "cell": "public-cell", "by": "ben"})
    page = response.text
    assert 'value="pantry"' in page
    assert '<option value="public-cell" selected>' in page
    assert 'value="ben"' in page


def test_the_cell_filter_refuses_a_cell_the_reader_may_not_read(
    client: Any, library: Library
) -> None:
    # The filter is a select of readable cells, but its value is any text in
    # the address: another cell's slug is explained at the field, as unknown.
    client.force_login(library.world.users["outsider"])
    response = client.get(SEARCH, {"q": "pantry", "cell": "other-cell"})
    assert response.status_code == 200
    assert response.context["page"] is None
    assert response.context["form"].errors["cell"] == [
        "No cell called “other-cell” that you can read."
    ]
    select = response.text.split('name="cell"', 1)[1].split("</select>", 1)[0]
    assert '<option value="public-cell">' in select and "other-cell" not in select


def test_facets_count_the_current_results_and_narrow_them(client: Any, library: Library) -> None:
    client.force_login(library.world.users["outsider"])
    response = client.get(SEARCH, {"q": "prevention"})
    themes = {f.name: f.count for f in response.context["theme_facets"]}
    cells = {f.name: f.count for f in response.context["cell_facets"]}
    assert themes["systems change"] == 1
    assert cells == {"Public cell": 1, "Network cell": 1}
    facet = next(f for f in response.context["theme_facets"] if f.name == "systems change")
    narrowed = client.get(SEARCH + facet.url)
    assert _keys(library, list(narrowed.context["page"].object_list)) == ["budget"]


def test_theme_facets_are_the_twelve_themes_most_carried_ties_a_to_z(
    client: Any, library: Library
) -> None:
    meeting = library.note("pantry").meeting
    for position in range(3, 17):
        note = Note.objects.create(meeting=meeting, position=position, body=f"Pantry {position}")
        # Theme "Pantry k" is on the points from position k on, so counts fall
        # as k rises; "apples" and "Food" are on every point, as "Pantry 3" is.
        note.themes.set([f"Pantry {k}" for k in range(3, position + 1)] + ["apples", "Food"])
    client.force_login(library.world.users["member"])
    response = client.get(SEARCH, {"q": "pantry"})
    found = response.context["page"].paginator.object_list
    tagged = (
        TaggedNote.objects.filter(content_object__in=found)
        .values("tag__name")
        .annotate(n=Count("id"))
    )
    expected = sorted(
        ((row["tag__name"], row["n"]) for row in tagged), key=lambda t: (-t[1], t[0].casefold())
    )[:12]
    facets = response.context["theme_facets"]
    assert [(f.name, f.count) for f in facets] == expected
    assert [f.name for f in facets[:4]] == ["apples", "Food", "Pantry 3", "Pantry 4"]
    assert len(facets) == 12
    assert all(f.url.endswith(urlencode({"q": f'pantry theme:"{f.name}"'})) for f in facets)


def test_a_renamed_theme_is_a_facet_by_its_new_name_at_once(client: Any, library: Library) -> None:
    theme = Theme.objects.get(name="systems change")
    theme.name = "whole systems"
    theme.save()
    client.force_login(library.world.users["outsider"])
    response = client.get(SEARCH, {"q": "prevention"})
    facets = {f.name: f for f in response.context["theme_facets"]}
    assert "systems change" not in facets and facets["whole systems"].count == 1
    narrowed = client.get(SEARCH + facets["whole systems"].url)
    assert _keys(library, list(narrowed.context["page"].object_list)) == ["budget"]


def test_results_paginate_and_keep_the_query(client: Any, library: Library) -> None:
    meeting = library.note("pantry").meeting
    for position in range(3, 30):
        Note.objects.create(meeting=meeting, position=position, body=f"Pantry note {position}")
    response = client.get(SEARCH, {"q": "pantry"})
    assert response.context["page"].paginator.num_pages == 2
    assert "?q=pantry&amp;page=2" in response.text
    second = client.get(SEARCH, {"q": "pantry", "page": 2})
    assert len(second.context["page"].object_list) == 8


@pytest.mark.parametrize("persona", PERSONAS)
def test_search_results_and_facets_obey_visibility(
    login: Callable[[str], Any], library: Library, persona: str
) -> None:
    client = login(persona)
    # An empty query lists every readable point (fewer than a page here).
    response = client.get(SEARCH)
    found = set(response.context["page"].object_list)
    for key, note in library.notes.items():
        readable = can_read(persona, note.meeting.cell.visibility, note.meeting.status)
        assert (note in found) is readable, (persona, key)
    for (visibility, status), meeting in library.world.meetings.items():
        for note in meeting.notes.all():
            assert (note in found) is can_read(persona, visibility, status)
    facet_cells = {f.slug for f in response.context["cell_facets"]}
    readable_cells = {
        slug
        for slug, vis in [
            ("public-cell", "public"),
            ("network-cell", "network"),
            ("private-cell", "private"),
        ]
        if can_read(persona, vis, "published")
    }
    assert facet_cells <= readable_cells
    assert ("confidential" in response.text) is can_read(persona, "private", "published")
    facet_themes = {f.name for f in response.context["theme_facets"]}
    # "prevention" is on readable points for everyone; the private point adds none.
    assert "prevention" in facet_themes


def test_search_filters_with_the_gin_index(library: Library) -> None:
    """The search condition matches the indexed vector, so the GIN index can serve it.

    With sequential and plain index scans off, the planner's only fast way is
    a bitmap scan of the GIN index; a mismatched expression would not use it.
    """
    criteria = Criteria(words="pantry or patients")
    notes = matching_notes(library.world.users["staff"], criteria).order_by().values("pk")
    sql, params = notes.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE notes_note")
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_indexscan = off")
        cursor.execute(f"EXPLAIN {sql}", params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "Bitmap Index Scan on note_search_vector" in plan, plan


def test_search_query_count_does_not_grow_with_results(
    client: Any, library: Library, count_queries: Callable[[Any, str], int]
) -> None:
    client.force_login(library.world.users["member"])
    urls = [f"{SEARCH}?q=pantry+or+prevention", f"{SEARCH}", f"{SEARCH}?q=theme:prevention"]
    before = [count_queries(client, url) for url in urls]
    meeting = library.note("pantry").meeting
    for position in range(3, 40):
        note = Note.objects.create(meeting=meeting, position=position, body=f"Pantry {position}")
        note.themes.set(["prevention", f"theme {position}"])
    after = [count_queries(client, url) for url in urls]
    assert before == after
    assert max(after) <= 13


def test_ranking_and_fetching_read_only_what_the_page_needs(client: Any, library: Library) -> None:
    # The matches are ranked as the walk that finds them reads them, newest
    # point first; the ranked list is sorted in Python, so no query sorts by
    # the meetings' dates, which a point's default order would add.
    client.force_login(library.world.users["member"])
    with CaptureQueriesContext(connection) as captured:
        assert _results(client, q="pantry")
    ranking = [query["sql"] for query in captured if "ts_rank_cd" in query["sql"]]
    assert len(ranking) == 1
    assert ranking[0].endswith("ORDER BY 1 DESC LIMIT 1001")
    assert not any('ORDER BY "cells_meeting"' in query["sql"] for query in captured)
    # The page's points are fetched without their search columns.
    fetched = [query["sql"] for query in captured if '"notes_note"."heading"' in query["sql"]]
    assert fetched and not any('"search_vector"' in sql for sql in fetched)


def test_hits_show_their_themes_without_reading_their_tags_again(
    client: Any, library: Library
) -> None:
    # The chips come from the names the candidates carry, with the facets' query.
    client.force_login(library.world.users["member"])
    meeting = library.note("pantry").meeting
    note = Note.objects.create(meeting=meeting, position=80, body="A pantry by the school.")
    note.themes.set(["Zebra crossings", "access", "Beekeeping"])
    Theme.objects.filter(name="access").update(slug="way-in")
    with CaptureQueriesContext(connection) as captured:
        response = client.get(SEARCH, {"q": "pantry"})
    assert not any('FROM "notes_taggednote"' in query["sql"] for query in captured)
    hits = response.context["page"].object_list
    assert note in hits
    for hit in hits:
        expected = sorted(hit.themes.all(), key=lambda theme: (theme.name.lower(), theme.pk))
        assert [(t.pk, t.name, t.slug) for t in hit.chips] == [
            (t.pk, t.name, t.slug) for t in expected
        ]
    # The new point's chips, A to Z whatever the case, each to its theme's page.
    themes = [Theme.objects.get(name=name) for name in ("access", "Beekeeping", "Zebra crossings")]
    links = "".join(
        f'<li class="chip"><a href="{theme.get_absolute_url()}">{theme.name}</a></li>'
        for theme in themes
    )
    assert themes[0].get_absolute_url() == "/themes/way-in/"
    assert f'<ul class="chips" aria-label="Themes">{links}</ul>' in response.text


def test_searches_matching_very_many_points_say_they_show_the_newest(
    client: Any, library: Library, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("notes.search.engine.CANDIDATES", 2)
    client.force_login(library.world.users["staff"])
    response = client.get(SEARCH, {"q": "pantry or prevention or patients"})
    assert response.context["capped"] is True
    assert "2+ points found" in response.text
    assert "Many points match" in response.text
    shown = list(response.context["page"].object_list)
    newest = sorted(
        Note.objects.filter(search_vector="pantry")
        | Note.objects.filter(search_vector="prevention")
        | Note.objects.filter(search_vector="patients"),
        key=lambda note: note.pk,
    )[-2:]
    assert set(shown) == set(newest)


def test_the_best_match_is_found_however_old_it_is(
    client: Any, library: Library, monkeypatch: pytest.MonkeyPatch
) -> None:
    # More matches than are ranked: the oldest readable point has the best heading.
    monkeypatch.setattr("notes.search.engine.CANDIDATES", 3)
    meeting = library.world.meetings[("public", "published")]
    oldest = Note.objects.visible_to(library.world.users["member"]).order_by("pk").first()
    assert oldest is not None
    Note.objects.filter(pk=oldest.pk).update(
        heading="Leadership: what leadership means for leadership"
    )
    for position in range(50, 60):
        Note.objects.create(
            meeting=meeting, position=position, body=f"A passing word on leadership {position}."
        )
    client.force_login(library.world.users["member"])
    response = client.get(SEARCH, {"q": "leadership"})
    assert response.context["capped"] is True
    assert response.context["page"].object_list[0] == oldest
    # Newest first still shows the newest.
    by_date = client.get(SEARCH, {"q": "leadership", "sort": "date"})
    assert by_date.context["page"].object_list[0] != oldest


def test_words_that_name_a_theme_say_how_many_are_tagged_and_how_many_mention_them(
    client: Any, library: Library
) -> None:
    client.force_login(library.world.users["staff"])
    meeting = library.note("pantry").meeting
    Note.objects.create(meeting=meeting, position=90, body="Systems change is slow work.")
    words = client.get(SEARCH, {"q": "systems change"})
    tagged = client.get(SEARCH, {"q": 'theme:"systems change"'})
    total = words.context["page"].paginator.count
    only_tagged = tagged.context["page"].paginator.count
    explained = words.context["theme_words"]
    assert (explained.tagged, explained.mentioning) == (only_tagged, total - only_tagged)
    assert explained.mentioning >= 1
    assert f"{only_tagged} points are tagged" in words.text
    assert tagged.context["theme_words"] is None  # the theme filter says it already
    assert client.get(SEARCH, {"q": "pantry"}).context["theme_words"] is None


def test_words_naming_no_theme_a_candidate_carries_look_no_theme_up(
    client: Any, library: Library
) -> None:
    client.force_login(library.world.users["staff"])
    with CaptureQueriesContext(connection) as captured:
        assert client.get(SEARCH, {"q": "pantry"}).context["theme_words"] is None
    assert not any('UPPER("notes_theme"."name"' in query["sql"] for query in captured)
    # Narrowed by a filter, the candidates may carry none of the theme's points:
    # the theme is looked up, and none of these points is tagged with it.
    early = library.note("coaching").meeting
    Note.objects.create(meeting=early, position=9, body="Systems change takes years.")
    words = client.get(SEARCH, {"q": "systems change before:2017"}).context["theme_words"]
    assert words is not None
    assert (words.theme.name, words.tagged, words.mentioning) == ("systems change", 0, 1)


def test_words_naming_a_theme_only_on_hidden_points_say_nothing_of_it(
    client: Any, library: Library
) -> None:
    library.note("secret").themes.add("ministerial ideas")
    public = library.note("pantry").meeting
    Note.objects.create(meeting=public, position=9, body="Ministerial ideas rarely reach us.")
    client.force_login(library.world.users["other_member"])
    for query in ("ministerial ideas", "ministerial ideas after:2000"):
        response = client.get(SEARCH, {"q": query})
        assert response.context["page"].paginator.count == 1
        assert response.context["theme_words"] is None
        assert "tagged" not in response.text


def test_filters_in_use_are_chips_that_remove_themselves(client: Any, library: Library) -> None:
    client.force_login(library.world.users["staff"])
    response = client.get(
        SEARCH, {"q": 'pantry theme:"systems change" cell:public-cell', "after": "2015-01-01"}
    )
    chips = {chip.label: chip.remove_url for chip in response.context["form"].active_filters()}
    assert set(chips) == {"Theme: systems change", "Cell: public-cell", "After: 2015-01-01"}
    assert 'aria-label="Remove the filter Theme: systems change"' in response.text
    without_theme = client.get(SEARCH + chips["Theme: systems change"])
    assert without_theme.context["form"]["q"].value() == "pantry cell:public-cell"
    assert {c.label for c in without_theme.context["form"].active_filters()} == {
        "Cell: public-cell",
        "After: 2015-01-01",
    }
    without_date = client.get(SEARCH + chips["After: 2015-01-01"])
    assert "after" not in without_date.context["form"].data
    assert client.get(SEARCH, {"q": "pantry"}).context["form"].active_filters() == []


def test_grouped_by_meeting_each_meeting_once_with_its_matching_points(
    client: Any, library: Library, count_queries: Callable[[Any, str], int]
) -> None:
    client.force_login(library.world.users["staff"])
    meeting = library.note("pantry").meeting
    for position in range(70, 74):
        Note.objects.create(
            meeting=meeting, position=position, body=f"The pantry again {position}."
        )
    flat = client.get(SEARCH, {"q": "pantry"})
    grouped = client.get(SEARCH, {"q": "pantry", "group": "meeting"})
    groups = list(grouped.context["page"].object_list)
    flat_notes = list(flat.context["page"].object_list)
    assert len({group.meeting.pk for group in groups}) == len(groups)
    assert sorted(n.pk for g in groups for n in g.points) == sorted(n.pk for n in flat_notes)
    [pantry] = [group for group in groups if group.meeting == meeting]
    assert len(pantry.points) == 5 and all("<mark>" in n.snippet for n in pantry.points)
    assert "5 matching points" in grouped.text
    assert f"found in {len(groups)} meeting" in grouped.text
    # The order of meetings follows their best point.
    assert groups[0].meeting == flat_notes[0].meeting
    # Readers see only what they may read.
    outsider = client
    outsider.force_login(library.world.users["outsider"])
    for group in outsider.get(SEARCH, {"q": "pantry", "group": "meeting"}).context["page"]:
        assert can_read("outsider", group.meeting.cell.visibility, group.meeting.status)
    url = f"{SEARCH}?q=pantry&group=meeting"
    before = count_queries(client, url)
    Note.objects.create(meeting=meeting, position=80, body="More pantry.")
    assert count_queries(client, url) == before


def test_a_hit_opens_its_meeting_with_the_words_marked_and_a_way_back(
    client: Any, library: Library
) -> None:
    client.force_login(library.world.users["staff"])
    results = client.get(SEARCH, {"q": "pantries -council"})
    note = library.note("pantry")
    [link] = re.findall(rf'href="([^"]*#{note.anchor})"', results.text)
    link = html.unescape(link)
    assert "highlight=" in link and "back=" in link
    page = client.get(link)
    assert page.status_code == 200
    assert "<mark>pantry</mark>" in page.text  # stemmed as search stems it
    assert "<mark>council</mark>" not in page.text  # excluded words are not marked
    [back] = re.findall(r'<a href="([^"]*)">Back to results</a>', page.text)
    assert html.unescape(back) == "/search/?q=pantries+-council"
    # Only this site's search pages are offered as the way back.
    meeting = note.meeting.get_absolute_url()
    elsewhere = client.get(meeting, {"highlight": "pantry", "back": "https://evil.example/"})
    assert "Back to results" not in elsewhere.text and "<mark>pantry</mark>" in elsewhere.text
    # Marks never go inside markup, and typed markup stays text.
    note.body = 'A [pantry link](https://example.org/pantry) & <b>pantry</b> "pantry"'
    note.save()
    marked = client.get(meeting, {"highlight": "pantry"}).text
    assert 'href="https://example.org/pantry"' in marked
    assert "&lt;b&gt;<mark>pantry</mark>&lt;/b&gt;" in marked
    assert client.get(meeting).text.count("<mark>") == 0


def test_a_capped_date_range_keeps_the_newest_meetings_in_the_range(
    client: Any, library: Library, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Points written in order of id, but of meetings whose dates run the other way.
    monkeypatch.setattr("notes.search.engine.CANDIDATES", 2)
    cell = library.world.cells["public"]
    written = []
    for day in (20, 10, 5, 1):
        meeting = Meeting.objects.create(
            cell=cell,
            date=datetime.date(2014, 6, day),
            title=f"June {day}",
            status=MeetingStatus.PUBLISHED,
        )
        written.append(Note.objects.create(meeting=meeting, position=1, body="Allotment rota."))
    client.force_login(library.world.users["staff"])
    response = client.get(SEARCH, {"q": "allotment after:2014-06-02 before:2014-06-30"})
    assert response.context["capped"] is True
    # The two latest meetings of the range, though their points were written first.
    assert set(response.context["page"].object_list) == {written[0], written[1]}


def test_a_point_deleted_while_the_page_is_made_is_left_out(library: Library) -> None:
    pantry = library.note("pantry")
    gone = (pantry.pk + 10_000, pantry.meeting_id, "Gone cell", "gone-cell", "")
    ranked = [gone, (pantry.pk, pantry.meeting_id, "Public cell", "public-cell", "")]
    criteria = Criteria(words="pantry")
    assert list(_page(ranked, criteria, None).object_list) == [pantry]
    groups = list(_grouped_page(ranked, criteria, None).object_list)
    assert [group.points for group in groups] == [[pantry]]
