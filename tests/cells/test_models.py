"""Database constraints and model rules of cells, memberships and meetings."""

from __future__ import annotations

import pytest
from django.db import IntegrityError, transaction
from django.db.models import ProtectedError

from cells.models import Cell, Meeting, MeetingStatus, Membership, Role
from tests.personas import World, make_meeting


def test_database_rejects_a_second_membership_of_the_same_pair(world: World) -> None:
    member = world.users["member"]
    cell = world.cells["private"]
    with pytest.raises(IntegrityError), transaction.atomic():
        Membership.objects.create(user=member, cell=cell, role=Role.FACILITATOR)


def test_deleting_a_cell_with_meetings_is_refused_so_notes_survive(world: World) -> None:
    cell = world.cells["public"]
    with pytest.raises(ProtectedError):
        cell.delete()
    assert Meeting.objects.filter(cell=cell).count() == 2


def test_a_cell_without_meetings_can_be_deleted(db: None) -> None:
    cell = Cell.objects.create(name="Empty", slug="empty")
    cell.delete()
    assert not Cell.objects.filter(slug="empty").exists()


def test_cell_slugs_are_unique(db: None) -> None:
    Cell.objects.create(name="One", slug="same")
    with pytest.raises(IntegrityError), transaction.atomic():
        Cell.objects.create(name="Two", slug="same")


def test_publishing_stamps_published_at_once(world: World) -> None:
    meeting = world.meetings[("public", "draft")]
    assert meeting.published_at is None
    meeting.status = MeetingStatus.PUBLISHED
    meeting.save()
    first = meeting.published_at
    assert first is not None
    meeting.title = "Renamed"
    meeting.save()
    assert meeting.published_at == first


def test_meeting_history_keeps_every_version(world: World) -> None:
    meeting = make_meeting(world.cells["public"], points=0, title="First title")
    meeting.title = "Second title"
    meeting.save()
    titles = [record.title for record in meeting.history.order_by("history_date")]
    assert titles == ["First title", "Second title"]


def test_guest_list_ignores_blank_lines(world: World) -> None:
    meeting = world.meetings[("public", "published")]
    meeting.guest_names = "Priya Shah\n\n  Sam Ortiz  \n"
    assert meeting.guest_list() == ["Priya Shah", "Sam Ortiz"]
