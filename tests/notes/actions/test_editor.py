"""Actions and proposals in the meeting editor: added, kept across round trips,
merged with an owner's change, kept when their point goes, linked again later.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from cells.models import Meeting, MeetingStatus, Visibility
from notes.actions.models import Action, ActionStatus, Proposal, Rediscussion
from notes.record.services import save_record
from tests.notes.actions.helpers import add_action, add_proposal, first_note, with_panel
from tests.personas import PERSONAS, World, can_edit, edit_url, editor_data, existing_points

pytestmark = pytest.mark.django_db


def _private(world: World) -> Meeting:
    return world.meetings[(Visibility.PRIVATE, MeetingStatus.PUBLISHED)]


def _post(client: Client, meeting: Meeting, data: dict[str, Any]) -> Any:
    return client.post(edit_url(meeting), data)


def _save_data(meeting: Meeting, action: str = "save") -> dict[str, Any]:
    return editor_data(existing_points(meeting), action=action, version=meeting.version)


def test_facilitator_adds_actions_and_a_proposal_to_a_point(world: World, client: Client) -> None:
    meeting, member = _private(world), world.users["member"]
    client.force_login(world.users["facilitator"])
    due = datetime.date.today() + datetime.timedelta(days=10)
    data = with_panel(
        _save_data(meeting),
        0,
        actions=[
            {"what": "Draft a letter to the council", "owner": member.pk, "due": due.isoformat()},
            {"what": "Book a room", "owner_name": "Sam Guest"},
            {},  # the blank row for another action, left blank
        ],
        proposal={"is_proposal": True, "summary": "Run this session in every cell", "shared": True},
    )
    response = _post(client, meeting, data)
    assert response.status_code == 302, response.content.decode()[:3000]
    note = first_note(meeting)
    letter, room = Action.objects.filter(note=note).order_by("pk")
    assert (letter.owner, letter.owner_name, letter.due) == (member, "Member", due)
    assert (room.owner, room.owner_name, room.due, room.status) == (None, "Sam Guest", None, "open")
    assert letter.history.count() == 1
    proposal = Proposal.objects.get(note=note)
    assert proposal.summary == "Run this session in every cell"
    assert proposal.shared_with_network and proposal.meeting == meeting
    page = client.get(meeting.get_absolute_url()).content.decode()
    assert "Draft a letter to the council" in page and "Sam Guest" in page
    assert f"#{proposal.pk} Run this session in every cell" in page


def test_the_share_box_means_nothing_for_a_cell_that_is_not_private(
    world: World, client: Client
) -> None:
    meeting = world.meetings[(Visibility.NETWORK, MeetingStatus.PUBLISHED)]
    client.force_login(world.users["staff"])
    data = with_panel(
        _save_data(meeting), 1, proposal={"is_proposal": True, "summary": "X", "shared": True}
    )
    assert _post(client, meeting, data).status_code == 302
    assert Proposal.objects.get().shared_with_network is False


def test_preview_and_add_action_keep_what_was_typed(world: World, client: Client) -> None:
    meeting = _private(world)
    client.force_login(world.users["facilitator"])
    data = with_panel(
        _save_data(meeting, action="add_action"),
        1,
        actions=[{"what": "Ask the library about space", "owner_name": "Ola"}],
        proposal={"is_proposal": True, "summary": "Share the library idea"},
    )
    page = _post(client, meeting, data).content.decode()
    assert 'value="Ask the library about space"' in page
    assert 'value="Share the library idea"' in page
    # The typed action, and a fresh blank row for the next one.
    assert page.count('name="points-1-actions-') > 0
    assert 'name="points-1-actions-1-what"' in page
    assert not Action.objects.exists() and not Proposal.objects.exists()


def test_the_editor_suggests_a_proposal_with_the_words_that_say_so(
    world: World, client: Client
) -> None:
    meeting = _private(world)
    note = first_note(meeting)
    note.body = "We talked about places. The group suggested that we develop it in the network."
    note.save()
    client.force_login(world.users["facilitator"])
    page = client.get(edit_url(meeting)).content.decode()
    assert "because the text says “suggested that we”" in page
    assert 'value="The group suggested that we develop it in the network"' in page
    assert page.count("reads like a proposal") == 1  # the other point says nothing of the kind


def test_a_proposal_needs_its_one_line_and_nothing_is_saved_without_it(
    world: World, client: Client
) -> None:
    meeting = _private(world)
    client.force_login(world.users["facilitator"])
    data = _save_data(meeting)
    data["points-0-body"] = "Changed text"
    data = with_panel(data, 0, proposal={"is_proposal": True, "summary": "  "})
    response = _post(client, meeting, data)
    assert response.status_code == 400
    assert "Write the proposal in one line" in response.content.decode()
    assert first_note(meeting).body != "Changed text"


def test_an_owner_must_be_someone_who_may_own_the_action(world: World, client: Client) -> None:
    meeting = _private(world)
    client.force_login(world.users["facilitator"])
    outsider = world.users["outsider"]
    data = with_panel(_save_data(meeting), 0, actions=[{"what": "Plan", "owner": outsider.pk}])
    response = _post(client, meeting, data)
    assert response.status_code == 400
    assert "Select a valid choice" in response.content.decode()
    assert not Action.objects.exists()


def _editor_row(action: Action, **changes: Any) -> dict[str, Any]:
    row = {
        "id": action.pk,
        "version": action.version,
        "status_was": action.status,
        "what": action.what,
        "owner": action.owner_id or "",
        "owner_name": "" if action.owner_id else action.owner_name,
        "due": action.due.isoformat() if action.due else "",
        "status": action.status,
    }
    return {**row, **changes}


def test_an_owner_marking_done_while_the_editor_is_open_is_kept(
    world: World, client: Client
) -> None:
    meeting, member = _private(world), world.users["member"]
    action = add_action(first_note(meeting), owner=member)
    opened = _editor_row(action, what="Draft the letter, with Mo")
    owner = Client()
    owner.force_login(member)
    marked = owner.post(reverse("notes:action_status", args=[action.pk]), {"status": "done"})
    assert marked.status_code == 302
    client.force_login(world.users["facilitator"])
    assert (
        _post(client, meeting, with_panel(_save_data(meeting), 0, actions=[opened])).status_code
        == 302
    )
    action.refresh_from_db()
    assert (action.what, action.status) == ("Draft the letter, with Mo", ActionStatus.DONE)
    assert action.history.count() == 3  # created, marked done, edited


def test_a_facilitators_deliberate_status_change_is_saved(world: World, client: Client) -> None:
    meeting = _private(world)
    action = add_action(first_note(meeting))
    client.force_login(world.users["facilitator"])
    row = _editor_row(action, status="dropped")
    assert (
        _post(client, meeting, with_panel(_save_data(meeting), 0, actions=[row])).status_code == 302
    )
    action.refresh_from_db()
    assert action.status == ActionStatus.DROPPED and action.version == 2


def test_removing_an_action_in_the_editor_deletes_it(world: World, client: Client) -> None:
    meeting = _private(world)
    action = add_action(first_note(meeting))
    client.force_login(world.users["facilitator"])
    row = _editor_row(action, delete=True)
    assert (
        _post(client, meeting, with_panel(_save_data(meeting), 0, actions=[row])).status_code == 302
    )
    assert not Action.objects.filter(pk=action.pk).exists()
    assert action.history.filter(history_type="-").exists()  # and recoverable from history


def test_a_post_without_the_panel_leaves_actions_and_proposals_alone(
    world: World, client: Client
) -> None:
    meeting = _private(world)
    note = first_note(meeting)
    action, proposal = add_action(note), add_proposal(note)
    client.force_login(world.users["facilitator"])
    assert _post(client, meeting, _save_data(meeting)).status_code == 302
    assert Action.objects.get(pk=action.pk).what == action.what
    assert Proposal.objects.filter(pk=proposal.pk).exists()


def test_an_action_of_another_meeting_cannot_be_changed_through_this_editor(
    world: World, client: Client
) -> None:
    meeting = _private(world)
    elsewhere = add_action(first_note(world.meetings[(Visibility.PUBLIC, MeetingStatus.PUBLISHED)]))
    client.force_login(world.users["facilitator"])
    row = _editor_row(elsewhere, what="Hijacked")
    assert (
        _post(client, meeting, with_panel(_save_data(meeting), 0, actions=[row])).status_code == 302
    )
    elsewhere.refresh_from_db()
    assert elsewhere.what != "Hijacked"
    assert not Action.objects.filter(meeting=meeting).exists()


def test_unticking_a_proposal_removes_it(world: World, client: Client) -> None:
    meeting = _private(world)
    proposal = add_proposal(first_note(meeting))
    client.force_login(world.users["facilitator"])
    data = with_panel(_save_data(meeting), 0, proposal={"summary": proposal.summary})
    assert _post(client, meeting, data).status_code == 302
    assert not Proposal.objects.exists()


def test_a_deleted_point_keeps_its_actions_and_proposal(world: World, client: Client) -> None:
    meeting = _private(world)
    note = first_note(meeting)
    action, proposal = add_action(note, what="Call the trust"), add_proposal(note)
    points = existing_points(meeting)[1:]  # the first point is gone
    save_record(
        meeting,
        world.users["facilitator"],
        version=meeting.version,
        details={},
        points=[_input(point) for point in points],
    )
    action.refresh_from_db()
    proposal.refresh_from_db()
    assert action.note is None and proposal.note is None
    client.force_login(world.users["member"])
    page = client.get(meeting.get_absolute_url()).content.decode()
    assert "Call the trust" in page and "from a deleted point" in page
    detail = client.get(proposal.get_absolute_url()).content.decode()
    assert "From a deleted point" in detail


def _input(point: dict[str, Any]) -> Any:
    from notes.record.services import PointInput

    return PointInput(
        heading=point["heading"],
        body=point["body"],
        themes=[],
        id=point["id"],
        version=point["version"],
    )


def test_a_point_discusses_a_proposal_again_by_number_or_by_words(
    world: World, client: Client
) -> None:
    earlier = add_proposal(
        first_note(world.meetings[(Visibility.PUBLIC, MeetingStatus.PUBLISHED)]),
        summary="A shared library of case studies",
    )
    meeting = _private(world)
    client.force_login(world.users["facilitator"])
    data = with_panel(_save_data(meeting), 0, proposal={"discussed_again": f"#{earlier.pk}"})
    data = with_panel(data, 1, proposal={"discussed_again": "library of case"})
    assert _post(client, meeting, data).status_code == 302
    links = Rediscussion.objects.order_by("note__position")
    assert [link.proposal for link in links] == [earlier, earlier]
    page = client.get(earlier.get_absolute_url()).content.decode()
    assert "Listening to residents" in page  # the later meeting's title, as saved
    # Visible only to those who may read the later meeting.
    other = Client()
    other.force_login(world.users["other_member"])
    assert "Listening to residents" not in other.get(earlier.get_absolute_url()).content.decode()


def test_a_proposal_the_facilitator_cannot_read_cannot_be_named(
    world: World, client: Client
) -> None:
    assert world.other_cell is not None
    hidden_meeting = Meeting.objects.create(
        cell=world.other_cell, date=datetime.date(2018, 1, 1), title="Hidden", status="published"
    )
    from notes.models import Note

    hidden_note = Note.objects.create(meeting=hidden_meeting, position=1, body="Secret")
    hidden = add_proposal(hidden_note, summary="Secret plan")
    meeting = _private(world)
    client.force_login(world.users["facilitator"])
    data = with_panel(_save_data(meeting), 0, proposal={"discussed_again": str(hidden.pk)})
    response = _post(client, meeting, data)
    assert response.status_code == 400
    assert f"There is no proposal #{hidden.pk} you can read" in response.content.decode()
    data = with_panel(_save_data(meeting), 0, proposal={"discussed_again": "Secret plan"})
    assert "No proposal you can read" in _post(client, meeting, data).content.decode()
    assert not Rediscussion.objects.exists()


def test_the_meetings_history_shows_every_change_to_actions_and_proposals(
    world: World, client: Client
) -> None:
    meeting = _private(world)
    client.force_login(world.users["facilitator"])
    data = with_panel(
        _save_data(meeting),
        0,
        actions=[{"what": "Phone the library"}],
        proposal={"is_proposal": True, "summary": "Libraries as cell venues"},
    )
    assert _post(client, meeting, data).status_code == 302
    action = Action.objects.get()
    meeting.refresh_from_db()
    row = _editor_row(action, status="done")
    assert (
        _post(client, meeting, with_panel(_save_data(meeting), 0, actions=[row])).status_code == 302
    )
    page = client.get(reverse("notes:meeting_history", args=[meeting.cell.slug, meeting.pk]))
    text = page.content.decode()
    assert "Action “Phone the library” added" in text
    assert "Action “Phone the library” changed" in text and "<ins>done</ins>" in text
    assert "Proposal “Libraries as cell venues” added" in text
    assert "by Facilitator" in text


def test_a_refused_save_shows_the_actions_and_proposal_that_were_typed(
    world: World, client: Client
) -> None:
    meeting = _private(world)
    stale = _save_data(meeting)
    save_record(
        meeting,
        world.users["staff"],
        version=meeting.version,
        details={"title": "Their own topic"},
        points=[_input(point) for point in existing_points(meeting)],
    )  # someone else saves first, changing the topic this page changes too
    client.force_login(world.users["facilitator"])
    data = with_panel(
        stale,
        0,
        actions=[{"what": "Book the hall", "owner": world.users["member"].pk, "due": "2030-05-01"}],
        proposal={"is_proposal": True, "summary": "Open meetings for residents"},
    )
    response = _post(client, meeting, data)
    assert response.status_code == 409
    page = response.content.decode()
    assert "Action: Book the hall (Member, due 1 May 2030, open)" in page
    assert "Proposal to the network: Open meetings for residents" in page
    assert not Action.objects.exists() and not Proposal.objects.exists()


@pytest.mark.parametrize("persona", PERSONAS)
def test_only_those_who_edit_the_meeting_record_actions_and_proposals(
    world: World, login: Callable[[str], Client], persona: str
) -> None:
    meeting = _private(world)
    data = with_panel(
        _save_data(meeting),
        0,
        actions=[{"what": "Sneaky action"}],
        proposal={"is_proposal": True, "summary": "Sneaky proposal"},
    )
    response = _post(login(persona), meeting, data)
    allowed = can_edit(persona, Visibility.PRIVATE)
    expected = 302 if allowed else {"anonymous": 302, "member": 403}.get(persona, 404)
    assert response.status_code == expected
    assert Action.objects.exists() is allowed
    assert Proposal.objects.exists() is allowed
