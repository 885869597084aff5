"""The Proposals page, a proposal, a cell's open actions and marking one done:
who sees what, who may change what, filters, exports, and constant queries.
"""

from __future__ import annotations

import csv
import datetime
import io
import re
from collections.abc import Callable
from typing import Any

import feedparser
import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cells.models import Meeting, MeetingStatus, Membership, Role, Visibility
from notes.actions.models import Action, ActionStatus, Proposal, ProposalStatus
from notes.models import Theme
from tests.notes.actions.helpers import add_action, add_proposal, first_note
from tests.personas import PERSONAS, STAFF, World, can_read, make_meeting

pytestmark = pytest.mark.django_db

PROPOSALS = reverse("notes:proposals")


def _proposals(world: World, *, shared: bool = False) -> dict[tuple[str, str], Proposal]:
    """One proposal on every meeting of the world; the private ones shared if asked."""
    return {
        key: add_proposal(
            first_note(meeting),
            summary=f"Proposal of the {key[0]} {key[1]} cell meeting",
            shared_with_network=shared,
        )
        for key, meeting in world.meetings.items()
    }


def _may_see(persona: str, visibility: str, status: str, *, shared: bool) -> bool:
    if can_read(persona, visibility, status):
        return True
    return (
        shared
        and visibility == Visibility.PRIVATE
        and status == MeetingStatus.PUBLISHED
        and persona != "anonymous"
    )


@pytest.mark.parametrize("shared", [False, True], ids=["private", "shared"])
@pytest.mark.parametrize("persona", PERSONAS)
def test_who_sees_which_proposal_on_every_path(
    world: World, login: Callable[[str], Client], persona: str, shared: bool
) -> None:
    proposals = _proposals(world, shared=shared)
    client = login(persona)
    listing = client.get(PROPOSALS).content.decode()
    exported = client.get(reverse("notes:proposal_csv")).getvalue().decode()
    feed = feedparser.parse(client.get(reverse("notes:proposal_feed")).content)
    titles = " ".join(entry.title for entry in feed.entries)
    for (visibility, status), proposal in proposals.items():
        expected = _may_see(persona, visibility, status, shared=shared)
        where = f"{persona} {visibility} {status}"
        assert (proposal.summary in listing) is expected, where
        assert (proposal.summary in exported) is expected, where
        assert (proposal.summary in titles) is expected, where
        detail = client.get(proposal.get_absolute_url())
        assert detail.status_code == (200 if expected else 404), where


def test_a_shared_summary_shows_the_summary_never_the_note(world: World, client: Client) -> None:
    proposal = _proposals(world, shared=True)[(Visibility.PRIVATE, MeetingStatus.PUBLISHED)]
    client.force_login(world.users["other_member"])
    for url in [PROPOSALS, proposal.get_absolute_url()]:
        page = client.get(url).content.decode()
        assert proposal.summary in page and "Private cell" in page and "29 November 2017" in page
        assert "private published meeting" not in page  # the meeting's title
        assert first_note(proposal.meeting).get_absolute_url() not in page
        item = page.split(proposal.summary, 1)[1].split("</li>", 1)[0]
        assert "/themes/" not in item  # the point's themes
    row = next(
        r
        for r in csv.DictReader(
            io.StringIO(client.get(reverse("notes:proposal_csv")).getvalue().decode())
        )
        if r["summary"] == proposal.summary
    )
    assert row["themes"] == "" and row["point"] == ""


def test_filtering_by_theme_never_matches_a_shared_summary(world: World, client: Client) -> None:
    proposals = _proposals(world, shared=True)
    client.force_login(world.users["other_member"])
    page = client.get(PROPOSALS, {"theme": "leadership"}).content.decode()
    assert proposals[(Visibility.NETWORK, MeetingStatus.PUBLISHED)].summary in page
    assert proposals[(Visibility.PRIVATE, MeetingStatus.PUBLISHED)].summary not in page


def test_filters_sort_and_bad_values(world: World, client: Client) -> None:
    proposals = _proposals(world)
    public = proposals[(Visibility.PUBLIC, MeetingStatus.PUBLISHED)]
    network = proposals[(Visibility.NETWORK, MeetingStatus.PUBLISHED)]
    network.meeting.date = datetime.date(2016, 1, 1)
    network.meeting.save()
    public.status = ProposalStatus.TAKEN_UP
    public.save()
    client.force_login(world.users["outsider"])
    taken = client.get(PROPOSALS, {"status": "taken_up"}).content.decode()
    assert public.summary in taken and network.summary not in taken
    in_cell = client.get(PROPOSALS, {"cell": "network-cell"}).content.decode()
    assert network.summary in in_cell and public.summary not in in_cell
    oldest = client.get(PROPOSALS, {"sort": "oldest"}).content.decode()
    assert oldest.index(network.summary) < oldest.index(public.summary)
    newest = client.get(PROPOSALS).content.decode()
    assert newest.index(public.summary) < newest.index(network.summary)
    odd = client.get(PROPOSALS, {"status": "nonsense", "cell": "<b>", "page": "x"})
    assert odd.status_code == 200 and public.summary in odd.content.decode()
    none = client.get(PROPOSALS, {"status": "done"}).content.decode()
    assert "No proposal matches these filters" in none


def test_an_empty_tracker_says_how_proposals_arrive(client: Client, db: None) -> None:
    page = client.get(PROPOSALS).content.decode()
    assert "No proposals yet" in page and "marks the point as a proposal" in page


def _status_post(client: Client, proposal: Proposal, **data: str) -> Any:
    url = reverse("notes:proposal_status", args=[proposal.pk])
    return client.post(url, {"status": "taken_up", "note": "Hub cell runs it in spring", **data})


@pytest.mark.parametrize("persona", PERSONAS)
def test_who_may_change_a_proposals_status(
    world: World, login: Callable[[str], Client], persona: str
) -> None:
    proposal = _proposals(world)[(Visibility.PRIVATE, MeetingStatus.PUBLISHED)]
    response = _status_post(login(persona), proposal)
    proposal.refresh_from_db()
    if persona in STAFF or persona == "facilitator":
        assert response.status_code == 302
        assert proposal.status == ProposalStatus.TAKEN_UP
        change = proposal.status_changes.get()
        assert (change.old_status, change.new_status) == ("proposed", "taken_up")
        assert change.changed_by == world.users[persona]
    else:
        expected = {"anonymous": 302, "member": 403}.get(persona, 404)
        assert response.status_code == expected, persona
        assert proposal.status == ProposalStatus.PROPOSED
        assert not proposal.status_changes.exists()


def test_a_status_change_shows_who_and_why_everywhere(world: World, client: Client) -> None:
    proposal = _proposals(world)[(Visibility.PUBLIC, MeetingStatus.PUBLISHED)]
    client.force_login(world.users["network_admin"])
    assert _status_post(client, proposal).status_code == 302
    reader = Client()
    for url in [PROPOSALS, proposal.get_absolute_url()]:
        page = reader.get(url).content.decode()
        assert "Taken up" in page and "Network_Admin" in page
        assert "Hub cell runs it in spring" in page


def test_a_status_change_needs_a_reason_and_a_known_status(world: World, client: Client) -> None:
    proposal = _proposals(world)[(Visibility.PUBLIC, MeetingStatus.PUBLISHED)]
    client.force_login(world.users["staff"])
    response = _status_post(client, proposal, note="   ")
    assert response.status_code == 400 and "Say why" in response.content.decode()
    assert _status_post(client, proposal, status="approved").status_code == 400
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.PROPOSED


def test_the_status_form_is_shown_only_to_those_who_may_use_it(
    world: World, client: Client
) -> None:
    proposal = _proposals(world)[(Visibility.PRIVATE, MeetingStatus.PUBLISHED)]
    client.force_login(world.users["member"])
    assert "Change the status" not in client.get(proposal.get_absolute_url()).content.decode()
    client.force_login(world.users["facilitator"])
    assert "Change the status" in client.get(proposal.get_absolute_url()).content.decode()


def test_the_csv_keeps_formulas_as_text(world: World, client: Client) -> None:
    add_proposal(
        first_note(world.meetings[(Visibility.PUBLIC, MeetingStatus.PUBLISHED)]),
        summary='=HYPERLINK("http://evil")',
    )
    rows = list(
        csv.reader(io.StringIO(client.get(reverse("notes:proposal_csv")).getvalue().decode()))
    )
    assert rows[0][:5] == ["number", "cell", "date", "summary", "status"]
    assert rows[1][3] == '\'=HYPERLINK("http://evil")'


def test_the_lookup_offers_only_proposals_the_facilitator_may_read(
    world: World, client: Client
) -> None:
    proposals = _proposals(world)
    client.force_login(world.users["outsider"])
    url = reverse("notes:proposal_lookup")
    found = client.get(url, {"q": "Proposal of the"}).json()["proposals"]
    labels = " ".join(item["label"] for item in found)
    assert proposals[(Visibility.PUBLIC, MeetingStatus.PUBLISHED)].summary in labels
    assert proposals[(Visibility.PRIVATE, MeetingStatus.PUBLISHED)].summary not in labels
    hidden = proposals[(Visibility.PRIVATE, MeetingStatus.PUBLISHED)]
    assert client.get(url, {"q": f"#{hidden.pk}"}).json()["proposals"] == []
    assert Client().get(url, {"q": "Proposal"}).status_code == 302  # log in first


# Actions


def _owned_action(world: World, **fields: Any) -> Action:
    meeting = world.meetings[(Visibility.PRIVATE, MeetingStatus.PUBLISHED)]
    return add_action(first_note(meeting), owner=world.users["member"], **fields)


@pytest.mark.parametrize("persona", PERSONAS)
def test_who_may_mark_an_action_done(
    world: World, login: Callable[[str], Client], persona: str
) -> None:
    action = _owned_action(world)
    response = login(persona).post(
        reverse("notes:action_status", args=[action.pk]), {"status": "done"}
    )
    action.refresh_from_db()
    if persona in STAFF or persona in {"facilitator", "member"}:
        assert response.status_code == 302, persona
        assert action.status == ActionStatus.DONE and action.version == 2
    else:
        assert response.status_code == (302 if persona == "anonymous" else 404), persona
        assert action.status == ActionStatus.OPEN


def test_a_member_who_does_not_own_an_action_cannot_mark_it(world: World, client: Client) -> None:
    action = _owned_action(world)
    colleague = world.users["outsider"]
    Membership.objects.create(user=colleague, cell=action.meeting.cell, role=Role.MEMBER)
    client.force_login(colleague)
    response = client.post(reverse("notes:action_status", args=[action.pk]), {"status": "done"})
    assert response.status_code == 403
    page = client.get(action.meeting.get_absolute_url()).content.decode()
    assert action.what in page and "Mark done" not in page


def test_the_owner_marks_done_from_the_meeting_page(world: World, client: Client) -> None:
    action = _owned_action(world)
    client.force_login(world.users["member"])
    page = client.get(action.meeting.get_absolute_url()).content.decode()
    assert "Mark done" in page
    # The form comes back to the action's point, not the top of the page.
    assert f'name="next" value="{action.meeting.get_absolute_url()}#point-1"' in page
    response = client.post(
        reverse("notes:action_status", args=[action.pk]),
        {"status": "done", "next": "https://evil.example/"},
    )
    assert response.status_code == 302 and response["Location"].startswith("/cells/")
    action.refresh_from_db()
    assert action.status == ActionStatus.DONE
    assert [h.status for h in action.history.order_by("history_id")] == ["open", "done"]


def test_the_meeting_pages_mark_done_form_passes_the_csrf_check(world: World) -> None:
    """The form as the page writes it, posted by a browser that checks CSRF."""
    action = _owned_action(world)
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(world.users["member"])
    page = browser.get(action.meeting.get_absolute_url()).content.decode()
    form = re.search(
        r'<form method="post" action="{}".*?</form>'.format(
            re.escape(reverse("notes:action_status", args=[action.pk]))
        ),
        page,
        re.S,
    )
    assert form is not None
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form.group(0))
    assert token is not None, "the Mark done form has no CSRF token"
    response = browser.post(
        reverse("notes:action_status", args=[action.pk]),
        {"csrfmiddlewaretoken": token.group(1), "status": "done", "next": "/"},
    )
    assert response.status_code == 302
    action.refresh_from_db()
    assert action.status == ActionStatus.DONE


def test_the_cell_page_lists_open_actions_overdue_first(world: World, client: Client) -> None:
    today = datetime.date.today()
    later = _owned_action(world, what="Later", due=today + datetime.timedelta(days=9))
    undated = _owned_action(world, what="Undated")
    _owned_action(world, what="Late one", due=today - datetime.timedelta(days=3))
    _owned_action(world, what="Finished", status=ActionStatus.DONE)
    client.force_login(world.users["member"])
    cell = later.meeting.cell
    for url in [cell.get_absolute_url(), reverse("notes:cell_actions", args=[cell.slug])]:
        page = client.get(url).content.decode()
        assert page.index("Late one") < page.index("Later") < page.index("Undated"), url
        assert "Finished" not in page and "Overdue" in page
    assert undated.what in page


def test_an_owner_who_left_the_cell_is_still_shown_by_name(world: World, client: Client) -> None:
    action = _owned_action(world)
    Membership.objects.filter(user=world.users["member"]).delete()
    client.force_login(world.users["facilitator"])
    page = client.get(action.meeting.get_absolute_url()).content.decode()
    assert "Member" in page and action.what in page
    editor = client.get(
        reverse("notes:meeting_edit", args=[action.meeting.cell.slug, action.meeting.pk])
    )
    assert (
        f'<option value="{world.users["member"].pk}" selected>Member</option>'
        in editor.content.decode()
    )


def test_actions_of_a_hidden_cell_stay_hidden(world: World, client: Client) -> None:
    action = _owned_action(world, what="Secret errand")
    client.force_login(world.users["outsider"])
    cell = action.meeting.cell
    assert client.get(reverse("notes:cell_actions", args=[cell.slug])).status_code == 404
    draft = world.meetings[(Visibility.PUBLIC, MeetingStatus.DRAFT)]
    add_action(first_note(draft), what="Draft errand")
    public = world.cells[Visibility.PUBLIC]
    assert "Draft errand" not in client.get(public.get_absolute_url()).content.decode()


# Constant queries at two sizes


def _grow(world: World, count: int, name: str) -> None:
    cell = world.cells[Visibility.PUBLIC]
    theme = Theme.objects.get(name="leadership")
    for number in range(count):
        meeting = make_meeting(cell, title=f"{name} {number}", themes=[theme], points=1)
        note = first_note(meeting)
        add_proposal(note, summary=f"Grown proposal {number}")
        add_action(note, what=f"Grown action {number}", owner=world.users["member"])


def test_pages_make_the_same_number_of_queries_at_two_sizes(
    world: World, client: Client, count_queries: Callable[[Any, str], int]
) -> None:
    client.force_login(world.users["member"])
    cell = world.cells[Visibility.PUBLIC]
    urls = [
        PROPOSALS,
        f"{PROPOSALS}?theme=leadership",
        reverse("notes:cell_actions", args=[cell.slug]),
        cell.get_absolute_url(),
    ]
    _grow(world, 3, "Small")
    small = [count_queries(client, url) for url in urls]
    _grow(world, 40, "Big")
    assert [count_queries(client, url) for url in urls] == small
    big_meeting = Meeting.objects.get(title="Big 0")
    note = first_note(big_meeting)
    small_meeting = count_queries(client, big_meeting.get_absolute_url())
    for number in range(10):
        add_action(note, what=f"More {number}", owner=world.users["member"])
    assert count_queries(client, big_meeting.get_absolute_url()) == small_meeting


def test_proposal_page_shows_a_point_proposal_and_the_chain_on_the_meeting(
    world: World, client: Client
) -> None:
    proposal = _proposals(world)[(Visibility.PUBLIC, MeetingStatus.PUBLISHED)]
    page = client.get(proposal.meeting.get_absolute_url()).content.decode()
    assert "Proposal to the network" in page and proposal.get_absolute_url() in page
    detail = client.get(proposal.get_absolute_url()).content.decode()
    assert first_note(proposal.meeting).get_absolute_url() in detail


@pytest.mark.parametrize("persona", PERSONAS)
def test_owners_names_are_for_the_cells_members(
    world: World, login: Callable[[str], Client], persona: str
) -> None:
    cell = world.cells[Visibility.PUBLIC]
    Membership.objects.create(user=world.users["member"], cell=cell, role=Role.MEMBER)
    note = first_note(world.meetings[(Visibility.PUBLIC, MeetingStatus.PUBLISHED)])
    add_action(note, what="Visit the library", owner_name="Priya Guestname")
    client = login(persona)
    for url in [
        note.meeting.get_absolute_url(),
        cell.get_absolute_url(),
        reverse("notes:cell_actions", args=[cell.slug]),
    ]:
        page = client.get(url).content.decode()
        assert "Visit the library" in page, (persona, url)
        insider = persona in STAFF or persona == "member"
        assert ("Priya Guestname" in page) is insider, (persona, url)
        assert ("Owner named for the cell's members" in page) is not insider


def test_user_strings_on_the_proposals_page_are_escaped(world: World, client: Client) -> None:
    note = first_note(world.meetings[(Visibility.PUBLIC, MeetingStatus.PUBLISHED)])
    note.themes.add(Theme.objects.create(name='<b>bold</b> "quoted"'))
    add_proposal(note, summary="<script>alert(1)</script>")
    page = client.get(PROPOSALS).content.decode()
    assert "<script>alert(1)</script>" not in page and "&lt;script&gt;alert(1)" in page
    assert "<b>bold</b>" not in page
    assert "&lt;b&gt;bold&lt;/b&gt; &quot;quoted&quot;</option>" in page


def test_a_meeting_page_names_the_proposal_each_point_comes_back_to(
    world: World, client: Client
) -> None:
    from notes.actions.models import Rediscussion

    proposals = _proposals(world)
    later = world.meetings[(Visibility.NETWORK, MeetingStatus.PUBLISHED)]
    first, second = later.notes.order_by("position")
    public = proposals[(Visibility.PUBLIC, MeetingStatus.PUBLISHED)]
    private = proposals[(Visibility.PRIVATE, MeetingStatus.PUBLISHED)]
    Rediscussion.objects.create(note=first, proposal=public)
    Rediscussion.objects.create(note=second, proposal=private)
    client.force_login(world.users["outsider"])
    page = client.get(later.get_absolute_url()).content.decode()
    assert f'Discusses again <a href="{public.get_absolute_url()}">proposal #{public.pk}' in page
    assert "Public cell, 29 November 2017" in page
    assert private.summary not in page  # a private cell's proposal, not shared
    client.force_login(world.users["member"])
    assert private.summary in client.get(later.get_absolute_url()).content.decode()


def test_a_members_private_feed_link_shows_what_they_may_read(world: World, client: Client) -> None:
    from notes.following.models import Subscriber

    proposals = _proposals(world)
    private = proposals[(Visibility.PRIVATE, MeetingStatus.PUBLISHED)]
    subscriber = Subscriber.objects.create(user=world.users["member"])
    client.force_login(world.users["member"])
    page = client.get(PROPOSALS, {"status": "proposed", "page": "1"}).content.decode()
    url = reverse("notes:private_proposal_feed", args=[subscriber.feed_token])
    assert f'href="{url}?status=proposed"' in page  # the filters, not the page number
    reader = Client()  # a feed reader: no session
    feed = feedparser.parse(reader.get(url).content)
    assert private.summary in " ".join(entry.title for entry in feed.entries)
    subscriber.feed_token = None
    subscriber.save()
    assert reader.get(url).status_code == 404


def test_the_dashboard_lists_the_members_own_open_actions(world: World, client: Client) -> None:
    mine = _owned_action(world, what="My errand", due=datetime.date.today())
    _owned_action(world, what="My finished errand", status=ActionStatus.DONE)
    add_action(
        first_note(mine.meeting), what="Someone else's errand", owner=world.users["facilitator"]
    )
    client.force_login(world.users["member"])
    page = client.get(reverse("home")).content.decode()
    assert "Your open actions" in page and "My errand" in page and "Mark done" in page
    assert "My finished errand" not in page and "Someone else's errand" not in page
    Membership.objects.filter(user=world.users["member"]).delete()  # left the private cell
    assert "My errand" not in client.get(reverse("home")).content.decode()


def test_listed_actions_fetch_neither_the_points_search_columns_nor_the_owner(
    world: World, client: Client
) -> None:
    # A listing shows the owner's name as written and the point's anchor: the
    # owner's account and the point's text would be read for nothing.
    _owned_action(world, what="My errand", due=datetime.date.today())
    client.force_login(world.users["member"])
    with CaptureQueriesContext(connection) as queries:
        page = client.get(reverse("home")).content.decode()
    assert "My errand" in page
    [listing] = [q["sql"] for q in queries if q["sql"].startswith('SELECT "notes_action"')]
    assert '"notes_note"."position"' in listing  # the point is joined for its anchor,
    for unread in ["heading", "body", "search_vector", "word_pairs", "guest_names"]:
        assert unread not in listing, unread  # and nothing else of it or its meeting
    assert '"betterway_user"' not in listing


def test_a_meetings_proposals_are_read_through_indexes(world: World) -> None:
    # Read as one query, the meeting's own proposals OR those its points
    # discuss again could use no index: every meeting page read every
    # proposal of the network.
    from notes.actions.models import Rediscussion
    from notes.actions.queries import meeting_extras

    proposals = _proposals(world)
    later = world.meetings[(Visibility.NETWORK, MeetingStatus.PUBLISHED)]
    own = proposals[(Visibility.NETWORK, MeetingStatus.PUBLISHED)]
    _, second = later.notes.order_by("position")
    public = proposals[(Visibility.PUBLIC, MeetingStatus.PUBLISHED)]
    Rediscussion.objects.create(note=second, proposal=public)
    with CaptureQueriesContext(connection) as queries:
        extras = meeting_extras(later, world.users["outsider"])
    assert [p for ps in extras["proposals"].values() for p in ps] == [own]
    assert extras["rediscussions"] == {second.pk: public}
    read = [q["sql"] for q in queries if 'FROM "notes_proposal"' in q["sql"]]
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")  # the tables here are tiny
        for sql in read:
            cursor.execute(f"EXPLAIN {sql}")
            plan = "\n".join(row[0] for row in cursor.fetchall())
            assert "Seq Scan" not in plan, plan
    assert len(read) == 2
