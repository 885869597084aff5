"""``manage.py send_digests [--now]``: queue the digests that are due.

The worker runs this every hour by itself; ``--now`` sends to every member
with something new, whatever their rhythm (members who chose "never" get
nothing). Safe to run twice or beside the worker: each member's digest is
taken under a row lock and covers each point once.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from notes.following.mailing import send_digests


class Command(BaseCommand):
    help = "Queue the digests that are due (--now: everyone with something new)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--now",
            action="store_true",
            help="send to every member with something new, whatever their schedule",
        )

    def handle(self, *args: Any, now: bool, **options: Any) -> None:
        run = send_digests(everyone=now)
        self.stdout.write(
            f"{run.mails} digest{'s' if run.mails != 1 else ''} queued "
            f"({run.points} points) for {run.members} member{'s' if run.members != 1 else ''} due."
        )
