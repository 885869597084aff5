"""Markdown rendering that is safe for anything a user typed.

Two layers: CommonMark (markdown-it-py, as on GitHub and Discourse: a list
right after a line of text is a list) with raw HTML switched off, so
``<script>`` typed in a note comes out as text; then nh3 (ammonia) as an
allow-list sanitiser that also drops ``javascript:`` links and event-handler
attributes. The same renderer serves pages, previews, feeds and mail; excerpts
take the text of the same parse.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Generic, TypeVar
from urllib.parse import urlsplit

import nh3
from django.utils.safestring import SafeString, mark_safe
from markdown_it import MarkdownIt

T = TypeVar("T")

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
# CommonMark with raw HTML off, plus tables and typographic quotes and dashes.
_PARSER = MarkdownIt("commonmark", {"html": False, "typographer": True}).enable(
    ["table", "replacements", "smartquotes"]
)
_commonmark_link_check = _PARSER.validateLink


def _allowed_link(url: str) -> bool:
    """Only links nh3 keeps become links: any other (ftp:, tel:) stays as the text
    typed, rather than an <a> whose address the sanitiser would remove.
    """
    scheme = urlsplit(url.strip()).scheme.lower()
    return _commonmark_link_check(url) and (not scheme or scheme in ALLOWED_URL_SCHEMES)


_PARSER.validateLink = _allowed_link  # type: ignore[method-assign]


# Rendering and the plain text are pure functions of the text, and most of the
# time of a meeting's page or a list of points: each process keeps the latest
# results for texts up to this size (a few megabytes), so a page read again
# works out nothing new.
REMEMBERED_TEXTS = 2048
REMEMBERED_LENGTH = 10_000


class _Remembered(Generic[T]):
    """``function`` of a text, its latest results kept for texts up to REMEMBERED_LENGTH."""

    def __init__(self, function: Callable[[str], T]) -> None:
        self.function = function
        self.remembered = functools.lru_cache(maxsize=REMEMBERED_TEXTS)(function)
        functools.update_wrapper(self, function)

    def __call__(self, text: str) -> T:
        text = text or ""
        return self.remembered(text) if len(text) <= REMEMBERED_LENGTH else self.function(text)


@_Remembered
def render_markdown(text: str) -> SafeString:
    html = _PARSER.render(text)
    clean = nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=ALLOWED_URL_SCHEMES,
        link_rel="noopener noreferrer nofollow",
    )
    return mark_safe(clean)  # noqa: S308 - sanitised by nh3 just above


@_Remembered
def plain_text(text: str) -> str:
    """The words of Markdown text without its syntax: link text without the
    address, **strong** as strong, list markers and headings dropped.
    """
    blocks: list[str] = []
    for token in _PARSER.parse(text):
        if token.type == "inline" and token.children is not None:
            blocks.append(
                "".join(
                    " " if child.type in {"softbreak", "hardbreak"} else child.content
                    for child in token.children
                    if child.type in {"text", "code_inline", "softbreak", "hardbreak"}
                )
            )
        elif token.type in {"code_block", "fence"}:
            blocks.append(token.content)
    return " ".join(" ".join(blocks).split())


def plain_excerpt(text: str, words: int = 40) -> str:
    """The first words of Markdown text as plain text, with "…" when cut."""
    # Only the start is parsed: an excerpt never needs the whole of a long note.
    plain = plain_text((text or "")[: words * 30]).split()
    return " ".join(plain[:words]) + (" …" if len(plain) > words else "")
