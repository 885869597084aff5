"""Markdown rendering: formatting kept, anything executable removed."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest

from betterway.markdown import render_markdown


class _Elements(HTMLParser):
    """Collects the real elements and attributes of rendered HTML."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))


def test_markdown_formatting_is_rendered() -> None:
    html = render_markdown("Some *emphasis*, a [report](https://example.org/r).\n\n- one\n- two")
    assert "<em>emphasis</em>" in html
    assert '<a href="https://example.org/r" rel="noopener noreferrer nofollow">report</a>' in html
    assert "<li>one</li>" in html


@pytest.mark.parametrize(
    "text",
    [
        "<script>alert(1)</script>",
        '<a href="#" onclick="steal()">x</a>',
        "[click](javascript:alert(1))",
        "[click](JaVaScRiPt:alert(1))",
        "<iframe src=https://evil.example></iframe>",
        "![x](https://tracker.example/pixel.gif)",
        '<div style="background:url(x)">styled</div>',
        "[x](https://example.org){: onclick=steal() }",
    ],
)
def test_raw_html_and_dangerous_links_are_neutralised(text: str) -> None:
    elements = _Elements(render_markdown(text)).tags
    assert {tag for tag, _ in elements} <= {"p", "a", "em", "strong"}
    for _tag, attrs in elements:
        assert set(attrs) <= {"href", "rel", "title"}
        assert not (attrs.get("href") or "").lower().startswith("javascript")


def test_typed_html_is_shown_as_text() -> None:
    assert "&lt;b&gt;not bold&lt;/b&gt;" in render_markdown("<b>not bold</b>")


def test_empty_text_renders_nothing() -> None:
    assert render_markdown("") == ""


def test_a_list_right_after_a_line_is_a_list_as_in_commonmark() -> None:
    html = str(render_markdown("Actions:\n- call the library\n- write **it** up"))
    assert "<p>Actions:</p>" in html
    assert "<li>call the library</li>" in html and "<strong>it</strong>" in html


def test_excerpts_are_the_text_without_markdown() -> None:
    from betterway.markdown import plain_excerpt

    text = "See the [RSA report](https://example.org/rsa) and **bold** words:\n- one\n- two"
    assert plain_excerpt(text) == "See the RSA report and bold words: one two"
    assert plain_excerpt("one two three four", 2) == "one two …"


@pytest.mark.parametrize(
    "text",
    [
        "[x](javascript:alert(1))",
        "[x](ftp://files.example.org/a)",
        "[call](tel:0123)",
        "<ftp://files.example.org>",
        "[**bold** words](vbscript:x)",
        "[x](JaVaScRiPt:alert(1))",
    ],
)
def test_a_link_the_sanitiser_would_empty_stays_text(text: str) -> None:
    html = render_markdown(text)
    assert not re.search(r"<a(?![^>]*\bhref=)", html), html
    assert "href" not in html


@pytest.mark.parametrize("name", ["render_markdown", "plain_text"])
def test_renderings_are_remembered_for_texts_up_to_a_size(name: str) -> None:
    from betterway import markdown

    work_out = getattr(markdown, name)
    text = f"A **remembered** point about [budgets](https://example.org), by {name}."
    first = work_out(text)
    assert "budgets" in first
    hits = work_out.remembered.cache_info().hits
    assert work_out(text) == first
    assert work_out.remembered.cache_info().hits == hits + 1
    long_text = "word " * markdown.REMEMBERED_LENGTH
    size = work_out.remembered.cache_info().currsize
    assert "word word" in work_out(long_text)
    assert work_out.remembered.cache_info().currsize == size  # not kept
