"""Parts of pages rendered once and reused by readers of the same cells.

A theme page, the theme index and a search render the same HTML for every
reader who may read the same cells, until the content changes. Rendering
them is most of their cost (a theme's chart alone formats hundreds of
numbers), so the rendered HTML is cached under the reader's cells, the
content's version and the page's address. What belongs to one person (their
follow buttons, the CSRF token, their name in the header) stays outside the
parts and is rendered on every request.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from django.http import HttpRequest
from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe

from cells.sharing import cached

CSRF_FIELD = "csrfmiddlewaretoken"
T = TypeVar("T")


class PersonalPart(ValueError):
    """A part to be shared between readers holds one reader's CSRF token."""


def page_parts(
    request: HttpRequest,
    name: str,
    make_context: Callable[[], dict[str, Any]],
    *templates: str,
) -> list[SafeString]:
    """``templates`` rendered with the context ``make_context`` returns, cached.

    ``make_context`` (the page's queries) runs only when the parts are not
    cached.
    """

    def render() -> list[SafeString]:
        context = make_context()
        return [render_shared(request, template, context) for template in templates]

    return shared(request, name, render)


def shared(request: HttpRequest, name: str, compute: Callable[[], T]) -> T:
    """What ``compute`` returns for this page, reused by readers of the same cells
    until the content changes. Logged-in and logged-out readers never share,
    even where they may read the same cells: the parts may invite logging in.
    """
    user = request.user
    return cached(user, f"page:{name}", compute, user.is_authenticated, request.get_full_path())


def render_shared(request: HttpRequest, template: str, context: dict[str, Any]) -> SafeString:
    """``template`` rendered to be shared between readers: never a form that posts."""
    html = shareable(render_to_string(template, context, request))
    return mark_safe(html.strip())  # noqa: S308 - rendered by the template engine, which escapes


def shareable(html: str) -> str:
    """``html`` as it is, once checked that it holds no form that posts (and with
    it one reader's CSRF token): it is to be shared between readers.
    """
    if CSRF_FIELD in html:
        raise PersonalPart("A shared part of a page must not hold a form that posts.")
    return html
