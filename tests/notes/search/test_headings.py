"""The headings table the database keeps beside notes, and the heading tier of search
that reads it when a search matches more points than are ranked."""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

import pytest
from django.contrib.postgres.search import SearchQuery, SearchRank
from django.db import connection
from django.db.models import F, Value
from django.http import QueryDict
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cells.models import Meeting, MeetingStatus
from notes.models import Note
from notes.search.engine import _best_heading_ids, matching_notes
from notes.search.forms import SearchForm
from notes.search.models import HeadingTerm, NoteHeading
from notes.search.query import Criteria
from tests.personas import PERSONAS, World, can_read

SEARCH = reverse("notes:search")


def _heading(note: Note) -> tuple[int, str] | None:
    """The row's meeting and vector (as text), or None without a row."""
    row = NoteHeading.objects.filter(pk=note.pk).values_list("meeting_id", "vector").first()
    return (row[0], str(row[1])) if row else None


def _meeting_copy(note: Note) -> tuple[int, str, datetime.date]:
    return NoteHeading.objects.values_list("cell_id", "status", "date").get(pk=note.pk)


def test_the_table_follows_every_change_to_a_note(world: World) -> None:
    meeting = world.meetings[("public", "published")]
    other = world.meetings[("network", "draft")]
    note = Note.objects.create(meeting=meeting, position=20, heading="Tenants organising")
    assert _heading(note) == (meeting.pk, "'organis':2 'tenant':1")
    assert _meeting_copy(note) == (meeting.cell_id, "published", meeting.date)

    note.heading = "Rent strikes"
    note.save()
    assert _heading(note) == (meeting.pk, "'rent':1 'strike':2")

    Note.objects.filter(pk=note.pk).update(meeting=other, position=21)
    assert _heading(note) == (other.pk, "'rent':1 'strike':2")
    assert _meeting_copy(note) == (other.cell_id, "draft", other.date)

    note.refresh_from_db()
    note.heading = ""
    note.save()
    assert _heading(note) is None

    untitled = Note.objects.create(meeting=meeting, position=22, body="No heading here.")
    assert _heading(untitled) is None


def test_the_table_follows_its_meetings_cell_status_and_date(world: World) -> None:
    meeting = world.meetings[("public", "published")]
    note = meeting.notes.exclude(heading="").first()
    assert note is not None
    meeting.status = MeetingStatus.DRAFT
    meeting.date = datetime.date(2003, 4, 5)
    meeting.cell = world.cells["private"]
    meeting.save()
    assert _meeting_copy(note) == (world.cells["private"].pk, "draft", datetime.date(2003, 4, 5))


def test_bulk_writes_and_deletes_are_followed_too(world: World) -> None:
    meeting = world.meetings[("public", "published")]
    made = Note.objects.bulk_create(
        Note(meeting=meeting, position=30 + n, heading=f"Allotments {n}", body="Soil.")
        for n in range(3)
    )
    assert NoteHeading.objects.filter(pk__in=[note.pk for note in made]).count() == 3

    made[0].delete()
    assert not NoteHeading.objects.filter(pk=made[0].pk).exists()
    meeting.delete()  # its points go with it, and so do their headings
    assert not NoteHeading.objects.filter(pk__in=[note.pk for note in made]).exists()
    assert NoteHeading.objects.count() == Note.objects.exclude(heading="").count() > 0


@pytest.fixture
def stewardship(world: World, monkeypatch: pytest.MonkeyPatch) -> dict[tuple[str, str], Note]:
    """A point headed "Stewardship" in every kind of meeting, under a dozen newer passing
    mentions: more matches than are ranked, so only the heading tier finds them."""
    monkeypatch.setattr("notes.search.engine.CANDIDATES", 3)
    headed = {}
    for key, meeting in world.meetings.items():
        note = meeting.notes.order_by("position").first()
        assert note is not None
        note.heading = "Stewardship"
        note.body = "What stewardship of a shared place asks of us."
        note.save()
        headed[key] = note
    public = world.meetings[("public", "published")]
    for position in range(40, 52):
        Note.objects.create(
            meeting=public, position=position, body=f"In passing, stewardship {position}."
        )
    return headed


@pytest.mark.parametrize("persona", PERSONAS)
def test_the_heading_tier_shows_only_what_the_reader_may_read(
    login: Callable[[str], Any], stewardship: dict[tuple[str, str], Note], persona: str
) -> None:
    client = login(persona)
    response = client.get(SEARCH, {"q": "stewardship"})
    assert response.context["capped"] is True
    shown = set(response.context["page"].object_list)
    for (visibility, status), note in stewardship.items():
        assert (note in shown) is can_read(persona, visibility, status), (visibility, status)


def test_the_heading_tier_keeps_to_the_cell_and_dates_asked_for(
    client: Any, world: World, stewardship: dict[tuple[str, str], Note]
) -> None:
    client.force_login(world.users["staff"])
    in_network = client.get(SEARCH, {"q": "stewardship cell:network-cell"})
    shown = set(in_network.context["page"].object_list)
    assert stewardship[("network", "published")] in shown
    assert stewardship[("public", "published")] not in shown

    Meeting.objects.filter(pk=world.meetings[("private", "published")].pk).update(
        date=datetime.date(2001, 5, 1)
    )
    old = client.get(SEARCH, {"q": "stewardship before:2002"})
    assert set(old.context["page"].object_list) == {stewardship[("private", "published")]}


def test_a_heading_match_whose_point_has_an_excluded_word_is_left_out(
    client: Any, world: World, stewardship: dict[tuple[str, str], Note]
) -> None:
    excluded = stewardship[("public", "published")]
    excluded.body = "Stewardship, and who pays for it: the council."
    excluded.save()
    client.force_login(world.users["staff"])
    response = client.get(SEARCH, {"q": "stewardship -council"})
    assert response.context["capped"] is True
    shown = set(response.context["page"].object_list)
    assert excluded not in shown
    assert stewardship[("network", "published")] in shown


def test_with_a_theme_filter_the_heading_tier_still_finds_the_oldest_best(
    client: Any, world: World, stewardship: dict[tuple[str, str], Note]
) -> None:
    # Every point of the world carries "leadership"; the newer mentions get it too.
    for note in Note.objects.filter(body__startswith="In passing"):
        note.themes.set(["leadership"])
    client.force_login(world.users["member"])
    response = client.get(SEARCH, {"q": 'stewardship theme:"leadership"'})
    assert response.context["capped"] is True
    assert response.context["page"].object_list[0] in {
        stewardship[("public", "published")],
        stewardship[("network", "published")],
        stewardship[("private", "published")],
    }
    assert stewardship[("public", MeetingStatus.DRAFT)] not in response.context["page"].object_list


def test_unpublishing_a_meeting_takes_its_headings_out_of_search_at_once(
    client: Any, world: World, stewardship: dict[tuple[str, str], Note]
) -> None:
    client.force_login(world.users["member"])
    hidden = stewardship[("network", "published")]
    assert hidden in client.get(SEARCH, {"q": "stewardship"}).context["page"].object_list
    meeting = world.meetings[("network", "published")]
    meeting.status = MeetingStatus.DRAFT
    meeting.save()
    response = client.get(SEARCH, {"q": "stewardship"})
    assert response.context["capped"] is True
    assert hidden not in response.context["page"].object_list


def _terms(note: Note) -> dict[str, tuple[str, datetime.date]]:
    return {
        term: (status, date)
        for term, status, date in HeadingTerm.objects.filter(note_id=note.pk).values_list(
            "term", "status", "date"
        )
    }


def test_the_terms_follow_a_heading_and_its_meeting(world: World) -> None:
    meeting = world.meetings[("public", "published")]
    note = Note.objects.create(meeting=meeting, position=60, heading="Tenants organising tenants")
    assert _terms(note) == {
        "tenant": ("published", meeting.date),
        "organis": ("published", meeting.date),
    }
    note.heading = "Rent strikes"
    note.save()
    assert set(_terms(note)) == {"rent", "strike"}

    meeting.status = MeetingStatus.DRAFT
    meeting.date = datetime.date(2004, 2, 3)
    meeting.save()
    assert _terms(note) == {
        "rent": ("draft", datetime.date(2004, 2, 3)),
        "strike": ("draft", datetime.date(2004, 2, 3)),
    }
    assert HeadingTerm.objects.get(note_id=note.pk, term="rent").cell_id == meeting.cell_id

    note.heading = ""
    note.save()
    assert _terms(note) == {}
    note.heading = "Allotments"
    note.save()
    note.delete()
    assert not HeadingTerm.objects.filter(note_id=note.pk).exists()


def test_a_terms_rank_is_what_search_computes_for_that_word(world: World) -> None:
    meeting = world.meetings[("public", "published")]
    note = Note.objects.create(meeting=meeting, position=61, heading="Care, care and more care")
    expected = (
        NoteHeading.objects.filter(pk=note.pk)
        .annotate(
            rank=SearchRank(
                F("vector"),
                SearchQuery("caring", search_type="websearch", config="english"),
                normalization=Value(1),
            )
        )
        .values_list("rank", flat=True)
        .get()
    )
    # Stored as double precision; PostgreSQL computes a rank as a real.
    stored = HeadingTerm.objects.get(note_id=note.pk, term="care").rank
    assert stored == pytest.approx(expected, rel=1e-6) and expected > 0


@pytest.mark.parametrize("persona", ["anonymous", "member", "facilitator", "staff"])
@pytest.mark.parametrize(
    "words", ["stewardship", "stewardship cell:public-cell", "stewardship before:2020"]
)
def test_one_word_finds_the_same_best_headings_through_its_terms(
    world: World,
    stewardship: dict[tuple[str, str], Note],
    monkeypatch: pytest.MonkeyPatch,
    persona: str,
    words: str,
) -> None:
    user = world.user(persona)
    form = SearchForm(QueryDict(urlencode({"q": words})), user=user)
    assert form.is_valid(), form.errors
    criteria = form.criteria
    matching = matching_notes(user, criteria)
    with CaptureQueriesContext(connection) as through_terms:
        by_terms = _best_heading_ids(user, matching, criteria)
    assert any("notes_headingterm" in query["sql"] for query in through_terms)
    monkeypatch.setattr("notes.search.engine._ONE_WORD", re.compile(r"(?!)"))
    by_vectors = _best_heading_ids(user, matching, criteria)
    assert by_terms == by_vectors != []


def test_several_words_rank_the_headings_themselves(
    world: World, stewardship: dict[tuple[str, str], Note]
) -> None:
    user = world.users["member"]
    criteria = Criteria(words="shared stewardship")
    with CaptureQueriesContext(connection) as captured:
        _best_heading_ids(user, matching_notes(user, criteria), criteria)
    sql = " ".join(query["sql"] for query in captured)
    assert "notes_noteheading" in sql and "notes_headingterm" not in sql


def test_headings_of_any_characters_give_their_words(world: World) -> None:
    meeting = world.meetings[("public", "published")]
    note = Note.objects.create(
        meeting=meeting,
        position=62,
        heading=r"O'Brien: see https://example.org/it's?a=1&b=2 (C:\notes) | fran@example.org 🎉",
    )
    terms = dict(HeadingTerm.objects.filter(note_id=note.pk).values_list("term", "rank"))
    assert {"brien", "example.org/it's?a=1&b=2", "fran@example.org"} <= set(terms)
    assert all(rank > 0 for rank in terms.values())
