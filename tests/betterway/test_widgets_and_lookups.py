"""The project's additions to Django: the long select and the ``__any`` lookup."""

from __future__ import annotations

from typing import Any

import pytest
from django import forms
from django.test.html import Element, parse_html

from betterway.lookups import Ids, id_array
from betterway.widgets import LongSelect
from cells.models import Cell, Meeting
from notes.models import Note
from tests.personas import World

CHOICES = [("", "Any cell"), ("tea", "Tea & <toast>"), ("north", "North")]


class _Both(forms.Form):
    django = forms.ChoiceField(choices=CHOICES, required=False, help_text="Pick one.")
    long = forms.ChoiceField(
        choices=CHOICES, required=False, help_text="Pick one.", widget=LongSelect
    )


def _same_shape(html: str, name: str) -> Element:
    """The HTML parsed (attributes in any order), with the field's name taken out."""
    return parse_html(html.replace(f"id_{name}", "id_x").replace(f'"{name}"', '"x"'))


@pytest.mark.parametrize("value", ["", "tea", "missing"])
def test_the_long_select_writes_what_djangos_select_writes(value: str) -> None:
    form = _Both({"django": value, "long": value})
    form.is_valid()
    assert _same_shape(str(form["long"]), "long") == _same_shape(str(form["django"]), "django")
    assert "Tea &amp; &lt;toast&gt;" in str(form["long"])


def test_any_matches_ids_from_a_list_of_any_length(world: World) -> None:
    cells = list(Cell.objects.order_by("pk"))
    assert list(Cell.objects.filter(pk__any=[cells[0].pk, cells[2].pk]).order_by("pk")) == [
        cells[0],
        cells[2],
    ]
    assert not Cell.objects.filter(pk__any=[]).exists()
    # Through a foreign key as well.
    meetings = Meeting.objects.filter(cell_id__any=(cells[1].pk,))
    assert set(meetings) == set(Meeting.objects.filter(cell=cells[1])) != set()
    notes = Note.objects.filter(meeting__cell_id__any=[cells[1].pk])
    assert set(notes) == set(Note.objects.filter(meeting__cell=cells[1]))


def test_ids_match_as_a_list_does_written_once(
    world: World, django_assert_num_queries: Any
) -> None:
    cells = list(Cell.objects.order_by("pk"))
    ids = Ids(cell.pk for cell in cells[:2])
    assert ids.array == f"{{{cells[0].pk},{cells[1].pk}}}" and ids.count == 2
    # The same value serves several queries (a generator would serve one).
    assert list(Cell.objects.filter(pk__any=ids).order_by("pk")) == cells[:2]
    assert Meeting.objects.filter(cell_id__any=ids).count() == (
        Meeting.objects.filter(cell__in=cells[:2]).count()
    )
    # None: nothing matches, and Django answers without asking the database.
    with django_assert_num_queries(0):
        assert not Cell.objects.filter(pk__any=Ids([])).exists()
    with pytest.raises(ValueError):
        Ids(["1}"])  # type: ignore[list-item]  # what no caller may pass


def test_any_refuses_what_is_not_a_whole_number(world: World) -> None:
    # The ids go into the array's text: anything else must not reach it.
    with pytest.raises(ValueError):
        list(Cell.objects.filter(pk__any=["1}", 2]))
    assert id_array([3, 4, 5]) == "{3,4,5}"
