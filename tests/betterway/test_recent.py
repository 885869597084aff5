"""A process's own memory of what it read from the shared cache."""

from __future__ import annotations

import pytest

from betterway.recent import MISSING, RecentValues


def test_values_are_kept_until_they_expire(monkeypatch: pytest.MonkeyPatch) -> None:
    now = [100.0]
    monkeypatch.setattr("betterway.recent.time.monotonic", lambda: now[0])
    recent = RecentValues(entries=4)
    recent.put("a", None, 10)
    assert recent.get("a") is None  # a value of None is a value
    assert recent.get("b") is MISSING
    now[0] = 110.0
    assert recent.get("a") is MISSING


def test_the_least_recently_read_goes_first() -> None:
    recent = RecentValues(entries=2)
    recent.put("a", 1, 60)
    recent.put("b", 2, 60)
    assert recent.get("a") == 1
    recent.put("c", 3, 60)
    assert recent.get("b") is MISSING
    assert (recent.get("a"), recent.get("c")) == (1, 3)
    recent.clear()
    assert recent.get("a") is MISSING
