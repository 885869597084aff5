"""The organisation: cells, who belongs to them, and their meetings.

Who may read and change what is decided in ``cells/access.py``; the
``visible_to`` and ``editable_by`` QuerySet methods here delegate to it.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Case, Q, Value, When
from django.db.models.functions import Coalesce, Lower
from django.utils import timezone
from simple_history.models import HistoricalRecords

from betterway.addresses import address
from betterway.lookups import Ids
from cells.access import AnyUser, is_insider, reader_of
from cells.choices import MeetingStatus, Role, Visibility

EARLIEST_MEETING = datetime.date(1900, 1, 1)

__all__ = [
    "AnyUser",
    "Cell",
    "Invitation",
    "Meeting",
    "MeetingStatus",
    "Membership",
    "Role",
    "Visibility",
]


class CellQuerySet(models.QuerySet["Cell"]):
    def active(self) -> CellQuerySet:
        return self.filter(is_active=True)

    def visible_to(self, user: AnyUser) -> CellQuerySet:
        reader = reader_of(user)
        return self.all() if reader.is_staff else self.filter(pk__any=Ids(reader.readable))

    def editable_by(self, user: AnyUser) -> CellQuerySet:
        reader = reader_of(user)
        return self.all() if reader.is_staff else self.filter(pk__any=Ids(reader.facilitated))


class Cell(models.Model):
    name = models.CharField(max_length=120, unique=True)
    slug = models.SlugField(
        max_length=120, unique=True, help_text="Used in the cell's web address."
    )
    description = models.TextField(
        blank=True, help_text="What the cell is and who is in it. Markdown is allowed."
    )
    visibility = models.CharField(
        max_length=10,
        choices=Visibility.choices,
        default=Visibility.NETWORK,
        help_text="Who may read the cell's published meetings.",
    )
    is_active = models.BooleanField(
        "active",
        default=True,
        help_text="Inactive cells keep their notes readable but take no new meetings.",
    )
    members: models.ManyToManyField[Any, Any] = models.ManyToManyField(
        settings.AUTH_USER_MODEL, through="Membership", related_name="cells", blank=True
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = CellQuerySet.as_manager()

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return address("cells:detail", slug=self.slug)

    def is_editable_by(self, user: AnyUser) -> bool:
        return reader_of(user).may_edit_cell(self.pk)


class MembershipQuerySet(models.QuerySet["Membership"]):
    def facilitated_first(self) -> MembershipQuerySet:
        """Cells the member facilitates first (where they record meetings), then by name."""
        facilitator_first = Case(When(role=Role.FACILITATOR, then=Value(0)), default=Value(1))
        return self.select_related("cell").order_by(facilitator_first, "cell__name")


class Membership(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    cell = models.ForeignKey(Cell, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=12, choices=Role.choices, default=Role.MEMBER)
    joined_at = models.DateTimeField(auto_now_add=True)

    objects = MembershipQuerySet.as_manager()

    class Meta:
        ordering = ["cell__name", "role", "user__username"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "cell"], name="membership_one_per_user_and_cell"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} ({self.get_role_display().lower()}) in {self.cell}"


class MeetingQuerySet(models.QuerySet["Meeting"]):
    def published(self) -> MeetingQuerySet:
        return self.filter(status=MeetingStatus.PUBLISHED)

    def visible_to(self, user: AnyUser) -> MeetingQuerySet:
        condition = reader_of(user).meetings_q()
        return self.all() if condition is None else self.filter(condition)

    def editable_by(self, user: AnyUser) -> MeetingQuerySet:
        condition = reader_of(user).editable_meetings_q()
        return self.all() if condition is None else self.filter(condition)

    def with_point_counts(self) -> MeetingQuerySet:
        """Each meeting with ``point_count``, its number of points.

        Counted by a subquery for each meeting, which PostgreSQL runs only for
        the rows a list shows: a join with GROUP BY counted the points of every
        meeting that matched, and made a paginated list's count join them too.
        The notes app's model is reached through the relation: this app may not
        import it.
        """
        note: Any = Meeting.notes.rel.related_model
        points = (
            note.objects.filter(meeting=models.OuterRef("pk"))
            .order_by()
            .values("meeting")
            .annotate(count=models.Count("pk"))
            .values("count")
        )
        return self.annotate(point_count=Coalesce(models.Subquery(points), 0))


class Meeting(models.Model):
    cell = models.ForeignKey(
        Cell,
        # Years of notes must never vanish with a cell: deactivate it instead.
        on_delete=models.PROTECT,
        related_name="meetings",
    )
    date = models.DateField(
        help_text="The day the cell met.",
        # Dates before this are typing slips (0001 for 2001); month arithmetic
        # in charts and the calendar would also run past the calendar's start.
        validators=[
            MinValueValidator(EARLIEST_MEETING, message="Check the year: it is before 1900.")
        ],
    )
    title = models.CharField("topic", max_length=200, help_text="What the discussion was about.")
    introduced_by = models.CharField(
        max_length=200, blank=True, help_text="Who introduced the topic, as it should be shown."
    )
    introduced_by_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="The introducer's account, when they have one.",
    )
    attendees = models.ManyToManyField(
        settings.AUTH_USER_MODEL, related_name="attended_meetings", blank=True
    )
    guest_names = models.TextField(
        blank=True, help_text="People at the meeting without an account, one per line."
    )
    venue = models.CharField(
        max_length=200, blank=True, help_text="“Online”, or where the cell met."
    )
    # Names are personal: outside the cell they show only when the facilitator says so.
    show_attendees = models.BooleanField(
        "show who attended to readers outside the cell",
        default=False,
        help_text="The cell's members always see who attended; other readers only if ticked.",
    )
    status = models.CharField(
        max_length=10, choices=MeetingStatus.choices, default=MeetingStatus.DRAFT
    )
    published_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="created_meetings",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # Optimistic locking of the whole record: every save of the meeting or its
    # points from the editor bumps it, and a save from a stale page is refused.
    version = models.PositiveIntegerField(default=1, editable=False)

    history = HistoricalRecords()
    objects = MeetingQuerySet.as_manager()

    class Meta:
        ordering = ["-date", "-pk"]
        indexes = [
            models.Index(fields=["cell", "-date"], name="meeting_cell_date"),
            models.Index(fields=["-date"], name="meeting_date"),
            # What was published since a digest or a visit.
            models.Index(fields=["published_at"], name="meeting_published_at"),
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.cell}, {self.date:%-d %B %Y})"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.is_published and self.published_at is None:
            self.published_at = timezone.now()
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return address("cells:meeting", slug=self.cell.slug, pk=self.pk)

    @property
    def is_published(self) -> bool:
        return self.status == MeetingStatus.PUBLISHED

    def neighbours(self, user: AnyUser) -> tuple[Meeting | None, Meeting | None]:
        """The cell's previous and next meetings that ``user`` may read."""
        # Only what the links show: their title and address.
        siblings = Meeting.objects.filter(reader_of(user).cell_meetings_q(self.cell_id)).only(
            "cell_id", "date", "title"
        )
        same_day = Q(date=self.date)
        earlier = siblings.filter(Q(date__lt=self.date) | (same_day & Q(pk__lt=self.pk)))
        later = siblings.filter(Q(date__gt=self.date) | (same_day & Q(pk__gt=self.pk)))
        # Both in one query: each side's nearest meeting, joined by UNION ALL.
        found = list(
            earlier.order_by("-date", "-pk")[:1].union(later.order_by("date", "pk")[:1], all=True)
        )
        for meeting in found:
            meeting.cell = self.cell  # the same cell: no query for it
        before = next((m for m in found if (m.date, m.pk) < (self.date, self.pk)), None)
        after = next((m for m in found if (m.date, m.pk) > (self.date, self.pk)), None)
        return before, after

    def names_shown_to(self, user: AnyUser) -> bool:
        """Whether ``user`` sees who attended: the cell's members and staff always,
        other readers when the facilitator chose to show it.
        """
        return self.show_attendees or is_insider(user, self.cell_id)

    def guest_list(self) -> list[str]:
        return [name.strip() for name in self.guest_names.splitlines() if name.strip()]


class InvitationQuerySet(models.QuerySet["Invitation"]):
    def open(self) -> InvitationQuerySet:
        """Neither accepted nor withdrawn (an expired one can still be sent again)."""
        return self.filter(accepted_at__isnull=True, withdrawn_at__isnull=True)


class Invitation(models.Model):
    """An invitation to join a cell, sent by e-mail with a single-use link that expires.

    Only a hash of the link's token is stored, so the table alone cannot be used
    to accept an invitation.
    """

    cell = models.ForeignKey(Cell, on_delete=models.CASCADE, related_name="invitations")
    email = models.EmailField()
    name = models.CharField(
        max_length=150, blank=True, help_text="Suggested display name, if known."
    )
    role = models.CharField(max_length=12, choices=Role.choices, default=Role.MEMBER)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    sends = models.PositiveIntegerField(default=1, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    withdrawn_at = models.DateTimeField(null=True, blank=True)

    objects = InvitationQuerySet.as_manager()

    class Meta:
        ordering = ["-sent_at"]
        constraints = [
            models.UniqueConstraint(
                Lower("email"),
                "cell",
                condition=Q(accepted_at__isnull=True, withdrawn_at__isnull=True),
                name="invitation_one_open_per_address_and_cell",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.email} to {self.cell} ({self.status})"

    @property
    def status(self) -> str:
        if self.accepted_at:
            return "accepted"
        if self.withdrawn_at:
            return "withdrawn"
        if self.expires_at <= timezone.now():
            return "expired"
        return "pending"
