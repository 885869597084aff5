"""Did you mean: misspelt words are corrected from the words of readable points only."""

from __future__ import annotations

import datetime
import threading
import time
from typing import Any

import pytest
from django.db import connection, transaction
from django.urls import reverse

from cells.models import Meeting, MeetingStatus, Visibility
from notes.models import Note
from notes.record.services import PointInput, save_meeting_from_admin, save_record, set_status
from notes.search.models import SearchWord
from notes.search.words import correction_for, refresh_cells
from tests.personas import World, run_queue

SEARCH = reverse("notes:search")
pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("empty_queue")]


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


def _queued_cells() -> list[int]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT (args->>'cell_id')::int FROM procrastinate_jobs "
            "WHERE task_name LIKE %s AND status = 'todo' ORDER BY 1",
            ["%refresh_search_words"],
        )
        return [row[0] for row in cursor.fetchall()]


def test_the_words_follow_publishing_through_a_worker(words: World) -> None:
    private = words.meetings[("private", "published")]
    assert SearchWord.objects.filter(word="wolverhampton").exists()
    set_status(private, MeetingStatus.DRAFT)
    # The save does not wait for the cell's words: a worker rebuilds them.
    assert _queued_cells() == [private.cell_id]
    assert SearchWord.objects.filter(word="wolverhampton").exists()
    run_queue("search")
    assert _queued_cells() == []
    assert not SearchWord.objects.filter(word="wolverhampton").exists()
    set_status(private, MeetingStatus.PUBLISHED)
    run_queue("search")
    assert SearchWord.objects.filter(word="wolverhampton", cell=private.cell).exists()


def test_saves_while_a_rebuild_waits_queue_no_other(words: World) -> None:
    public = words.meetings[("public", "published")]
    private = words.meetings[("private", "published")]
    set_status(public, MeetingStatus.DRAFT)
    set_status(public, MeetingStatus.PUBLISHED)
    set_status(private, MeetingStatus.DRAFT)
    assert _queued_cells() == sorted([public.cell_id, private.cell_id])


def test_a_draft_saved_as_a_draft_queues_no_rebuild(words: World) -> None:
    draft = words.meetings[("private", "draft")]
    note = Note.objects.create(meeting=draft, position=41, body="Kidderminster came up.")
    save_record(
        draft,
        words.users["facilitator"],
        version=draft.version,
        details={"title": "Still a draft"},
        points=[PointInput(id=note.pk, version=note.version, heading="", body="Kidderminster.")],
    )
    assert _queued_cells() == []
    set_status(draft, MeetingStatus.PUBLISHED)
    assert _queued_cells() == [draft.cell_id]
    run_queue("search")
    assert SearchWord.objects.filter(word="kidderminster", cell=draft.cell).exists()


def test_a_published_meeting_deleted_or_moved_in_the_admin_takes_its_words_along(
    words: World,
) -> None:
    private = words.meetings[("private", "published")]
    other_cell = words.other_cell
    assert other_cell is not None
    private.cell = other_cell
    save_meeting_from_admin(private, version=private.version)
    assert _queued_cells() == sorted([words.cells[Visibility.PRIVATE].pk, other_cell.pk])
    run_queue("search")
    assert list(SearchWord.objects.filter(word="wolverhampton").values_list("cell", flat=True)) == [
        other_cell.pk
    ]
    private.delete()
    assert _queued_cells() == [other_cell.pk]
    run_queue("search")
    assert not SearchWord.objects.filter(word="wolverhampton").exists()


def test_a_meeting_added_published_in_the_admin_queues_its_cells_words(words: World) -> None:
    cell = words.cells[Visibility.PUBLIC]
    meeting = Meeting(cell=cell, date=datetime.date(2024, 3, 1), title="Added")
    meeting.status = MeetingStatus.PUBLISHED
    save_meeting_from_admin(meeting, version=None)
    assert _queued_cells() == [cell.pk]


def test_two_rebuilds_of_a_cell_at_once_both_succeed(words: World) -> None:
    # Two workers, each with a job queued after a save to the same cell.
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


def test_a_save_stands_when_its_rebuild_cannot_be_queued(
    words: World, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    def queue_down(cell_id: int) -> None:
        raise RuntimeError("the queue is down")

    monkeypatch.setattr("notes.search.words._queue_refresh", queue_down)
    private = words.meetings[("private", "published")]
    set_status(private, MeetingStatus.DRAFT)  # no error: the change is committed
    private.refresh_from_db()
    assert private.status == MeetingStatus.DRAFT
    assert "the queue is down" in caplog.text
