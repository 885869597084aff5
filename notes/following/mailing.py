"""Mail about what members follow: digests at their rhythm, and publication notices.

Exactly once: a digest moves the member's watermark in the same transaction
as its mail row, under a row lock taken with SKIP LOCKED, so a run that
crashes half way and runs again, or two runs at once, send each member each
point once. A publication notice has one mail key per meeting and member.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core import signing
from django.db import connection, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from betterway.mail import queue_mail
from betterway.markdown import plain_excerpt
from cells.choices import MeetingStatus
from cells.models import Meeting
from notes.following.models import DigestFrequency, Follow, Subscriber
from notes.following.queries import Followed, arrived_between, visible_follows
from notes.models import Note

# A digest lists at most this many points and links to the Following page for the rest.
DIGEST_POINTS = 50
EXCERPT_WORDS = 40
_UNSUBSCRIBE_SALT = "following.unsubscribe"
# What an unsubscribe link turns off.
UNSUBSCRIBE_CHOICES = {
    "digest": "the digest of what you follow",
    "published": "mail when a cell you follow publishes a meeting",
    "reminders": "reminders of the actions you own",
}
# A publication is never this long in its transaction: older open transactions
# are not waited for.
SETTLE_LIMIT = datetime.timedelta(minutes=5)
# A run a little early on the next day (or week) still counts as due.
_EARLY = datetime.timedelta(hours=1)


def site_link(path: str) -> str:
    return f"{settings.SITE_URL}{path}"


def unsubscribe_token(user_id: int, what: str) -> str:
    return signing.dumps([user_id, what], salt=_UNSUBSCRIBE_SALT)


def read_unsubscribe_token(token: str) -> tuple[int, str] | None:
    """The member and what to turn off, or None for a forged or damaged link."""
    try:
        user_id, what = signing.loads(token, salt=_UNSUBSCRIBE_SALT)
    except (signing.BadSignature, TypeError, ValueError):
        return None
    if not isinstance(user_id, int) or what not in UNSUBSCRIBE_CHOICES:
        return None
    return user_id, what


def unsubscribe_link(user_id: int, what: str) -> tuple[str, dict[str, str]]:
    """The unsubscribe address and the RFC 8058 headers that carry it."""
    url = site_link(reverse("notes:unsubscribe", args=[unsubscribe_token(user_id, what)]))
    headers = {
        "List-Unsubscribe": f"<{url}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    }
    return url, headers


def common_context(user: Any) -> dict[str, Any]:
    return {
        "name": user.get_display_name(),
        "site_url": site_link("/"),
        "following_url": site_link(reverse("notes:following")),
        "settings_url": site_link(reverse("notes:following_settings")),
    }


# Digests


@dataclass
class DigestRun:
    members: int = 0
    mails: int = 0
    points: int = 0


def due_subscribers(now: datetime.datetime, *, everyone: bool = False) -> Q:
    """Whose digest is due at ``now`` (``everyone``: all who take one, whatever the rhythm)."""
    takes_digest = Q(user__is_active=True) & ~Q(user__email="") & ~Q(digest=DigestFrequency.NEVER)
    if everyone:
        return takes_digest
    daily = Q(
        digest=DigestFrequency.DAILY,
        digest_sent_until__lte=now - (datetime.timedelta(days=1) - _EARLY),
    )
    weekly = Q(
        digest=DigestFrequency.WEEKLY,
        digest_day=timezone.localtime(now).weekday(),
        digest_sent_until__lte=now - (datetime.timedelta(days=7) - _EARLY),
    )
    return takes_digest & (daily | weekly)


def settled(moment: datetime.datetime) -> datetime.datetime:
    """``moment``, or earlier: the start of the oldest transaction still running.

    A meeting being published takes its time inside a transaction that may
    commit a little later; a digest that covered up to ``moment`` would then
    move past points it could not see yet, and they would never be sent. No
    transaction older than the result is still open, so every point that
    arrived up to it is committed (or never will be).
    """
    with connection.cursor() as cursor:
        # Only the site's own sessions that have written (a publication holds
        # row locks or has inserted), and not stuck ones: a session left open
        # for minutes must not hold every digest back.
        cursor.execute(
            "SELECT min(xact_start) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid() "
            "AND backend_type = 'client backend' AND backend_xid IS NOT NULL "
            "AND xact_start > now() - make_interval(secs => %s)",
            [SETTLE_LIMIT.total_seconds()],
        )
        row = cursor.fetchone()
    oldest = row[0] if row else None
    return min(moment, oldest) if oldest is not None else moment


def send_digests(now: datetime.datetime | None = None, *, everyone: bool = False) -> DigestRun:
    """Queue one digest for each member who is due and has something new."""
    now = settled(now or timezone.now())
    run = DigestRun()
    due = Subscriber.objects.filter(due_subscribers(now, everyone=everyone))
    for subscriber_id in due.order_by("pk").values_list("pk", flat=True).iterator():
        points = _send_digest(subscriber_id, now, everyone=everyone)
        run.members += 1
        if points:
            run.mails += 1
            run.points += points
    return run


def _send_digest(subscriber_id: int, until: datetime.datetime, *, everyone: bool) -> int:
    """One member's digest; the number of new points it carried (0: no mail)."""
    with transaction.atomic():
        subscriber = (
            Subscriber.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("user")
            .filter(due_subscribers(until, everyone=everyone), pk=subscriber_id)
            .filter(digest_sent_until__lt=until)
            .first()
        )
        if subscriber is None:  # another run has it, or has just sent it
            return 0
        since = subscriber.digest_sent_until
        context = digest_context(subscriber.user, since, until)
        if context is not None:
            context["frequency"] = subscriber.get_digest_display().lower()
            url, headers = unsubscribe_link(subscriber.user_id, "digest")
            context["unsubscribe_url"] = url
            queue_mail(
                f"digest:{subscriber.user_id}:{since.isoformat()}",
                "digest",
                subscriber.user.email,
                context,
                headers,
            )
        subscriber.digest_sent_until = until
        subscriber.save(update_fields=["digest_sent_until"])
    return context["total"] if context else 0


def digest_context(
    user: Any, since: datetime.datetime, until: datetime.datetime
) -> dict[str, Any] | None:
    """What is new for ``user`` between the two moments, grouped; None when nothing is."""
    follows = visible_follows(user, check_themes=False)
    if not follows:
        return None
    followed = Followed.of(user, follows)
    new = arrived_between(followed.notes(user), since, until)
    rows = list(
        followed.search_matches(new)
        .order_by("-meeting__date", "-meeting_id", "position")
        .select_related("meeting__cell")
        .prefetch_related("themes")[: DIGEST_POINTS + 1]  # type: ignore[misc]  # taggit: no types
    )
    if not rows:
        return None
    total = len(rows) if len(rows) <= DIGEST_POINTS else new.count()
    rows = rows[:DIGEST_POINTS]
    return {
        **common_context(user),
        "groups": _grouped(rows, follows),
        "total": total,
        "more": total - len(rows),
        "reason": _reason(follows),
    }


def _grouped(notes: list[Note], follows: list[Follow]) -> list[dict[str, Any]]:
    """Points under the first thing followed that brought them: themes, cells, searches."""
    groups: dict[int, list[dict[str, Any]]] = {follow.pk: [] for follow in follows}
    for note in notes:
        follow = _first_match(note, follows)
        if follow is not None:
            groups[follow.pk].append(_point(note))
    return [
        {
            "kind": follow.kind,
            "title": follow.title,
            "url": site_link(follow.target_url()),
            "points": groups[follow.pk],
        }
        for follow in sorted(follows, key=lambda f: ["theme", "cell", "search"].index(f.kind))
        if groups[follow.pk]
    ]


def _first_match(note: Note, follows: list[Follow]) -> Follow | None:
    theme_ids = {theme.pk for theme in note.themes.all()}
    for follow in follows:
        if follow.theme_id in theme_ids:
            return follow
    for follow in follows:
        if follow.cell_id and follow.cell_id == note.meeting.cell_id:
            return follow
    for follow in follows:
        if follow.query and getattr(note, f"matches_search_{follow.pk}", False):
            return follow
    return None


def _point(note: Note) -> dict[str, Any]:
    meeting = note.meeting
    return {
        "title": note.heading or f"{meeting.title}, point {note.position}",
        "meeting": meeting.title,
        "cell": meeting.cell.name,
        "date": f"{meeting.date.day} {meeting.date:%B %Y}",
        "excerpt": plain_excerpt(note.body, EXCERPT_WORDS),
        "url": site_link(note.get_absolute_url()),
    }


def _reason(follows: list[Follow]) -> str:
    kinds = {"theme": "themes", "cell": "cells", "search": "searches"}
    counts = {kind: sum(1 for f in follows if f.kind == kind) for kind in kinds}
    parts = [
        f"{count} {kind if count == 1 else kinds[kind]}" for kind, count in counts.items() if count
    ]
    listed = ", ".join(parts[:-1]) + " and " + parts[-1] if len(parts) > 1 else parts[0]
    return f"you follow {listed}"


# Publication notices


def notify_followers(meeting_id: int) -> int:
    """Mail the cell's followers who asked to hear at once and may read the meeting now."""
    meeting = Meeting.objects.select_related("cell").filter(pk=meeting_id).first()
    if meeting is None or meeting.status != MeetingStatus.PUBLISHED:
        return 0
    follows = (
        Follow.objects.filter(
            cell_id=meeting.cell_id,
            user__is_active=True,
            user__subscriber__notify_on_publish=True,
        )
        .exclude(user__email="")
        .select_related("user")
    )
    points = list(meeting.notes.order_by("position").values_list("heading", "position"))
    sent = 0
    for follow in follows:
        user = follow.user
        if not Meeting.objects.visible_to(user).filter(pk=meeting.pk).exists():
            continue  # a private cell the member has left, say
        url, headers = unsubscribe_link(user.pk, "published")
        context = {
            **common_context(user),
            "cell": meeting.cell.name,
            "cell_url": site_link(meeting.cell.get_absolute_url()),
            "meeting": meeting.title,
            "date": f"{meeting.date.day} {meeting.date:%B %Y}",
            "meeting_url": site_link(meeting.get_absolute_url()),
            "points": [heading or f"Point {position}" for heading, position in points],
            "unsubscribe_url": url,
        }
        queue_mail(f"published:{meeting.pk}:{user.pk}", "published", user.email, context, headers)
        sent += 1
    return sent
