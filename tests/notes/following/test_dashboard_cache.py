"""The dashboard's drafts and recent meetings, shared by readers of the same cells."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.cache import cache
from django.urls import reverse

from cells.models import MeetingStatus, Visibility
from notes.record.services import set_status
from tests.notes.following import dashboard_titles
from tests.personas import World, client_of, make_meeting

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
