"""What a process last read from the shared cache, kept in its own memory too."""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from typing import Any

MISSING = object()


class RecentValues:
    """The latest values under keys that never change meaning, for as long as the
    shared cache keeps them.

    For keys that carry the content version: an entry here can be unused but
    never stale, so a warm page skips a round trip to the shared cache and
    the unpickling of what it holds. Bounded by count, the oldest read first out.
    """

    def __init__(self, entries: int) -> None:
        self._entries = entries
        self._values: OrderedDict[str, tuple[float, Any]] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: str) -> Any:
        """The value, or MISSING."""
        with self._lock:
            found = self._values.get(key)
            if found is None:
                return MISSING
            expires, value = found
            if expires <= time.monotonic():
                del self._values[key]
                return MISSING
            self._values.move_to_end(key)
            return value

    def put(self, key: str, value: Any, seconds: float) -> None:
        with self._lock:
            self._values[key] = (time.monotonic() + seconds, value)
            self._values.move_to_end(key)
            while len(self._values) > self._entries:
                self._values.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._values.clear()
