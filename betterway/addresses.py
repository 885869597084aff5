"""Reversing URLs, remembered per process.

A listing links every row's meeting, cell and themes: reversing is most of
what such a link costs, and the same few thousand addresses recur.
"""

from __future__ import annotations

import functools

from django.urls import get_script_prefix, reverse


def address(name: str, **kwargs: str | int) -> str:
    """``reverse(name, kwargs=kwargs)``, remembered."""
    return _reversed(get_script_prefix(), name, tuple(sorted(kwargs.items())))


@functools.lru_cache(maxsize=8192)
def _reversed(script_prefix: str, name: str, kwargs: tuple[tuple[str, str | int], ...]) -> str:
    return reverse(name, kwargs=dict(kwargs))
