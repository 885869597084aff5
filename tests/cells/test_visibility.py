"""The reading rules as a matrix: every persona against every kind of content."""

from __future__ import annotations

from typing import Any

import pytest

from cells.access import is_insider, reader_of
from cells.models import Cell, Meeting, Membership
from notes.models import Note
from tests.personas import PERSONAS, STAFF, STATUSES, VISIBILITIES, World, can_edit, can_read

CONTENT = [(visibility, status) for visibility in VISIBILITIES for status in STATUSES]


@pytest.mark.parametrize("persona", PERSONAS)
def test_meetings_visible_to_follow_the_reading_rules(world: World, persona: str) -> None:
    visible = set(Meeting.objects.visible_to(world.user(persona)))
    for key, meeting in world.meetings.items():
        assert (meeting in visible) is can_read(persona, *key), (persona, key)


@pytest.mark.parametrize("persona", PERSONAS)
def test_one_cells_meetings_follow_the_reading_rules(world: World, persona: str) -> None:
    # The shorter condition a meeting page uses for its neighbours.
    user = world.user(persona)
    for cell in [*world.cells.values(), world.other_cell]:
        assert cell is not None
        condition = reader_of(user).cell_meetings_q(cell.pk)
        assert set(Meeting.objects.filter(condition)) == set(
            Meeting.objects.visible_to(user).filter(cell=cell)
        ), (persona, cell.name)
    for key, meeting in world.meetings.items():
        condition = reader_of(user).cell_meetings_q(meeting.cell_id)
        readable = Meeting.objects.filter(condition).filter(pk=meeting.pk).exists()
        assert readable is can_read(persona, *key), (persona, key)


@pytest.mark.parametrize("persona", PERSONAS)
def test_one_meeting_in_hand_follows_the_reading_rules(world: World, persona: str) -> None:
    # What a meeting's own pages (the page, its Markdown, the editor) ask.
    reader = reader_of(world.user(persona))
    for key, meeting in world.meetings.items():
        readable = reader.may_read_meeting(meeting.cell_id, meeting.is_published)
        assert readable is can_read(persona, *key), (persona, key)


@pytest.mark.parametrize("persona", PERSONAS)
def test_names_are_shown_to_the_cells_members_and_staff(world: World, persona: str) -> None:
    user = world.user(persona)
    for cell in [*world.cells.values(), world.other_cell]:
        assert cell is not None
        member = Membership.objects.filter(user_id=user.pk, cell=cell).exists()
        assert is_insider(user, cell.pk) is (member or persona in STAFF), (persona, cell.name)


@pytest.mark.parametrize("persona", PERSONAS)
def test_notes_visible_to_follow_their_meeting(world: World, persona: str) -> None:
    visible = set(Note.objects.visible_to(world.user(persona)))
    for key in CONTENT:
        for note in world.notes_of(*key):
            assert (note in visible) is can_read(persona, *key), (persona, key)


@pytest.mark.parametrize("persona", PERSONAS)
def test_cells_visible_to_follow_visibility_and_membership(world: World, persona: str) -> None:
    visible = set(Cell.objects.visible_to(world.user(persona)))
    for visibility, cell in world.cells.items():
        expected = can_read(persona, visibility, "published")
        assert (cell in visible) is expected, (persona, visibility)
    assert (world.other_cell in visible) is (persona in {"other_member"} | STAFF)


@pytest.mark.parametrize("persona", PERSONAS)
def test_one_cell_in_hand_follows_the_reading_rules(world: World, persona: str) -> None:
    # What a cell's pages ask of the cell their address names.
    reader = reader_of(world.user(persona))
    visible = set(Cell.objects.visible_to(world.user(persona)))
    for cell in [*world.cells.values(), world.other_cell]:
        assert cell is not None
        assert reader.may_read_cell(cell.pk) is (cell in visible), (persona, cell.name)


@pytest.mark.parametrize("persona", PERSONAS)
def test_editable_by_allows_only_facilitators_and_staff(world: World, persona: str) -> None:
    user = world.user(persona)
    editable_meetings = set(Meeting.objects.editable_by(user))
    editable_cells = set(Cell.objects.editable_by(user))
    for (visibility, status), meeting in world.meetings.items():
        expected = can_edit(persona, visibility)
        assert (meeting in editable_meetings) is expected, (persona, visibility, status)
    for visibility, cell in world.cells.items():
        assert (cell in editable_cells) is can_edit(persona, visibility)


def test_nothing_is_editable_by_a_member_who_facilitates_nothing_without_asking(
    world: World, django_assert_num_queries: Any
) -> None:
    member = world.users["member"]
    reader_of(member)  # resolved once per request, before any page's queries
    with django_assert_num_queries(0):
        assert list(Meeting.objects.editable_by(member)) == []
        assert list(Cell.objects.editable_by(member)) == []
    assert Meeting.objects.editable_by(world.users["facilitator"]).exists()


def test_visible_to_returns_each_meeting_once_for_a_member_of_many_cells(world: World) -> None:
    facilitator = world.users["facilitator"]
    meetings = Meeting.objects.visible_to(facilitator)
    assert meetings.count() == len(set(meetings))


def test_inactive_user_reads_like_a_visitor_not_like_staff(world: World) -> None:
    staff = world.users["staff"]
    staff.is_active = False
    staff.save()
    readable = set(Meeting.objects.visible_to(staff))
    assert world.meetings[("private", "draft")] not in readable
