"""The notes app's background jobs, found by the worker (procrastinate autodiscovery)."""

from notes.following.tasks import notify_publication, send_due_digests

__all__ = ["notify_publication", "send_due_digests"]
