"""Search listens to the record: a deleted published meeting's words leave its cell's table."""

from __future__ import annotations

from typing import Any

from django.db.models.signals import post_delete
from django.dispatch import receiver

from cells.models import Meeting
from notes.search import words


@receiver(post_delete, sender=Meeting)
def _published_meeting_deleted(sender: Any, instance: Meeting, **kwargs: Any) -> None:
    # Saves go through the record's services, which queue the refresh; a
    # deletion in the admin does not. (A cell with meetings cannot be deleted.)
    if instance.is_published:
        words.refresh_later(instance.cell_id)
