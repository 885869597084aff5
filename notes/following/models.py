"""What a member follows, and how they want to hear about it.

Imported by ``notes.models`` so Django finds the models in the ``notes`` app.
"""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

# How many saved searches one member may follow: each is a full-text query run
# for their Following page, digests and feeds.
MAX_SAVED_SEARCHES = 50


def new_feed_token() -> str:
    return secrets.token_urlsafe(24)


class DigestFrequency(models.TextChoices):
    NEVER = "never", "Never"
    DAILY = "daily", "Daily"
    WEEKLY = "weekly", "Weekly"


class Weekday(models.IntegerChoices):
    MONDAY = 0, "Monday"
    TUESDAY = 1, "Tuesday"
    WEDNESDAY = 2, "Wednesday"
    THURSDAY = 3, "Thursday"
    FRIDAY = 4, "Friday"
    SATURDAY = 5, "Saturday"
    SUNDAY = 6, "Sunday"


class Subscriber(models.Model):
    """A member's mail settings, private feed token and reading marks (one per user).

    Created the first time a member follows something or opens their settings.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="subscriber"
    )
    digest = models.CharField(
        "digest by e-mail",
        max_length=10,
        choices=DigestFrequency.choices,
        default=DigestFrequency.WEEKLY,
        help_text="One mail with everything new in what you follow.",
    )
    digest_day = models.PositiveSmallIntegerField(
        "day of the weekly digest", choices=Weekday.choices, default=Weekday.MONDAY
    )
    notify_on_publish = models.BooleanField(
        "mail me as soon as a cell I follow publishes a meeting", default=False
    )
    action_reminders = models.BooleanField(
        "remind me of actions I own",
        default=True,
        help_text="A mail two days before an action of yours is due, and one the day after.",
    )
    feed_token = models.CharField(
        max_length=64,
        unique=True,
        null=True,
        blank=True,
        default=new_feed_token,
        help_text="The secret in the member's private feed addresses; empty when revoked.",
    )
    # The digest's watermark: points that arrived up to this moment were sent
    # (or had nothing to send). It moves in the same transaction as the mail row.
    digest_sent_until = models.DateTimeField(default=timezone.now)
    digest_checked_at = models.DateTimeField(null=True, blank=True)
    # The dashboard's "new since your last visit" counts from the visit before this one.
    last_visit_at = models.DateTimeField(null=True, blank=True)
    previous_visit_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "member's mail and feed settings"
        verbose_name_plural = "members' mail and feed settings"

    def __str__(self) -> str:
        return f"Settings of {self.user}"


class Follow(models.Model):
    """One thing a member follows: a theme, a cell, or a search (its query and filters)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="follows"
    )
    theme = models.ForeignKey(
        "notes.Theme", on_delete=models.CASCADE, null=True, blank=True, related_name="follows"
    )
    cell = models.ForeignKey(
        "cells.Cell", on_delete=models.CASCADE, null=True, blank=True, related_name="follows"
    )
    query = models.CharField(
        max_length=1000,
        blank=True,
        help_text="A saved search: the search page's query string, without the page number.",
    )
    name = models.CharField(max_length=100, blank=True, help_text="The member's name for a search.")
    created_at = models.DateTimeField(auto_now_add=True)
    # Points that arrived after this are "new" on the Following page.
    seen_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(theme__isnull=False, cell__isnull=True, query="")
                    | Q(theme__isnull=True, cell__isnull=False, query="")
                    | (Q(theme__isnull=True, cell__isnull=True) & ~Q(query=""))
                ),
                name="follow_one_thing",
            ),
            models.UniqueConstraint(
                fields=["user", "theme"], condition=Q(theme__isnull=False), name="follow_theme_once"
            ),
            models.UniqueConstraint(
                fields=["user", "cell"], condition=Q(cell__isnull=False), name="follow_cell_once"
            ),
            models.UniqueConstraint(
                fields=["user", "query"], condition=~Q(query=""), name="follow_search_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} follows {self.label}"

    @property
    def kind(self) -> str:
        if self.theme_id:
            return "theme"
        return "cell" if self.cell_id else "search"

    @property
    def label(self) -> str:
        if self.theme is not None:
            return f"the theme {self.theme.name}"
        if self.cell is not None:
            return f"the cell {self.cell.name}"
        return f"the search “{self.name}”"

    @property
    def title(self) -> str:
        if self.theme is not None:
            return self.theme.name
        return self.cell.name if self.cell is not None else self.name

    def target_url(self) -> str:
        if self.theme is not None:
            return self.theme.get_absolute_url()
        if self.cell is not None:
            return self.cell.get_absolute_url()
        return f"{reverse('notes:search')}?{self.query}"
