"""Privacy of names: who attended is for the cell, unless its facilitator shows it."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.urls import reverse

from cells.models import MeetingStatus, Membership, Role, Visibility
from tests.personas import PERSONAS, STAFF, World

pytestmark = pytest.mark.django_db


def _public_meeting(world: World, *, shown: bool) -> Any:
    meeting = world.meetings[(Visibility.PUBLIC, MeetingStatus.PUBLISHED)]
    cell = meeting.cell
    Membership.objects.create(user=world.users["member"], cell=cell, role=Role.MEMBER)
    meeting.attendees.set([world.users["member"]])
    meeting.guest_names = "Gita Guestwell"
    meeting.show_attendees = shown
    meeting.save()
    return meeting


def _markdown(client: Any, meeting: Any) -> str:
    url = reverse("notes:meeting_markdown", args=[meeting.cell.slug, meeting.pk])
    return client.get(url).content.decode()


@pytest.mark.parametrize("shown", [False, True], ids=["hidden", "shown"])
@pytest.mark.parametrize("persona", PERSONAS)
def test_names_reach_readers_outside_the_cell_only_when_shown(
    world: World, login: Callable[[str], Any], persona: str, shown: bool
) -> None:
    meeting = _public_meeting(world, shown=shown)
    client = login(persona)
    expected = shown or persona in STAFF or persona == "member"
    for text in [
        client.get(meeting.get_absolute_url()).content.decode(),
        _markdown(client, meeting),
    ]:
        assert ("Gita Guestwell" in text) is expected, persona
        assert ("Member" in text.split("Attended", 1)[-1][:200]) is expected, persona
    page = client.get(meeting.get_absolute_url()).content.decode()
    assert ("Who attended is shown to the cell's members." in page) is not expected


def test_a_private_or_draft_meeting_says_so_on_the_page_and_in_its_export(
    world: World, login: Callable[[str], Any]
) -> None:
    client = login("facilitator")
    private = world.meetings[(Visibility.PRIVATE, MeetingStatus.PUBLISHED)]
    draft = world.meetings[(Visibility.PRIVATE, MeetingStatus.DRAFT)]
    assert "Private to Private cell" in client.get(private.get_absolute_url()).content.decode()
    assert "*Private to Private cell*" in _markdown(client, private)
    assert "*Draft*" in _markdown(client, draft)
    assert "*Draft*" not in _markdown(client, private)
    public = world.meetings[(Visibility.PUBLIC, MeetingStatus.PUBLISHED)]
    assert "Private to" not in client.get(public.get_absolute_url()).content.decode()


def test_new_meetings_show_names_by_default_only_in_network_cells(
    world: World, login: Callable[[str], Any]
) -> None:
    client = login("staff")
    public = client.get(reverse("notes:meeting_new", args=["public-cell"])).content.decode()
    network = client.get(reverse("notes:meeting_new", args=["network-cell"])).content.decode()
    import re

    def box(page: str) -> str:
        found = re.search(r'<input type="checkbox" name="show_attendees"[^>]*>', page)
        assert found is not None
        return found.group(0)

    assert " checked" not in box(public)
    assert " checked" in box(network)
    private = client.get(reverse("notes:meeting_new", args=["private-cell"])).content.decode()
    assert 'name="show_attendees"' not in private  # members only read it anyway


def test_a_facilitator_sees_the_cells_drafts_first(
    world: World, login: Callable[[str], Any]
) -> None:
    cell_url = world.cells[Visibility.PRIVATE].get_absolute_url()
    draft = world.meetings[(Visibility.PRIVATE, MeetingStatus.DRAFT)]
    page = login("facilitator").get(cell_url).content.decode()
    assert "Drafts to finish" in page
    assert (
        page.index(draft.title) < page.index("Most discussed themes") or "Drafts to finish" in page
    )
    member = login("member").get(cell_url).content.decode()
    assert "Drafts to finish" not in member and draft.title not in member


@pytest.mark.parametrize("persona", PERSONAS)
def test_a_cells_members_are_named_on_its_page_to_its_members_and_staff(
    world: World, login: Callable[[str], Any], persona: str
) -> None:
    client = login(persona)
    for cell in [*world.cells.values(), world.other_cell]:
        assert cell is not None
        response = client.get(cell.get_absolute_url())
        if response.status_code == 404:
            continue  # a cell the reader may not read: the reading rules' own tests
        member = Membership.objects.filter(user_id=world.user(persona).pk, cell=cell).exists()
        expected = member or persona in STAFF
        assert ("<dt>Members</dt>" in response.text) is expected, (persona, cell.name)
        if expected:
            listed = response.text.split("<dt>Members</dt>", 1)[1].split("</dd>", 1)[0]
            for membership in cell.memberships.filter(role=Role.MEMBER):
                assert membership.user.get_display_name() in listed, (persona, cell.name)
