"""Site-wide response headers."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.functional import cached_property


class ContentSecurityPolicyMiddleware:
    """Send the Content-Security-Policy from settings: no inline script or style.

    Everything the site loads comes from its own origin, so a stored string
    that slips through escaping still cannot run.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        policy = (
            settings.ADMIN_CONTENT_SECURITY_POLICY
            if request.path.startswith(self.admin_prefix)
            else settings.CONTENT_SECURITY_POLICY
        )
        response.headers.setdefault("Content-Security-Policy", policy)
        return response

    @cached_property
    def admin_prefix(self) -> str:
        return reverse("admin:index")
