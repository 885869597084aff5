"""The home page and the health check."""

from __future__ import annotations

from django.core.cache import cache
from django.db import DatabaseError, connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.utils.crypto import get_random_string
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from betterway.errors import already_logged, note_outage
from cells.models import Meeting

RECENT_MEETINGS = 10
HEALTH_KEY = "healthz:probe"


@require_safe
def home(request: HttpRequest) -> HttpResponse:
    """The site's home page for visitors who are not logged in."""
    newest = Meeting.objects.visible_to(request.user).select_related("cell").with_point_counts()
    recent = newest.order_by("-date", "-pk")[:RECENT_MEETINGS]
    return render(request, "betterway/home.html", {"recent": recent})


@never_cache
@require_safe
def healthz(request: HttpRequest) -> JsonResponse:
    """200 when the app can reach its database and its shared cache, else 503 saying which."""
    checks = {"database": _database_ok(), "cache": _cache_ok()}
    healthy = all(checks.values())
    report = {name: "ok" if ok else "unreachable" for name, ok in checks.items()}
    response = JsonResponse(
        {"status": "ok" if healthy else "unavailable", **report}, status=200 if healthy else 503
    )
    if not checks["database"]:
        # Probed every few seconds: the outage is logged once, not per probe.
        already_logged(response)
    return response


def _database_ok() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError as error:
        note_outage(error)
        return False
    return True


def _cache_ok() -> bool:
    """A value written to the cache reads back (a missing cache table fails here)."""
    probe = get_random_string(12)
    try:
        cache.set(HEALTH_KEY, probe, 30)
        return cache.get(HEALTH_KEY) == probe
    except Exception:  # any backend's failure (table, server, network) means "unreachable"
        return False


@require_safe
def favicon(request: HttpRequest) -> HttpResponse:
    """Browsers ask for /favicon.ico on pages without an icon link (the admin)."""
    # Resolved per request: the hashed name exists only after collectstatic.
    return redirect(static("img/favicon.svg"), permanent=True)
