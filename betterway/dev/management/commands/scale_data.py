"""Fill the database with a large, realistic network, quickly (COPY), for benchmarks.

    manage.py scale_data [--cells 200] [--meetings 10000] [--notes 200000] [--themes 500]

Themes follow a skewed distribution (a few very common, most rare), each note
has 1 to 4 of them, cells mix visibilities (mostly private), a few percent of
meetings are drafts. Two benchmark members are created: ``bench-wide`` (member
of almost every private cell) and ``bench-narrow`` (member of two).
"""

from __future__ import annotations

import datetime
import random
import time
from itertools import accumulate
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection, transaction
from django.utils import timezone

from betterway import content_version
from betterway.dev.vocabulary import COMMON, DOMAIN, RARE, THEME_WORDS, VERBS
from cells.models import Cell, Meeting, MeetingStatus, Membership, Role, Visibility
from notes.models import Note, Theme
from notes.search.words import refresh_cells

VISIBILITY_MIX = [(Visibility.PUBLIC, 5), (Visibility.NETWORK, 15), (Visibility.PRIVATE, 80)]
THEMES_PER_NOTE = [(1, 30), (2, 35), (3, 25), (4, 10)]
DRAFT_SHARE = 0.03
MEMBERS_PER_CELL = 6
BENCH_WIDE, BENCH_NARROW = "bench-wide", "bench-narrow"


def _zipf_weights(count: int, exponent: float = 1.07) -> list[float]:
    return list(accumulate(1 / (rank + 1) ** exponent for rank in range(count)))


# The notes' largest indexes, dropped while the notes are written and built after.
_REBUILT_INDEXES = ("note_search_vector", "note_word_pairs")


class Command(BaseCommand):
    help = "Fill the database with a large generated network for benchmarks."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--cells", type=int, default=200)
        parser.add_argument("--meetings", type=int, default=10_000)
        parser.add_argument("--notes", type=int, default=200_000)
        parser.add_argument("--themes", type=int, default=500)
        parser.add_argument("--seed", type=int, default=2017)
        parser.add_argument(
            "--allow-existing",
            action="store_true",
            help="Add to a database that already holds cells, meetings or notes.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        self._check(options)
        # Repeatable generated content, not secrets: a seeded generator is right.
        self.random = random.Random(options["seed"])  # noqa: S311
        self.started = time.monotonic()
        with transaction.atomic():
            themes = self._themes(options["themes"])
            cells, members = self._cells_and_people(options["cells"])
            meetings = self._meetings(cells, members, options["meetings"])
            self._notes(meetings, themes, options["notes"])
        # Written by COPY, past the record's write path: the words "did you
        # mean" draws on are built here, as publishing would have built them.
        self._step("Building the search words of each cell")
        refresh_cells(cell.pk for cell in cells)
        # Vacuumed as autovacuum would soon do on a live database, so that
        # index-only scans skip the table pages. (VACUUM cannot run inside a
        # transaction: called within one, the tables are only analysed.)
        self._step("Vacuuming and analysing tables")
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE" if connection.in_atomic_block else "VACUUM ANALYZE")
        self.stdout.write(
            self.style.SUCCESS(
                f"Done in {time.monotonic() - self.started:.0f} s: {len(cells)} cells, "
                f"{len(meetings)} meetings, {options['notes']} notes, {len(themes)} themes."
            )
        )

    def _check(self, options: dict[str, Any]) -> None:
        for name in ["cells", "meetings", "notes", "themes"]:
            if options[name] < 1:
                raise CommandError(f"--{name} must be at least 1.")
        if options["notes"] < options["meetings"]:
            raise CommandError("--notes must be at least --meetings: every meeting has a point.")
        if options["meetings"] < options["cells"]:
            raise CommandError("--meetings must be at least --cells: every cell has met.")
        holds_data = Cell.objects.exists() or Meeting.objects.exists() or Note.objects.exists()
        if holds_data and not options["allow_existing"]:
            raise CommandError(
                "This database already holds cells, meetings or notes. Use an empty database "
                "(make bench uses its own), or pass --allow-existing to add to it."
            )

    def _step(self, message: str) -> None:
        self.stdout.write(f"[{time.monotonic() - self.started:6.1f} s] {message}")
        self.stdout.flush()

    def _words(self, count: int) -> list[str]:
        pick = self.random.random
        words = []
        for _ in range(count):
            roll = pick()
            if roll < 0.003:
                words.append(self.random.choice(RARE))
            elif roll < 0.45:
                words.append(self.random.choice(COMMON))
            elif roll < 0.50:
                words.append(self.random.choice(VERBS))
            else:
                words.append(self.random.choices(DOMAIN, cum_weights=self._domain_weights)[0])
        return words

    def _paragraph(self) -> str:
        sentences = []
        for _ in range(self.random.randint(3, 7)):
            words = self._words(self.random.randint(8, 20))
            sentences.append(" ".join(words).capitalize() + ".")
        return " ".join(sentences)

    def _themes(self, count: int) -> list[Theme]:
        self._step(f"Creating {count} themes")
        self._domain_weights = _zipf_weights(len(DOMAIN))
        names: list[str] = []
        seen = {name.lower() for name in Theme.objects.values_list("name", flat=True)}
        pairs = [f"{a} {b}" for a in THEME_WORDS for b in THEME_WORDS if a != b]
        self.random.shuffle(pairs)
        for name in THEME_WORDS + pairs:
            if len(names) == count:
                break
            if name.lower() not in seen:
                seen.add(name.lower())
                names.append(name)
        themes = [
            Theme(
                name=name,
                slug=f"{name.replace(' ', '-')}-{index}"[:100],
                description=f"Discussions of {name}.",
                keywords="",
            )
            for index, name in enumerate(names)
        ]
        return Theme.objects.bulk_create(themes, batch_size=1000)

    def _cells_and_people(self, count: int) -> tuple[list[Cell], dict[int, list[Any]]]:
        self._step(f"Creating {count} cells and their members")
        user_model = get_user_model()
        visibilities = [v for v, weight in VISIBILITY_MIX for _ in range(weight)]
        stamp = int(time.time())
        cells = Cell.objects.bulk_create(
            [
                Cell(
                    name=f"Cell {n + 1} ({stamp})",
                    slug=f"cell-{n + 1}-{stamp}",
                    visibility=visibilities[n % len(visibilities)],
                    description="A generated cell of the benchmark network.",
                )
                for n in range(count)
            ]
        )
        users = user_model.objects.bulk_create(
            [
                user_model(
                    username=f"scale-{stamp}-{n}",
                    display_name=f"Member {n}",
                    password="!unusable",  # noqa: S106 - an unusable password hash
                )
                for n in range(count * MEMBERS_PER_CELL)
            ],
            batch_size=2000,
        )
        members: dict[int, list[Any]] = {}
        memberships = []
        for index, cell in enumerate(cells):
            people = users[index * MEMBERS_PER_CELL : (index + 1) * MEMBERS_PER_CELL]
            members[cell.pk] = people
            memberships += [
                Membership(user=person, cell=cell, role=Role.FACILITATOR if n == 0 else Role.MEMBER)
                for n, person in enumerate(people)
            ]
        private = [cell for cell in cells if cell.visibility == Visibility.PRIVATE]
        wide, _ = user_model.objects.get_or_create(username=BENCH_WIDE)
        narrow, _ = user_model.objects.get_or_create(username=BENCH_NARROW)
        # The wide reader is in every private cell but a few; the narrow one in two.
        memberships += [Membership(user=wide, cell=cell) for cell in private[5:]]
        memberships += [Membership(user=narrow, cell=cell) for cell in private[:2]]
        Membership.objects.bulk_create(memberships, batch_size=5000, ignore_conflicts=True)
        content_version.bump()  # bulk_create sends no signals; readers are resolved afresh
        return cells, members

    def _meetings(
        self, cells: list[Cell], members: dict[int, list[Any]], count: int
    ) -> list[Meeting]:
        self._step(f"Creating {count} meetings")
        start = datetime.date(2010, 1, 1)
        span = (datetime.date(2026, 6, 30) - start).days
        now = timezone.now()
        meetings = []
        for n in range(count):
            cell = cells[n % len(cells)] if n < len(cells) else self.random.choice(cells)
            draft = self.random.random() < DRAFT_SHARE
            people = members[cell.pk]
            topic = " ".join(self._words(self.random.randint(3, 6))).capitalize()
            meetings.append(
                Meeting(
                    cell=cell,
                    date=start + datetime.timedelta(days=self.random.randrange(span)),
                    title=topic,
                    introduced_by=self.random.choice(people).display_name,
                    venue=self.random.choice(
                        ["Online", "Town hall", "Library", "Community centre"]
                    ),
                    status=MeetingStatus.DRAFT if draft else MeetingStatus.PUBLISHED,
                    published_at=None if draft else now,
                    created_by=people[0],
                )
            )
        return Meeting.objects.bulk_create(meetings, batch_size=2000)

    def _notes(self, meetings: list[Meeting], themes: list[Theme], count: int) -> None:
        # Every meeting gets one point; the rest are spread unevenly, so some
        # meetings are long.
        per_meeting = [1] * len(meetings)
        weights = list(accumulate(self.random.random() ** 3 + 0.05 for _ in meetings))
        for index in self.random.choices(
            range(len(meetings)), cum_weights=weights, k=count - len(meetings)
        ):
            per_meeting[index] += 1
        theme_weights = _zipf_weights(len(themes))
        sizes, size_weights = zip(*THEMES_PER_NOTE, strict=True)
        with connection.cursor() as cursor:
            cursor.execute("SELECT COALESCE(MAX(id), 0) FROM notes_note")
            next_id = cursor.fetchone()[0] + 1
            cursor.execute("SET LOCAL maintenance_work_mem = '512MB'")
            # The GIN indexes are rebuilt once at the end: far faster than per row.
            for name in _REBUILT_INDEXES:
                cursor.execute(f"DROP INDEX IF EXISTS {name}")
            now = timezone.now()
            tags: list[tuple[int, int]] = []
            self._step(f"Writing {count} notes with COPY")
            written = 0
            with cursor.cursor.copy(
                "COPY notes_note (id, meeting_id, position, heading, body, theme_names, "
                "author_id, created_at, updated_at, version) FROM STDIN"
            ) as copy:
                for meeting, points in zip(meetings, per_meeting, strict=True):
                    for position in range(1, points + 1):
                        size = self.random.choices(sizes, weights=size_weights)[0]
                        chosen = {
                            themes[i].pk: themes[i].name
                            for i in self._theme_indexes(theme_weights, size)
                        }
                        heading = (
                            " ".join(self._words(4)).capitalize()
                            if self.random.random() < 0.2
                            else ""
                        )
                        names = ", ".join(sorted(chosen.values(), key=str.lower))
                        copy.write_row(
                            (
                                next_id,
                                meeting.pk,
                                position,
                                heading,
                                self._paragraph(),
                                names,
                                meeting.created_by_id,
                                now,
                                now,
                                1,
                            )
                        )
                        tags += [(next_id, theme_id) for theme_id in chosen]
                        next_id += 1
                        written += 1
                        if written % 20_000 == 0:
                            self._step(f"  {written:,} notes")
            self._step(f"Writing {len(tags):,} note themes with COPY")
            with cursor.cursor.copy(
                "COPY notes_taggednote (content_object_id, tag_id) FROM STDIN"
            ) as copy:
                for row in tags:
                    copy.write_row(row)
            cursor.execute(
                "SELECT setval(pg_get_serial_sequence('notes_note', 'id'), %s)", [next_id - 1]
            )
            # The deferred position check must run before the index can be built.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            self._step("Building the full-text indexes")
            # As the models define them, storage parameters included.
            with connection.schema_editor() as editor:
                for built in Note._meta.indexes:
                    if built.name in _REBUILT_INDEXES:
                        editor.add_index(Note, built)

    def _theme_indexes(self, weights: list[float], size: int) -> set[int]:
        picked: set[int] = set()
        while len(picked) < size:
            picked.add(self.random.choices(range(len(weights)), cum_weights=weights)[0])
        return picked
