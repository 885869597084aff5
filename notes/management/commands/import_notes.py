"""Import many cell notes at once: ``manage.py import_notes FILE_OR_FOLDER ...``.

Each file (.txt, .md or .docx) becomes one draft meeting whose points are its
paragraphs. The cell comes from ``--cell`` or from the note's header line;
the date from the header (or ``--date``). Files already imported (same cell,
date and topic) are skipped, and the summary says what was created, what was
skipped and why.
"""

from __future__ import annotations

import datetime
from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.text import slugify

from cells.models import Cell, Meeting, MeetingStatus, Visibility
from notes.record.files import ACCEPTED, UnreadableNote, read_note_file
from notes.record.parsing import parse_note
from notes.record.services import PointInput, create_meeting


class Skip(Exception):
    """This file is not imported; the message says why."""


class Command(BaseCommand):
    help = "Import cell notes (.txt, .md, .docx) as draft meetings, one per file."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("paths", nargs="+", help="Note files, or folders of them.")
        parser.add_argument("--cell", help="Slug of the cell for every file, whatever the header.")
        parser.add_argument(
            "--create-cells",
            action="store_true",
            help="Create a (private) cell named in a header when none matches.",
        )
        parser.add_argument("--author", help="Username recorded as the notes' author.")
        parser.add_argument("--publish", action="store_true", help="Publish what is imported.")
        parser.add_argument("--dry-run", action="store_true", help="Report only; change nothing.")

    def handle(self, *args: Any, **options: Any) -> None:
        files = self._files(options["paths"])
        if not files:
            raise CommandError(f"No note files ({', '.join(ACCEPTED)}) found.")
        self.options = options
        self.author = self._author(options["author"])
        self.fixed_cell = self._cell_by_slug(options["cell"]) if options["cell"] else None
        created, skipped = [], []
        for number, path in enumerate(files, start=1):
            prefix = f"[{number}/{len(files)}] {path.name}:"
            try:
                meeting = self._import(path)
            except Skip as reason:
                skipped.append((path, str(reason)))
                self.stdout.write(f"{prefix} skipped, {reason}")
                continue
            created.append(meeting)
            self.stdout.write(f"{prefix} {self._describe(meeting)}")
        verb = "would create" if options["dry_run"] else "created"
        summary = f"\nDone: {verb} {len(created)} meeting(s), skipped {len(skipped)} file(s)."
        self.stdout.write(self.style.SUCCESS(summary))
        for path, why in skipped:
            self.stdout.write(f"  skipped {path}: {why}")

    def _files(self, paths: list[str]) -> list[Path]:
        files: list[Path] = []
        for raw in paths:
            path = Path(raw)
            if path.is_dir():
                files += sorted(p for p in path.rglob("*") if p.suffix.lower() in ACCEPTED)
            elif path.exists():
                files.append(path)
            else:
                raise CommandError(f"{path} does not exist.")
        return files

    def _author(self, username: str | None) -> Any:
        if not username:
            return None
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"No user called {username}.")
        return user

    def _cell_by_slug(self, slug: str) -> Cell:
        cell = Cell.objects.filter(slug=slug).first()
        if cell is None:
            raise CommandError(f"No cell with the slug {slug}.")
        return cell

    def _import(self, path: Path) -> Meeting:
        try:
            text = read_note_file(path.name, path.read_bytes())
        except UnreadableNote as error:
            raise Skip(str(error)) from error
        parsed = parse_note(text)
        if not parsed.points:
            raise Skip("it has no paragraphs to import")
        if parsed.date is None:
            raise Skip(
                "no date: its first line should read like "
                "“Note of … cell discussion, <cell>, 29 November 2017”"
            )
        cell = self.fixed_cell or self._cell_named(parsed.cell_name)
        title = parsed.topic or f"Discussion of {parsed.date:%-d %B %Y}"
        if cell.pk and Meeting.objects.filter(cell=cell, date=parsed.date, title=title).exists():
            raise Skip(f"already imported as “{title}” of {cell.name}")
        points = [PointInput(heading="", body=body) for body in parsed.points]
        if self.options["dry_run"]:
            return Meeting(cell=cell, date=parsed.date, title=title)
        if not cell.pk:
            cell.save()
        details = {"date": parsed.date, "title": title, "introduced_by": parsed.introduced_by}
        status = MeetingStatus.PUBLISHED if self.options["publish"] else MeetingStatus.DRAFT
        meeting = create_meeting(cell, self.author, details, points, status=status)
        return meeting

    def _cell_named(self, name: str) -> Cell:
        if not name:
            raise Skip("no cell: give --cell, or start the note with its header line")
        cell = Cell.objects.filter(name__iexact=name).first()
        if cell is None:
            cell = Cell.objects.filter(slug=slugify(name)).first()
        if cell is None:
            if not self.options["create_cells"]:
                raise Skip(f"no cell called “{name}” (use --create-cells to create it)")
            cell = Cell(name=name, slug=slugify(name) or "cell", visibility=Visibility.PRIVATE)
        return cell

    def _describe(self, meeting: Meeting) -> str:
        points = meeting.notes.count() if meeting.pk else "its"
        date = datetime.date.strftime(meeting.date, "%-d %B %Y")
        return f"“{meeting.title}”, {meeting.cell.name}, {date}, {points} points"
