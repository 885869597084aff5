"""Site-wide response headers."""

from __future__ import annotations

import re
from collections.abc import Callable

from csp.middleware import CSPMiddleware, PolicyParts
from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseBase, QueryDict
from django.urls import reverse
from django.utils.functional import cached_property

from betterway.text import strip_control_characters

# A query string holds a control character only percent-encoded (%00-%1F, %7F).
_CONTROL_IN_QUERY = re.compile(r"%(?:[01][0-9a-f]|7f)", re.IGNORECASE)


class ContentSecurityPolicyMiddleware(CSPMiddleware):
    """django-csp's header from settings: no inline script or style.

    Everything the site loads comes from its own origin, so a stored string
    that slips through escaping still cannot run. Django admin's widgets
    (select2 autocomplete, calendars) write style attributes, so the admin
    alone gets ``ADMIN_CONTENT_SECURITY_POLICY_UPDATE``; scripts stay 'self'.
    """

    def get_policy_parts(
        self, request: HttpRequest, response: HttpResponseBase, report_only: bool = False
    ) -> PolicyParts:
        parts = super().get_policy_parts(request, response, report_only)
        if not report_only and request.path.startswith(self.admin_prefix):
            parts.update = {**settings.ADMIN_CONTENT_SECURITY_POLICY_UPDATE, **(parts.update or {})}
        return parts

    @cached_property
    def admin_prefix(self) -> str:
        return reverse("admin:index")


def _without_control_characters(data: QueryDict) -> QueryDict:
    cleaned = QueryDict(mutable=True, encoding=data.encoding)
    for key, values in data.lists():
        cleaned.setlist(
            strip_control_characters(key), [strip_control_characters(v) for v in values]
        )
    cleaned._mutable = False
    return cleaned


class ControlCharacterMiddleware:
    """Strip C0 control characters (and NUL) from every query string and form value.

    No one types them; pasted from elsewhere they break feeds (XML forbids
    them), PostgreSQL (NUL) and search highlighting. Cleaning here covers every
    view, form and admin page at once; uploaded files are cleaned when read.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if _CONTROL_IN_QUERY.search(request.META.get("QUERY_STRING", "")):
            request.GET = _without_control_characters(request.GET)  # type: ignore[assignment]
        if request.method == "POST":
            request.POST = _without_control_characters(request.POST)  # type: ignore[assignment]
        return self.get_response(request)
