"""The cell list, cell and meeting pages: the reading rules through the pages."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from django.urls import reverse

from cells.models import Cell, MeetingStatus, Membership, Role, Visibility
from tests.personas import PERSONAS, STAFF, STATUSES, VISIBILITIES, World, can_read, make_meeting


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("visibility", VISIBILITIES)
@pytest.mark.parametrize("status", STATUSES)
def test_meeting_page_answers_404_when_hidden(
    login: Callable[[str], Any], world: World, persona: str, visibility: str, status: str
) -> None:
    meeting = world.meetings[(visibility, status)]
    response = login(persona).get(meeting.get_absolute_url())
    assert response.status_code == (200 if can_read(persona, visibility, status) else 404)
    if response.status_code == 200:
        assert meeting.title in response.text
    else:
        assert meeting.title not in response.text


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("visibility", VISIBILITIES)
def test_cell_page_answers_404_when_hidden(
    login: Callable[[str], Any], world: World, persona: str, visibility: str
) -> None:
    cell = world.cells[visibility]
    response = login(persona).get(cell.get_absolute_url())
    assert response.status_code == (200 if can_read(persona, visibility, "published") else 404)


@pytest.mark.parametrize("persona", PERSONAS)
def test_cell_page_lists_only_readable_meetings(
    login: Callable[[str], Any], world: World, persona: str
) -> None:
    client = login(persona)
    for (visibility, status), meeting in world.meetings.items():
        if not can_read(persona, visibility, "published"):
            continue
        page = client.get(world.cells[visibility].get_absolute_url()).text
        assert (meeting.title in page) is can_read(persona, visibility, status)


@pytest.mark.parametrize("persona", PERSONAS)
def test_home_and_cell_list_show_only_readable_content(
    login: Callable[[str], Any], world: World, persona: str
) -> None:
    client = login(persona)
    home = client.get(reverse("home")).text
    for key, meeting in world.meetings.items():
        assert (meeting.title in home) is can_read(persona, *key), key
    cell_list = client.get(reverse("cells:list")).text
    for visibility, cell in world.cells.items():
        assert (cell.name in cell_list) is can_read(persona, visibility, "published")
    assert ("Other cell" in cell_list) is (persona in {"other_member"} | STAFF)


def test_meeting_page_shows_points_in_order_with_anchors_and_themes(
    login: Callable[[str], Any], world: World
) -> None:
    meeting = world.meetings[("public", "published")]
    page = login("anonymous").get(meeting.get_absolute_url()).text
    assert page.index('id="point-1"') < page.index('id="point-2"')
    assert page.index("Point heading 1") < page.index("Point heading 2")
    assert 'href="#point-1">1.</a> Point heading 1</h2>' in page
    assert '<li class="chip"><a href="/themes/leadership/">leadership</a></li>' in page
    assert "Richard Example" in page
    assert "29 November 2017" in page


def test_meeting_page_reads_only_what_it_shows(login: Callable[[str], Any], world: World) -> None:
    """The points without their search columns; their themes A to Z in one query."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    meeting = world.meetings[("public", "published")]
    first, second = meeting.notes.order_by("position")
    first.themes.set(["Zoning", "allotments", "Budgets"])
    second.themes.clear()
    client = login("anonymous")
    with CaptureQueriesContext(connection) as queries:
        page = client.get(meeting.get_absolute_url()).text
    sql = [query["sql"] for query in queries.captured_queries]
    assert not [query for query in sql if "search_vector" in query or "word_pairs" in query]
    assert len([query for query in sql if "notes_taggednote" in query]) == 1
    chips = page[page.index('id="point-1"') : page.index('id="point-2"')]
    assert chips.index(">allotments<") < chips.index(">Budgets<") < chips.index(">Zoning<")
    assert "chip" not in page[page.index('id="point-2"') : page.index("</ol>")]


@pytest.mark.parametrize("persona", ["anonymous", "facilitator"])
def test_meeting_lists_give_each_meetings_own_number_of_points(
    login: Callable[[str], Any], world: World, persona: str
) -> None:
    """The cell page, the home page and the dashboard count each meeting's points,
    and a page of the cell's meetings is counted without reading any point.
    """
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    cell = world.cells["public"]
    make_meeting(cell, points=3, title="Three said", date=_date(20))
    make_meeting(cell, points=0, title="Nothing said", date=_date(21))
    client = login(persona)
    with CaptureQueriesContext(connection) as queries:
        pages = [client.get(url).text for url in (cell.get_absolute_url(), reverse("home"))]
    for page in pages:
        assert re.search(
            r"Three said</a></h3>\s*<p class=\"meta\">[^<]*<time[^>]*>[^<]*</time>"
            r"[\s\S]*?· 3 points",
            page,
        )
        assert re.search(r"Nothing said</a></h3>[\s\S]*?· 0 points", page)
    counts = [q["sql"] for q in queries.captured_queries if q["sql"].startswith("SELECT COUNT(*)")]
    assert counts and not [sql for sql in counts if "notes_note" in sql]


def test_meeting_under_the_wrong_cell_slug_is_not_found(
    login: Callable[[str], Any], world: World
) -> None:
    meeting = world.meetings[("public", "published")]
    url = reverse("cells:meeting", kwargs={"slug": "network-cell", "pk": meeting.pk})
    assert login("staff").get(url).status_code == 404


def test_note_body_is_rendered_as_markdown_without_script(
    login: Callable[[str], Any], world: World
) -> None:
    meeting = world.meetings[("public", "published")]
    note = meeting.notes.earliest("position")
    note.body = 'A **bold** claim <script>alert("x")</script> [link](javascript:alert(1))'
    note.heading = "<img src=x onerror=alert(1)>"
    note.save()
    page = login("anonymous").get(meeting.get_absolute_url()).text
    assert "<strong>bold</strong>" in page
    assert "<script>alert" not in page
    assert "&lt;script&gt;" in page
    assert 'href="javascript' not in page  # no link; its text may stay
    assert "<img src=x" not in page
    assert "&lt;img src=x onerror=alert(1)&gt;" in page


def test_empty_states_say_what_to_do(client: Any, db: None) -> None:
    assert "No meetings you can read yet" in client.get(reverse("home")).text
    assert "no cells you can see yet" in client.get(reverse("cells:list")).text
    cell = Cell.objects.create(name="Quiet cell", slug="quiet", visibility=Visibility.PUBLIC)
    assert "no published meetings yet" in client.get(cell.get_absolute_url()).text


def test_cell_page_paginates_meetings(client: Any, db: None) -> None:
    cell = Cell.objects.create(name="Busy cell", slug="busy", visibility=Visibility.PUBLIC)
    for day in range(1, 26):
        make_meeting(cell, points=0, title=f"Meeting {day:02d}", date=_date(day))
    first = client.get(cell.get_absolute_url()).text
    assert "Meeting 25" in first and "Meeting 05" not in first
    assert "Page 1 of 2" in first
    second = client.get(cell.get_absolute_url() + "?page=2").text
    assert "Meeting 05" in second and "Meeting 25" not in second
    # A page number out of range shows the last page rather than an error.
    assert client.get(cell.get_absolute_url() + "?page=99").status_code == 200


def _date(day: int) -> Any:
    import datetime

    return datetime.date(2018, 1, day)


def _grow(world: World, meetings: int, points: int) -> None:
    """Add published meetings with many points to every cell."""
    for cell in world.cells.values():
        for n in range(meetings):
            make_meeting(cell, status=MeetingStatus.PUBLISHED, points=points, title=f"Extra {n}")


@pytest.mark.parametrize("persona", ["anonymous", "member", "staff"])
def test_page_query_counts_do_not_grow_with_data(
    login: Callable[[str], Any],
    world: World,
    count_queries: Callable[[Any, str], int],
    persona: str,
) -> None:
    client = login(persona)
    meeting = world.meetings[("public", "published")]
    urls = [
        reverse("home"),
        reverse("cells:list"),
        world.cells["public"].get_absolute_url(),
        meeting.get_absolute_url(),
    ]
    client.get(reverse("home"))  # a member's first visit creates their settings row
    before = [count_queries(client, url) for url in urls]
    _grow(world, meetings=6, points=2)
    for position in range(3, 30):
        make_note = meeting.notes.create(position=position, body=f"Extra point {position}")
        make_note.themes.add("leadership", f"theme {position}")
    after = [count_queries(client, url) for url in urls]
    assert before == after
    # The meeting page: session, reader, meeting, notes, their themes,
    # actions, the meeting's proposals and those its points discuss again …
    assert max(after) <= 13


def test_home_offers_facilitators_to_record_a_meeting_of_their_active_cells(
    login: Callable[[str], Any], world: World
) -> None:
    new_meeting = reverse("notes:meeting_new", kwargs={"slug": "private-cell"})
    assert new_meeting in login("facilitator").get(reverse("home")).text
    assert new_meeting not in login("member").get(reverse("home")).text
    world.cells["private"].is_active = False
    world.cells["private"].save()
    assert new_meeting not in login("facilitator").get(reverse("home")).text


def test_the_dashboard_shows_a_member_of_many_cells_a_few_and_links_to_the_rest(
    login: Callable[[str], Any], world: World
) -> None:
    member = world.users["member"]
    extra = [
        Cell.objects.create(name=f"Extra cell {n:02d}", slug=f"extra-{n:02d}") for n in range(14)
    ]
    Membership.objects.bulk_create(Membership(user=member, cell=cell) for cell in extra)
    led = Cell.objects.create(name="Zz led cell", slug="zz-led")
    Membership.objects.create(user=member, cell=led, role=Role.FACILITATOR)
    client = login("member")
    home = client.get(reverse("home")).text
    # The cell they facilitate comes first however it sorts, then the first by name.
    assert "Zz led cell" in home and "Extra cell 00" in home
    assert "Extra cell 13" not in home
    all_mine = reverse("cells:list") + "?mine=1"
    assert f'href="{all_mine}"' in home
    listing = client.get(all_mine).text
    assert "Extra cell 13" in listing and "Zz led cell" in listing
    # Only their own cells, not every cell they may read.
    assert "Network cell" not in listing
    assert "Network cell" in client.get(reverse("cells:list")).text


def test_your_cells_is_empty_for_a_visitor_and_a_member_of_none(
    client: Any, login: Callable[[str], Any], world: World
) -> None:
    # Logged out, "mine" means nothing: the full public list.
    assert "Public cell" in client.get(reverse("cells:list") + "?mine=1").text
    Membership.objects.filter(user=world.users["member"]).delete()
    page = login("member").get(reverse("cells:list") + "?mine=1").text
    assert "You do not belong to any cell yet" in page
