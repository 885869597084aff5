"""A member's follow buttons and feed links come from the shared cache and change at once."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from notes.following import services
from notes.following.models import Follow, Subscriber
from notes.models import Theme
from notes.themes.merging import merge_themes
from tests.personas import World, client_of

# The entries are dropped, and content versions bumped, when a transaction commits.
pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("shared_cache")]

THEME = "/themes/leadership/"


def _following(page: str) -> bool:
    """Whether the page's follow button says the reader follows it."""
    assert 'class="follow"' in page
    return 'aria-pressed="true"' in page


def _tables_read(client: Client, url: str) -> str:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return " ".join(query["sql"] for query in queries)


def test_a_warm_page_reads_no_follows_and_no_settings(login: Callable[[str], Any]) -> None:
    client = login("member")
    client.post(reverse("notes:follow_theme", args=["leadership"]))
    first = _tables_read(client, THEME)
    assert '"notes_follow"' in first and '"notes_subscriber"' in first
    again = _tables_read(client, THEME)
    assert '"notes_follow"' not in again and '"notes_subscriber"' not in again
    assert _following(client.get(THEME).text)


def test_follow_and_unfollow_show_at_once(login: Callable[[str], Any]) -> None:
    client = login("member")
    assert not _following(client.get(THEME).text)  # and now cached
    client.post(reverse("notes:follow_theme", args=["leadership"]))
    page = client.get(THEME).text
    follow = Follow.objects.get(user__username="member")
    assert _following(page) and reverse("notes:unfollow", args=[follow.pk]) in page
    client.post(reverse("notes:unfollow", args=[follow.pk]))
    assert not _following(client.get(THEME).text)


def test_one_members_follows_never_show_on_anothers_page(world: World) -> None:
    member, outsider = client_of(world.users["member"]), client_of(world.users["outsider"])
    assert not _following(outsider.get(THEME).text)
    member.post(reverse("notes:follow_theme", args=["leadership"]))
    assert _following(member.get(THEME).text)
    assert not _following(outsider.get(THEME).text)


def test_a_new_or_revoked_feed_token_shows_at_once(
    login: Callable[[str], Any], world: World
) -> None:
    client = login("member")
    services.subscriber_of(world.users["member"])
    token = Subscriber.objects.get(user__username="member").feed_token
    assert token and token in client.get(THEME).text
    client.post(reverse("notes:feed_token"))
    new = Subscriber.objects.get(user__username="member").feed_token
    page = client.get(THEME).text
    assert new and new != token and new in page and token not in page
    client.post(reverse("notes:feed_token"), {"action": "revoke"})
    page = client.get(THEME).text
    assert new not in page and reverse("notes:theme_feed", args=["leadership"]) in page


def test_a_visit_keeps_the_entry(login: Callable[[str], Any], world: World) -> None:
    # The dashboard saves the visit on the member's settings at every view:
    # that must not send every next page back to the database.
    services.subscriber_of(world.users["member"])
    client = login("member")
    client.get(THEME)
    client.get(reverse("home"))
    assert '"notes_follow"' not in _tables_read(client, THEME)


def test_followers_of_a_merged_theme_see_the_target_followed_at_once(
    login: Callable[[str], Any], world: World
) -> None:
    source = Theme.objects.create(name="leading", slug="leading")
    Follow.objects.create(user=world.users["member"], theme=source)
    client = login("member")
    assert not _following(client.get(THEME).text)  # cached: not following the target
    merge_themes(Theme.objects.get(slug="leadership"), [source])  # moves follows in bulk
    assert _following(client.get(THEME).text)


def test_the_search_follow_form_knows_a_followed_search(login: Callable[[str], Any]) -> None:
    client = login("member")
    url = reverse("notes:search") + "?q=councils"
    assert "Follow this search as" in client.get(url).text
    client.post(reverse("notes:follow_search"), {"query": "q=councils", "name": "Councils"})
    assert "You follow this search as “Councils”" in client.get(url).text
