"""Reads of what a member follows: the points it covers, what is new, and counts.

Every read goes through the reading rules of the member it is for, at the
moment it runs: a point of a cell the member left, a private cell's point or
a draft never appears, whatever they follow.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Case, Exists, F, Func, IntegerField, OuterRef, Q, Subquery, When
from django.db.models.functions import Greatest
from django.db.models.lookups import GreaterThan, LessThanOrEqual
from django.http import QueryDict

from cells.access import AnyUser, reader_of
from cells.choices import MeetingStatus
from cells.models import Meeting
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


def visible_follows(
    user: AnyUser, *, check_themes: bool = True, with_targets: bool = True
) -> list[Follow]:
    """What ``user`` follows and may still see: a cell or theme since hidden drops out.

    A theme is hidden when none of its points is readable; a digest may skip
    that check (``check_themes=False``), as such a theme brings no points.
    ``with_targets`` reads each follow's theme or cell with it, for pages and
    mail that name them; the dashboard needs only their ids.
    """
    if not user.is_authenticated:
        return []
    reader = reader_of(user)
    found = Follow.objects.filter(user_id=user.pk)
    if with_targets:
        found = found.select_related("theme", "cell")
    follows = [
        follow
        for follow in found
        if follow.cell_id is None or reader.is_staff or follow.cell_id in reader.readable
    ]
    theme_ids = [follow.theme_id for follow in follows if follow.theme_id]
    if check_themes and theme_ids:
        visible = set(
            Theme.objects.visible_to(user).filter(pk__in=theme_ids).values_list("pk", flat=True)
        )
        follows = [f for f in follows if f.theme_id is None or f.theme_id in visible]
    return follows


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
    """``notes`` that reached their readers after ``since`` (and up to ``until``)."""
    # The meetings published since are few and found by their index; as a list
    # of ids they let PostgreSQL combine two indexes on notes (meeting, created)
    # instead of scanning every note to test the OR across two tables.
    published = Meeting.objects.filter(published_at__gt=since)
    if until is not None:
        published = published.filter(published_at__lte=until)
    meeting_ids = list(published.values_list("pk", flat=True))
    notes = notes.filter(Q(meeting_id__in=meeting_ids) | Q(created_at__gt=since))
    notes = notes.filter(GreaterThan(ARRIVED, since))
    if until is not None:
        notes = notes.filter(LessThanOrEqual(ARRIVED, until))
    return notes


def new_counts(user: AnyUser, follows: list[Follow], followed: Followed) -> dict[int, int]:
    """For each follow, the points ``user`` may read that arrived since they last looked.

    ``followed`` is ``Followed.of(user, follows)``: its saved searches, parsed once.

    Theme and cell follows are counted in one query, however many there are:
    a correlated count per follow, each walking its own theme's or cell's
    index, so the cost grows with the follows, never with the whole network.
    """
    counts: dict[int, int] = {}
    seen = OuterRef("seen_at")
    new = (
        Note.objects.visible_to(user)
        .filter(meeting__status=MeetingStatus.PUBLISHED)
        .filter(Q(meeting__published_at__gt=seen) | Q(created_at__gt=seen))
    )
    by_theme = _count(new.filter(tagged_items__tag_id=OuterRef("theme_id")))
    by_cell = _count(new.filter(meeting__cell_id=OuterRef("cell_id")))
    ids = [follow.pk for follow in follows if not follow.query]
    if ids:
        rows = Follow.objects.filter(pk__in=ids).annotate(
            new=Case(When(theme__isnull=False, then=by_theme), default=by_cell)
        )
        counts.update(rows.values_list("pk", "new"))
    published = Q(meeting__status=MeetingStatus.PUBLISHED)
    for follow, matches in followed.searches:
        counts[follow.pk] = arrived_between(matches.filter(published), follow.seen_at).count()
    for follow in follows:
        counts.setdefault(follow.pk, 0)  # a saved search no longer valid matches nothing
    return counts


def _count(notes: NoteQuerySet) -> Subquery:
    """COUNT(*) of ``notes`` as a subquery (no GROUP BY: one row, the count)."""
    counted = notes.order_by().annotate(n=Func(F("pk"), function="COUNT")).values("n")
    return Subquery(counted, output_field=IntegerField())
