"""The custom user model, in place from the first migration."""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models


class User(AbstractUser):
    display_name = models.CharField(
        max_length=150,
        blank=True,
        help_text="How the person is shown on notes and attendance lists, e.g. “Amara Okafor”.",
    )

    class Meta:
        swappable = "AUTH_USER_MODEL"
        ordering = ["username"]
        verbose_name = "user"
        verbose_name_plural = "users"

    def __str__(self) -> str:
        return self.get_display_name()

    def get_display_name(self) -> str:
        return self.display_name or self.get_full_name() or self.username
