"""Phrases found through the index of adjacent word pairs (``Note.word_pairs``).

A phrase's pairs of neighbouring words must all stand side by side in a
point that matches it; the index finds those points, and the phrase itself
is then checked against them alone.
"""

from __future__ import annotations

import re

from django.contrib.postgres.fields import ArrayField
from django.db import connection
from django.db.models import Func, IntegerField, Value

from notes.models import SEARCH_CONFIG, websearch_text

# A quoted lexeme, "next to" (<->), "N apart" (<N>), or any other operator.
_TOKEN = re.compile(r"'((?:[^']|'')*)'|(<->)|(<\d+>)|([&|!():*])")


def adjacent_pairs(tsquery: str) -> list[str]:
    """The pairs of words every match of ``tsquery`` (in its text form) holds side by
    side: ``'communiti' <-> 'support' & 'fund'`` gives ``["communiti support"]``.

    None for a query with OR, NOT, groups, prefixes or weights: there a pair
    need not be in every match.
    """
    pairs: list[str] = []
    previous: str | None = None
    next_to = False
    for token in _TOKEN.finditer(tsquery):
        if token.lastindex == 1:
            word = token.group(1).replace("''", "'").replace("\\\\", "\\")
            if next_to and previous is not None:
                pairs.append(f"{previous} {word}")
            previous, next_to = word, False
        elif token.lastindex == 2:
            next_to = True
        elif token.lastindex == 3 or token.group(4) == "&":
            next_to = False
        else:
            return []
    return list(dict.fromkeys(pairs))


def phrase_pairs(words: str) -> list[str]:
    """The adjacent pairs of what a reader typed, as PostgreSQL parses and stems it."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT websearch_to_tsquery('{SEARCH_CONFIG}', %s)::text",
            [websearch_text(words)],
        )
        row = cursor.fetchone()
    return adjacent_pairs(row[0]) if row else []


def hashed(pairs: list[str]) -> Func:
    """The pairs as the index holds them: an array of their hashes."""
    return Func(
        *(Func(Value(pair), function="hashtext") for pair in pairs),
        template="ARRAY[%(expressions)s]",
        output_field=ArrayField(IntegerField()),
    )
