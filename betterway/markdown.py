"""Markdown rendering that is safe for anything a user typed.

Two layers: Python-Markdown with raw HTML switched off (so ``<script>`` typed
in a note comes out as text), then nh3 (ammonia) as an allow-list sanitiser
that also drops ``javascript:`` links and event-handler attributes.
"""

from __future__ import annotations

import re
import threading

import markdown as _markdown
import nh3
from django.utils.safestring import SafeString, mark_safe

ALLOWED_TAGS = {
    "p",
    "br",
    "hr",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "strong",
    "em",
    "code",
    "pre",
    "blockquote",
    "ul",
    "ol",
    "li",
    "a",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "th": {"align"}, "td": {"align"}}
ALLOWED_URL_SCHEMES = {"http", "https", "mailto"}
_EXTENSIONS = ["extra", "sane_lists", "smarty"]


def _converter() -> _markdown.Markdown:
    converter = _markdown.Markdown(extensions=_EXTENSIONS, output_format="html")
    # Raw HTML off: typed tags are escaped and shown, never interpreted.
    converter.preprocessors.deregister("html_block")
    converter.inlinePatterns.deregister("html")
    return converter


_local = threading.local()


def _reused_converter() -> _markdown.Markdown:
    """One converter per thread: building one costs more than converting a note."""
    converter = getattr(_local, "converter", None)
    if converter is None:
        converter = _local.converter = _converter()
    return converter.reset()


def render_markdown(text: str) -> SafeString:
    html = _reused_converter().convert(text or "")
    clean = nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=ALLOWED_URL_SCHEMES,
        link_rel="noopener noreferrer nofollow",
    )
    return mark_safe(clean)  # noqa: S308 - sanitised by nh3 just above


_MARKDOWN_SYNTAX = re.compile(r"[*_`#>\[\]]|^\s*[-+]\s+", re.MULTILINE)
_LINK_TARGET = re.compile(r"\]\([^)]*\)")


def plain_excerpt(text: str, words: int = 40) -> str:
    """The first words of Markdown text with its syntax dropped, not rendered."""
    plain = _MARKDOWN_SYNTAX.sub("", _LINK_TARGET.sub("", text or "")).split()
    return " ".join(plain[:words]) + (" …" if len(plain) > words else "")
