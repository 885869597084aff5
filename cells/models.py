"""The organisation: cells, who belongs to them, and their meetings.

Who may read and change what is decided here, once, by the ``visible_to`` and
``editable_by`` QuerySet methods. Every read path goes through them.
"""

from __future__ import annotations

from typing import TypeAlias

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils import timezone
from simple_history.models import HistoricalRecords

# A logged-in user or the anonymous visitor: what request.user may be.
AnyUser: TypeAlias = AbstractBaseUser | AnonymousUser


def is_network_staff(user: AnyUser) -> bool:
    """Staff run the network: they may read and change everything."""
    return bool(user.is_authenticated and user.is_active and (user.is_staff or user.is_superuser))


class Visibility(models.TextChoices):
    PUBLIC = "public", "Public: anyone, even logged out"
    NETWORK = "network", "Network: anyone who is logged in"
    PRIVATE = "private", "Private: members of the cell only"


class Role(models.TextChoices):
    FACILITATOR = "facilitator", "Facilitator"
    MEMBER = "member", "Member"


class CellQuerySet(models.QuerySet["Cell"]):
    def active(self) -> CellQuerySet:
        return self.filter(is_active=True)

    def visible_to(self, user: AnyUser) -> CellQuerySet:
        if is_network_staff(user):
            return self.all()
        if not user.is_authenticated:
            return self.filter(visibility=Visibility.PUBLIC)
        is_member = Exists(Membership.objects.filter(cell=OuterRef("pk"), user=user))
        return self.filter(Q(visibility__in=[Visibility.PUBLIC, Visibility.NETWORK]) | is_member)

    def editable_by(self, user: AnyUser) -> CellQuerySet:
        if is_network_staff(user):
            return self.all()
        if not user.is_authenticated:
            return self.none()
        facilitates = Membership.objects.filter(
            cell=OuterRef("pk"), user=user, role=Role.FACILITATOR
        )
        return self.filter(Exists(facilitates))


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
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL, through="Membership", related_name="cells", blank=True
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = CellQuerySet.as_manager()

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("cells:detail", kwargs={"slug": self.slug})

    def is_editable_by(self, user: AnyUser) -> bool:
        # The reader's facilitated cells are already known for this request.
        return is_network_staff(user) or self.pk in cells_of(user)[1]


class Membership(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    cell = models.ForeignKey(Cell, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=12, choices=Role.choices, default=Role.MEMBER)
    joined_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["cell__name", "role", "user__username"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "cell"], name="membership_one_per_user_and_cell"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} ({self.get_role_display().lower()}) in {self.cell}"


class MeetingStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    PUBLISHED = "published", "Published"


def cells_of(user: AnyUser) -> tuple[list[int], list[int]]:
    """Ids of the cells ``user`` may read, and of those they facilitate; one query.

    Lists of ids, rather than subqueries, let PostgreSQL plan searches over
    many notes well (it can walk notes newest first and stop early). Cached on
    the user object for the request, as Django caches permissions.
    """
    cached = getattr(user, "_betterway_cells", None)
    if cached is None:
        facilitates = Membership.objects.filter(
            cell=OuterRef("pk"), user_id=user.pk, role=Role.FACILITATOR
        )
        rows = (
            Cell.objects.visible_to(user)
            .annotate(facilitates=Exists(facilitates))
            .values_list("pk", "facilitates")
        )
        readable = [pk for pk, _ in rows]
        cached = (readable, [pk for pk, facilitated in rows if facilitated])
        user._betterway_cells = cached
    return cached


def readable_meetings_q(user: AnyUser, prefix: str = "") -> Q | None:
    """The condition for meetings ``user`` may read, or None when they may read all.

    ``prefix`` lets related models (notes) filter through their meeting,
    e.g. ``readable_meetings_q(user, "meeting__")``.
    """
    if is_network_staff(user):
        return None
    readable, facilitated = cells_of(user)
    condition = Q(**{f"{prefix}status": MeetingStatus.PUBLISHED, f"{prefix}cell_id__in": readable})
    if facilitated:
        # Facilitators also read their cell's drafts.
        condition |= Q(**{f"{prefix}cell_id__in": facilitated})
    return condition


def editable_meetings_q(user: AnyUser, prefix: str = "") -> Q | None:
    """The condition for meetings ``user`` may change, or None when they may change all."""
    if is_network_staff(user):
        return None
    return Q(**{f"{prefix}cell_id__in": cells_of(user)[1]})


class MeetingQuerySet(models.QuerySet["Meeting"]):
    def published(self) -> MeetingQuerySet:
        return self.filter(status=MeetingStatus.PUBLISHED)

    def visible_to(self, user: AnyUser) -> MeetingQuerySet:
        condition = readable_meetings_q(user)
        return self.all() if condition is None else self.filter(condition)

    def editable_by(self, user: AnyUser) -> MeetingQuerySet:
        condition = editable_meetings_q(user)
        return self.all() if condition is None else self.filter(condition)


class Meeting(models.Model):
    cell = models.ForeignKey(
        Cell,
        # Years of notes must never vanish with a cell: deactivate it instead.
        on_delete=models.PROTECT,
        related_name="meetings",
    )
    date = models.DateField(help_text="The day the cell met.")
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
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.cell}, {self.date:%-d %B %Y})"

    def save(self, *args: object, **kwargs: object) -> None:
        if self.is_published and self.published_at is None:
            self.published_at = timezone.now()
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("cells:meeting", kwargs={"slug": self.cell.slug, "pk": self.pk})

    @property
    def is_published(self) -> bool:
        return self.status == MeetingStatus.PUBLISHED

    def neighbours(self, user: AnyUser) -> tuple[Meeting | None, Meeting | None]:
        """The cell's previous and next meetings that ``user`` may read."""
        siblings = (
            Meeting.objects.visible_to(user).filter(cell_id=self.cell_id).select_related("cell")
        )
        same_day = Q(date=self.date)
        earlier = siblings.filter(Q(date__lt=self.date) | (same_day & Q(pk__lt=self.pk)))
        later = siblings.filter(Q(date__gt=self.date) | (same_day & Q(pk__gt=self.pk)))
        return earlier.order_by("-date", "-pk").first(), later.order_by("date", "pk").first()

    def guest_list(self) -> list[str]:
        return [name.strip() for name in self.guest_names.splitlines() if name.strip()]
