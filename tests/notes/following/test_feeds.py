"""Private feeds by token, valid Atom (RFC 4287) read by a real client, calendars, settings."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Callable
from typing import Any

import feedparser
import icalendar
import pytest
from django.test import Client
from django.urls import reverse

from cells.models import MeetingStatus, Visibility
from notes.following.models import DigestFrequency, Follow, Subscriber
from notes.following.services import subscriber_of
from notes.models import Theme
from tests.personas import PERSONAS, STATUSES, VISIBILITIES, World, can_read

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"


def _token(user: Any) -> str:
    token = subscriber_of(user).feed_token
    assert token
    return token


def assert_valid_atom(content: bytes) -> Any:
    """The RFC 4287 elements a feed and its entries must carry, then a real parser."""
    root = ET.fromstring(content)
    assert root.tag == f"{ATOM}feed"
    for name in ["id", "title", "updated"]:
        assert root.find(f"{ATOM}{name}") is not None, name
    feed_author = root.find(f"{ATOM}author/{ATOM}name")
    for entry in root.findall(f"{ATOM}entry"):
        for name in ["id", "title", "updated"]:
            assert (entry.find(f"{ATOM}{name}").text or "").strip(), name  # type: ignore[union-attr]
        assert entry.find(f"{ATOM}link[@rel='alternate']") is not None
        assert feed_author is not None or entry.find(f"{ATOM}author/{ATOM}name") is not None
    assert feed_author is not None
    parsed = feedparser.parse(content)
    assert not parsed.bozo, parsed.get("bozo_exception")
    assert parsed.version == "atom10"
    return parsed


def _feeds(world: World, token: str) -> list[str]:
    member = world.users["member"]
    search = Follow.objects.create(user=member, query="q=councils", name="Councils")
    Follow.objects.create(user=member, theme=Theme.objects.get(name="leadership"))
    return [
        reverse("notes:theme_feed", args=["leadership"]),
        reverse("cells:feed", args=["public-cell"]),
        reverse("notes:private_theme_feed", args=[token, "leadership"]),
        reverse("notes:private_cell_feed", args=[token, "private-cell"]),
        reverse("notes:following_feed", args=[token]),
        reverse("notes:search_feed", args=[token, search.pk]),
    ]


def test_every_feed_is_valid_atom(world: World, client: Client) -> None:
    for url in _feeds(world, _token(world.users["member"])):
        response = client.get(url)
        assert response.status_code == 200, url
        parsed = assert_valid_atom(response.content)
        assert parsed.entries, url
        assert all(entry.get("author") for entry in parsed.entries), url


def _links(client: Client, url: str) -> set[str]:
    response = client.get(url)
    if response.status_code == 404:
        return set()
    assert response.status_code == 200
    return {entry.link for entry in assert_valid_atom(response.content).entries}


@pytest.mark.parametrize("persona", PERSONAS[1:])
def test_a_private_theme_feed_shows_what_its_owner_may_read(
    persona: str, world: World, client: Client
) -> None:
    token = _token(world.users[persona])
    links = _links(client, reverse("notes:private_theme_feed", args=[token, "leadership"]))
    expected = {
        f"http://testserver{note.get_absolute_url()}"
        for visibility in VISIBILITIES
        for status in STATUSES
        if can_read(persona, visibility, status)
        for note in world.notes_of(visibility, status)
    }
    assert links == expected


@pytest.mark.parametrize("persona", PERSONAS[1:])
@pytest.mark.parametrize("visibility", VISIBILITIES)
def test_a_private_cell_feed_answers_as_the_cell_page_does(
    persona: str, visibility: str, world: World, client: Client
) -> None:
    token = _token(world.users[persona])
    url = reverse("notes:private_cell_feed", args=[token, f"{visibility}-cell"])
    response = client.get(url)
    may_read_cell = can_read(persona, visibility, MeetingStatus.PUBLISHED)
    assert response.status_code == (200 if may_read_cell else 404)
    if may_read_cell:
        titles = {e.title for e in assert_valid_atom(response.content).entries}
        assert titles == {f"{visibility} published meeting"}  # drafts never in a cell feed


@pytest.mark.parametrize(
    ("slug", "status"), [("public-cell", 200), ("network-cell", 404), ("private-cell", 404)]
)
def test_without_a_token_feeds_show_public_content_only(
    slug: str, status: int, world: World, client: Client
) -> None:
    assert client.get(reverse("cells:feed", args=[slug])).status_code == status
    links = _links(client, reverse("notes:theme_feed", args=["leadership"]))
    assert links == {
        f"http://testserver{note.get_absolute_url()}"
        for note in world.notes_of(Visibility.PUBLIC, MeetingStatus.PUBLISHED)
    }


def test_a_revoked_or_regenerated_token_answers_404(
    login: Callable[[str], Any], world: World
) -> None:
    client = login("member")
    old = _token(world.users["member"])
    url = reverse("notes:private_cell_feed", args=[old, "private-cell"])
    assert client.get(url).status_code == 200
    client.post(reverse("notes:feed_token"), {"action": "regenerate"})
    new = Subscriber.objects.get(user=world.users["member"]).feed_token
    assert new and new != old
    assert Client().get(url).status_code == 404
    assert (
        Client().get(reverse("notes:private_cell_feed", args=[new, "private-cell"])).status_code
        == 200
    )
    client.post(reverse("notes:feed_token"), {"action": "revoke"})
    assert Subscriber.objects.get(user=world.users["member"]).feed_token is None
    for token in (old, new):
        assert Client().get(reverse("notes:following_feed", args=[token])).status_code == 404


def test_an_inactive_members_token_answers_404(world: World, client: Client) -> None:
    member = world.users["member"]
    token = _token(member)
    member.is_active = False
    member.save()
    assert (
        client.get(reverse("notes:private_theme_feed", args=[token, "leadership"])).status_code
        == 404
    )


def test_someone_elses_saved_search_feed_answers_404(world: World, client: Client) -> None:
    search = Follow.objects.create(user=world.users["member"], query="q=councils", name="C")
    token = _token(world.users["outsider"])
    assert client.get(reverse("notes:search_feed", args=[token, search.pk])).status_code == 404


def test_the_following_feed_never_shows_drafts_or_unreadable_points(
    world: World, client: Client
) -> None:
    facilitator = world.users["facilitator"]
    Follow.objects.create(user=facilitator, theme=Theme.objects.get(name="leadership"))
    links = _links(client, reverse("notes:following_feed", args=[_token(facilitator)]))
    expected = {
        f"http://testserver{note.get_absolute_url()}"
        for visibility in VISIBILITIES
        for note in world.notes_of(visibility, MeetingStatus.PUBLISHED)
    }
    assert links == expected


def test_pages_link_to_the_members_private_feeds(login: Callable[[str], Any], world: World) -> None:
    client = login("member")
    token = _token(world.users["member"])
    theme_page = client.get(reverse("notes:theme", args=["leadership"])).content.decode()
    assert reverse("notes:private_theme_feed", args=[token, "leadership"]) in theme_page
    cell_page = client.get(reverse("cells:detail", args=["private-cell"])).content.decode()
    assert reverse("notes:private_cell_feed", args=[token, "private-cell"]) in cell_page
    assert reverse("notes:private_calendar", args=[token, "private-cell"]) in cell_page
    anonymous = Client().get(reverse("notes:theme", args=["leadership"])).content.decode()
    assert reverse("notes:theme_feed", args=["leadership"]) in anonymous
    assert "/feeds/" not in anonymous


def _events(content: bytes) -> list[Any]:
    calendar = icalendar.Calendar.from_ical(content)
    return list(calendar.walk("VEVENT"))


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("visibility", VISIBILITIES)
def test_a_cells_calendar_follows_the_reading_rules(
    persona: str, visibility: str, world: World, client: Client
) -> None:
    if persona == "anonymous":
        url = reverse("cells:calendar", args=[f"{visibility}-cell"])
    else:
        url = reverse(
            "notes:private_calendar", args=[_token(world.users[persona]), f"{visibility}-cell"]
        )
    response = client.get(url)
    if not can_read(persona, visibility, MeetingStatus.PUBLISHED):
        assert response.status_code == 404
        return
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    [event] = _events(response.content)
    meeting = world.meetings[(visibility, MeetingStatus.PUBLISHED)]
    assert str(event["SUMMARY"]) == f"{meeting.title} ({meeting.cell.name})"
    assert event.decoded("DTSTART") == meeting.date
    assert str(event["URL"]).endswith(meeting.get_absolute_url())


def test_calendar_text_is_escaped_and_folded(world: World, client: Client) -> None:
    meeting = world.meetings[("public", "published")]
    meeting.title = "Budgets; councils, and \\ a very long title " + "é" * 60
    meeting.introduced_by = "Line one\nline two"
    meeting.save()
    content = client.get(reverse("cells:calendar", args=["public-cell"])).content
    assert all(len(line) <= 75 for line in content.split(b"\r\n"))
    [event] = _events(content)
    assert str(event["SUMMARY"]) == f"{meeting.title} (Public cell)"
    assert "Line one\nline two" in str(event["DESCRIPTION"])


# Settings


def test_profile_shows_mail_and_feeds(login: Callable[[str], Any]) -> None:
    client = login("member")
    page = client.get(reverse("profile")).content.decode()
    assert "Mail about what you follow" in page
    assert f'action="{reverse("notes:following_settings")}"' in page
    [weekly] = re.findall(r'<input[^>]*value="weekly"[^>]*>', page)
    assert "checked" in weekly  # the default, before any settings are saved
    # The profile's form saves through the settings page and comes back there.
    response = client.post(
        reverse("notes:following_settings"), {"digest": "never", "digest_day": "0"}
    )
    assert response.status_code == 302
    assert Subscriber.objects.get(user__username="member").digest == DigestFrequency.NEVER


def test_mail_settings_are_saved_and_checked(login: Callable[[str], Any], world: World) -> None:
    client = login("member")
    page = client.get(reverse("notes:following_settings")).content.decode()
    assert "Weekly" in page and "Private feeds" in page
    response = client.post(
        reverse("notes:following_settings"),
        {"digest": "daily", "digest_day": "4", "notify_on_publish": "on"},
    )
    assert response.status_code == 302
    subscriber = Subscriber.objects.get(user=world.users["member"])
    assert (subscriber.digest, subscriber.digest_day, subscriber.notify_on_publish) == (
        DigestFrequency.DAILY,
        4,
        True,
    )
    response = client.post(
        reverse("notes:following_settings"), {"digest": "hourly", "digest_day": "9"}
    )
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert Subscriber.objects.get(user=world.users["member"]).digest == DigestFrequency.DAILY


def test_settings_need_a_log_in(client: Client, world: World) -> None:
    assert client.get(reverse("notes:following_settings")).status_code == 302
    assert client.post(reverse("notes:feed_token"), {"action": "revoke"}).status_code == 302
    assert not Subscriber.objects.exists()
