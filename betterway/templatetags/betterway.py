"""Site-wide template helpers: ``{% load betterway %}``."""

from __future__ import annotations

import datetime

from django import template
from django.forms import BoundField
from django.utils import timezone
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe

from betterway import frame
from betterway.addresses import address, asset
from betterway.highlighting import mark_words
from betterway.markdown import plain_excerpt, render_markdown
from betterway.widgets import option_tags

register = template.Library()


@register.filter(name="markdown")
def markdown_filter(text: str) -> SafeString:
    """Render user Markdown as sanitised HTML."""
    return render_markdown(text)


@register.filter
def mark_search_words(html: str, words: set[str] | None) -> SafeString:
    """Mark the words of the search that opened this page (see betterway/highlighting.py)."""
    return mark_words(conditional_escape(html), words or set())


@register.filter
def excerpt(text: str, words: int = 40) -> str:
    """The first words of a note, without Markdown syntax; cheap enough for long lists."""
    return plain_excerpt(text, words)


@register.filter(expects_localtime=True)
def plain_date(value: object) -> str:
    """“29 November 2017”: dates in plain words, without a leading zero (a moment
    on the day it is here, not in UTC).
    """
    if value is None:
        return ""
    return f"{value.day} {value:%B %Y}"  # type: ignore[attr-defined]


@register.simple_tag
def time_element(value: datetime.date | None) -> SafeString:
    """``<time datetime="2017-11-29">29 November 2017</time>``, for people and machines.

    One tag for what took two filters in every listing's rows: Django's
    ``date`` filter costs tens of microseconds a call.
    """
    if value is None:
        return mark_safe("")
    day = value
    if isinstance(value, datetime.datetime):
        day = (timezone.localtime(value) if timezone.is_aware(value) else value).date()
    # A date's own text holds nothing to escape.
    return mark_safe(f'<time datetime="{day.isoformat()}">{plain_date(day)}</time>')  # noqa: S308


@register.simple_tag(name="address")
def address_tag(name: str, **kwargs: str | int) -> str:
    """``{% address "notes:theme" slug=theme.slug %}``: ``{% url %}``, remembered.

    Every page's frame links ten addresses that never change; ``{% url %}``
    reverses each afresh, about a sixth of what a page costs with nothing else.
    """
    return address(name, **kwargs)


@register.simple_tag(takes_context=True)
def site_header(context: template.Context) -> SafeString:
    """The site's header for this page and reader (see betterway/frame.py)."""
    return frame.site_header(context.get("request"), context.get("user"), context.get("csrf_token"))


@register.simple_tag(name="asset")
def asset_tag(path: str) -> str:
    """``{% asset "css/site.css" %}``: ``{% static %}``, remembered."""
    return asset(path)


@register.simple_tag
def select_options(field: BoundField) -> SafeString:
    """A choice field's ``<option>`` elements, the chosen one selected.

    Built here rather than by the widget's templates (or a template loop),
    which cost tens of microseconds an option: filters list hundreds of themes.
    """
    value = field.value()
    chosen = {str(v) for v in value} if isinstance(value, list) else {str(value or "")}
    options = option_tags(field.field.choices, chosen)  # type: ignore[attr-defined]
    return mark_safe(options)  # noqa: S308 - every value and label escaped by option_tags
