"""One version for everything cached about the content; any change makes a new one.

Readers (who may read which cells), cached figures (theme counts, charts,
related themes) and rendered parts of pages are keyed by the version, in the
cache every process and server shares. A publish, an edit,
a merge or a deletion bumps it when its transaction commits, so the next
view on any server counts afresh; the old entries simply expire. Bumping
before the commit would let another server cache the old content under the
new version.

A draft saved as a draft changes nothing but what its cell's facilitators
and the staff read: it bumps a second version, of drafts, which only their
keys carry. Facilitators save drafts far more often than anything is
published, and every other reader's pages then stay cached while they write.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from django.core.cache import cache
from django.db import transaction

KEY = "content:version"
DRAFTS_KEY = "content:drafts"

_drafts_only: ContextVar[bool] = ContextVar("drafts_only", default=False)


def current(*, drafts: bool = False) -> str:
    """The content's version; with ``drafts``, as those who read drafts see it."""
    found = cache.get_many([KEY, DRAFTS_KEY]) if drafts else {}  # one round trip for both
    return of(found, drafts=drafts)


def of(found: Mapping[str, Any], *, drafts: bool) -> str:
    """``current`` from the versions already read from the cache (``found``),
    reading only what is missing from it.
    """
    published = found.get(KEY) or _current(KEY)
    if not drafts:
        return str(published)
    return f"{published}:{found.get(DRAFTS_KEY) or _current(DRAFTS_KEY)}"


def _current(key: str) -> str:
    version = cache.get(key)
    if version is None:
        cache.add(key, uuid.uuid4().hex, None)
        version = cache.get(key) or ""
    return str(version)


def _bump_now() -> None:
    cache.set(KEY, uuid.uuid4().hex, None)


def _bump_drafts_now() -> None:
    cache.set(DRAFTS_KEY, uuid.uuid4().hex, None)


@contextmanager
def drafts_only(active: bool = True) -> Iterator[None]:
    """Changes made within are to drafts alone (a draft saved as a draft, with
    its points, themes, actions and proposals): they bump only the drafts' version.
    """
    token = _drafts_only.set(active)
    try:
        yield
    finally:
        _drafts_only.reset(token)


def bump(*, for_everyone: bool = False) -> None:
    """A new version once the current transaction commits (at once outside one).

    Saving a meeting touches every point and theme link, each of which asks;
    one new version at the commit serves them all, and a new version of all
    the content is one of drafts too. (A callback dropped with a rolled-back
    savepoint leaves the list, so a later change asks again.) ``for_everyone``
    is for changes every reader may see even within ``drafts_only``: who may
    read what, and people's names.
    """
    drafts = _drafts_only.get() and not for_everyone
    wanted = _bump_drafts_now if drafts else _bump_now
    pending = {callback for _, callback, _ in transaction.get_connection().run_on_commit}
    if _bump_now not in pending and wanted not in pending:
        transaction.on_commit(wanted)
