"""Site-wide template helpers: ``{% load betterway %}``."""

from __future__ import annotations

from django import template
from django.utils.safestring import SafeString

from betterway.markdown import plain_excerpt, render_markdown

register = template.Library()


@register.filter(name="markdown")
def markdown_filter(text: str) -> SafeString:
    """Render user Markdown as sanitised HTML."""
    return render_markdown(text)


@register.filter
def excerpt(text: str, words: int = 40) -> str:
    """The first words of a note, without Markdown syntax; cheap enough for long lists."""
    return plain_excerpt(text, words)


@register.filter
def plain_date(value: object) -> str:
    """“29 November 2017”: dates in plain words, without a leading zero."""
    if value is None:
        return ""
    return f"{value.day} {value:%B %Y}"  # type: ignore[attr-defined]
