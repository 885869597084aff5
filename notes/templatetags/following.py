"""Follow buttons, private feed links and the mail settings summary, for any page."""

from __future__ import annotations

from typing import Any

from django import template

from betterway.addresses import address
from notes.following.forms import MailSettingsForm, normalised_query
from notes.following.models import Follow, Subscriber
from notes.following.state import follow_state

register = template.Library()

_PUBLIC_FEEDS = {"theme": "notes:theme_feed", "cell": "cells:feed", "calendar": "cells:calendar"}
_PRIVATE_FEEDS = {
    "theme": "notes:private_theme_feed",
    "cell": "notes:private_cell_feed",
    "calendar": "notes:private_calendar",
}


@register.simple_tag(takes_context=True)
def feed_url(context: dict[str, Any], kind: str, slug: str) -> str:
    """The feed of a theme or cell: the member's private link when they have one."""
    state = follow_state(context["request"])
    if state is not None and state.feed_token:
        return address(_PRIVATE_FEEDS[kind], token=state.feed_token, slug=slug)
    return address(_PUBLIC_FEEDS[kind], slug=slug)


@register.inclusion_tag("following/_follow_button.html", takes_context=True)
def follow_button(context: dict[str, Any], theme: Any = None, cell: Any = None) -> dict[str, Any]:
    request = context["request"]
    state = follow_state(request)
    if theme is not None:
        thing, action = theme, address("notes:follow_theme", slug=theme.slug)
        follow_id = state.themes.get(theme.pk) if state else None
    else:
        thing, action = cell, address("notes:follow_cell", slug=cell.slug)
        follow_id = state.cells.get(cell.pk) if state else None
    return {
        "request": request,
        "user": request.user,
        "follow_id": follow_id,
        "name": thing.name,
        "follow_url": action,
        "csrf_token": context.get("csrf_token"),
    }


@register.inclusion_tag("following/_follow_search.html", takes_context=True)
def follow_search(context: dict[str, Any]) -> dict[str, Any]:
    request = context["request"]
    query = normalised_query(request.GET)
    state = follow_state(request)
    return {
        "request": request,
        "user": request.user,
        "query": query,
        "follow": state.searches.get(query) if state and query else None,
        "suggested_name": request.GET.get("q", "").strip()[:100] or "My search",
        "csrf_token": context.get("csrf_token"),
    }


@register.inclusion_tag("following/_profile_section.html", takes_context=True)
def mail_and_feeds(context: dict[str, Any]) -> dict[str, Any]:
    """The profile's mail settings: the form posts to the settings page, which has the rest."""
    request = context["request"]
    subscriber = Subscriber.objects.filter(user_id=request.user.pk).first()
    return {
        "subscriber": subscriber,
        "form": MailSettingsForm(instance=subscriber or Subscriber(user=request.user)),
        "follow_count": Follow.objects.filter(user_id=request.user.pk).count(),
        "csrf_token": context.get("csrf_token"),
    }
