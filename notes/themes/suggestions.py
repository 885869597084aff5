"""Suggest themes for a point, with the words in its text that matched.

Matching uses PostgreSQL's English stemming, as search does, so “leaders” in
a note matches the keyword “leader” and “councils” matches “council”.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import connection

from cells.access import AnyUser
from notes.models import HIGHLIGHT_START, HIGHLIGHT_STOP, SEARCH_CONFIG, Theme, ThemeQuerySet

# For each text and each theme term (its name or a match keyword), whether the
# text contains the term as a phrase, and which of its words matched.
_SQL = f"""
WITH texts AS (
    SELECT ordinality - 1 AS index, body, to_tsvector('{SEARCH_CONFIG}', body) AS vector
    FROM unnest(%(texts)s::text[]) WITH ORDINALITY AS t(body, ordinality)
),
terms AS (
    SELECT theme.id, btrim(term) AS term, phraseto_tsquery('{SEARCH_CONFIG}', btrim(term)) AS query
    FROM notes_theme AS theme
    CROSS JOIN LATERAL unnest(
        array[theme.name] || string_to_array(theme.keywords, ',')
    ) AS term
    WHERE theme.id = ANY(%(theme_ids)s) AND btrim(term) <> ''
)
SELECT texts.index, terms.id, terms.term,
       ts_headline('{SEARCH_CONFIG}', texts.body, terms.query,
                   'StartSel=' || %(start)s || ', StopSel=' || %(stop)s || ', HighlightAll=true')
FROM texts JOIN terms ON numnode(terms.query) > 0 AND texts.vector @@ terms.query
"""  # noqa: S608 - only the fixed search configuration is interpolated


# Themes are suggested from this much of each text: the start of a point says
# what it is about, and a bounded text keeps the query's time bounded too.
SCANNED_CHARS = 20_000


@dataclass
class Suggestion:
    theme: Theme
    matched_words: list[str]
    terms: list[str]

    @property
    def reason(self) -> str:
        words = ", ".join(f"“{word}”" for word in self.matched_words)
        return f"the text says {words}"


def suggestable_themes(user: AnyUser) -> ThemeQuerySet:
    """Themes a writer may be offered: those on points they can read, and the
    network's vocabulary (curated themes) even before any point uses them.

    An unused theme that was not curated was made on a point since re-tagged,
    perhaps in a private cell: its name is not offered to anyone.
    """
    return Theme.objects.visible_to(user) | Theme.objects.filter(
        curated=True, tagged_notes__isnull=True
    )


def suggest_themes(user: AnyUser, texts: list[str]) -> list[list[Suggestion]]:
    """For each text, the themes whose name or keywords occur in its first SCANNED_CHARS."""
    texts = [text[:SCANNED_CHARS] for text in texts]
    if not any(text.strip() for text in texts):
        return [[] for _ in texts]
    themes = {theme.pk: theme for theme in suggestable_themes(user).distinct()}
    if not themes:
        return [[] for _ in texts]
    with connection.cursor() as cursor:
        cursor.execute(
            _SQL,
            {
                "texts": texts,
                "theme_ids": list(themes),
                "start": HIGHLIGHT_START,
                "stop": HIGHLIGHT_STOP,
            },
        )
        rows = cursor.fetchall()
    found: dict[tuple[int, int], Suggestion] = {}
    for index, theme_id, term, headline in rows:
        suggestion = found.setdefault(
            (index, theme_id), Suggestion(themes[theme_id], matched_words=[], terms=[])
        )
        suggestion.terms.append(term)
        for word in _marked_words(headline):
            if word.lower() not in {w.lower() for w in suggestion.matched_words}:
                suggestion.matched_words.append(word)
    results: list[list[Suggestion]] = [[] for _ in texts]
    for (index, _theme_id), suggestion in sorted(found.items()):
        results[index].append(suggestion)
    for suggestions in results:
        suggestions.sort(key=lambda s: s.theme.name.lower())
    return results


def _marked_words(headline: str) -> list[str]:
    words = []
    for part in headline.split(HIGHLIGHT_START)[1:]:
        word = part.split(HIGHLIGHT_STOP, 1)[0].strip()
        if word:
            words.append(word)
    return words
