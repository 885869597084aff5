"""Following listens to the record (a first publication is announced to followers)
and to its own models (a member's follow state is read afresh after a change).
"""

from __future__ import annotations

from typing import Any

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from cells.models import Meeting
from notes.following import state
from notes.following.models import Follow, Subscriber
from notes.record.services import meeting_published


@receiver(meeting_published)
def _queue_publication_notice(sender: Any, meeting: Meeting, **kwargs: Any) -> None:
    from notes.following.tasks import notify_publication

    wanted = Follow.objects.filter(
        cell_id=meeting.cell_id, user__subscriber__notify_on_publish=True
    )
    if wanted.exists():
        # Sent after the commit: the worker finds the published meeting.
        notify_publication.defer(meeting_id=meeting.pk)


@receiver([post_save, post_delete], sender=Follow)
def _forget_follows(sender: Any, instance: Follow, **kwargs: Any) -> None:
    state.forget(instance.user_id)


@receiver([post_save, post_delete], sender=Subscriber)
def _forget_feed_token(
    sender: Any, instance: Subscriber, update_fields: Any = None, **kwargs: Any
) -> None:
    # Visits and digests save other fields many times a day; only the token counts.
    if update_fields is None or "feed_token" in update_fields:
        state.forget(instance.user_id)
