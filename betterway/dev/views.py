"""The benchmark's one-query yardstick page, served only with BETTERWAY_BENCHMARK_VIEWS on."""

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
