"""Two people edit one meeting: what they changed apart is merged; a real clash
is shown with every field side by side, and the facilitator's choice is saved.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from cells.models import Meeting, MeetingStatus, Visibility
from notes.models import Note
from notes.record.services import PointInput, save_record
from tests.personas import World, edit_url, editor_data, existing_points

pytestmark = pytest.mark.django_db


def _meeting(world: World) -> Meeting:
    return world.meetings[(Visibility.PRIVATE, MeetingStatus.PUBLISHED)]


def _opened(meeting: Meeting, **details: Any) -> dict[str, Any]:
    """The editor's post as the page was when it was opened."""
    meeting.refresh_from_db()
    data = editor_data(existing_points(meeting), version=meeting.version, **details)
    data["attendees_was"] = ",".join(
        str(pk) for pk in meeting.attendees.values_list("pk", flat=True)
    )
    return data


def _details(meeting: Meeting) -> dict[str, Any]:
    return {
        name: getattr(meeting, name)
        for name in ["date", "title", "introduced_by", "introduced_by_user", "guest_names", "venue"]
    }


def _someone_else_saves(meeting: Meeting, world: World, **changes: Any) -> None:
    """Another editor saves: ``changes`` of details, or ``points`` as PointInputs."""
    meeting.refresh_from_db()
    attendees = changes.pop("attendees", list(meeting.attendees.all()))
    points = changes.pop("points", None) or [
        PointInput(note.heading, note.body, list(note.themes.names()), note.pk, note.version)
        for note in meeting.notes.order_by("position")
    ]
    save_record(
        meeting,
        world.users["staff"],
        version=meeting.version,
        details={**_details(meeting), **changes},
        points=points,
        attendees=attendees,
    )


@pytest.fixture
def editor(client: Client, world: World) -> Client:
    client.force_login(world.users["facilitator"])
    return client


def _same_details(meeting: Meeting) -> dict[str, Any]:
    return {
        "date": meeting.date.isoformat(),
        "title": meeting.title,
        "introduced_by": meeting.introduced_by,
        "venue": meeting.venue,
        "guest_names": meeting.guest_names,
    }


def test_changes_to_different_fields_and_points_are_both_kept(editor: Client, world: World) -> None:
    meeting = _meeting(world)
    mine = _opened(meeting, **_same_details(meeting))
    first, second = meeting.notes.order_by("position")
    theirs_second = PointInput(second.heading, "Their new text.", [], second.pk, second.version)
    theirs_first = PointInput(first.heading, first.body, [], first.pk, first.version)
    _someone_else_saves(
        meeting, world, title="Their new topic", points=[theirs_first, theirs_second]
    )
    mine["venue"] = "My new venue"
    mine["points-0-body"] = "My new text."
    response = editor.post(edit_url(meeting), mine, follow=True)
    assert "your changes and theirs are both kept" in response.content.decode()
    meeting.refresh_from_db()
    assert (meeting.title, meeting.venue) == ("Their new topic", "My new venue")
    bodies = list(meeting.notes.order_by("position").values_list("body", flat=True))
    assert bodies == ["My new text.", "Their new text."]


def test_a_point_someone_else_added_meanwhile_is_kept(editor: Client, world: World) -> None:
    meeting = _meeting(world)
    mine = _opened(meeting, **_same_details(meeting))
    current = [
        PointInput(n.heading, n.body, [], n.pk, n.version)
        for n in meeting.notes.order_by("position")
    ]
    _someone_else_saves(meeting, world, points=[*current, PointInput("", "Added by them.", [])])
    mine["points-1-body"] = "Edited by me."
    assert editor.post(edit_url(meeting), mine).status_code == 302
    bodies = list(meeting.notes.order_by("position").values_list("body", flat=True))
    assert bodies[1:] == ["Edited by me.", "Added by them."]


def test_a_real_clash_shows_both_and_saves_the_choice(editor: Client, world: World) -> None:
    meeting = _meeting(world)
    mine = _opened(meeting, **_same_details(meeting))
    _someone_else_saves(meeting, world, title="Their topic", venue="Their venue")
    mine["title"] = "My topic"
    mine["points-0-body"] = "My body, kept."
    response = editor.post(edit_url(meeting), mine)
    page = response.content.decode()
    assert response.status_code == 409
    assert "Topic" in page and "My topic" in page and "Their topic" in page
    assert "<del>Their</del>" in page and "<ins>My</ins>" in page  # the difference, highlighted
    assert Meeting.objects.get(pk=meeting.pk).title == "Their topic"  # nothing saved yet
    # Back from the page: keep theirs for the topic.
    back = _choices(page)
    back["pick-title"] = "theirs"
    assert editor.post(edit_url(meeting), back).status_code == 302
    meeting.refresh_from_db()
    assert (meeting.title, meeting.venue) == ("Their topic", "Their venue")
    assert meeting.notes.order_by("position").values_list("body", flat=True)[0] == "My body, kept."


def test_a_merged_text_can_be_written_for_a_clash(editor: Client, world: World) -> None:
    meeting = _meeting(world)
    mine = _opened(meeting, **_same_details(meeting))
    first = meeting.notes.order_by("position").first()
    assert first is not None
    others = [
        PointInput(n.heading, "Their words." if n.pk == first.pk else n.body, [], n.pk, n.version)
        for n in meeting.notes.order_by("position")
    ]
    _someone_else_saves(meeting, world, points=others)
    mine["points-0-body"] = "My words."
    page = editor.post(edit_url(meeting), mine).content.decode()
    back = _choices(page)
    back["pick-points-0-body"] = "edit"
    back["edit-points-0-body"] = "Both our words."
    assert editor.post(edit_url(meeting), back).status_code == 302
    assert Note.objects.get(pk=first.pk).body == "Both our words."


def test_a_point_deleted_meanwhile_that_i_changed_can_be_kept(editor: Client, world: World) -> None:
    meeting = _meeting(world)
    mine = _opened(meeting, **_same_details(meeting))
    _first, second = meeting.notes.order_by("position")
    _someone_else_saves(
        meeting,
        world,
        points=[PointInput(second.heading, second.body, [], second.pk, second.version)],
    )
    mine["points-0-body"] = "I still need this."
    page = editor.post(edit_url(meeting), mine).content.decode()
    assert "deleted meanwhile" in page and "They deleted it." in page
    back = _choices(page)  # "Keep yours" is chosen by default
    assert editor.post(edit_url(meeting), back).status_code == 302
    assert "I still need this." in meeting.notes.values_list("body", flat=True)


def _choices(page: str) -> dict[str, Any]:
    """What the clash page's form posts, with its default choices."""
    import re
    from html import unescape

    data: dict[str, Any] = {}
    for name, value in re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)">', page):
        if name == "csrfmiddlewaretoken":
            continue
        data.setdefault(name, []).append(unescape(value))
    for name in re.findall(r'<input type="radio" name="([^"]+)" value="mine"[^>]*checked>', page):
        data[name] = "mine"
    for name, text in re.findall(
        r'<textarea name="(edit-[^"]+)"[^>]*>(.*?)</textarea>', page, re.S
    ):
        data[name] = unescape(text)
    data["action"] = "save"
    return data


def test_the_clash_page_shows_every_detail_in_words(editor: Client, world: World) -> None:
    meeting = _meeting(world)
    meeting.attendees.set([world.users["member"]])
    mine = _opened(meeting, **_same_details(meeting))
    mine["attendees"] = [world.users["member"].pk]
    _someone_else_saves(meeting, world, title="Their topic", attendees=[world.users["facilitator"]])
    mine["title"] = "My topic"
    page = editor.post(edit_url(meeting), mine).content.decode()
    side_by_side = page.split("Everything, side by side", 1)[1]
    assert "<dt>Attended</dt><dd>Member</dd>" in side_by_side
    assert "<dt>Attended</dt><dd>Facilitator</dd>" in side_by_side
    assert "<dt>Date</dt><dd>29 November 2017</dd>" in side_by_side


def test_attendees_changed_by_someone_else_are_kept_when_mine_are_untouched(
    editor: Client, world: World
) -> None:
    meeting = _meeting(world)
    mine = _opened(meeting, **_same_details(meeting))
    _someone_else_saves(meeting, world, attendees=[world.users["member"]])
    mine["venue"] = "A new room"
    assert editor.post(edit_url(meeting), mine).status_code == 302
    meeting.refresh_from_db()
    assert list(meeting.attendees.all()) == [world.users["member"]]
    assert meeting.venue == "A new room"
