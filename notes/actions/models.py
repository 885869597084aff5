"""Actions a cell agrees on, and proposals a cell makes to the whole network.

Both hang off a discussion point and outlive it: when a point is deleted its
actions and proposals keep their meeting (and so its reading rules) and are
shown as coming "from a deleted point". Imported by ``notes.models`` so Django
finds the models in the ``notes`` app.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models
from django.db.models import Case, Q, Value, When
from django.urls import reverse
from django.utils import timezone
from simple_history.models import HistoricalRecords

from cells.access import AnyUser, reader_of
from cells.choices import MeetingStatus

WHAT_MAX = 300
SUMMARY_MAX = 200
OWNER_NAME_MAX = 120


class ActionStatus(models.TextChoices):
    OPEN = "open", "Open"
    DONE = "done", "Done"
    DROPPED = "dropped", "Dropped"


class ProposalStatus(models.TextChoices):
    PROPOSED = "proposed", "Proposed"
    TAKEN_UP = "taken_up", "Taken up"
    DONE = "done", "Done"
    NOT_TAKEN_FORWARD = "not_taken_forward", "Not taken forward"


def _meeting_readable(user: AnyUser, prefix: str = "") -> Q | None:
    return reader_of(user).meetings_q(prefix=f"{prefix}meeting__")


class ActionQuerySet(models.QuerySet["Action"]):
    def visible_to(self, user: AnyUser) -> ActionQuerySet:
        """Actions of meetings the user may read."""
        condition = _meeting_readable(user)
        return self.all() if condition is None else self.filter(condition)

    def open(self) -> ActionQuerySet:
        return self.filter(status=ActionStatus.OPEN)

    def overdue(self, today: datetime.date | None = None) -> ActionQuerySet:
        return self.open().filter(due__lt=today or timezone.localdate())

    def overdue_first(self) -> ActionQuerySet:
        """Overdue first, then by due date (undated last), then oldest first."""
        late = Case(When(due__lt=timezone.localdate(), then=Value(0)), default=Value(1))
        return self.alias(late=late).order_by("late", models.F("due").asc(nulls_last=True), "pk")

    def for_listing(self) -> ActionQuerySet:
        """What a list of actions shows, and no more: the action, its meeting's
        title, date and address, and the point's anchor.

        The owner is shown by ``owner_name``. Every column read costs each row its
        conversion, and the point's search columns far more (the driver parses
        every word of a tsvector it is sent).
        """
        return self.select_related("meeting__cell", "note").only(
            "meeting",
            "note",
            "what",
            "owner",
            "owner_name",
            "due",
            "status",
            "meeting__cell",
            "meeting__date",
            "meeting__title",
            "meeting__cell__slug",
            "note__position",
        )


class Action(models.Model):
    """Something someone agreed to do, recorded under the point where it was agreed."""

    meeting = models.ForeignKey("cells.Meeting", on_delete=models.CASCADE, related_name="actions")
    note = models.ForeignKey(
        "notes.Note",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="actions",
        help_text="The point it was agreed under; empty once that point is deleted.",
    )
    what = models.CharField("action", max_length=WHAT_MAX)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="owned_actions",
        help_text="A member with an account: they may mark it done and are reminded.",
    )
    # Shown as the owner: the member's name when the action was given to them
    # (kept when they leave the cell), or a name typed in for anyone else.
    owner_name = models.CharField("owner", max_length=OWNER_NAME_MAX, blank=True)
    due = models.DateField("due date", null=True, blank=True)
    status = models.CharField(
        max_length=10, choices=ActionStatus.choices, default=ActionStatus.OPEN
    )
    # Optimistic locking against the owner marking it done while an editor is open.
    version = models.PositiveIntegerField(default=1, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords()
    objects = ActionQuerySet.as_manager()

    class Meta:
        ordering = ["meeting", "pk"]
        indexes = [models.Index(fields=["status", "due"], name="action_status_due")]

    def __str__(self) -> str:
        return self.what

    def get_absolute_url(self) -> str:
        if self.note_id is not None and self.note is not None:
            return f"{self.meeting.get_absolute_url()}#{self.note.anchor}"
        return f"{self.meeting.get_absolute_url()}#actions-of-deleted-points"

    @property
    def is_overdue(self) -> bool:
        return (
            self.status == ActionStatus.OPEN
            and self.due is not None
            and self.due < timezone.localdate()
        )

    def may_be_marked_by(self, user: AnyUser) -> bool:
        """Its owner (with an account) marks it done; so can whoever edits the meeting."""
        if not user.is_authenticated:
            return False
        return self.owner_id == user.pk or reader_of(user).may_edit_cell(self.meeting.cell_id)


def visible_proposals_q(user: AnyUser) -> Q | None:
    """The condition of ``ProposalQuerySet.visible_to`` (None: every proposal)."""
    condition = _meeting_readable(user)
    if condition is not None and user.is_authenticated:
        condition |= Q(shared_with_network=True, meeting__status=MeetingStatus.PUBLISHED)
    return condition


class ProposalQuerySet(models.QuerySet["Proposal"]):
    def visible_to(self, user: AnyUser) -> ProposalQuerySet:
        """Proposals of meetings the user may read, and, for anyone logged in,
        the shared summaries of other cells' published meetings.
        """
        condition = visible_proposals_q(user)
        return self.all() if condition is None else self.filter(condition)

    def with_access(self, user: AnyUser) -> ProposalQuerySet:
        """Annotate ``readable``: may the user read the meeting (and so the point)
        or only the shared summary?
        """
        condition = _meeting_readable(user)
        if condition is None:
            return self.annotate(readable=Value(True))
        return self.annotate(readable=Case(When(condition, then=Value(True)), default=Value(False)))

    def for_listing(self) -> ProposalQuerySet:
        listing = self.select_related("meeting__cell", "note", "status_changed_by")
        from notes.models import theme_links  # notes.models imports this module

        return listing.prefetch_related(theme_links("note__"))


class Proposal(models.Model):
    """A point a cell put to the whole network, and what became of it."""

    meeting = models.ForeignKey("cells.Meeting", on_delete=models.CASCADE, related_name="proposals")
    note = models.OneToOneField(
        "notes.Note",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="proposal",
        help_text="The point it comes from; empty once that point is deleted.",
    )
    summary = models.CharField(
        max_length=SUMMARY_MAX, help_text="One line saying what the cell proposes."
    )
    shared_with_network = models.BooleanField(
        "summary shared with the network",
        default=False,
        help_text=(
            "For a private cell: everyone logged in sees the cell's name, the date, this "
            "summary and its status; never the note."
        ),
    )
    status = models.CharField(
        max_length=20, choices=ProposalStatus.choices, default=ProposalStatus.PROPOSED
    )
    # The latest status change, kept here so a list of proposals is one query;
    # every change is in ProposalStatusChange.
    status_note = models.TextField("why", blank=True)
    status_changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    status_changed_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords()
    objects = ProposalQuerySet.as_manager()

    class Meta:
        ordering = ["-pk"]
        indexes = [models.Index(fields=["status"], name="proposal_status")]

    def __str__(self) -> str:
        return f"#{self.pk} {self.summary}"

    def get_absolute_url(self) -> str:
        return reverse("notes:proposal", kwargs={"pk": self.pk})

    def may_change_status(self, user: AnyUser) -> bool:
        """The network's staff, and the proposing cell's facilitators."""
        return user.is_authenticated and reader_of(user).may_edit_cell(self.meeting.cell_id)


class ProposalStatusChange(models.Model):
    """One change of a proposal's status: who, when, from what to what, and why."""

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="status_changes")
    old_status = models.CharField(max_length=20, choices=ProposalStatus.choices)
    new_status = models.CharField(max_length=20, choices=ProposalStatus.choices)
    note = models.TextField("why", blank=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    changed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["changed_at", "pk"]

    def __str__(self) -> str:
        return f"{self.get_old_status_display()} → {self.get_new_status_display()}"


class Rediscussion(models.Model):
    """A later point that discussed a proposal again, in any cell."""

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="rediscussions")
    note = models.OneToOneField("notes.Note", on_delete=models.CASCADE, related_name="rediscussion")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "proposal discussed again"
        verbose_name_plural = "proposals discussed again"

    def __str__(self) -> str:
        return f"{self.note} → {self.proposal}"
