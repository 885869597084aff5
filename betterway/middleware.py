"""Site-wide response headers."""

from __future__ import annotations

import re
from collections.abc import Callable

from csp.constants import HEADER
from csp.middleware import CheckableLazyObject, CSPMiddleware, PolicyParts
from csp.utils import build_policy
from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseBase, QueryDict
from django.urls import reverse
from django.utils.functional import cached_property

from betterway.text import strip_control_characters

# What django-csp's view decorators set on a response: with none of them, a
# response carries the site's own policy.
_PER_VIEW_POLICY = (
    "_csp_exempt",
    "_csp_config",
    "_csp_update",
    "_csp_replace",
    "_csp_exempt_ro",
    "_csp_config_ro",
    "_csp_update_ro",
    "_csp_replace_ro",
)

# A query string holds a control character only percent-encoded (%00-%1F, %7F).
_CONTROL_IN_QUERY = re.compile(r"%(?:[01][0-9a-f]|7f)", re.IGNORECASE)


class ContentSecurityPolicyMiddleware(CSPMiddleware):
    """django-csp's header from settings: no inline script or style.

    Everything the site loads comes from its own origin, so a stored string
    that slips through escaping still cannot run. Django admin's widgets
    (select2 autocomplete, calendars) write style attributes, so the admin
    alone gets ``ADMIN_CONTENT_SECURITY_POLICY_UPDATE``; scripts stay 'self'.

    The site's two policies are built once: django-csp builds the header from
    settings on every response, a twentieth of what the lightest page costs.
    A response with a policy of its own (a nonce, a view's decorator) is
    django-csp's to build, as are the exceptions it makes while debugging.
    """

    def process_response(
        self, request: HttpRequest, response: HttpResponseBase
    ) -> HttpResponseBase:
        if not self._site_policy_applies(request, response):
            return super().process_response(request, response)
        admin = request.path.startswith(self.admin_prefix)
        response[HEADER] = self._admin_policy if admin else self._policy
        # As django-csp: a nonce asked for once the header is written is an error.
        request.csp_nonce = CheckableLazyObject(self._csp_nonce_post_response)  # type: ignore[attr-defined]
        return response

    def _site_policy_applies(self, request: HttpRequest, response: HttpResponseBase) -> bool:
        return not (
            settings.DEBUG
            or self._has_other_settings
            or HEADER in response
            or getattr(request, "_csp_nonce", None) is not None
            or any(hasattr(response, name) for name in _PER_VIEW_POLICY)
        )

    @cached_property
    def _has_other_settings(self) -> bool:
        """A report-only policy or excluded paths: django-csp's own way applies."""
        policy = getattr(settings, "CONTENT_SECURITY_POLICY", None) or {}
        return bool(
            getattr(settings, "CONTENT_SECURITY_POLICY_REPORT_ONLY", None)
            or policy.get("EXCLUDE_URL_PREFIXES")
        )

    @cached_property
    def _policy(self) -> str:
        return build_policy()

    @cached_property
    def _admin_policy(self) -> str:
        return build_policy(update=settings.ADMIN_CONTENT_SECURITY_POLICY_UPDATE)

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
