"""Who may read and change what: the whole reading and writing policy.

The rules (DESIGN.md, "Reading rules"):

- staff (and superusers) read and change everything;
- a public cell's published meetings are read by anyone, even logged out;
- a network cell's by anyone logged in;
- a private cell's by its members only;
- drafts only by the cell's facilitators (and staff);
- only a cell's facilitators (and staff) change its meetings.

A request's reader is resolved once (``reader_of``) into the ids of the cells
they may read and facilitate; every ``visible_to`` / ``editable_by`` QuerySet
method delegates to it. Views fetch single objects through the ``get_*``
helpers below: a hidden object answers 404, not 403, so its existence does not
leak; one the user may read but not change answers 403.
"""

from __future__ import annotations

import functools
import hashlib
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, TypeAlias

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.db.models import Q, Value
from django.http import Http404
from django.shortcuts import get_object_or_404

from betterway import content_version
from betterway.lookups import Ids
from betterway.rows import RowReader
from cells.choices import MeetingStatus, Role, Visibility

if TYPE_CHECKING:
    from cells.models import Cell, Meeting, MeetingQuerySet

# A logged-in user or the anonymous visitor: what request.user may be.
AnyUser: TypeAlias = AbstractBaseUser | AnonymousUser

_CACHE_ATTRIBUTE = "_betterway_reader"


def is_network_staff(user: AnyUser) -> bool:
    """Staff run the network: they may read and change everything."""
    return bool(
        user.is_authenticated
        and user.is_active
        and (getattr(user, "is_staff", False) or getattr(user, "is_superuser", False))
    )


@dataclass(frozen=True)
class Reader:
    """What one user may read and change, resolved once per request.

    Lists of ids, rather than subqueries, let PostgreSQL plan searches over
    many notes well (it can walk notes newest first and stop early).
    """

    is_staff: bool = False
    readable: tuple[int, ...] = ()
    facilitated: tuple[int, ...] = ()
    # The cells the user is a member of (facilitators included): whose people's
    # names they see. Not part of ``cache_key``: what is shared never shows names
    # by membership.
    member_of: tuple[int, ...] = ()
    # The content's version when this was resolved (with its drafts' for those
    # who read drafts): what the request's cached figures and pages are keyed
    # by, read once per request.
    version: str = ""

    @property
    def reads_drafts(self) -> bool:
        return self.is_staff or bool(self.facilitated)

    def may_edit_cell(self, cell_id: int) -> bool:
        return self.is_staff or cell_id in self.facilitated

    def meetings_q(self, prefix: str = "") -> Q | None:
        """The condition for meetings this reader may read; None when they may read all.

        ``prefix`` reaches meetings through a relation, e.g. ``"meeting__"`` from notes.
        """
        if self.is_staff:
            return None
        condition = Q(
            **{
                f"{prefix}status": MeetingStatus.PUBLISHED,
                f"{prefix}cell_id__any": Ids(self.readable),
            }
        )
        if self.facilitated:
            # Facilitators also read their cell's drafts.
            condition |= Q(**{f"{prefix}cell_id__any": Ids(self.facilitated)})
        return condition

    def may_read_meeting(self, cell_id: int, published: bool) -> bool:
        """``meetings_q`` for one meeting in hand: its cell and whether it is published."""
        if self.is_staff or cell_id in self.facilitated:
            return True
        return published and cell_id in self.readable

    def may_read_cell(self, cell_id: int) -> bool:
        """``CellQuerySet.visible_to`` for one cell in hand."""
        return self.is_staff or cell_id in self.readable

    def cell_meetings_q(self, cell_id: int) -> Q:
        """The condition for the meetings of one cell this reader may read.

        The same as ``meetings_q`` within the cell, without its lists of cells:
        cheaper to build and for PostgreSQL to plan.
        """
        if self.is_staff or cell_id in self.facilitated:
            return Q(cell_id=cell_id)
        if cell_id in self.readable:
            return Q(cell_id=cell_id, status=MeetingStatus.PUBLISHED)
        return Q(pk__in=[])

    def editable_meetings_q(self, prefix: str = "") -> Q | None:
        """The condition for meetings this reader may change; None when they may change all."""
        if self.is_staff:
            return None
        return Q(**{f"{prefix}cell_id__any": Ids(self.facilitated)})

    @property
    def cache_key(self) -> str:
        """Readers who may read the same cells share cached figures."""
        if self.is_staff:
            return "all"
        digest = hashlib.sha256(repr((self.readable, self.facilitated)).encode())
        return digest.hexdigest()[:24]


def reader_of(user: AnyUser) -> Reader:
    """The user's reader, from one query; kept on the user object for the request
    (as Django keeps permissions), so every page, count and search reuses it.
    """
    cached = getattr(user, _CACHE_ATTRIBUTE, None)
    if cached is not None:
        return cached
    if is_network_staff(user):
        reader = Reader(is_staff=True, version=content_version.current(drafts=True))
    else:
        reader = _remembered(user)
    setattr(user, _CACHE_ATTRIBUTE, reader)
    return reader


def _remembered(user: AnyUser) -> Reader:
    """The reader from the shared cache while the content is unchanged, else resolved.

    Cells' visibility and memberships are content: any change to them makes a
    new version when it commits, so a reader resolved before the change is
    never used after it. The versions are read before resolving, so a reader is
    never stored under a version newer than what it saw.
    """
    if settings.STATS_CACHE_SECONDS <= 0:
        resolved = _resolve(user)
        return replace(resolved, version=content_version.current(drafts=resolved.reads_drafts))
    key = f"reader:{settings.RELEASE}:{user.pk if user.is_authenticated else 'anonymous'}"
    found = cache.get_many([content_version.KEY, content_version.DRAFTS_KEY, key])
    kept = found.get(key)
    if isinstance(kept, Reader) and kept.version == content_version.of(
        found, drafts=kept.reads_drafts
    ):
        return kept
    resolved = _resolve(user)
    reader = replace(resolved, version=content_version.of(found, drafts=resolved.reads_drafts))
    cache.set(key, reader, settings.STATS_CACHE_SECONDS)
    return reader


def _resolve(user: AnyUser) -> Reader:
    from cells.models import Cell, Membership

    if not user.is_authenticated:
        public = Cell.objects.filter(visibility=Visibility.PUBLIC).values_list("pk", flat=True)
        return Reader(readable=tuple(public))
    # Two plain lists in one round trip: the member's cells with their roles,
    # and the cells open to every member. (The same as one query of cells with
    # EXISTS on memberships, which Django took three times as long to build.)
    # Unordered: a membership's default order joins its cell and its user.
    roles = Membership.objects.filter(user_id=user.pk).order_by().values_list("cell_id", "role")
    open_cells = (
        Cell.objects.filter(visibility__in=[Visibility.PUBLIC, Visibility.NETWORK])
        .order_by()
        .values_list("pk", Value(""))
    )
    rows: list[tuple[int, str]] = list(roles.union(open_cells, all=True))
    return Reader(
        readable=tuple(sorted({pk for pk, _ in rows})),
        facilitated=tuple(sorted(pk for pk, role in rows if role == Role.FACILITATOR)),
        member_of=tuple(sorted(pk for pk, role in rows if role)),
    )


def is_insider(user: AnyUser, cell_id: int) -> bool:
    """Members of the cell and the network's staff: who may see its people's names.

    Answered from the reader the request has resolved (its memberships are
    read with what it may read), not by a query of its own on every page.
    """
    if is_network_staff(user):
        return True
    return user.is_authenticated and cell_id in reader_of(user).member_of


def get_visible_cell(user: AnyUser, slug: str) -> Cell:
    """The cell ``slug``, found by its key, then the reader's rule applied (as
    ``get_visible_meeting`` does): a cell the reader may not read is as missing
    as one that is not there.
    """
    cell = _readers().cell_by_slug.get(slug)
    if cell is None or not reader_of(user).may_read_cell(cell.pk):
        raise Http404("No Cell matches the given query.")
    return cell


def get_visible_meeting(
    user: AnyUser, cell_slug: str, pk: int, meetings: MeetingQuerySet | None = None
) -> Meeting:
    """The meeting ``pk`` of cell ``cell_slug``; ``meetings`` may add joins and prefetches.

    The meeting is found by its key, then the reader's rule is applied to it:
    the rule of ``visible_to``, without its lists of cells in the query, whose
    building was most of what a meeting page read again spent finding it. A
    meeting the reader may not read is as missing as one that is not there.
    """
    found = (
        _readers().meeting_of_cell.get(pk, cell_slug)
        if meetings is None
        else get_object_or_404(meetings.select_related("cell"), pk=pk, cell__slug=cell_slug)
    )
    if found is None or not reader_of(user).may_read_meeting(found.cell_id, found.is_published):
        raise Http404("No Meeting matches the given query.")
    return found


@dataclass(frozen=True)
class _Readers:
    """A page's cell, and its meeting with the cell, by fixed statements: built
    through the ORM, their SELECTs took longer than PostgreSQL took to answer
    them (see betterway.rows)."""

    cell_by_slug: RowReader[Cell]
    meeting_of_cell: RowReader[Meeting]


@functools.cache
def _readers() -> _Readers:
    from cells.models import Cell, Meeting

    return _Readers(
        cell_by_slug=RowReader(Cell, "slug = %s"),
        meeting_of_cell=RowReader(
            Meeting, '"cells_meeting"."id" = %s AND "cells_cell"."slug" = %s', related="cell"
        ),
    )


def get_editable_cell(user: AnyUser, slug: str) -> Cell:
    cell = get_visible_cell(user, slug)
    if not reader_of(user).may_edit_cell(cell.pk):
        raise PermissionDenied("Only the cell's facilitators can record its meetings.")
    return cell


def get_editable_meeting(
    user: AnyUser, cell_slug: str, pk: int, meetings: MeetingQuerySet | None = None
) -> Meeting:
    meeting = get_visible_meeting(user, cell_slug, pk, meetings)
    if not reader_of(user).may_edit_cell(meeting.cell_id):
        raise PermissionDenied("Only the cell's facilitators can change its meetings.")
    return meeting
