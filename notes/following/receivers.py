"""Following listens to the record: a first publication is announced to followers."""

from __future__ import annotations

from typing import Any

from django.dispatch import receiver

from cells.models import Meeting
from notes.following.models import Follow
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
