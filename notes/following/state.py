"""What a member follows and their private feed token, for the buttons and links of any page.

Theme pages, cell pages and searches show the reader's follow button and feed
link around parts shared with other readers and taken from the cache. Asking
the database for them cost two queries on every view, more than the rest of
a warm page's work. So they are kept in the shared cache, one entry per
member:

- dropped when the member's follows or feed token change, once the change
  commits, so every server shows it on the next view;
- read with the content version, which a theme merge (moving follows in bulk,
  without signals) changes.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.db import transaction
from django.http import HttpRequest

from cells.access import reader_of

_REQUEST_ATTRIBUTE = "_follow_state"


@dataclass(frozen=True)
class SearchFollow:
    pk: int
    name: str


@dataclass(frozen=True)
class FollowState:
    """A member's follows by what they follow (the follow's id for its Unfollow form)."""

    version: str
    feed_token: str | None = None
    themes: dict[int, int] = field(default_factory=dict)
    cells: dict[int, int] = field(default_factory=dict)
    searches: dict[str, SearchFollow] = field(default_factory=dict)


def follow_state(request: HttpRequest) -> FollowState | None:
    """The logged-in reader's follows and feed token (None for visitors), once per request."""
    user: Any = request.user
    if not user.is_authenticated:
        return None
    found = getattr(request, _REQUEST_ATTRIBUTE, None)
    if found is not None:
        return found
    version = reader_of(user).version
    caching = settings.STATS_CACHE_SECONDS > 0
    state = cache.get(_key(user.pk)) if caching else None
    if not isinstance(state, FollowState) or state.version != version:
        state = _read(user.pk, version)
        if caching:
            # A follow saved between the read above and this write is
            # forgotten at its commit, after which this entry may hold the
            # state before it: the entry's lifetime bounds that rare case.
            cache.set(_key(user.pk), state, settings.STATS_CACHE_SECONDS)
    setattr(request, _REQUEST_ATTRIBUTE, state)
    return state


def forget(user_id: int) -> None:
    """The member's entry is read afresh once the current transaction commits."""
    transaction.on_commit(lambda: cache.delete(_key(user_id)))


def _key(user_id: int) -> str:
    # Of this release (betterway/release.py). While a deploy runs two releases,
    # a follow saved on the older is forgotten there only: the newer may show
    # the member's state before it until the entry expires.
    return f"follows:{settings.RELEASE}:{user_id}"


def _read(user_id: int, version: str) -> FollowState:
    # One query: the member's row joined to their settings and to each follow
    # (a row with no follow when they follow nothing).
    rows = (
        get_user_model()
        .objects.filter(pk=user_id)
        .values_list(
            "subscriber__feed_token",
            "follows__pk",
            "follows__theme_id",
            "follows__cell_id",
            "follows__query",
            "follows__name",
        )
    )
    token: str | None = None
    themes: dict[int, int] = {}
    cells: dict[int, int] = {}
    searches: dict[str, SearchFollow] = {}
    for feed_token, pk, theme_id, cell_id, query, name in rows:
        token = feed_token  # the same on every row
        if pk is None:
            continue
        if theme_id is not None:
            themes[theme_id] = pk
        elif cell_id is not None:
            cells[cell_id] = pk
        else:
            searches[query] = SearchFollow(pk, name)
    return FollowState(version, token, themes, cells, searches)
