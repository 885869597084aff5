"""One version for everything cached about the content; any change makes a new one.

Readers (who may read which cells), cached figures (theme counts, charts,
related themes) and rendered parts of pages are keyed by the version, in the
cache every process and server shares. A publish, an edit,
a merge or a deletion bumps it when its transaction commits, so the next
view on any server counts afresh; the old entries simply expire. Bumping
before the commit would let another server cache the old content under the
new version.
"""

from __future__ import annotations

import uuid

from django.core.cache import cache
from django.db import transaction

KEY = "content:version"


def current() -> str:
    version = cache.get(KEY)
    if version is None:
        cache.add(KEY, uuid.uuid4().hex, None)
        version = cache.get(KEY) or ""
    return str(version)


def _bump_now() -> None:
    cache.set(KEY, uuid.uuid4().hex, None)


def bump() -> None:
    """A new version once the current transaction commits (at once outside one).

    Saving a meeting touches every point and theme link, each of which asks;
    one new version at the commit serves them all. (A callback dropped with a
    rolled-back savepoint leaves the list, so a later change asks again.)
    """
    pending = transaction.get_connection().run_on_commit
    if not any(callback is _bump_now for _, callback, _ in pending):
        transaction.on_commit(_bump_now)
