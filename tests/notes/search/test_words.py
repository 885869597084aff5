"""Did you mean: misspelt words are corrected from the words of readable points only."""

from __future__ import annotations

import threading
import time
from typing import Any

import pytest
from django.db import connection, transaction
from django.urls import reverse

from cells.models import MeetingStatus, Visibility
from notes.models import Note
from notes.record.services import set_status
from notes.search.models import SearchWord
from notes.search.words import correction_for, refresh_cells
from tests.personas import World

SEARCH = reverse("notes:search")
pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def words(world: World) -> World:
    """Sheffield in the public cell; Wolverhampton only in the private cell."""
    public = world.meetings[("public", "published")]
    private = world.meetings[("private", "published")]
    Note.objects.create(meeting=public, position=40, body="A visit to Sheffield council.")
    Note.objects.create(meeting=private, position=40, body="Wolverhampton tried it quietly.")
    refresh_cells([public.cell_id, private.cell_id])
    return world


def test_a_misspelt_word_is_corrected_with_a_link(client: Any, words: World) -> None:
    response = client.get(SEARCH, {"q": "Sheffeld"})
    assert response.context["page"].paginator.count == 0
    correction = response.context["correction"]
    assert correction.text == "sheffield"
    assert "Did you mean" in response.text
    corrected = client.get(SEARCH + correction.url)
    assert corrected.context["page"].paginator.count == 1


@pytest.mark.parametrize(
    ("persona", "suggested"),
    [("anonymous", False), ("outsider", False), ("other_member", False), ("member", True)],
)
def test_suggestions_come_only_from_readable_points(
    login: Any, words: World, persona: str, suggested: bool
) -> None:
    response = login(persona).get(SEARCH, {"q": "Wolverhamton"})
    correction = response.context["correction"]
    assert (correction is not None and correction.text == "wolverhampton") == suggested


def test_known_words_and_nonsense_are_not_corrected(words: World) -> None:
    staff = words.users["staff"]
    assert correction_for(staff, "sheffield") is None
    assert correction_for(staff, "qqqxxzz") is None


def test_the_words_follow_publishing(words: World) -> None:
    private = words.meetings[("private", "published")]
    assert SearchWord.objects.filter(word="wolverhampton").exists()
    set_status(private, MeetingStatus.DRAFT)  # refreshed when it commits
    assert not SearchWord.objects.filter(word="wolverhampton").exists()
    set_status(private, MeetingStatus.PUBLISHED)
    assert SearchWord.objects.filter(word="wolverhampton", cell=private.cell).exists()


def test_two_rebuilds_of_a_cell_at_once_both_succeed(words: World) -> None:
    # Two saves to the same cell, committed at once.
    cell_id = words.cells[Visibility.PUBLIC].pk
    first_done, release = threading.Event(), threading.Event()
    errors: list[Exception] = []

    def rebuild(hold: bool) -> None:
        try:
            with transaction.atomic():
                refresh_cells([cell_id])
                if hold:  # the first keeps its transaction open while the second starts
                    first_done.set()
                    release.wait(10)
        except Exception as error:  # reported by the assertion below
            errors.append(error)
        finally:
            connection.close()

    first = threading.Thread(target=rebuild, args=(True,))
    first.start()
    assert first_done.wait(10)
    second = threading.Thread(target=rebuild, args=(False,))
    second.start()
    time.sleep(0.5)  # the second reaches the cell's rows before the first commits
    release.set()
    first.join(10)
    second.join(10)
    assert errors == []
    assert SearchWord.objects.filter(cell_id=cell_id, word="sheffield").count() == 1
