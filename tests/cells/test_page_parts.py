"""Rendered parts of pages shared by readers of the same cells, and only by them."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.cache import cache
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from betterway import content_version
from cells.models import MeetingStatus, Membership, Role, Visibility
from cells.page_parts import PersonalPart, page_parts
from notes.actions.models import ProposalStatus
from notes.following.models import Subscriber
from notes.following.services import follow_search
from notes.record.services import set_status
from tests.notes.actions.helpers import add_action, add_proposal, first_note
from tests.personas import World, client_of, make_meeting, make_user

SEARCH = reverse("notes:search")
# Content versions are bumped when a transaction commits.
pytestmark = pytest.mark.django_db(transaction=True)


@pytest.mark.usefixtures("shared_cache")
def test_a_cached_search_never_shows_one_reader_another_readers_points(world: World) -> None:
    private = first_note(world.meetings[("private", "published")])
    private.body = "Zanzibarian budgets were agreed."
    private.save()
    url = f"{SEARCH}?q=zanzibarian"
    for order in (["outsider", "member", "anonymous"], ["member", "anonymous", "outsider"]):
        cache.clear()
        for persona in order:
            user = None if persona == "anonymous" else world.users[persona]
            page = client_of(user).get(url).text
            assert ("budgets were agreed" in page) == (persona == "member"), (order, persona)


@pytest.mark.usefixtures("shared_cache")
def test_the_follow_form_is_each_readers_own(world: World) -> None:
    # Two plain members of the same cell read the same cells: they share the results.
    second = make_user("second_member")
    Membership.objects.create(user=second, cell=world.cells[Visibility.PRIVATE], role=Role.MEMBER)
    follow_search(world.users["member"], "q=budgets", "Budgets")
    url = f"{SEARCH}?q=budgets"
    mine = client_of(world.users["member"]).get(url)
    theirs = client_of(second).get(url)
    assert "You follow this search as “Budgets”" in mine.text
    assert "You follow this search" not in theirs.text
    assert "Follow this search as" in theirs.text
    # Each page carries its own reader's CSRF token, not the one cached first.
    assert mine.context["csrf_token"] != theirs.context["csrf_token"]
    assert str(theirs.context["csrf_token"]) in theirs.text


@pytest.mark.usefixtures("shared_cache")
def test_a_cached_search_shows_a_publish_at_once(world: World, count_queries: Any) -> None:
    client = client_of(world.users["outsider"])
    url = f"{SEARCH}?q=quokka"
    first = count_queries(client, url)
    assert count_queries(client, url) < first  # the second came from the cache
    assert "No points you can read match" in client.get(url).text
    meeting = make_meeting(
        world.cells[Visibility.PUBLIC], status=MeetingStatus.DRAFT, title="Quokka"
    )
    note = first_note(meeting)
    note.body = "A quokka came to the meeting."
    note.save()
    assert "<mark>quokka</mark> came" not in client.get(url).text  # a draft: not yet
    set_status(meeting, MeetingStatus.PUBLISHED)
    assert "<mark>quokka</mark> came" in client.get(url).text


@pytest.mark.usefixtures("shared_cache")
def test_logged_out_and_logged_in_readers_never_share_parts(world: World) -> None:
    anonymous = client_of(None).get(SEARCH)
    member = client_of(world.users["outsider"]).get(SEARCH)
    assert anonymous.status_code == member.status_code == 200
    # Different keys even if the readable cells were the same: log-in invitations differ.
    keys = [key for key in cache._cache if "page:search" in key]  # type: ignore[attr-defined]
    assert len(keys) == 2


def test_a_part_with_a_form_that_posts_is_never_shared(world: World, rf: RequestFactory) -> None:
    request = rf.get("/")
    request.user = world.users["member"]
    context = {
        "user": world.users["member"],
        "request": request,
        "follow": None,
        "name": "budgets",
        "follow_url": "/",
        "csrf_token": "a-token-of-one-reader",
    }
    with pytest.raises(PersonalPart):
        page_parts(request, "test", lambda: context, "following/_follow_button.html")


@pytest.mark.usefixtures("shared_cache")
def test_a_theme_cached_for_its_cells_readers_stays_hidden_from_others(world: World) -> None:
    private = first_note(world.meetings[("private", "published")])
    private.themes.add("whispers")
    url = reverse("notes:theme", kwargs={"slug": "whispers"})
    assert client_of(world.users["member"]).get(url).status_code == 200  # cached for members
    assert client_of(world.users["outsider"]).get(url).status_code == 404
    assert client_of(None).get(url).status_code == 404
    assert client_of(world.users["member"]).get(url).status_code == 200


@pytest.mark.usefixtures("shared_cache")
def test_a_cells_drafts_are_shared_only_by_those_who_may_edit_it(world: World) -> None:
    cell = world.cells[Visibility.PRIVATE]
    url = cell.get_absolute_url()
    for order in (["facilitator", "member"], ["member", "facilitator"]):
        cache.clear()
        for persona in order:
            page = client_of(world.users[persona]).get(url).text
            facilitator = persona == "facilitator"
            assert ("Drafts to finish" in page) is facilitator, (order, persona)
            assert ("private draft meeting" in page) is facilitator, (order, persona)
            assert "private published meeting" in page


@pytest.mark.usefixtures("shared_cache")
def test_a_cell_page_shows_a_publish_and_a_new_meeting_at_once(world: World) -> None:
    cell = world.cells[Visibility.PUBLIC]
    client = client_of(world.users["outsider"])
    url = cell.get_absolute_url()
    assert "public draft meeting" not in client.get(url).text  # cached without it
    set_status(world.meetings[("public", "draft")], MeetingStatus.PUBLISHED)
    assert "public draft meeting" in client.get(url).text
    make_meeting(cell, title="An extra gathering")
    assert "An extra gathering" in client.get(url).text
    world.meetings[("public", "published")].delete()
    assert "public published meeting" not in client.get(url).text


@pytest.mark.usefixtures("shared_cache")
def test_a_cells_open_actions_are_shared_but_mark_done_is_the_owners(world: World) -> None:
    cell = world.cells[Visibility.NETWORK]
    note = first_note(world.meetings[("network", "published")])
    url = cell.get_absolute_url()
    assert "Open actions" not in client_of(world.users["member"]).get(url).text
    add_action(note, "Book the hall", owner=world.users["member"])  # shows at once
    for order in (["member", "outsider"], ["outsider", "member"]):
        cache.clear()
        for persona in order:
            page = client_of(world.users[persona]).get(url).text
            assert "Book the hall" in page, (order, persona)
            assert ("Mark done" in page) is (persona == "member"), (order, persona)


PROPOSALS = reverse("notes:proposals")


def _proposal_item(page: str, summary: str) -> str:
    return page.split(summary, 1)[1].split("</li>", 1)[0]


@pytest.mark.usefixtures("shared_cache")
def test_a_cached_proposals_page_shows_each_reader_what_they_may_read(world: World) -> None:
    meeting = world.meetings[("private", "published")]
    add_proposal(first_note(meeting), "Pool the hall money", shared_with_network=True)
    add_proposal(first_note(world.meetings[("private", "draft")]), "An idea still in draft")
    for order in (["member", "outsider", "anonymous"], ["anonymous", "outsider", "member"]):
        cache.clear()
        for persona in order:
            user = None if persona == "anonymous" else world.users[persona]
            page = client_of(user).get(PROPOSALS).text
            where = (order, persona)
            # The summary is shared with the network's members, the point only with the cell's.
            assert ("Pool the hall money" in page) is (persona != "anonymous"), where
            if persona != "anonymous":
                item = _proposal_item(page, "Pool the hall money")
                assert ("Summary shared by a private cell" in item) is (persona == "outsider")
            assert "An idea still in draft" not in page, where


@pytest.mark.usefixtures("shared_cache")
def test_a_cached_proposals_page_shows_a_change_at_once(world: World) -> None:
    client = client_of(world.users["outsider"])
    note = first_note(world.meetings[("public", "published")])
    assert "No proposals yet" in client.get(PROPOSALS).text  # cached empty
    proposal = add_proposal(note, "Share the minibus")
    assert "Share the minibus" in client.get(PROPOSALS).text
    proposal.status = ProposalStatus.TAKEN_UP
    proposal.save()
    item = _proposal_item(client.get(PROPOSALS).text, "Share the minibus")
    assert "status--taken_up" in item


@pytest.mark.usefixtures("shared_cache")
def test_the_proposals_feed_link_is_each_members_own(world: World) -> None:
    second = make_user("second_member")
    Membership.objects.create(user=second, cell=world.cells[Visibility.PRIVATE], role=Role.MEMBER)
    tokens = {
        user.pk: Subscriber.objects.create(user=user).feed_token
        for user in (world.users["member"], second)
    }
    for user in (world.users["member"], second):  # same cells: they share the list
        page = client_of(user).get(PROPOSALS).text
        for pk, token in tokens.items():
            link = reverse("notes:private_proposal_feed", args=[token])
            assert (f'href="{link}"' in page) is (pk == user.pk), user


@pytest.mark.usefixtures("shared_cache")
def test_a_cached_proposals_page_shows_a_renamed_person_at_once(world: World) -> None:
    staff = world.users["staff"]
    proposal = add_proposal(first_note(world.meetings[("public", "published")]), "Share the bus")
    proposal.status, proposal.status_changed_by = ProposalStatus.TAKEN_UP, staff
    proposal.status_changed_at = timezone.now()
    proposal.save()
    client = client_of(world.users["outsider"])
    assert f"by {staff.get_display_name()}" in client.get(PROPOSALS).text  # cached
    version = content_version.current()
    client_of(staff)  # logging in saves the time of it only: nothing to count afresh
    assert content_version.current() == version
    staff.display_name = "Dana Okoro"
    staff.save()
    assert "by Dana Okoro" in client.get(PROPOSALS).text
