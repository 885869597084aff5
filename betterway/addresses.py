"""Reversing URLs and naming static files, remembered per process.

A listing links every row's meeting, cell and themes: reversing is most of
what such a link costs, and the same few thousand addresses recur. Every
page's frame links the same dozen pages and files.
"""

from __future__ import annotations

import functools

from django.core.signals import setting_changed
from django.dispatch import receiver
from django.templatetags.static import static
from django.urls import get_script_prefix, reverse


def address(name: str, **kwargs: str | int) -> str:
    """``reverse(name, kwargs=kwargs)``, remembered."""
    return _reversed(get_script_prefix(), name, tuple(sorted(kwargs.items())))


@functools.lru_cache(maxsize=8192)
def _reversed(script_prefix: str, name: str, kwargs: tuple[tuple[str, str | int], ...]) -> str:
    return reverse(name, kwargs=dict(kwargs))


@functools.lru_cache(maxsize=256)
def asset(path: str) -> str:
    """A static file's address, as ``{% static %}`` gives it.

    The storage's names are fixed for the life of a process: the manifest
    of hashed names is read once, at start.
    """
    return static(path)


@receiver(setting_changed)
def _forget_on_setting_change(setting: str, **kwargs: object) -> None:
    # Settings change only in tests; a changed one must not leave an old address.
    if setting in {"ROOT_URLCONF", "FORCE_SCRIPT_NAME", "STATIC_URL", "STORAGES"}:
        _reversed.cache_clear()
        asset.cache_clear()
