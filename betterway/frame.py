"""The site's header, rendered once per process for each section and kind of reader.

Every page's frame carries the same header: which link is current depends
only on the page's section, and which links show only on whether the reader
is logged in and is staff. Rendered from its template on every request, its
conditions, addresses and token cost about a sixth of a page that does
nothing else. So the template is rendered once per variant with holes where
the reader's own values go, and each request fills the holes: the reader's
name, the log-out form's CSRF token, the search typed and the page to come
back to after logging in.
"""

from __future__ import annotations

import functools
import re
from typing import Any

from django.core.signals import setting_changed
from django.dispatch import receiver
from django.http import HttpRequest
from django.middleware.csrf import get_token
from django.template.defaultfilters import urlencode
from django.template.loader import render_to_string
from django.urls import get_script_prefix
from django.utils.autoreload import file_changed
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

# The header's sections, by the name of the page's URL.
_SECTION_OF_PAGE = {
    "home": "home",
    "following": "following",
    "theme_index": "themes",
    "theme": "themes",
    "proposals": "proposals",
    "proposal": "proposals",
    "search": "search",
}

# A hole is its name between two unit separators: a control character no
# template writes and no value can hold (they are stripped from every request
# and form), so nothing else in the header reads as one.
_HOLE = re.compile("\x1f([a-z_]+)\x1f")
_HOLES = {name: mark_safe(f"\x1f{name}\x1f") for name in ("name", "csrf_token", "search", "next")}  # noqa: S308


def section(request: HttpRequest | None) -> str:
    """The header's section the page belongs to ("" for none)."""
    match = getattr(request, "resolver_match", None)
    if match is None:
        return ""
    if match.app_name == "cells":
        return "cells"
    return _SECTION_OF_PAGE.get(match.url_name or "", "")


def site_header(request: HttpRequest | None, user: Any, csrf_token: object = None) -> SafeString:
    """The site's name, navigation, search box and account links for this page and reader.

    ``csrf_token`` is the page's own (the template context's), so that the page's
    forms and the header share one masked token, as ``{% csrf_token %}`` would.
    """
    authenticated = bool(user is not None and user.is_authenticated)
    current = section(request)
    header = _rendered(
        get_script_prefix(),
        current,
        authenticated,
        staff=bool(authenticated and user.is_staff),
    )
    values: dict[str, str] = {}
    if authenticated:
        values["name"] = escape(user.get_display_name())
        if csrf_token is None and request is not None:
            csrf_token = get_token(request)
        values["csrf_token"] = escape(str(csrf_token or ""))
    else:
        values["next"] = escape(urlencode(request.get_full_path())) if request is not None else ""
    if current == "search" and request is not None:
        values["search"] = escape(request.GET.get("q", ""))
    # One pass: a value is never searched for holes itself. All are escaped above.
    return mark_safe(_HOLE.sub(lambda hole: values[hole[1]], header))  # noqa: S308


@functools.lru_cache(maxsize=64)
def _rendered(script_prefix: str, current: str, authenticated: bool, staff: bool) -> str:
    return render_to_string(
        "betterway/_site_header.html",
        {"current": current, "authenticated": authenticated, "staff": staff, "holes": _HOLES},
    )


@receiver(setting_changed)
def _forget_on_setting_change(setting: str, **kwargs: object) -> None:
    # Settings change only in tests; a changed one must not leave an old header.
    if setting in {"ROOT_URLCONF", "FORCE_SCRIPT_NAME", "TEMPLATES"}:
        _rendered.cache_clear()


@receiver(file_changed)
def _forget_on_file_change(file_path: object, **kwargs: object) -> None:
    # The development server reloads templates without restarting: an edited
    # header shows on the next page.
    _rendered.cache_clear()
