"""The dashboard's drafts and recent meetings, shared by readers of the same cells."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.cache import cache
from django.urls import reverse

from cells.models import Cell, MeetingStatus, Membership, Role, Visibility
from notes.actions.models import ActionStatus
from notes.record.services import set_status
from tests.notes.actions.helpers import add_action, first_note
from tests.notes.following import dashboard_section, dashboard_titles
from tests.personas import World, client_of, make_meeting, make_user

HOME = reverse("home")
# Content versions are bumped when a transaction commits.
pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("shared_cache")]


def _titles(user: Any, section: str) -> list[str]:
    return dashboard_titles(client_of(user).get(HOME).text, section)


def test_each_reader_sees_the_recent_meetings_and_drafts_of_their_own_cells(world: World) -> None:
    private = "private published meeting"
    for order in (["member", "outsider", "facilitator"], ["facilitator", "outsider", "member"]):
        cache.clear()
        for persona in order:
            user = world.users[persona]
            assert (private in _titles(user, "recent")) == (persona != "outsider"), persona
            drafts = _titles(user, "drafts-heading")
            assert drafts == (["private draft meeting"] if persona == "facilitator" else [])


def test_a_meeting_published_shows_at_once(world: World) -> None:
    member = world.users["member"]
    meeting = make_meeting(
        world.cells[Visibility.PRIVATE], status=MeetingStatus.DRAFT, title="Orchard day"
    )
    assert "Orchard day" not in _titles(member, "recent")
    assert "Orchard day" in _titles(world.users["facilitator"], "drafts-heading")
    set_status(meeting, MeetingStatus.PUBLISHED)
    assert _titles(member, "recent")[0] == "Orchard day"
    assert "Orchard day" not in _titles(world.users["facilitator"], "drafts-heading")


def test_each_member_sees_their_own_actions_and_cells(world: World) -> None:
    """Two members who read the same cells share the dashboard's lists of
    meetings, never each other's actions or cells."""
    cell = world.cells[Visibility.PRIVATE]
    first, second = world.users["member"], make_user("second_member")
    Membership.objects.create(user=second, cell=cell, role=Role.MEMBER)
    # A public cell: anyone may read it, so both still read the same cells.
    public = world.cells[Visibility.PUBLIC]
    Membership.objects.create(user=second, cell=public, role=Role.MEMBER)
    note = first_note(world.meetings[("private", "published")])
    add_action(note, "Book the hall", owner=first)
    add_action(note, "Print the leaflets", owner=second)
    for order in ([first, second], [second, first]):
        cache.clear()
        pages = {user: client_of(user).get(HOME).text for user in order}
        assert "Book the hall" in dashboard_section(pages[first], "your-actions")
        assert "Print the leaflets" not in dashboard_section(pages[first], "your-actions")
        assert "Print the leaflets" in dashboard_section(pages[second], "your-actions")
        assert "Book the hall" not in dashboard_section(pages[second], "your-actions")
        assert dashboard_section(pages[second], "your-cells").count("<li>") == 2
        assert public.name not in dashboard_section(pages[first], "your-cells")


def test_a_new_action_and_a_new_cell_show_at_once(world: World) -> None:
    member = world.users["member"]
    client = client_of(member)
    assert "Book the hall" not in client.get(HOME).text
    action = add_action(
        first_note(world.meetings[("private", "published")]), "Book the hall", owner=member
    )
    assert "Book the hall" in dashboard_section(client.get(HOME).text, "your-actions")
    action.status = ActionStatus.DONE
    action.save()
    assert "Book the hall" not in client.get(HOME).text
    orchard = Cell.objects.create(name="Orchard cell", slug="orchard")
    assert "Orchard cell" not in client.get(HOME).text
    Membership.objects.create(user=member, cell=orchard, role=Role.FACILITATOR)
    page = client.get(HOME).text
    assert "Orchard cell" in page and "Record a meeting" in page
