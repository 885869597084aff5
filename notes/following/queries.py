"""Reads of what a member follows: the points it covers, what is new, and counts.

Every read goes through the reading rules of the member it is for, at the
moment it runs: a point of a cell the member left, a private cell's point or
a draft never appears, whatever they follow.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Count, Exists, F, OuterRef, Q
from django.db.models.functions import Greatest
from django.db.models.lookups import GreaterThan, LessThanOrEqual
from django.http import QueryDict

from cells.access import AnyUser, reader_of
from cells.choices import MeetingStatus
from cells.models import Cell
from notes.following.models import Follow
from notes.models import Note, NoteQuerySet, TaggedNote, Theme
from notes.search.engine import matching_notes
from notes.search.forms import SearchForm
from notes.search.query import Criteria

# When a point reached its readers: its meeting's publication, or its own
# creation when it was added to a meeting already published.
ARRIVED = Greatest("meeting__published_at", "created_at")


def search_criteria(user: AnyUser, query: str) -> Criteria | None:
    """A saved search's criteria as ``user`` would get them now; None if no longer valid."""
    form = SearchForm(QueryDict(query), user=user)
    if not form.is_valid():
        return None
    return form.criteria


def visible_follows(user: AnyUser) -> list[Follow]:
    """What ``user`` follows and may still see: a theme or cell since hidden drops out."""
    if not user.is_authenticated:
        return []
    cells = Cell.objects.visible_to(user).values("pk")
    themes = Theme.objects.visible_to(user).values("pk")
    return list(
        Follow.objects.filter(user_id=user.pk)
        .filter(Q(cell__isnull=True) | Q(cell__in=cells))
        .filter(Q(theme__isnull=True) | Q(theme__in=themes))
        .select_related("theme", "cell")
    )


@dataclass
class Followed:
    """The points ``follows`` cover, as conditions on notes."""

    theme_ids: list[int]
    cell_ids: list[int]
    searches: list[tuple[Follow, NoteQuerySet]]

    @classmethod
    def of(cls, user: AnyUser, follows: Iterable[Follow]) -> Followed:
        follows = list(follows)
        searches = []
        for follow in follows:
            if follow.query:
                criteria = search_criteria(user, follow.query)
                if criteria is not None:
                    searches.append((follow, matching_notes(user, criteria)))
        return cls(
            theme_ids=[f.theme_id for f in follows if f.theme_id],
            cell_ids=[f.cell_id for f in follows if f.cell_id],
            searches=searches,
        )

    def condition(self) -> Q:
        condition = Q(pk__in=[])
        if self.theme_ids:
            tagged = TaggedNote.objects.filter(
                content_object=OuterRef("pk"), tag_id__in=self.theme_ids
            )
            condition |= Q(Exists(tagged))
        if self.cell_ids:
            condition |= Q(meeting__cell_id__in=self.cell_ids)
        for _, matches in self.searches:
            condition |= Q(pk__in=matches.values("pk"))
        return condition

    def notes(self, user: AnyUser) -> NoteQuerySet:
        """Published points ``user`` may read now that these follows cover (drafts never)."""
        return (
            Note.objects.visible_to(user)
            .filter(meeting__status=MeetingStatus.PUBLISHED)
            .filter(self.condition())
        )

    def search_matches(self, notes: NoteQuerySet) -> NoteQuerySet:
        """``notes`` with one boolean per saved search: did the point match it."""
        return notes.annotate(
            **{
                f"matches_search_{follow.pk}": Exists(matches.filter(pk=OuterRef("pk")))
                for follow, matches in self.searches
            }
        )


def arrived_between(
    notes: NoteQuerySet, since: datetime.datetime, until: datetime.datetime | None = None
) -> NoteQuerySet:
    # The OR of the two columns lets PostgreSQL use both indexes before the exact test.
    notes = notes.filter(Q(meeting__published_at__gt=since) | Q(created_at__gt=since))
    notes = notes.filter(GreaterThan(ARRIVED, since))
    if until is not None:
        notes = notes.filter(LessThanOrEqual(ARRIVED, until))
    return notes


def new_counts(user: AnyUser, follows: list[Follow]) -> dict[int, int]:
    """For each follow, the points ``user`` may read that arrived since they last looked.

    Theme and cell follows are counted in one query each, however many there are.
    """
    counts: dict[int, int] = {}
    reader = reader_of(user)
    published = Q(meeting__status=MeetingStatus.PUBLISHED)
    paths = [
        ("theme", "theme__tagged_notes__content_object__"),
        ("cell", "cell__meetings__notes__"),
    ]
    for kind, path in paths:
        ids = [f.pk for f in follows if getattr(f, f"{kind}_id")]
        if not ids:
            continue
        meetings = reader.meetings_q(prefix=f"{path}meeting__")
        condition = Q(**{f"{path}meeting__status": MeetingStatus.PUBLISHED}) & (
            Q(**{f"{path}meeting__published_at__gt": F("seen_at")})
            | Q(**{f"{path}created_at__gt": F("seen_at")})
        )
        if meetings is not None:
            condition &= meetings
        rows = Follow.objects.filter(pk__in=ids).annotate(
            new=Count(path.removesuffix("__"), filter=condition)
        )
        counts.update(rows.values_list("pk", "new"))
    for follow in follows:
        if follow.query:
            criteria = search_criteria(user, follow.query)
            counts[follow.pk] = (
                0
                if criteria is None
                else arrived_between(
                    matching_notes(user, criteria).filter(published), follow.seen_at
                ).count()
            )
    return counts
