"""Reads of proposals and actions, each under the reader's rules."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Exists, OuterRef

from betterway.lookups import Ids
from cells.access import AnyUser, reader_of
from cells.models import Cell
from cells.sharing import cached
from notes.actions.models import (
    Action,
    ActionQuerySet,
    Proposal,
    ProposalQuerySet,
    Rediscussion,
)
from notes.models import TaggedNote, Theme

SORTS = {"newest": ("-meeting__date", "-pk"), "oldest": ("meeting__date", "pk")}


@dataclass(frozen=True)
class ProposalFilters:
    status: str = ""
    theme: Theme | None = None
    cell: str = ""
    sort: str = "newest"

    @classmethod
    def from_form(cls, cleaned: dict[str, Any]) -> ProposalFilters:
        """From a filter form's cleaned data: a bad value is as if not given."""
        return cls(
            status=cleaned.get("status") or "",
            theme=cleaned.get("theme"),
            cell=cleaned.get("cell") or "",
            sort=cleaned.get("sort") or "newest",
        )

    def apply(self, user: AnyUser, proposals: ProposalQuerySet) -> ProposalQuerySet:
        if self.status:
            proposals = proposals.filter(status=self.status)
        if self.cell:
            proposals = proposals.filter(meeting__cell__slug=self.cell)
        if self.theme is not None:
            # Themes belong to the point: only proposals whose point the reader
            # may read can match, or a shared summary would leak its themes.
            # By the theme's id, so the planner knows how common it is.
            tagged = TaggedNote.objects.filter(
                content_object_id=OuterRef("note_id"), tag_id=self.theme.pk
            )
            proposals = proposals.filter(Exists(tagged))
            readable = reader_of(user).meetings_q(prefix="meeting__")
            if readable is not None:
                proposals = proposals.filter(readable)
        return proposals.order_by(*SORTS.get(self.sort, SORTS["newest"]))


def fully_readable(user: AnyUser, proposals: ProposalQuerySet) -> ProposalQuerySet:
    """The proposals whose meeting (and point) the reader may read."""
    readable = reader_of(user).meetings_q(prefix="meeting__")
    return proposals if readable is None else proposals.filter(readable)


def theme_options(user: AnyUser) -> list[Theme]:
    """The themes of the points of proposals the reader may read in full (a filter's
    choices: cached for a few minutes, like the other figures of themes).
    """

    def compute() -> list[Theme]:
        readable = fully_readable(user, Proposal.objects.all())
        tagged = TaggedNote.objects.filter(
            tag=OuterRef("pk"), content_object__proposal__in=readable
        )
        return list(Theme.objects.filter(Exists(tagged)))

    return cached(user, "proposal-themes", compute)


def cell_options(proposals: ProposalQuerySet) -> list[Cell]:
    """The cells with proposals among ``proposals``."""
    found = proposals.filter(meeting__cell=OuterRef("pk"))
    return list(Cell.objects.filter(Exists(found)).order_by("name"))


def rediscussions(user: AnyUser, proposal: Proposal) -> list[Rediscussion]:
    """The later points that discussed ``proposal`` again, that the reader may read."""
    readable = reader_of(user).meetings_q(prefix="note__meeting__")
    found = Rediscussion.objects.filter(proposal=proposal)
    if readable is not None:
        found = found.filter(readable)
    return list(
        found.select_related("note__meeting__cell", "note__proposal").order_by(
            "note__meeting__date", "pk"
        )
    )


def comes_back_to(user: AnyUser, proposal: Proposal) -> Proposal | None:
    """The earlier proposal that ``proposal``'s own point discussed again, if readable."""
    if proposal.note_id is None:
        return None
    earlier = Rediscussion.objects.filter(note_id=proposal.note_id).values("proposal")
    return (
        Proposal.objects.visible_to(user).filter(pk__in=earlier).select_related("meeting__cell")
    ).first()


def cell_open_actions(user: AnyUser, cell: Cell) -> ActionQuerySet:
    """The cell's open actions the user may read, overdue first, ready to list."""
    return (
        Action.objects.for_listing()
        .visible_to(user)
        .open()
        .filter(meeting__cell=cell)
        .overdue_first()
    )


def meeting_extras(meeting: Any, user: AnyUser) -> dict[str, Any]:
    """A meeting's actions, proposals and rediscussions, by point, in three queries
    (a fourth when a point discusses a proposal again).

    The reader may read the meeting (they are on its page); a proposal a point
    discusses again is shown only if they may read it. The same for every
    reader of the same cells: whether the reader may see the owners' names
    (``insider``) is left to the caller.
    """
    actions: dict[int | None, list[Action]] = {}
    for action in Action.objects.filter(meeting=meeting).order_by("pk"):
        actions.setdefault(action.note_id, []).append(action)
    # The meeting's own proposals and those its points discussed again are two
    # queries, each through an index: as one, the OR across the two joins made
    # PostgreSQL read every proposal and meeting of the network (13 ms at
    # 10,000 proposals, on every meeting page).
    # The meeting's own proposals show their number, summary and status only:
    # their meeting and cell are the page's, and are not read again.
    proposals: dict[int | None, list[Proposal]] = {}
    for proposal in Proposal.objects.filter(meeting=meeting).order_by("pk"):
        proposals.setdefault(proposal.note_id, []).append(proposal)
    # Few points discuss a proposal again: which do is one plain query, and only
    # then are the proposals read, as the reader may read them. (As one query of
    # proposals with the reader's cells, PostgreSQL spent 2 ms planning five joins
    # on every meeting page, for nothing on most.)
    again = dict(
        Rediscussion.objects.filter(note__meeting=meeting).values_list("note_id", "proposal_id")
    )
    rediscussed: dict[int, Proposal] = {}
    if again:
        readable = Proposal.objects.visible_to(user).filter(pk__any=Ids(again.values()))
        found = {proposal.pk: proposal for proposal in readable.select_related("meeting__cell")}
        rediscussed = {note: found[pk] for note, pk in again.items() if pk in found}
    return {
        "actions": actions,
        "proposals": proposals,
        "rediscussions": rediscussed,
        # The points with anything to show (None: points since deleted): a
        # meeting of a hundred points renders extras for the few that have them.
        "points": {*actions, *proposals, *rediscussed},
    }
