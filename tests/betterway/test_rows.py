"""A row and the row its key points to, read by one fixed statement: the same as the ORM's."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.models import Model
from django.test.utils import CaptureQueriesContext

from betterway.rows import RowReader
from cells.models import Cell, Meeting, Membership
from tests.personas import make_meeting

pytestmark = pytest.mark.django_db

MEETING_OF_CELL = '"cells_meeting"."id" = %s AND "cells_cell"."slug" = %s'


def _values(instance: object, model: type[Model]) -> list[object]:
    return [getattr(instance, field.attname) for field in model._meta.concrete_fields]


def test_the_joined_read_equals_select_related() -> None:
    meeting = make_meeting(Cell.objects.create(name="Northern", slug="northern"))
    reader = RowReader(Meeting, MEETING_OF_CELL, related="cell")
    with CaptureQueriesContext(connection) as queries:
        read = reader.get(meeting.pk, "northern")
        assert read is not None
        cell = read.cell  # kept on the meeting: no second query
    assert len(queries) == 1
    expected = Meeting.objects.select_related("cell").get(pk=meeting.pk)
    assert _values(read, Meeting) == _values(expected, Meeting)
    assert _values(cell, Cell) == _values(expected.cell, Cell)
    assert read._state.adding is False and cell._state.db == "default"


def test_the_joined_read_finds_nothing_where_either_row_does_not_match() -> None:
    meeting = make_meeting(Cell.objects.create(name="Northern", slug="northern"))
    Cell.objects.create(name="Southern", slug="southern")
    reader = RowReader(Meeting, MEETING_OF_CELL, related="cell")
    assert reader.get(meeting.pk, "southern") is None
    assert reader.get(meeting.pk + 1000, "northern") is None


def test_only_a_required_key_can_be_joined() -> None:
    with pytest.raises(ValueError, match="introduced_by_user"):
        RowReader(Meeting, "id = %s", related="introduced_by_user").get(1)
    with pytest.raises(ValueError, match="not a required foreign key"):
        RowReader(Membership, "id = %s", related="role").get(1)
