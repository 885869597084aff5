"""The theme index and theme pages, feeds and what cells and meetings show of notes."""

from __future__ import annotations

import datetime
import itertools
import re
from collections.abc import Callable
from typing import Any
from xml.etree import ElementTree

import pytest
from django.urls import reverse

from cells.models import Meeting, MeetingStatus
from notes.models import Note, Theme
from notes.themes.chart import LABEL_WIDTH, MAX_BARS, points_chart
from tests.personas import PERSONAS, Library, World, can_read, make_meeting

INDEX = reverse("notes:theme_index")
ATOM = "{http://www.w3.org/2005/Atom}"


def _theme_url(slug: str) -> str:
    return reverse("notes:theme", kwargs={"slug": slug})


def _visible_count(persona: str, library: Library, theme: str, cell_id: int | None = None) -> int:
    notes = Note.objects.filter(tagged_items__tag__name=theme).select_related("meeting__cell")
    if cell_id is not None:
        notes = notes.filter(meeting__cell_id=cell_id)
    return sum(
        can_read(persona, note.meeting.cell.visibility, note.meeting.status) for note in notes
    )


@pytest.mark.parametrize("persona", PERSONAS)
def test_theme_index_counts_only_readable_points(
    login: Callable[[str], Any], library: Library, persona: str
) -> None:
    response = login(persona).get(INDEX)
    counts = {e.theme.name: e.count for e in response.context["page"]}
    for name in ["leadership", "prevention", "systems change", "co-production"]:
        expected = _visible_count(persona, library, name)
        assert counts.get(name, 0) == expected, (persona, name)


def test_theme_only_on_hidden_points_is_hidden_everywhere(
    login: Callable[[str], Any], library: Library
) -> None:
    secret = Theme.objects.create(name="redundancies at the ministry", slug="redundancies")
    library.note("secret").themes.add(secret)
    for persona in ["anonymous", "outsider", "other_member"]:
        client = login(persona)
        assert "redundancies" not in client.get(INDEX).text
        assert client.get(_theme_url("redundancies")).status_code == 404
        assert client.get(_theme_url("redundancies") + "feed/").status_code == 404
        search = client.get(reverse("notes:search"), {"q": "theme:redundancies"}).text
        assert "No theme called" in search
    client = login("member")
    assert client.get(_theme_url("redundancies")).status_code == 200


def test_theme_index_sorts_by_name_or_count_and_filters(client: Any, library: Library) -> None:
    client.force_login(library.world.users["staff"])
    by_name = [e.theme.name for e in client.get(INDEX).context["page"]]
    assert by_name == sorted(by_name, key=str.lower)
    by_count = list(client.get(INDEX, {"sort": "count"}).context["page"])
    assert [e.count for e in by_count] == sorted([e.count for e in by_count], reverse=True)
    assert by_count[0].theme.name == "leadership"
    filtered = client.get(INDEX, {"filter": "PREV"})
    assert [e.theme.name for e in filtered.context["page"]] == ["prevention"]
    assert "Acting early." in filtered.text
    empty = client.get(INDEX, {"filter": "nothing-like-this"})
    assert "No theme you can see has" in empty.text


def test_theme_index_shows_related_themes(client: Any, library: Library) -> None:
    client.force_login(library.world.users["outsider"])
    page = client.get(INDEX).context["page"]
    related = {e.theme.name: [other.theme.name for other in e.related] for e in page}
    assert "systems change" in related["prevention"]
    assert "co-production" in related["systems change"]


def test_theme_page_lists_readable_points_newest_first(client: Any, library: Library) -> None:
    client.force_login(library.world.users["outsider"])
    response = client.get(_theme_url("prevention"))
    notes = list(response.context["page"].object_list)
    assert notes == [library.note("budget"), library.note("passing")]
    page = response.text
    assert "Acting early." in page
    assert "Network cell" in page and "29 November 2017" in page
    assert library.note("budget").get_absolute_url() in page
    assert "confidential" not in page
    # Other themes of each point are shown with it.
    assert 'href="/themes/systems-change/">systems change</a>' in page


def test_theme_page_shows_cells_related_themes_and_a_chart(client: Any, library: Library) -> None:
    client.force_login(library.world.users["member"])
    response = client.get(_theme_url("prevention"))
    cells = {row.name: row.count for row in response.context["cells"]}
    assert cells == {"Public cell": 1, "Network cell": 1, "Private cell": 1}
    assert [r.theme.name for r in response.context["related"]] == ["systems change"]
    page = response.text
    assert '<svg viewBox="0 0 640 140" role="img"' in page
    assert "Points per month: 3 points from May 2016 to January 2018" in page
    assert '<th scope="row">November 2017</th><td>1</td>' in page


def test_theme_page_charts_a_long_history_by_quarter(client: Any, library: Library) -> None:
    early = library.note("passing").meeting
    Meeting.objects.filter(pk=early.pk).update(date=datetime.date(2008, 2, 14))
    client.force_login(library.world.users["member"])
    page = client.get(_theme_url("prevention")).text
    first, last = "January\N{EN DASH}March 2008", "January\N{EN DASH}March 2018"
    assert f"Points per quarter: 3 points from {first} to {last}" in page
    assert '<th scope="col">Quarter</th>' in page
    assert f'<th scope="row">{first}</th><td>1</td>' in page
    assert page.count('class="chart__bar"') == 3


def test_theme_page_paginates(client: Any, library: Library) -> None:
    meeting = library.note("pantry").meeting
    for position in range(3, 30):
        Note.objects.create(meeting=meeting, position=position, body="More").themes.add(
            "prevention"
        )
    first = client.get(_theme_url("prevention"))
    assert first.context["page"].paginator.num_pages == 2
    assert client.get(_theme_url("prevention"), {"page": 2}).status_code == 200


def test_theme_feed_is_atom_with_readable_points(
    login: Callable[[str], Any], library: Library
) -> None:
    for persona, expected in [("anonymous", 1), ("member", 3)]:
        response = login(persona).get(_theme_url("prevention") + "feed/")
        assert response["Content-Type"].startswith("application/atom+xml")
        feed = ElementTree.fromstring(response.content)
        entries = feed.findall(f"{ATOM}entry")
        assert len(entries) == expected, persona
        links = [entry.find(f"{ATOM}link").get("href", "") for entry in entries]  # type: ignore[union-attr]
        assert all(re.search(r"/meetings/\d+/#point-\d+$", link) for link in links)


@pytest.mark.parametrize("persona", PERSONAS)
def test_cell_feed_lists_only_readable_meetings(
    login: Callable[[str], Any], world: World, persona: str
) -> None:
    for visibility, cell in world.cells.items():
        response = login(persona).get(reverse("cells:feed", kwargs={"slug": cell.slug}))
        if not can_read(persona, visibility, "published"):
            assert response.status_code == 404
            continue
        titles = {
            entry.findtext(f"{ATOM}title")
            for entry in ElementTree.fromstring(response.content).findall(f"{ATOM}entry")
        }
        # Drafts are never in a feed, not even a facilitator's.
        assert titles == {f"{visibility} published meeting"}


def test_cell_page_shows_its_most_discussed_readable_themes(
    login: Callable[[str], Any], library: Library
) -> None:
    response = login("anonymous").get(library.world.cells["public"].get_absolute_url())
    page = response.text
    assert "Most discussed themes" in page
    assert "co-production" in page and "leadership" in page
    assert "?cell=public-cell&amp;theme=co-production" in page


@pytest.mark.usefixtures("shared_cache")
def test_a_cells_themes_are_reused_for_readers_of_the_same_cells(
    login: Callable[[str], Any], library: Library, count_queries: Callable[[Any, str], int]
) -> None:
    cell = library.world.cells["private"]
    first = count_queries(login("member"), cell.get_absolute_url())
    assert count_queries(login("member"), cell.get_absolute_url()) < first
    # Staff read the cell's drafts too: their counts are their own, and the
    # member's stay the member's after them.
    seen = {persona: _cell_themes(login(persona), cell) for persona in ["staff", "member"]}
    assert seen["staff"] != seen["member"] and seen["member"]
    for persona, counts in seen.items():
        for name, count in counts.items():
            assert count == _visible_count(persona, library, name, cell.pk), (persona, name)


def _cell_themes(client: Any, cell: Any) -> dict[str, int]:
    """The cell page's most discussed themes, with their counts, as the page shows them."""
    page = client.get(cell.get_absolute_url()).text
    section = page.split('id="cell-themes"', 1)[1].split("</section>", 1)[0]
    chip = re.compile(r'">([^<]+)</a> <span class="chip__count">(\d+)<')
    return {name: int(count) for name, count in chip.findall(section)}


def test_meeting_page_links_previous_and_next_readable_meetings(
    login: Callable[[str], Any], world: World
) -> None:
    cell = world.cells["private"]
    older = make_meeting(cell, title="Older", date=datetime.date(2017, 1, 1))
    newer = make_meeting(cell, title="Newer", date=datetime.date(2018, 6, 1))
    middle = world.meetings[("private", "published")]
    page = login("member").get(middle.get_absolute_url()).text
    assert f'href="{older.get_absolute_url()}" rel="prev"' in page
    assert f'href="{newer.get_absolute_url()}" rel="next"' in page
    # The draft on the same day is not offered to a member.
    draft = world.meetings[("private", "draft")]
    assert draft.get_absolute_url() not in page


def test_meeting_exports_as_markdown(login: Callable[[str], Any], world: World) -> None:
    meeting = world.meetings[("public", "published")]
    url = reverse("notes:meeting_markdown", kwargs={"slug": "public-cell", "pk": meeting.pk})
    response = login("anonymous").get(url)
    assert response["Content-Type"] == "text/markdown; charset=utf-8"
    assert 'filename="public-cell-2017-11-29.md"' in response["Content-Disposition"]
    text = response.content.decode()
    assert text.startswith("# public published meeting\n")
    assert "## 1. Point heading 1\n\nDiscussion of Public cell" in text
    assert "Themes: leadership" in text


@pytest.mark.parametrize("persona", PERSONAS)
def test_markdown_export_obeys_visibility(
    login: Callable[[str], Any], world: World, persona: str
) -> None:
    client = login(persona)
    for (visibility, status), meeting in world.meetings.items():
        url = reverse(
            "notes:meeting_markdown", kwargs={"slug": meeting.cell.slug, "pk": meeting.pk}
        )
        expected = 200 if can_read(persona, visibility, status) else 404
        assert client.get(url).status_code == expected


def test_chart_fills_gaps_by_month_and_describes_itself() -> None:
    chart = points_chart({datetime.date(2016, 11, 1): 5, datetime.date(2018, 6, 1): 3})
    assert chart is not None
    assert chart.period.name == "month"
    assert len(chart.bars) == 20
    assert [bar.count for bar in chart.active_bars] == [5, 3]
    assert chart.peak.start == datetime.date(2016, 11, 1)
    assert [tick.year for tick in chart.ticks] == [2016, 2017, 2018]
    assert chart.summary == (
        "8 points from November 2016 to June 2018; the busiest month was November 2016 with 5."
    )
    assert max(bar.height for bar in chart.bars) <= chart.baseline


def test_a_short_history_still_charts_a_year_of_months() -> None:
    chart = points_chart({datetime.date(2020, 3, 17): 1})
    assert chart is not None
    assert [bar.name for bar in chart.bars][:2] == ["April 2019", "May 2019"]
    assert len(chart.bars) == 12 and chart.bars[-1].label == "March 2020: 1 point"


def test_a_long_history_charts_quarters_then_years() -> None:
    # Six years of months are still months; a month more makes quarters.
    six_years = {datetime.date(2014, 1, 1): 2, datetime.date(2019, 12, 1): 1}
    assert len(points_chart(six_years).bars) == MAX_BARS  # type: ignore[union-attr]
    by_quarter = points_chart(
        {**six_years, datetime.date(2020, 1, 31): 4, datetime.date(2020, 3, 1): 1}
    )
    assert by_quarter is not None and by_quarter.period.name == "quarter"
    assert len(by_quarter.bars) == 25
    assert by_quarter.bars[0].name == "January\N{EN DASH}March 2014"
    assert by_quarter.peak.label == "January\N{EN DASH}March 2020: 5 points"
    assert "the busiest quarter was January\N{EN DASH}March 2020 with 5." in by_quarter.summary
    assert [tick.year for tick in by_quarter.ticks][:2] == [2014, 2015]
    assert sum(bar.count for bar in by_quarter.bars) == by_quarter.total == 8
    # October 2016's label would stand over 2017's, a quarter on: left out.
    late_start = points_chart({datetime.date(2016, 10, 1): 4, datetime.date(2026, 11, 1): 1})
    assert late_start is not None and late_start.period.name == "quarter"
    assert [tick.year for tick in late_start.ticks][:2] == [2017, 2018]
    assert all(b.x - a.x >= LABEL_WIDTH for a, b in itertools.pairwise(late_start.ticks))
    # Past eighteen years, a bar a year.
    by_year = points_chart({datetime.date(2001, 7, 1): 1200, datetime.date(2026, 11, 1): 3})
    assert by_year is not None and by_year.period.name == "year"
    assert [bar.name for bar in by_year.bars][::25] == ["2001", "2026"]
    # Every year label stands inside the chart, none over another.
    assert max(tick.x for tick in by_year.ticks) <= by_year.width - LABEL_WIDTH
    assert all(b.x - a.x >= LABEL_WIDTH for a, b in itertools.pairwise(by_year.ticks))
    assert by_year.summary.startswith("1,203 points from 2001 to 2026")


def test_chart_of_nothing_is_none() -> None:
    assert points_chart({}) is None


def _grow(library: Library, extra: int) -> None:
    world = library.world
    for cell in world.cells.values():
        for n in range(extra):
            meeting = make_meeting(cell, status=MeetingStatus.PUBLISHED, points=3, title=f"X{n}")
            for note in meeting.notes.all():
                note.themes.add("prevention", f"theme {n}", "systems change")


def test_theme_and_cell_page_query_counts_do_not_grow_with_data(
    client: Any, library: Library, count_queries: Callable[[Any, str], int]
) -> None:
    client.force_login(library.world.users["member"])
    cell = library.world.cells["public"]
    meeting = library.note("pantry").meeting
    urls = [
        INDEX,
        INDEX + "?sort=count",
        _theme_url("prevention"),
        _theme_url("prevention") + "feed/",
        cell.get_absolute_url(),
        reverse("cells:feed", kwargs={"slug": cell.slug}),
        meeting.get_absolute_url(),
        reverse("notes:meeting_markdown", kwargs={"slug": cell.slug, "pk": meeting.pk}),
    ]
    before = [count_queries(client, url) for url in urls]
    _grow(library, extra=5)
    for position in range(3, 25):
        Note.objects.create(meeting=meeting, position=position, body="x").themes.add("extra")
    after = [count_queries(client, url) for url in urls]
    assert before == after, list(zip(urls, before, after, strict=True))


@pytest.mark.parametrize("persona", PERSONAS)
def test_theme_page_lists_exactly_the_readable_points(
    login: Callable[[str], Any], library: Library, persona: str
) -> None:
    response = login(persona).get(_theme_url("prevention"))
    shown = set(response.context["page"].object_list)
    expected = {
        note
        for note in Note.objects.filter(tagged_items__tag__name="prevention")
        if can_read(persona, note.meeting.cell.visibility, note.meeting.status)
    }
    assert shown == expected
    cells = sum(row.count for row in response.context["cells"])
    assert cells == len(expected)


@pytest.mark.usefixtures("shared_cache")
def test_theme_figures_are_reused_for_readers_of_the_same_cells(
    login: Callable[[str], Any], library: Library, count_queries: Callable[[Any, str], int]
) -> None:
    client = login("member")
    first = count_queries(client, _theme_url("prevention"))
    second = count_queries(client, _theme_url("prevention"))
    assert second < first
    index_first = count_queries(client, INDEX)
    assert count_queries(client, INDEX) < index_first
    # A reader of other cells gets figures of their own, never the member's.
    outsider = login("outsider")
    counts = {e.theme.name: e.count for e in outsider.get(INDEX).context["page"]}
    assert counts["prevention"] == _visible_count("outsider", library, "prevention")


@pytest.mark.django_db
def test_theme_suggestions_follow_posted_text_for_writers_only(client: Any, world: Any) -> None:
    Theme.objects.create(name="trust", keywords="trusted", curated=True)
    url = reverse("notes:theme_suggestions")
    assert client.post(url, {"text": "They trusted us."}).status_code == 302  # log in first
    client.force_login(world.users["facilitator"])
    assert client.get(url).status_code == 405
    found = client.post(url, {"text": "They trusted us."}).json()["suggestions"]
    assert found == [{"name": "trust", "reason": "the text says “trusted”"}]
    assert client.post(url, {"text": "\x00" * 10}).json() == {"suggestions": []}


@pytest.mark.django_db
def test_autocomplete_offers_names_alike_for_a_new_name(client: Any, world: Any) -> None:
    client.force_login(world.users["facilitator"])
    url = reverse("notes:theme_autocomplete")
    assert client.get(url, {"q": "leader"}).json()["similar"] == ["leadership"]
    exact = client.get(url, {"q": "Leadership"}).json()
    assert exact["themes"][0]["name"] == "leadership" and exact["similar"] == []
