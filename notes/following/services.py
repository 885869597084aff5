"""Writes of following: follow and unfollow, reading marks, settings, feed tokens."""

from __future__ import annotations

import datetime
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.dispatch import receiver
from django.utils import timezone

from betterway.rows import RowReader
from cells.models import Cell
from notes.following.models import MAX_SAVED_SEARCHES, Follow, Subscriber, new_feed_token
from notes.models import Theme
from notes.themes.merging import themes_merged

# A visit to the dashboard starts when the previous one is this old: reloading
# the page does not empty "new since your last visit".
VISIT_GAP = datetime.timedelta(hours=1)
# A visit's last moment is written at most this often: a dashboard read again
# and again need not write a row each time, and a visit's end a minute early
# changes nothing against the gap above.
VISIT_MARK_EVERY = datetime.timedelta(minutes=1)


class TooManySearches(Exception):
    """The member follows as many searches as one may."""


# Read on every dashboard: the statement is built once (see betterway.rows).
_SUBSCRIBER_OF_USER = RowReader(Subscriber, "user_id = %s")


def subscriber_of(user: Any) -> Subscriber:
    subscriber = _SUBSCRIBER_OF_USER.get(user.pk)
    if subscriber is None:  # a member's first visit, follow or setting
        subscriber, _ = Subscriber.objects.get_or_create(user=user)
    return subscriber


def follow_theme(user: Any, theme: Theme) -> Follow:
    return _follow(user, theme=theme)


def follow_cell(user: Any, cell: Cell) -> Follow:
    return _follow(user, cell=cell)


def follow_search(user: Any, query: str, name: str) -> Follow:
    existing = Follow.objects.filter(user=user, query=query).first()
    if existing is not None:
        if existing.name != name:
            existing.name = name
            existing.save(update_fields=["name"])
        return existing
    if Follow.objects.filter(user=user).exclude(query="").count() >= MAX_SAVED_SEARCHES:
        raise TooManySearches
    return _follow(user, query=query, name=name)


def _follow(user: Any, **target: Any) -> Follow:
    subscriber_of(user)  # settings and a feed token from the first follow
    lookup = {key: value for key, value in target.items() if key != "name"}
    try:
        with transaction.atomic():
            follow, _ = Follow.objects.get_or_create(user=user, **lookup, defaults=target)
    except IntegrityError:  # followed at the same moment from another tab
        follow = Follow.objects.get(user=user, **lookup)
    return follow


def unfollow(user: Any, follow_id: int) -> bool:
    deleted, _ = Follow.objects.filter(user=user, pk=follow_id).delete()
    return bool(deleted)


def mark_seen(user: Any, follow_ids: list[int] | None = None) -> None:
    """Everything in these follows (all, by default) has been looked at now."""
    follows = Follow.objects.filter(user=user)
    if follow_ids is not None:
        follows = follows.filter(pk__in=follow_ids)
    follows.update(seen_at=timezone.now())


def record_visit(user: Any) -> Subscriber:
    """Start a new visit when the last one is old; the subscriber with its visit times."""
    subscriber = subscriber_of(user)
    now = timezone.now()
    last = subscriber.last_visit_at
    if last is not None and now - last < VISIT_MARK_EVERY:
        return subscriber
    if last is None or now - last > VISIT_GAP:
        subscriber.previous_visit_at = last
    subscriber.last_visit_at = now
    subscriber.save(update_fields=["previous_visit_at", "last_visit_at"])
    return subscriber


def regenerate_feed_token(user: Any) -> Subscriber:
    subscriber = subscriber_of(user)
    subscriber.feed_token = new_feed_token()
    subscriber.save(update_fields=["feed_token"])
    return subscriber


def revoke_feed_token(user: Any) -> Subscriber:
    subscriber = subscriber_of(user)
    subscriber.feed_token = None
    subscriber.save(update_fields=["feed_token"])
    return subscriber


@receiver(themes_merged)
def _follow_merged_themes(sender: Any, target: Theme, source_ids: list[int], **kwargs: Any) -> None:
    """Followers of a merged theme follow the theme it became (once)."""
    already = Follow.objects.filter(theme=target).values("user_id")
    Follow.objects.filter(Q(theme_id__in=source_ids) & Q(user_id__in=already)).delete()
    # A member who followed two of the sources keeps one of those follows.
    kept: dict[int, int] = {}
    for follow_id, user_id in Follow.objects.filter(theme_id__in=source_ids).values_list(
        "pk", "user_id"
    ):
        kept.setdefault(user_id, follow_id)
    Follow.objects.filter(theme_id__in=source_ids).exclude(pk__in=kept.values()).delete()
    Follow.objects.filter(pk__in=kept.values()).update(theme=target)
