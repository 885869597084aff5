"""A meeting's rendered points and neighbours, shared by readers of the same cells."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.core.cache import cache
from django.utils import timezone

from cells.models import Membership, Role, Visibility
from notes.actions.models import ActionStatus
from notes.models import Theme
from tests.notes.actions.helpers import add_action, add_proposal, first_note
from tests.personas import World, client_of, make_user

# Content versions are bumped when a transaction commits.
pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("shared_cache")]


def _private_meeting_url(world: World) -> str:
    return world.meetings[("private", "published")].get_absolute_url()


def test_a_second_view_reads_neither_points_themes_nor_neighbours(
    world: World, count_queries: Any
) -> None:
    client = client_of(world.users["member"])
    url = _private_meeting_url(world)
    add_action(first_note(world.meetings[("private", "published")]), "Book the hall")
    first = count_queries(client, url)
    # The reader, the points, their themes, the neighbours and what was agreed
    # (actions, proposals, points discussing a proposal again) came from the cache.
    assert count_queries(client, url) == first - 7


def test_an_edited_point_and_a_renamed_theme_show_at_once(world: World) -> None:
    client = client_of(world.users["member"])
    url = _private_meeting_url(world)
    assert "local councils" in client.get(url).text
    note = first_note(world.meetings[("private", "published")])
    note.body = "Parish meetings were **busy**."
    note.save()
    theme = Theme.objects.get(name="leadership")
    theme.name = "stewardship"
    theme.save()
    page = client.get(url).text
    assert "Parish meetings were <strong>busy</strong>." in page
    assert ">stewardship</a>" in page and ">leadership</a>" not in page


def test_neighbours_are_those_of_each_readers_own_cells(world: World) -> None:
    """A facilitator also reads the cell's draft: a member, caching the page
    first or after, never sees a link to it."""
    url = _private_meeting_url(world)
    draft = world.meetings[("private", "draft")].get_absolute_url()
    for order in (["member", "facilitator"], ["facilitator", "member"]):
        cache.clear()
        for persona in order:
            page = client_of(world.users[persona]).get(url).text
            assert (f'href="{draft}" rel=' in page) == (persona == "facilitator"), (order, persona)


def test_what_was_agreed_under_a_point_is_each_readers_own(world: World) -> None:
    """Two members of the cell share its points and what was agreed under them;
    only the action's owner may mark it done, whoever views the page first."""
    owner = world.users["member"]
    second = make_user("second_member")
    Membership.objects.create(user=second, cell=world.cells[Visibility.PRIVATE], role=Role.MEMBER)
    add_action(first_note(world.meetings[("private", "published")]), "Book the hall", owner=owner)
    url = _private_meeting_url(world)
    for order in ([second, owner], [owner, second]):
        cache.clear()
        pages = {reader: client_of(reader).get(url) for reader in order}
        mine, theirs = pages[owner], pages[second]
        assert "Book the hall" in theirs.text and "Book the hall" in mine.text
        assert "Mark done" in mine.text and "Mark done" not in theirs.text
        assert "csrfmiddlewaretoken" not in theirs.text.split("</header>", 1)[1]
        # The form carries its own reader's CSRF token.
        assert str(mine.context["csrf_token"]) in mine.text


def test_an_action_falls_overdue_the_next_day(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    today = timezone.localdate()
    note = first_note(world.meetings[("private", "published")])
    add_action(note, "Book the hall", owner=world.users["facilitator"], due=today)
    client = client_of(world.users["member"])
    url = _private_meeting_url(world)
    assert "Overdue" not in client.get(url).text
    assert "Overdue" not in client.get(url).text  # from the cache
    tomorrow = today + datetime.timedelta(days=1)
    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: tomorrow)
    assert "Overdue" in client.get(url).text


def test_what_was_agreed_shows_at_once(world: World) -> None:
    client = client_of(world.users["member"])
    url = _private_meeting_url(world)
    assert "Book the hall" not in client.get(url).text
    note = first_note(world.meetings[("private", "published")])
    action = add_action(note, "Book the hall")
    add_proposal(note, "Share the hall across cells")
    page = client.get(url).text
    assert "Book the hall" in page and "Share the hall across cells" in page
    action.status = ActionStatus.DONE
    action.save()
    assert 'status--done">Done<' in client.get(url).text
    action.delete()
    assert "Book the hall" not in client.get(url).text


def test_owners_names_are_for_each_readers_own_cells(world: World) -> None:
    """A member of a public cell and a reader of no cell may read the same
    cells, and share what was agreed; only the member sees whose action it is."""
    cell = world.cells[Visibility.PUBLIC]
    member = make_user("priya_member")
    Membership.objects.create(user=member, cell=cell, role=Role.MEMBER)
    nobody = make_user("reader_of_no_cell")
    meeting = world.meetings[("public", "published")]
    add_action(first_note(meeting), "Print the leaflets", owner=member)
    url = meeting.get_absolute_url()
    for order in ([member, nobody], [nobody, member]):
        cache.clear()
        for reader in order:
            page = client_of(reader).get(url).text
            assert "Print the leaflets" in page
            assert ("Priya_Member" in page) == (reader == member), (order, reader)
            assert ("Owner named for the cell" in page) == (reader == nobody), (order, reader)


def test_marked_search_words_are_rendered_for_the_reader_alone(world: World) -> None:
    client = client_of(world.users["member"])
    url = _private_meeting_url(world)
    marked = client.get(f"{url}?highlight=councils&back=/search/?q=councils").text
    assert "<mark>councils</mark>" in marked and "Back to results" in marked
    assert "<mark>" not in client.get(url).text
    # Only the plain page was kept: a search's words are not a page to share.
    keys = [key for key in cache._cache if "meeting-points" in key]  # type: ignore[attr-defined]
    assert len(keys) == 1
