"""The home page and the health check."""

from __future__ import annotations

from django.db import DatabaseError, connection
from django.db.models import Count
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from cells.models import Meeting

RECENT_MEETINGS = 10


@require_safe
def home(request: HttpRequest) -> HttpResponse:
    newest = Meeting.objects.visible_to(request.user).order_by("-date", "-pk")
    # Points are counted for the shown meetings only, not over every readable one.
    recent = (
        Meeting.objects.filter(pk__in=list(newest.values_list("pk", flat=True)[:RECENT_MEETINGS]))
        .select_related("cell")
        .annotate(point_count=Count("notes"))
        .order_by("-date", "-pk")
    )
    memberships = (
        request.user.memberships.select_related("cell").order_by("cell__name")
        if request.user.is_authenticated
        else []
    )
    return render(request, "betterway/home.html", {"recent": recent, "memberships": memberships})


@never_cache
@require_safe
def healthz(request: HttpRequest) -> JsonResponse:
    """200 when the app can reach its database, 503 when it cannot."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        return JsonResponse({"status": "unavailable", "database": "unreachable"}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})


@require_safe
def favicon(request: HttpRequest) -> HttpResponse:
    """Browsers ask for /favicon.ico on pages without an icon link (the admin)."""
    # Resolved per request: the hashed name exists only after collectstatic.
    return redirect(static("img/favicon.svg"), permanent=True)
