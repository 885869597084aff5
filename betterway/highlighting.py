"""Marking the words of a search on the page a result opens.

Which words to mark is PostgreSQL's decision, with the same stemming search
uses: "leaders" in a point is marked for a search of "leadership" only if
search would have matched it. One query per page, whatever its length.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from django.conf import settings
from django.db import connection
from django.utils.safestring import SafeString, mark_safe

# The words the page's text holds that share a stem with the search's words.
_MATCHING_SQL = """
SELECT word FROM unnest(%s::text[]) AS word
WHERE tsvector_to_array(to_tsvector(%s::regconfig, word))
      && tsvector_to_array(to_tsvector(%s::regconfig, %s))
"""
_WORD = re.compile(r"\w+")
# Text between tags, and the tags themselves, in sanitised HTML.
_TAG = re.compile(r"(<[^>]*>)")
# Words in text, not inside an entity such as &amp;
_TEXT_WORD = re.compile(r"(?<![&#\w])\w+(?![\w;])")
_EXCLUDED = re.compile(r'(?:^|\s)-(?:"[^"]*"|\S+)')


def words_to_mark(search: str, texts: Iterable[str]) -> set[str]:
    """The lower-case words of ``texts`` that the search's words match."""
    wanted = _EXCLUDED.sub(" ", search)  # the words only: results pass no operators
    wanted = " ".join(word for word in _WORD.findall(wanted) if word.lower() != "or")
    if not wanted:
        return set()
    words = sorted({word.lower() for text in texts for word in _WORD.findall(text)})
    if not words:
        return set()
    with connection.cursor() as cursor:
        config = settings.SEARCH_CONFIG
        cursor.execute(_MATCHING_SQL, [words, config, config, wanted])
        return {row[0] for row in cursor.fetchall()}


def mark_words(html: str, words: set[str]) -> SafeString:
    """``html`` (already safe) with each of ``words`` in its text wrapped in <mark>."""
    if not words:
        return mark_safe(html)  # noqa: S308 - the caller's safe HTML, unchanged

    def mark(match: re.Match[str]) -> str:
        word = match.group(0)
        return f"<mark>{word}</mark>" if word.lower() in words else word

    parts = _TAG.split(str(html))
    marked = [part if part.startswith("<") else _TEXT_WORD.sub(mark, part) for part in parts]
    return mark_safe("".join(marked))  # noqa: S308 - only <mark> is added, around text
