"""Themes, notes and the stored search vector."""

from __future__ import annotations

import pytest
from django.contrib.postgres.search import SearchQuery
from django.db import IntegrityError, connection, transaction

from notes.models import Note, TaggedNote, Theme
from tests.personas import World


def _matches(note: Note, words: str) -> bool:
    query = SearchQuery(words, config="english", search_type="websearch")
    return Note.objects.filter(pk=note.pk, search_vector=query).exists()


def _vector(note: Note) -> str:
    return str(Note.objects.values_list("search_vector", flat=True).get(pk=note.pk))


def test_database_rejects_a_theme_differing_only_in_case(db: None) -> None:
    Theme.objects.create(name="Leadership", slug="leadership")
    with pytest.raises(IntegrityError), transaction.atomic():
        Theme.objects.create(name="leadership", slug="leadership-2")


def test_tagging_reuses_an_existing_theme_whatever_the_case(world: World) -> None:
    note = world.notes_of("public", "published")[0]
    note.themes.add("LEADERSHIP", "Systems Change")
    assert Theme.objects.filter(name__iexact="leadership").count() == 1
    assert sorted(note.themes.names(), key=str.lower) == ["leadership", "Systems Change"]


def test_database_rejects_a_note_position_used_twice_in_a_meeting(world: World) -> None:
    meeting = world.meetings[("public", "published")]
    with pytest.raises(IntegrityError), transaction.atomic():
        Note.objects.create(meeting=meeting, position=1, body="Duplicate position")
        # The constraint is deferred so points can be reordered; check it now.
        connection.cursor().execute("SET CONSTRAINTS ALL IMMEDIATE")


def test_points_can_swap_positions_within_one_transaction(world: World) -> None:
    first, second = world.notes_of("public", "published")
    with transaction.atomic():
        Note.objects.filter(pk=first.pk).update(position=2)
        Note.objects.filter(pk=second.pk).update(position=1)
        connection.cursor().execute("SET CONSTRAINTS ALL IMMEDIATE")
    first.refresh_from_db()
    assert first.position == 2


def test_database_rejects_the_same_theme_twice_on_a_note(world: World) -> None:
    note = world.notes_of("public", "published")[0]
    theme = Theme.objects.get(name="leadership")
    with pytest.raises(IntegrityError), transaction.atomic():
        TaggedNote.objects.create(content_object=note, tag=theme)


def test_search_vector_holds_heading_body_and_theme_names(world: World) -> None:
    note = world.notes_of("public", "published")[0]
    note.heading = "Coaching academies"
    note.body = "Front-line teams redesigned their services with patients."
    note.save()
    note.themes.set(["distributed leadership"])
    vector = _vector(note)
    assert "'academi':" in vector and "A" in vector.split("'academi':")[1].split(" ")[0]
    assert "'patient':" in vector and "B" in vector.split("'patient':")[1].split(" ")[0]
    assert _matches(note, "distributed")
    # English stemming: "redesigning" finds "redesigned".
    assert _matches(note, "redesigning patients")


def test_search_vector_follows_theme_changes(world: World) -> None:
    note = world.notes_of("public", "published")[0]
    assert _matches(note, "leadership")
    note.themes.add("prevention")
    assert _matches(note, "prevention")
    note.themes.remove(Theme.objects.get(name="leadership"))
    note.refresh_from_db()
    assert note.theme_names == "prevention"
    assert not _matches(note, "leadership")
    note.themes.clear()
    assert not _matches(note, "prevention")


def test_renaming_a_theme_updates_every_note_on_it(world: World) -> None:
    theme = Theme.objects.get(name="leadership")
    theme.name = "stewardship"
    theme.save()
    notes = Note.objects.filter(tagged_items__tag=theme)
    assert notes.count() == 12
    assert all(_matches(note, "stewardship") and not _matches(note, "leadership") for note in notes)


def test_deleting_a_theme_removes_it_from_the_search_vector(world: World) -> None:
    note = world.notes_of("network", "published")[0]
    Theme.objects.get(name="leadership").delete()
    note.refresh_from_db()
    assert note.theme_names == ""
    assert not _matches(note, "leadership")


def test_adding_a_note_to_a_theme_from_the_theme_side_updates_the_note(world: World) -> None:
    note = world.notes_of("private", "published")[0]
    theme = Theme.objects.create(name="trust", slug="trust")
    theme.tagged_notes.create(content_object=note)
    note.refresh_from_db()
    assert note.theme_names == "leadership, trust"


def test_note_history_snapshots_theme_names_and_leaves_out_the_vector(world: World) -> None:
    note = world.notes_of("public", "published")[0]
    note.body = "A second version."
    note.save()
    record = note.history.latest()
    assert record.body == "A second version."
    assert record.theme_names == "leadership"
    assert not hasattr(record, "search_vector")


def test_theme_keyword_list_splits_and_trims(db: None) -> None:
    theme = Theme(name="prevention", keywords=" early action, early intervention ,, ")
    assert theme.keyword_list() == ["early action", "early intervention"]


def test_a_points_themes_come_in_name_order_whatever_the_rows_order(world: World) -> None:
    note = world.meetings[("public", "published")].notes.first()
    assert note is not None
    note.themes.set(["zeta", "Alpha", "mid"])
    # An update writes a new row version at the table's end: physical order changes.
    Theme.objects.filter(name="Alpha").update(description="moved")
    expected = ["Alpha", "leadership", "mid", "zeta"]
    note.themes.add("leadership")
    assert [theme.name for theme in note.themes.all()] == expected
    prefetched = Note.objects.prefetch_related("themes").get(pk=note.pk)  # type: ignore[misc]  # taggit has no type information
    assert [theme.name for theme in prefetched.themes.all()] == expected
