"""A draft saved as a draft leaves every other reader's cached pages as they
were; its editors see it at once, and publishing it shows to everyone at once."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from betterway import content_version
from cells.models import Meeting, MeetingStatus, Membership, Visibility
from tests.personas import World, client_of, edit_url, editor_data, existing_points

INDEX = reverse("notes:theme_index")
# Content versions are bumped when a transaction commits.
pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("shared_cache")]


def _save_draft(world: World, action: str = "save") -> Meeting:
    """The facilitator saves the private cell's draft, retitled, with a new theme."""
    meeting = Meeting.objects.get(pk=world.meetings[("private", "draft")].pk)
    points = existing_points(meeting)
    points[0]["themes"] = "allotments"
    data = editor_data(points, action=action, version=meeting.version, title="Allotment plans")
    response = client_of(world.users["facilitator"]).post(edit_url(meeting), data)
    assert response.status_code == 302
    meeting.refresh_from_db()
    return meeting


def _queries(client: Any, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_saving_a_draft_makes_a_new_version_of_drafts_alone(world: World) -> None:
    published, drafts = content_version.current(), content_version.current(drafts=True)
    meeting = _save_draft(world)
    assert meeting.title == "Allotment plans" and meeting.status == MeetingStatus.DRAFT
    assert content_version.current() == published
    assert content_version.current(drafts=True) != drafts


@pytest.mark.parametrize("persona", ["anonymous", "member", "other_member"])
def test_other_readers_pages_stay_cached_while_a_draft_is_saved(world: World, persona: str) -> None:
    client = client_of(world.users.get(persona))
    client.get(INDEX)  # counted and kept
    warm = _queries(client, INDEX)
    _save_draft(world)
    assert _queries(client, INDEX) == warm  # nothing counted afresh
    assert ">allotments<" not in client.get(INDEX).text


@pytest.mark.parametrize("persona", ["facilitator", "superuser"])
def test_its_editors_see_a_saved_draft_at_once(world: World, persona: str) -> None:
    client = client_of(world.users[persona])
    assert "Allotment plans" not in client.get("/").text  # the dashboard's drafts, kept
    assert ">allotments<" not in client.get(INDEX).text
    _save_draft(world)
    assert "Allotment plans" in client.get("/").text
    assert ">allotments<" in client.get(INDEX).text


def test_publishing_the_draft_shows_to_readers_at_once(world: World) -> None:
    member = client_of(world.users["member"])
    _save_draft(world)
    assert ">allotments<" not in member.get(INDEX).text  # kept, without the draft
    _save_draft(world, action="publish")
    assert ">allotments<" in member.get(INDEX).text


def test_a_change_to_all_content_beside_a_draft_makes_a_new_version_of_all() -> None:
    published = content_version.current()
    with transaction.atomic():
        with content_version.drafts_only():
            content_version.bump()
        content_version.bump()
    assert content_version.current() != published


def test_who_may_read_what_changes_for_everyone_even_beside_a_draft(world: World) -> None:
    published = content_version.current()
    with transaction.atomic(), content_version.drafts_only():
        private = world.cells[Visibility.PRIVATE]
        Membership.objects.create(user=world.users["outsider"], cell=private)
    assert content_version.current() != published
