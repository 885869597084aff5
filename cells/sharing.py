"""Values shared by every reader of the same cells until the content changes.

Figures and rendered parts of pages (theme counts, a theme page's parts, a
search's results, a meeting's points) are the same for every reader who may
read the same cells. They are kept in the cache every process and server
shares, under the reader's cells and the content's version, so a change
shows at once everywhere.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.cache import cache

from betterway.recent import MISSING, RecentValues
from cells.access import AnyUser, reader_of


def cached(user: AnyUser, name: str, compute: Callable[[], Any], *parts: object) -> Any:
    """Figures (or rendered parts of pages) for this reader, reused for STATS_CACHE_SECONDS
    by every reader of the same cells.

    Counting across hundreds of thousands of points on every view is what
    makes theme pages slow. Any change to the content counts them afresh.
    """
    if settings.STATS_CACHE_SECONDS <= 0:
        return compute()
    # Hashed, so a key is short and plain whatever the reader's cells (any
    # backend, memcached included, takes it); versioned, so a change to the
    # content shows at once on every server; and the release's own, so a part
    # rendered by older code is not served after a deploy.
    reader = reader_of(user)
    raw = ":".join([settings.RELEASE, reader.cache_key, reader.version, *map(str, parts)])
    key = f"{name}:{hashlib.sha256(raw.encode()).hexdigest()[:40]}"
    value = _recent.get(key)
    if value is MISSING:
        value = cache.get_or_set(key, compute, settings.STATS_CACHE_SECONDS)
        _recent.put(key, value, settings.STATS_CACHE_SECONDS)
    return value


# The figures and parts this process used last: a warm theme page or search
# is then served without reading its part from the shared cache again.
_recent = RecentValues(entries=128)
