"""The notes app's background jobs, found by the worker (procrastinate autodiscovery)."""

from notes.actions.tasks import send_action_reminders
from notes.following.tasks import notify_publication, send_due_digests

__all__ = ["notify_publication", "send_action_reminders", "send_due_digests"]
