"""``manage.py backup``: a dated pg_dump of the database (``make backup`` runs it)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from betterway.backups import BackupError, backup


class Command(BaseCommand):
    help = "Dump the database (pg_dump, custom format) to a dated file."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--folder",
            default=str(Path(settings.BASE_DIR) / "backups"),
            help="where the file goes (default: backups/)",
        )

    def handle(self, *args: Any, folder: str, **options: Any) -> None:
        try:
            outcome = backup(Path(folder))
        except BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            f"Backed up {outcome.database} to {outcome.path} "
            f"({outcome.size_bytes / 1024 / 1024:.1f} MB in {outcome.seconds:.1f} s)."
        )
