"""The digest run of ``make bench``: many members, each following a few or many
things, over the scale data; seconds and SQL queries per member.

A week of news is simulated by marking a slice of meetings as published after
the members' last digest. Everything the run creates (members, follows, mail
rows and their jobs) is removed afterwards, so the benchmark can run again.
"""

from __future__ import annotations

import datetime
import random
import time
from typing import Any

from django.contrib.auth.hashers import make_password
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from betterway import content_version
from betterway.models import Mail, User
from cells.models import Cell, Meeting, MeetingStatus, Membership, Role, Visibility
from notes.following.mailing import digest_context, send_digests
from notes.following.models import Follow, Subscriber
from notes.models import Theme

PREFIX = "bench-digest-"
NEWS_MEETINGS = 100  # about 2,000 new points: a busy week for the network
WIDE_EVERY = 10  # one member in ten follows many themes
WIDE_THEMES = 20


def bench_digests(members: int) -> dict[str, Any]:
    rng = random.Random(7)  # noqa: S311 - repeatable benchmark data, not secrets
    _clean_up()
    users = _members(members, rng)
    watermark = timezone.now()
    Subscriber.objects.filter(user__in=users).update(digest_sent_until=watermark)
    news = list(
        Meeting.objects.filter(status=MeetingStatus.PUBLISHED)
        .order_by("?")
        .values_list("pk", "published_at")[:NEWS_MEETINGS]
    )
    Meeting.objects.filter(pk__in=[pk for pk, _ in news]).update(
        published_at=watermark + datetime.timedelta(seconds=1)
    )
    try:
        sizes = _queries_by_follows(users, watermark)
        counter = _QueryCounter()
        started = time.perf_counter()
        with connection.execute_wrapper(counter):
            run = send_digests(watermark + datetime.timedelta(hours=1), everyone=True)
        elapsed = time.perf_counter() - started
    finally:
        with transaction.atomic():
            for pk, published_at in news:
                Meeting.objects.filter(pk=pk).update(published_at=published_at)
        _clean_up()
    return {
        "members": run.members,
        "mails": run.mails,
        "points": run.points,
        "seconds": round(elapsed, 1),
        "ms_per_member": round(1000 * elapsed / max(run.members, 1), 1),
        "queries_per_member": round(counter.count / max(run.members, 1), 1),
        "queries_by_follows": sizes,
    }


class _QueryCounter:
    """Counts SQL statements without keeping them (a run makes tens of thousands)."""

    def __init__(self) -> None:
        self.count = 0

    def __call__(self, execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        self.count += 1
        return execute(sql, params, many, context)


def _members(count: int, rng: random.Random) -> list[User]:
    """Members who read the public and network cells, a tenth also one private cell."""
    unusable = make_password(None)  # they never log in
    users = User.objects.bulk_create(
        [
            User(username=f"{PREFIX}{n}", email=f"{PREFIX}{n}@example.org", password=unusable)
            for n in range(count)
        ]
    )
    private = list(Cell.objects.filter(visibility=Visibility.PRIVATE).values_list("pk", flat=True))
    readable = list(
        Cell.objects.exclude(visibility=Visibility.PRIVATE).values_list("pk", flat=True)
    )
    themes = list(Theme.objects.values_list("pk", flat=True))
    memberships, follows = [], []
    for n, user in enumerate(users):
        cells = readable[:]
        if n % 10 == 0 and private:
            cell = rng.choice(private)
            memberships.append(Membership(user=user, cell_id=cell, role=Role.MEMBER))
            cells.append(cell)
        wanted = WIDE_THEMES if n % WIDE_EVERY == 0 else 2
        for theme in rng.sample(themes, min(wanted, len(themes))):
            follows.append(Follow(user=user, theme_id=theme))
        follows.append(Follow(user=user, cell_id=rng.choice(cells)))
        if n % 20 == 0:
            follows.append(Follow(user=user, query="q=budget", name="Budgets"))
    Membership.objects.bulk_create(memberships)
    content_version.bump()  # bulk_create sends no signals; readers are resolved afresh
    Follow.objects.bulk_create(follows, batch_size=5000)
    Subscriber.objects.bulk_create([Subscriber(user=user) for user in users], batch_size=5000)
    return users


def _queries_by_follows(users: list[User], since: datetime.datetime) -> dict[str, int]:
    """SQL queries for one member's digest, by how many things they follow."""
    until = since + datetime.timedelta(hours=1)
    figures = {}
    for label, user in [("3 follows", users[1]), (f"{WIDE_THEMES + 1} follows", users[WIDE_EVERY])]:
        fresh = User.objects.get(pk=user.pk)  # no reader cached from an earlier call
        with CaptureQueriesContext(connection) as queries:
            digest_context(fresh, since, until)
        figures[label] = len(queries)
    return figures


def _clean_up() -> None:
    keys = Mail.objects.filter(to__startswith=PREFIX)
    mail_ids = [str(pk) for pk in keys.values_list("pk", flat=True)]
    keys.delete()
    if mail_ids:
        with connection.cursor() as cursor:
            cursor.execute(
                "DELETE FROM procrastinate_jobs WHERE task_name LIKE %s "
                "AND args->>'mail_id' = ANY(%s) AND status = 'todo'",
                ["%send_mail", [str(pk) for pk in mail_ids]],
            )
    User.objects.filter(username__startswith=PREFIX).delete()
