"""Cached theme figures change at once when the content does, on every server."""

from __future__ import annotations

from typing import Any

import pytest
from django.conf import settings as django_settings
from django.core.cache import cache
from django.db import transaction
from django.urls import reverse

from betterway import content_version
from betterway.dev.production import free_port, gunicorn, production_env
from cells.models import MeetingStatus
from cells.sharing import cached
from notes.models import Theme
from notes.record.services import set_status
from tests.notes.actions.helpers import first_note
from tests.personas import World, database_url_of_tests
from tests.servers import get

INDEX = reverse("notes:theme_index")
SHARED = {
    "default": {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": django_settings.CACHE_TABLE,
    }
}
pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("shared_cache")]


@pytest.fixture
def ephemeral(world: World) -> Any:
    """A theme only on the public cell's published meeting: visitors see it."""
    meeting = world.meetings[("public", "published")]
    note = meeting.notes.first()
    assert note is not None
    note.themes.add(Theme.objects.create(name="ephemeral", slug="ephemeral"))
    return meeting


@pytest.mark.parametrize("change", ["unpublish", "untag", "rename", "delete"])
def test_figures_change_at_once_after_the_content_does(
    client: Any, ephemeral: Any, change: str
) -> None:
    assert ">ephemeral<" in client.get(INDEX).text  # counted and cached
    _change(ephemeral, change)
    page = client.get(INDEX).text
    assert ">ephemeral<" not in page
    assert (">renamed<" in page) == (change == "rename")


@pytest.mark.parametrize("change", ["unpublish", "untag", "rename", "delete"])
def test_a_cells_themes_change_at_once_after_the_content_does(
    client: Any, ephemeral: Any, change: str
) -> None:
    cell_page = ephemeral.cell.get_absolute_url()
    assert "theme=ephemeral" in client.get(cell_page).text  # counted and cached
    _change(ephemeral, change)
    page = client.get(cell_page).text
    assert "theme=ephemeral" not in page
    assert ("theme=renamed" in page) == (change == "rename")


def _change(meeting: Any, change: str) -> None:
    """Take the theme "ephemeral" off what visitors read, one way or another."""
    if change == "unpublish":
        set_status(meeting, MeetingStatus.DRAFT)
    elif change == "untag":
        meeting.notes.first().themes.remove(Theme.objects.get(name="ephemeral"))
    elif change == "rename":
        Theme.objects.filter(name="ephemeral").update(name="renamed")  # set-based
        Theme.objects.get(name="renamed").save()
    else:
        Theme.objects.get(name="ephemeral").delete()


def test_cache_keys_are_short_whatever_the_reader(world: World) -> None:
    cache.clear()
    cached(world.users["staff"], "related", lambda: 1, *range(200))
    keys = list(cache._cache)  # type: ignore[attr-defined]  # locmem's store
    assert keys and all(len(key) < 100 for key in keys)


def test_two_server_processes_agree_after_an_unpublish(ephemeral: Any, settings: Any) -> None:
    # This process and the server's workers share the database cache.
    settings.CACHES = SHARED
    port = free_port()
    env = production_env(database_url_of_tests(), BETTERWAY_STATS_CACHE_SECONDS="300")
    with gunicorn(env, port, workers=2, quiet=True):
        warm = [get(port, INDEX) for _ in range(8)]  # both workers count and cache
        assert all("ephemeral" in page.text for page in warm)
        set_status(ephemeral, MeetingStatus.DRAFT)
        after = [get(port, INDEX) for _ in range(8)]
    assert not any("ephemeral" in page.text for page in after)


def test_a_cached_theme_page_never_shows_one_reader_another_readers_points(
    login: Any, world: World
) -> None:
    url = reverse("notes:theme", kwargs={"slug": "leadership"})
    private_meeting = world.meetings[("private", "published")]
    private_text = first_note(private_meeting).body[:30]
    for order in (["outsider", "member"], ["member", "outsider"]):
        cache.clear()
        for persona in order:
            page = login(persona).get(url).text
            assert (private_text in page) == (persona == "member"), (order, persona)


def test_a_cached_theme_page_shows_an_edit_at_once(
    client: Any, world: World, count_queries: Any
) -> None:
    url = reverse("notes:theme", kwargs={"slug": "leadership"})
    note = first_note(world.meetings[("public", "published")])
    first = count_queries(client, url)
    assert count_queries(client, url) < first  # the list of points came from the cache
    note.body = "Edited a moment ago."
    note.save()
    assert "Edited a moment ago." in client.get(url).text


def test_a_meeting_saved_whole_makes_one_new_version(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    notes = list(world.meetings[("public", "published")].notes.all())
    with transaction.atomic(), django_capture_on_commit_callbacks() as callbacks:
        try:
            with transaction.atomic():
                notes[0].save()
                raise RuntimeError("rolled back")
        except RuntimeError:
            pass
        for note in notes:
            note.body += " Edited."
            note.save()
            note.themes.add("edited")
    bumps = [callback for callback in callbacks if callback is content_version._bump_now]
    assert len(bumps) == 1  # one for the committed changes; none left from the rollback


def test_a_figure_read_again_by_the_same_process_skips_the_shared_cache(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    member = world.users["member"]
    assert cached(member, "probe", lambda: "counted", "x") == "counted"
    shared_reads: list[str] = []

    def from_shared(key: str, *args: Any, **kwargs: Any) -> str:
        shared_reads.append(key)
        return "from the shared cache"

    monkeypatch.setattr(cache, "get_or_set", from_shared)
    assert cached(member, "probe", lambda: "counted again", "x") == "counted"
    assert shared_reads == []
    # A new version of the content: a new key, read from the shared cache.
    content_version.bump()
    next_request = type(member).objects.get(pk=member.pk)
    assert cached(next_request, "probe", lambda: "counted again", "x") == "from the shared cache"
    assert len(shared_reads) == 1
