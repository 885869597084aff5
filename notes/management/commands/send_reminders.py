"""``manage.py send_reminders``: queue the action reminders due today.

The worker runs this every hour by itself. Safe to run twice or beside the
worker: each reminder's mail is keyed by its action, kind and due date.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from notes.actions.reminders import send_reminders


class Command(BaseCommand):
    help = "Queue the reminders of actions due in two days or overdue since yesterday."

    def handle(self, *args: Any, **options: Any) -> None:
        run = send_reminders()
        self.stdout.write(f"Reminders due: {run.due_soon} due soon, {run.overdue} overdue.")
