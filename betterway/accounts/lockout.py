"""How django-axes counts failed log-ins here (see the AXES_* settings)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from betterway.accounts.backends import user_for_login


def canonical_username(request: HttpRequest, credentials: dict[str, Any] | None) -> str:
    """Failures count against the account, however it was named: "Mia", "mia" and
    mia's e-mail address are one username, so case or address cannot dodge the limit.
    """
    typed = str((credentials or {}).get("username") or request.POST.get("username") or "")
    user = user_for_login(typed)
    return user.username if user is not None else typed.strip().lower()


def client_ip(request: HttpRequest) -> str:
    """REMOTE_ADDR, or the header a trusted proxy sets (BETTERWAY_CLIENT_IP_HEADER).

    With a header, the last address in it is the one the proxy itself added.
    """
    header = settings.CLIENT_IP_HEADER
    if header:
        value = request.META.get("HTTP_" + header.upper().replace("-", "_"), "")
        addresses = [part.strip() for part in value.split(",") if part.strip()]
        if addresses:
            return addresses[-1]
    return str(request.META.get("REMOTE_ADDR", ""))


def locked_out(
    request: HttpRequest, credentials: Any = None, *args: Any, **kwargs: Any
) -> HttpResponse:
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    return render(request, "registration/locked_out.html", {"minutes": minutes}, status=429)
