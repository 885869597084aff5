"""Login throttling: too many failed log-ins for one username or one address pause it.

Counts live in Django's cache for a window; with the default in-process cache
each server worker counts on its own, so the limits apply per worker.
"""

from __future__ import annotations

import hashlib
from typing import Any

from django import forms
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.forms import AuthenticationForm
from django.core.cache import cache
from django.http import HttpRequest

FAILURES_PER_USERNAME = 5
FAILURES_PER_ADDRESS = 30
WINDOW_SECONDS = 15 * 60
MESSAGE = (
    "Too many failed log-ins. For your account's safety, logging in is paused for "
    "15 minutes; ask your network's administrators if you have lost your password."
)


def _keys(request: HttpRequest | None, username: str) -> list[tuple[str, int]]:
    name = hashlib.sha256(username.strip().lower().encode()).hexdigest()[:32]
    keys = [(f"login-failures:user:{name}", FAILURES_PER_USERNAME)]
    address = request.META.get("REMOTE_ADDR", "") if request is not None else ""
    if address:
        keys.append((f"login-failures:address:{address}", FAILURES_PER_ADDRESS))
    return keys


def is_paused(request: HttpRequest | None, username: str) -> bool:
    return any(cache.get(key, 0) >= limit for key, limit in _keys(request, username))


def record_failure(request: HttpRequest | None, username: str) -> None:
    for key, _limit in _keys(request, username):
        cache.add(key, 0, WINDOW_SECONDS)
        cache.incr(key)


def forget_failures(request: HttpRequest | None, username: str) -> None:
    cache.delete(_keys(request, username)[0][0])


class ThrottleMixin:
    """For Django's authentication forms: refuse while paused, count failures."""

    request: HttpRequest | None
    cleaned_data: dict[str, Any]

    def clean(self) -> dict[str, Any]:
        username = self.cleaned_data.get("username") or ""
        if is_paused(self.request, username):
            raise forms.ValidationError(MESSAGE, code="throttled")
        try:
            cleaned = super().clean()  # type: ignore[misc]
        except forms.ValidationError:
            record_failure(self.request, username)
            raise
        forget_failures(self.request, username)
        return cleaned


class ThrottledAuthenticationForm(ThrottleMixin, AuthenticationForm):
    pass


class ThrottledAdminAuthenticationForm(ThrottleMixin, AdminAuthenticationForm):
    pass
