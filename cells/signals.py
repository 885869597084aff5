"""Who may read what changes with cells and memberships: a new content version.

Readers (``cells.access.reader_of``) and everything cached for them are keyed
by the content's version, so a member removed from a cell, or a cell made
private, reads as such on the next request on every server.
"""

from __future__ import annotations

from typing import Any

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from betterway import content_version
from cells.models import Cell, Membership


@receiver([post_save, post_delete], sender=Cell)
@receiver([post_save, post_delete], sender=Membership)
def _access_changed(sender: type, **_: Any) -> None:
    content_version.bump(for_everyone=True)
