"""The notes app's background jobs, found by the worker (procrastinate autodiscovery)."""

from notes.actions.tasks import send_action_reminders
from notes.following.tasks import notify_publication, send_due_digests
from notes.search.tasks import refresh_search_words

__all__ = [
    "notify_publication",
    "refresh_search_words",
    "send_action_reminders",
    "send_due_digests",
]
