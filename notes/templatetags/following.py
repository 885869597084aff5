"""Follow buttons, private feed links and the mail settings summary, for any page."""

from __future__ import annotations

from typing import Any

from django import template
from django.http import HttpRequest
from django.urls import reverse

from notes.following.forms import MailSettingsForm, normalised_query
from notes.following.models import Follow, Subscriber

register = template.Library()

_PUBLIC_FEEDS = {"theme": "notes:theme_feed", "cell": "cells:feed", "calendar": "cells:calendar"}
_PRIVATE_FEEDS = {
    "theme": "notes:private_theme_feed",
    "cell": "notes:private_cell_feed",
    "calendar": "notes:private_calendar",
}


def subscriber_of(request: HttpRequest) -> Subscriber | None:
    """The logged-in member's settings, read once per request."""
    if not request.user.is_authenticated:
        return None
    if not hasattr(request, "_following_subscriber"):
        found = Subscriber.objects.filter(user_id=request.user.pk).first()
        request._following_subscriber = found  # type: ignore[attr-defined]
    return request._following_subscriber  # type: ignore[attr-defined]


@register.simple_tag(takes_context=True)
def feed_url(context: dict[str, Any], kind: str, slug: str) -> str:
    """The feed of a theme or cell: the member's private link when they have one."""
    subscriber = subscriber_of(context["request"])
    if subscriber is not None and subscriber.feed_token:
        return reverse(_PRIVATE_FEEDS[kind], kwargs={"token": subscriber.feed_token, "slug": slug})
    return reverse(_PUBLIC_FEEDS[kind], kwargs={"slug": slug})


@register.inclusion_tag("following/_follow_button.html", takes_context=True)
def follow_button(context: dict[str, Any], theme: Any = None, cell: Any = None) -> dict[str, Any]:
    request = context["request"]
    target = {"theme": theme} if theme is not None else {"cell": cell}
    thing = theme if theme is not None else cell
    follow = (
        Follow.objects.filter(user_id=request.user.pk, **target).first()
        if request.user.is_authenticated
        else None
    )
    action = (
        reverse("notes:follow_theme", args=[theme.slug])
        if theme is not None
        else reverse("notes:follow_cell", args=[cell.slug])
    )
    return {
        "request": request,
        "user": request.user,
        "follow": follow,
        "name": thing.name,
        "follow_url": action,
        "csrf_token": context.get("csrf_token"),
    }


@register.inclusion_tag("following/_follow_search.html", takes_context=True)
def follow_search(context: dict[str, Any]) -> dict[str, Any]:
    request = context["request"]
    query = normalised_query(request.GET)
    follow = (
        Follow.objects.filter(user_id=request.user.pk, query=query).first()
        if request.user.is_authenticated and query
        else None
    )
    return {
        "request": request,
        "user": request.user,
        "query": query,
        "follow": follow,
        "suggested_name": request.GET.get("q", "").strip()[:100] or "My search",
        "csrf_token": context.get("csrf_token"),
    }


@register.inclusion_tag("following/_profile_section.html", takes_context=True)
def mail_and_feeds(context: dict[str, Any]) -> dict[str, Any]:
    """The profile's mail settings: the form posts to the settings page, which has the rest."""
    request = context["request"]
    subscriber = subscriber_of(request)
    return {
        "subscriber": subscriber,
        "form": MailSettingsForm(instance=subscriber or Subscriber(user=request.user)),
        "follow_count": Follow.objects.filter(user_id=request.user.pk).count(),
        "csrf_token": context.get("csrf_token"),
    }
