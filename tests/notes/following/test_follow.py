"""Follow and unfollow themes, cells and searches; the Following page; the dashboard."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from cells.models import Membership, Role, Visibility
from notes.following.models import MAX_SAVED_SEARCHES, Follow, Subscriber
from notes.following.services import subscriber_of
from notes.models import Theme
from notes.themes.merging import merge_themes
from tests.notes.following import dashboard_titles
from tests.personas import PERSONAS, World, make_meeting, make_user

pytestmark = pytest.mark.django_db

JSON = {"HTTP_ACCEPT": "application/json"}


def _theme_url(world: World) -> str:
    return reverse("notes:follow_theme", args=["leadership"])


def test_a_member_follows_a_theme_without_javascript(login: Callable[[str], Any]) -> None:
    client = login("member")
    response = client.post(
        reverse("notes:follow_theme", args=["leadership"]), {"next": "/themes/leadership/"}
    )
    assert response.status_code == 302 and response["Location"] == "/themes/leadership/"
    follow = Follow.objects.get(user__username="member")
    assert follow.theme is not None and follow.theme.name == "leadership"
    page = client.get("/themes/leadership/").content.decode()
    assert "You follow leadership." in page  # the message
    assert reverse("notes:unfollow", args=[follow.pk]) in page and 'aria-pressed="true"' in page


def test_following_twice_keeps_one_follow(login: Callable[[str], Any]) -> None:
    client = login("member")
    for _ in range(2):
        client.post(reverse("notes:follow_theme", args=["leadership"]))
    assert Follow.objects.filter(user__username="member").count() == 1


def test_follow_and_unfollow_answer_json_for_the_enhanced_button(
    login: Callable[[str], Any], world: World
) -> None:
    client = login("member")
    answer = client.post(reverse("notes:follow_cell", args=["network-cell"]), **JSON).json()
    assert answer["following"] is True
    follow = Follow.objects.get(pk=answer["follow_id"])
    assert follow.cell == world.cells[Visibility.NETWORK]
    assert answer["unfollow_url"] == reverse("notes:unfollow", args=[follow.pk])
    answer = client.post(answer["unfollow_url"], **JSON).json()
    assert answer == {
        "following": False,
        "follow_id": None,
        "message": "You no longer follow the cell Network cell.",
        "unfollow_url": None,
    }
    assert not Follow.objects.exists()


def test_an_open_redirect_is_refused(login: Callable[[str], Any]) -> None:
    client = login("member")
    response = client.post(
        reverse("notes:follow_theme", args=["leadership"]), {"next": "https://evil.example/"}
    )
    assert response["Location"] == "/themes/leadership/"


@pytest.mark.parametrize("persona", PERSONAS)
def test_who_may_follow_the_private_cell(
    persona: str, login: Callable[[str], Any], world: World, client: Client
) -> None:
    """Hidden things answer 404, as their pages do; visitors are sent to log in."""
    if persona != "anonymous":
        client = login(persona)
    response = client.post(reverse("notes:follow_cell", args=["private-cell"]))
    if persona == "anonymous":
        assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    elif persona in {"member", "facilitator", "staff", "network_admin", "superuser"}:
        assert response.status_code == 302
        assert Follow.objects.filter(cell=world.cells[Visibility.PRIVATE]).count() == 1
    else:
        assert response.status_code == 404
        assert not Follow.objects.exists()


def test_a_theme_only_on_private_points_cannot_be_followed_by_outsiders(
    login: Callable[[str], Any], world: World
) -> None:
    secret = Theme.objects.create(name="secret plans")
    world.meetings[(Visibility.PRIVATE, "published")].notes.all()[0].themes.add(secret)
    response = login("outsider").post(reverse("notes:follow_theme", args=[secret.slug]))
    assert response.status_code == 404


def test_follow_needs_post_and_csrf(world: World) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.users["member"])
    url = reverse("notes:follow_theme", args=["leadership"])
    assert client.get(url).status_code == 405
    assert client.post(url).status_code == 403
    assert not Follow.objects.exists()


def test_nobody_unfollows_for_someone_else(login: Callable[[str], Any], world: World) -> None:
    follow = Follow.objects.create(user=world.users["member"], cell=world.cells["public"])
    response = login("facilitator").post(reverse("notes:unfollow", args=[follow.pk]))
    assert response.status_code == 404
    assert Follow.objects.filter(pk=follow.pk).exists()
    assert (
        login("facilitator").get(reverse("notes:follow_open", args=[follow.pk])).status_code == 404
    )


def test_a_search_is_followed_with_its_query_and_filters(login: Callable[[str], Any]) -> None:
    client = login("member")
    search = client.get(
        reverse("notes:search"), {"q": "councils", "cell": "public-cell", "page": "2"}
    )
    page = search.content.decode()
    assert "Follow this search as" in page
    assert 'name="query" value="cell=public-cell&amp;q=councils"' in page  # no page, sorted
    response = client.post(
        reverse("notes:follow_search"), {"query": "q=councils&cell=public-cell", "name": "Councils"}
    )
    assert response.status_code == 302
    follow = Follow.objects.get()
    assert (follow.query, follow.name) == ("cell=public-cell&q=councils", "Councils")
    again = client.get(reverse("notes:search"), {"cell": "public-cell", "q": "councils"})
    assert "You follow this search as “Councils”" in again.content.decode()


@pytest.mark.parametrize(
    ("data", "error"),
    [
        ({"query": "q=councils", "name": "  "}, "Give the search a name."),
        ({"query": "page=3", "name": "Nothing"}, "Search for some words or choose a filter first."),
        ({"query": "q=x", "name": "n" * 101}, "at most 100 characters"),
        ({"query": "q=" + "é" * 300, "name": "Long"}, "This search is too long to follow"),
    ],
)
def test_a_search_that_cannot_be_followed_says_why(
    login: Callable[[str], Any], data: dict[str, str], error: str
) -> None:
    client = login("member")
    response = client.post(reverse("notes:follow_search"), data, follow=True)
    assert error in response.content.decode()
    assert not Follow.objects.exists()


def test_saved_searches_are_capped(login: Callable[[str], Any], world: World) -> None:
    member = world.users["member"]
    Follow.objects.bulk_create(
        [Follow(user=member, query=f"q=word{i}", name=f"S{i}") for i in range(MAX_SAVED_SEARCHES)]
    )
    response = login("member").post(
        reverse("notes:follow_search"), {"query": "q=one+more", "name": "More"}, follow=True
    )
    assert "You follow as many searches as one may" in response.content.decode()
    assert Follow.objects.filter(user=member).count() == MAX_SAVED_SEARCHES


def test_followers_of_merged_themes_follow_the_target(world: World) -> None:
    member, other = world.users["member"], world.users["other_member"]
    target = Theme.objects.get(name="leadership")
    old, older = Theme.objects.create(name="leaders"), Theme.objects.create(name="leading")
    Follow.objects.create(user=member, theme=old)
    Follow.objects.create(user=member, theme=older)  # two sources: one follow remains
    Follow.objects.create(user=other, theme=target)
    Follow.objects.create(user=other, theme=old)  # already follows the target
    merge_themes(target, [old, older])
    assert sorted(Follow.objects.values_list("user__username", "theme__name")) == [
        ("member", "leadership"),
        ("other_member", "leadership"),
    ]


def test_a_renamed_theme_keeps_its_followers(world: World) -> None:
    theme = Theme.objects.get(name="leadership")
    Follow.objects.create(user=world.users["member"], theme=theme)
    theme.name = "shared leadership"
    theme.save()
    assert Follow.objects.get().title == "shared leadership"


# The Following page


def _publish(world: World, visibility: str, theme: str = "leadership", **extra: Any) -> Any:
    return make_meeting(
        world.cells[visibility],
        themes=[Theme.objects.get(name=theme)],
        date=datetime.date(2026, 11, 1),
        title=f"New {visibility} meeting",
        **extra,
    )


def test_following_page_counts_what_is_new_and_lists_the_newest(
    login: Callable[[str], Any], world: World
) -> None:
    member = world.users["member"]
    theme = Follow.objects.create(user=member, theme=Theme.objects.get(name="leadership"))
    cell = Follow.objects.create(user=member, cell=world.cells["public"])
    search = Follow.objects.create(user=member, query="q=councils", name="Councils")
    _publish(world, Visibility.PUBLIC)  # 2 points: leadership, public cell, "councils"
    _publish(world, Visibility.NETWORK)  # 2 points: leadership, "councils"
    client = login("member")
    response = client.get(reverse("notes:following"))
    follows = {follow.pk: new for follow, new in response.context["follows"]}
    assert follows == {theme.pk: 4, cell.pk: 2, search.pk: 4}
    titles = [note.meeting.title for note in response.context["page"].object_list]
    assert (
        titles[:4] == ["New network meeting"] * 2 + ["New public meeting"] * 2
        or titles[:4] == ["New public meeting"] * 2 + ["New network meeting"] * 2
    )
    # Opening a follow marks its points as seen.
    assert (
        client.get(reverse("notes:follow_open", args=[cell.pk]))["Location"]
        == "/cells/public-cell/"
    )
    follows = {
        follow.pk: new for follow, new in client.get(reverse("notes:following")).context["follows"]
    }
    assert follows[cell.pk] == 0 and follows[theme.pk] == 4
    client.post(reverse("notes:following_seen"))
    follows = {
        follow.pk: new for follow, new in client.get(reverse("notes:following")).context["follows"]
    }
    assert follows == {theme.pk: 0, cell.pk: 0, search.pk: 0}


def test_following_page_never_shows_what_the_member_may_not_read(
    login: Callable[[str], Any], world: World
) -> None:
    member = world.users["other_member"]  # reads public and network cells only
    Follow.objects.create(user=member, theme=Theme.objects.get(name="leadership"))
    response = login("other_member").get(reverse("notes:following"))
    cells = {note.meeting.cell.visibility for note in response.context["page"].object_list}
    statuses = {note.meeting.status for note in response.context["page"].object_list}
    assert cells == {"public", "network"} and statuses == {"published"}


def test_a_follow_that_becomes_hidden_drops_out_without_error(
    login: Callable[[str], Any], world: World
) -> None:
    member = world.users["member"]
    private = world.cells[Visibility.PRIVATE]
    Follow.objects.create(user=member, cell=private)
    client = login("member")
    assert len(client.get(reverse("notes:following")).context["follows"]) == 1
    Membership.objects.filter(user=member, cell=private).delete()  # the member leaves
    response = client.get(reverse("notes:following"))
    assert response.status_code == 200
    assert response.context["follows"] == []
    assert "Private cell" not in response.content.decode()


def test_following_page_queries_do_not_grow_with_follows(
    login: Callable[[str], Any], world: World, count_queries: Callable[[Any, str], int]
) -> None:
    member = world.users["member"]
    client = login("member")
    Follow.objects.create(user=member, theme=Theme.objects.get(name="leadership"))
    Follow.objects.create(user=member, cell=world.cells["public"])
    client.get(reverse("notes:following"))
    few = count_queries(client, reverse("notes:following"))
    themes = Theme.objects.bulk_create(
        [Theme(name=f"theme {i}", slug=f"theme-{i}") for i in range(500)]
    )
    note = world.meetings[("public", "published")].notes.all()[0]
    note.themes.add(*themes)
    Follow.objects.bulk_create([Follow(user=member, theme=theme) for theme in themes])
    for i in range(5):
        cell = world.cells["public"].__class__.objects.create(name=f"C{i}", slug=f"c{i}")
        Follow.objects.create(user=member, cell=cell)
    many = count_queries(client, reverse("notes:following"))
    assert many == few
    assert len(client.get(reverse("notes:following")).context["follows"]) == 507


def test_following_page_has_an_empty_state_and_needs_a_log_in(
    login: Callable[[str], Any], client: Client
) -> None:
    assert client.get(reverse("notes:following")).status_code == 302
    page = login("outsider").get(reverse("notes:following")).content.decode()
    assert "You follow nothing yet." in page


# The dashboard


@pytest.fixture(autouse=True)
def _world_published_a_month_ago(world: World) -> None:
    """The personas' meetings are old news; only what a test publishes is new."""
    from cells.models import Meeting
    from notes.models import Note

    month_ago = timezone.now() - datetime.timedelta(days=30)
    Meeting.objects.exclude(published_at=None).update(published_at=month_ago)
    Note.objects.update(created_at=month_ago)


def test_visitors_keep_the_home_page(client: Client, world: World) -> None:
    response = client.get(reverse("home"))
    assert "Meeting notes of the network" in response.content.decode()
    assert not Subscriber.objects.exists()


def test_dashboard_shows_new_points_drafts_and_recent_meetings(
    login: Callable[[str], Any], world: World
) -> None:
    facilitator = world.users["facilitator"]
    Follow.objects.create(user=facilitator, theme=Theme.objects.get(name="leadership"))
    Subscriber.objects.create(
        user=facilitator,
        last_visit_at=timezone.now() - datetime.timedelta(days=2),
    )
    _publish(world, Visibility.NETWORK)
    response = login("facilitator").get(reverse("home"))
    page = response.content.decode()
    assert "Welcome back" in page
    assert {n.meeting.title for n in response.context["new_points"]} == {"New network meeting"}
    assert dashboard_titles(page, "drafts-heading") == ["private draft meeting"]
    recent = dashboard_titles(page, "recent")
    assert "New network meeting" in recent
    assert "private draft meeting" not in recent


def test_dashboard_drafts_are_only_for_those_who_edit_them(
    login: Callable[[str], Any], world: World
) -> None:
    response = login("member").get(reverse("home"))
    assert response.context["drafts"] == ""
    assert "Your drafts" not in response.content.decode()


def test_new_since_last_visit_survives_a_reload_and_moves_on_the_next_visit(
    login: Callable[[str], Any], world: World
) -> None:
    member = world.users["member"]
    Follow.objects.create(user=member, cell=world.cells["public"])
    Subscriber.objects.create(
        user=member, last_visit_at=timezone.now() - datetime.timedelta(days=3)
    )
    meeting = _publish(world, Visibility.PUBLIC)
    client = login("member")
    assert len(client.get(reverse("home")).context["new_points"]) == 2
    assert len(client.get(reverse("home")).context["new_points"]) == 2  # a reload
    # Time passes: published 3 hours ago, seen on a visit 2 hours ago.
    three_hours_ago = timezone.now() - datetime.timedelta(hours=3)
    type(meeting).objects.filter(pk=meeting.pk).update(published_at=three_hours_ago)
    meeting.notes.update(created_at=three_hours_ago)
    Subscriber.objects.filter(user=member).update(
        last_visit_at=timezone.now() - datetime.timedelta(hours=2)
    )
    assert client.get(reverse("home")).context["new_points"] == []  # the next visit


def test_a_dashboard_read_again_within_a_minute_writes_no_visit(
    login: Callable[[str], Any], world: World
) -> None:
    member = world.users["member"]
    seconds_ago = timezone.now() - datetime.timedelta(seconds=20)
    Subscriber.objects.create(user=member, last_visit_at=seconds_ago)
    client = login("member")
    client.get(reverse("home"))
    assert Subscriber.objects.get(user=member).last_visit_at == seconds_ago
    # Two minutes on, the same visit goes on: its last moment moves, the
    # visit it follows stays.
    two_minutes_ago = timezone.now() - datetime.timedelta(minutes=2)
    Subscriber.objects.filter(user=member).update(last_visit_at=two_minutes_ago)
    client.get(reverse("home"))
    subscriber = Subscriber.objects.get(user=member)
    assert subscriber.last_visit_at is not None and subscriber.last_visit_at > two_minutes_ago
    assert subscriber.previous_visit_at is None


def test_a_first_dashboard_makes_the_subscriber_the_next_reads(
    login: Callable[[str], Any], world: World
) -> None:
    member = world.users["member"]
    assert not Subscriber.objects.filter(user=member).exists()
    client = login("member")
    client.get(reverse("home"))
    first = Subscriber.objects.get(user=member)
    assert first.last_visit_at is not None
    Subscriber.objects.filter(pk=first.pk).update(digest_day=3)
    assert subscriber_of(member).pk == first.pk and subscriber_of(member).digest_day == 3
    client.get(reverse("home"))
    assert Subscriber.objects.filter(user=member).count() == 1


def test_new_user_of_another_cell_sees_no_private_points_on_the_dashboard(
    login: Callable[[str], Any], world: World
) -> None:
    user = make_user("newcomer")
    assert world.other_cell is not None
    Membership.objects.create(user=user, cell=world.other_cell, role=Role.MEMBER)
    Follow.objects.create(user=user, theme=Theme.objects.get(name="leadership"))
    Subscriber.objects.create(user=user, last_visit_at=timezone.now() - datetime.timedelta(days=3))
    _publish(world, Visibility.PRIVATE)
    client = Client()
    client.force_login(user)
    assert client.get(reverse("home")).context["new_points"] == []


def test_a_refused_search_follow_goes_back_to_a_clean_search_address(
    login: Callable[[str], Any],
) -> None:
    response = login("member").post(
        reverse("notes:follow_search"), {"query": "q=a\r\nSet-Cookie:+x", "name": ""}
    )
    assert response.status_code == 302
    assert "\n" not in response["Location"] and response["Location"].startswith("/search/?")


def test_administrators_see_follows_and_mail_settings(world: World) -> None:
    Follow.objects.create(user=world.users["member"], cell=world.cells["public"])
    Subscriber.objects.create(user=world.users["member"])
    client = Client()
    client.force_login(world.users["superuser"])
    for name in ["follow", "subscriber"]:
        response = client.get(reverse(f"admin:notes_{name}_changelist"))
        assert response.status_code == 200 and "member" in response.content.decode().lower()
