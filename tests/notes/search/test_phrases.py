"""Phrases through the index of adjacent word pairs."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.urls import reverse

from notes.models import Note
from notes.search.engine import matching_notes
from notes.search.phrases import adjacent_pairs, phrase_pairs
from notes.search.query import Criteria
from tests.personas import Library, World

SEARCH = reverse("notes:search")


@pytest.mark.parametrize(
    ("tsquery", "pairs"),
    [
        ("'communiti' <-> 'support'", ["communiti support"]),
        ("'a' <-> 'b' <-> 'c' & 'd'", ["a b", "b c"]),
        ("'state' <3> 'art' & 'communiti' <-> 'support'", ["communiti support"]),
        ("'o''brien' <-> 'said'", ["o'brien said"]),
        ("'fund' & 'council'", []),
        ("'a' <-> 'b' | 'c'", []),
        ("'a' <-> 'b' & !'c'", []),
        ("( 'a' | 'b' ) <-> 'c'", []),
        ("'a':* <-> 'b'", []),
        ("", []),
    ],
)
def test_pairs_are_required_only_where_every_match_has_them(tsquery: str, pairs: list[str]) -> None:
    assert adjacent_pairs(tsquery) == pairs


def test_pairs_are_the_stemmed_words_postgresql_parses(db: None) -> None:
    assert phrase_pairs('"Community supported" funding') == ["communiti support"]
    assert phrase_pairs("community support") == []


def _pairs_of(note: Note) -> set[int]:
    return set(Note.objects.values_list("word_pairs", flat=True).get(pk=note.pk))


def _hash(text: str) -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT hashtext(%s)", [text])
        return cursor.fetchone()[0]


def test_the_index_holds_each_pair_of_neighbouring_words(world: World) -> None:
    meeting = world.meetings[("public", "published")]
    note = Note.objects.create(
        meeting=meeting, position=30, heading="Tenants", body="Community support matters."
    )
    pairs = _pairs_of(note)
    assert {_hash("tenant communiti"), _hash("communiti support"), _hash("support matter")} <= pairs
    assert _hash("communiti matter") not in pairs
    # Kept in step with the text.
    note.body = "Support matters."
    note.save()
    assert _hash("communiti support") not in _pairs_of(note)


def test_phrases_find_their_points_and_only_those(client: Any, world: World) -> None:
    meeting = world.meetings[("public", "published")]
    together = Note.objects.create(
        meeting=meeting, position=31, body="What communities supported, they kept."
    )
    apart = Note.objects.create(
        meeting=meeting, position=32, body="Support for the community came late."
    )
    found = client.get(SEARCH, {"q": '"community support"'}).context["page"].object_list
    assert together in found and apart not in found
    # The words alone still find both.
    found = client.get(SEARCH, {"q": "community support"}).context["page"].object_list
    assert together in found and apart in found


def test_phrase_search_asks_for_the_pairs_the_index_can_serve(library: Library) -> None:
    # Whether the planner takes the pairs index depends on the data's size and
    # spread (at 200,000 notes it does); that it can, and is asked to, does not.
    criteria = Criteria(words='"food pantry"')
    sql, _ = matching_notes(library.world.users["staff"], criteria).query.sql_with_params()
    assert '"notes_note"."word_pairs" @> (ARRAY[hashtext(%s)])' in sql, sql
    # The phrase is checked on the points the pairs find, never through the
    # words index, which PostgreSQL otherwise combines with the pairs index.
    assert 'COALESCE("notes_note"."search_vector"' in sql, sql
    assert '"notes_note"."search_vector" @@' not in sql, sql
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute(
            "EXPLAIN SELECT id FROM notes_note WHERE word_pairs @> ARRAY[hashtext('food pantri')]"
        )
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "note_word_pairs" in plan, plan
