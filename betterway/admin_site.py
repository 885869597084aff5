"""The admin site: Django's, with a second factor for staff when the settings ask for it."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import admin
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode


def needs_second_factor(request: HttpRequest) -> bool:
    user = request.user
    return bool(
        settings.ADMIN_REQUIRES_SECOND_FACTOR
        and user.is_active
        and user.is_staff
        # is_verified() is added to the user by django-otp's middleware.
        and not user.is_verified()  # type: ignore[attr-defined]
    )


class BetterwayAdminSite(admin.AdminSite):
    def has_permission(self, request: HttpRequest) -> bool:
        return super().has_permission(request) and not needs_second_factor(request)

    def login(self, request: HttpRequest, extra_context: Any = None) -> HttpResponse:
        """Staff logged in with a password go on to the code; others log in as usual."""
        if request.method == "GET" and needs_second_factor(request):
            wanted = request.GET.get("next") or reverse("admin:index")
            return redirect(f"{reverse('second_factor')}?{urlencode({'next': wanted})}")
        return super().login(request, extra_context)
