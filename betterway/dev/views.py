"""The benchmark's yardstick pages, served only with BETTERWAY_BENCHMARK_VIEWS on."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from cells.models import Meeting


@require_safe
def bench_baseline(request: HttpRequest) -> HttpResponse:
    """One query, one small template: what a page of this app costs at the least."""
    count = Meeting.objects.count()
    return render(request, "betterway/dev_baseline.html", {"count": count})


@require_safe
def bench_floor(request: HttpRequest) -> HttpResponse:
    """The logged-in reader and the site's frame, nothing else: what any page costs
    at the least, and so the lowest server time over SQL a page served from the
    cache can reach.
    """
    return render(request, "betterway/dev_floor.html", {})
