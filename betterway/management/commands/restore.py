"""``manage.py restore FILE``: a backup restored into a new database (``make restore``)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection
from django.utils import timezone

from betterway.backups import BackupError, restore


class Command(BaseCommand):
    help = "Restore a backup into a new database, leaving the one in use untouched."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="a .dump file made by manage.py backup")
        parser.add_argument(
            "--into",
            help="the new database's name (default: this one's name, _restored_ and the time)",
        )

    def handle(self, *args: Any, file: str, into: str | None, **options: Any) -> None:
        name = into or (
            f"{connection.settings_dict['NAME']}_restored_{timezone.now():%Y%m%d_%H%M%S}"
        )
        try:
            outcome = restore(Path(file), name)
        except BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            f"Restored {outcome.path} into the new database {name} in {outcome.seconds:.1f} s.\n"
            f"Check it (for example, serve it with DATABASE_URL pointing at {name}), "
            "then switch DATABASE_URL to it."
        )
