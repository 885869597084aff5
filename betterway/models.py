"""The custom user model, in place from the first migration."""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower


class User(AbstractUser):
    display_name = models.CharField(
        max_length=150,
        blank=True,
        help_text="How the person is shown on notes and attendance lists, e.g. “Amara Okafor”.",
    )

    class Meta:
        swappable = "AUTH_USER_MODEL"
        ordering = ["username"]
        constraints = [
            # One account per address, whatever its case: people log in with it.
            models.UniqueConstraint(
                Lower("email"), condition=~Q(email=""), name="user_email_unique_ignoring_case"
            ),
        ]
        verbose_name = "user"
        verbose_name_plural = "users"

    def __str__(self) -> str:
        return self.get_display_name()

    def get_display_name(self) -> str:
        return self.display_name or self.get_full_name() or self.username


class Mail(models.Model):
    """One mail to send for one event, kept so it is sent exactly once.

    The row is written in the same transaction as the event (an invitation, a
    reset request), and the task that sends it locks the row and marks it
    sent: a job retried, run twice or picked up after a crash finds it sent.
    """

    key = models.CharField(
        max_length=200, unique=True, help_text="The event, e.g. invitation:12:3."
    )
    to = models.EmailField()
    template = models.CharField(max_length=100)
    context = models.JSONField(default=dict, blank=True)
    headers = models.JSONField(
        default=dict, blank=True, help_text="Extra headers, e.g. List-Unsubscribe."
    )
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = "mail"
        verbose_name_plural = "mail"

    def __str__(self) -> str:
        return f"{self.template} to {self.to}"
