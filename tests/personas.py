"""The named personas and the content they read, with builders: one place for all tests.

Personas:
- anonymous: not logged in
- outsider: logged in, member of no cell
- other_member: member of another private cell only
- member: member of the private cell
- facilitator: facilitator of the private cell
- staff: staff, no group (reads and changes everything on the site)
- network_admin: staff in the "Network admins" group (runs content in the admin)
- superuser: runs everything, people included

Content (``World``): a public, a network and a private cell, each with a
published and a draft meeting carrying notes. ``Library`` adds points with
known words and themes, for search and theme tests.
"""

from __future__ import annotations

import datetime
import os
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.test import Client
from django.urls import reverse

from betterway.dev.production import database_url
from betterway.models import User
from cells.models import Cell, Meeting, MeetingStatus, Membership, Role, Visibility
from notes.models import Note, Theme
from notes.permissions import ensure_network_admin_group

PASSWORD = "correct-horse-battery"
PERSONAS = [
    "anonymous",
    "outsider",
    "other_member",
    "member",
    "facilitator",
    "staff",
    "network_admin",
    "superuser",
]
# Everyone who runs the network: they read and change every cell.
STAFF = {"staff", "network_admin", "superuser"}
VISIBILITIES = [Visibility.PUBLIC, Visibility.NETWORK, Visibility.PRIVATE]
STATUSES = [MeetingStatus.PUBLISHED, MeetingStatus.DRAFT]


@dataclass
class World:
    users: dict[str, Any] = field(default_factory=dict)
    cells: dict[str, Cell] = field(default_factory=dict)
    # (visibility, status) -> meeting
    meetings: dict[tuple[str, str], Meeting] = field(default_factory=dict)
    other_cell: Cell | None = None

    def user(self, persona: str) -> Any:
        return AnonymousUser() if persona == "anonymous" else self.users[persona]

    def notes_of(self, visibility: str, status: str) -> list[Note]:
        return list(self.meetings[(visibility, status)].notes.all())


def client_of(user: Any | None) -> Client:
    """A test client logged in as ``user`` (None: a visitor)."""
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def make_user(username: str, **extra: Any) -> User:
    return User.objects.create_user(
        username=username, password=PASSWORD, display_name=username.title(), **extra
    )


def make_meeting(
    cell: Cell,
    *,
    status: str = MeetingStatus.PUBLISHED,
    points: int = 2,
    date: datetime.date | None = None,
    title: str = "Leadership in places",
    themes: list[Theme] | None = None,
) -> Meeting:
    meeting = Meeting.objects.create(
        cell=cell,
        date=date or datetime.date(2017, 11, 29),
        title=title,
        status=status,
        introduced_by="Richard Example",
    )
    for position in range(1, points + 1):
        note = Note.objects.create(
            meeting=meeting,
            position=position,
            heading=f"Point heading {position}",
            body=f"Discussion of {cell.name}, point {position}, about local councils.",
        )
        if themes:
            note.themes.set(themes)
    return meeting


def build_world() -> World:
    w = World()
    for persona in PERSONAS[1:]:
        w.users[persona] = make_user(
            persona, is_staff=persona in STAFF, is_superuser=persona == "superuser"
        )
    w.users["network_admin"].groups.add(ensure_network_admin_group())
    theme = Theme.objects.create(name="leadership", description="Who leads change.")
    for visibility in VISIBILITIES:
        cell = Cell.objects.create(
            name=f"{visibility.label.split(':')[0]} cell",
            slug=f"{visibility}-cell",
            visibility=visibility,
        )
        w.cells[visibility] = cell
        for status in STATUSES:
            w.meetings[(visibility, status)] = make_meeting(
                cell, status=status, title=f"{visibility} {status} meeting", themes=[theme]
            )
    w.other_cell = Cell.objects.create(
        name="Other cell", slug="other-cell", visibility=Visibility.PRIVATE
    )
    private = w.cells[Visibility.PRIVATE]
    Membership.objects.create(user=w.users["member"], cell=private, role=Role.MEMBER)
    Membership.objects.create(user=w.users["facilitator"], cell=private, role=Role.FACILITATOR)
    Membership.objects.create(user=w.users["other_member"], cell=w.other_cell, role=Role.MEMBER)
    return w


def can_read(persona: str, visibility: str, status: str) -> bool:
    """The reading rules of DESIGN.md, written out independently of the code."""
    if persona in STAFF:
        return True
    if status == MeetingStatus.DRAFT:
        return persona == "facilitator" and visibility == Visibility.PRIVATE
    if visibility == Visibility.PUBLIC:
        return True
    if visibility == Visibility.NETWORK:
        return persona != "anonymous"
    return persona in {"member", "facilitator"}


def can_edit(persona: str, visibility: str) -> bool:
    return persona in STAFF or (persona == "facilitator" and visibility == Visibility.PRIVATE)


@dataclass
class Library:
    world: World
    notes: dict[str, Note]

    def note(self, key: str) -> Note:
        return self.notes[key]


def _published_meeting(cell: Cell, date: str, title: str, introduced_by: str = "") -> Meeting:
    return Meeting.objects.create(
        cell=cell,
        date=datetime.date.fromisoformat(date),
        title=title,
        introduced_by=introduced_by,
        status=MeetingStatus.PUBLISHED,
    )


def build_library(world: World) -> Library:
    public, network, private = (world.cells[v] for v in ("public", "network", "private"))
    Theme.objects.create(name="systems change", slug="systems-change", description="Structures.")
    Theme.objects.create(name="prevention", slug="prevention", description="Acting early.")
    Theme.objects.create(name="co-production", slug="co-production")
    early = _published_meeting(public, "2016-05-10", "Coaching in hospitals", "Amara Okafor")
    later = _published_meeting(public, "2018-09-12", "Food pantries", "Ben Doyle")
    network_meeting = _published_meeting(network, "2017-11-29", "Budgets", "Amara Okafor")
    private_meeting = _published_meeting(private, "2018-01-15", "Ministers", "Chris Patel")
    specs = {
        "coaching": (
            early,
            1,
            "Coaching academies",
            "Front line teams redesigned services with patients in the room.",
            ["co-production"],
        ),
        "passing": (
            early,
            2,
            "",
            "Some coaching happened, and then the money ran out "
            "before anyone noticed the patients.",
            ["prevention"],
        ),
        "pantry": (
            later,
            1,
            "",
            "Residents run a food pantry and a homework club without the council.",
            ["co-production", "systems change"],
        ),
        "trust": (later, 2, "", 'Trust <b>matters</b> & "quotes" too: trust is built slowly.', []),
        "budget": (
            network_meeting,
            1,
            "",
            "Prevention budgets lose to acute services every year.",
            ["prevention", "systems change"],
        ),
        "secret": (
            private_meeting,
            1,
            "",
            "A confidential pantry of ministerial ideas about prevention.",
            ["prevention"],
        ),
    }
    notes = {}
    for key, (meeting, position, heading, body, themes) in specs.items():
        note = Note.objects.create(meeting=meeting, position=position, heading=heading, body=body)
        note.themes.set(themes)
        notes[key] = note
    return Library(world=world, notes=notes)


def edit_url(meeting: Meeting) -> str:
    return reverse("notes:meeting_edit", kwargs={"slug": meeting.cell.slug, "pk": meeting.pk})


def editor_data(
    points: list[dict[str, Any]], action: str = "save", version: int | None = None, **details: Any
) -> dict[str, Any]:
    data: dict[str, Any] = {
        "action": action,
        "date": "2019-03-03",
        "title": "Listening to residents",
        "introduced_by": "Dana Whitfield",
        "introduced_by_user": "",
        "guest_names": "",
        "venue": "Online",
        "points-TOTAL_FORMS": len(points),
        "points-INITIAL_FORMS": 0,
        "points-MIN_NUM_FORMS": 0,
        "points-MAX_NUM_FORMS": 1000,
    }
    data.update(details)
    if version is not None:
        data["record_version"] = version
    for index, point in enumerate(points):
        prefix = f"points-{index}-"
        data[prefix + "ORDER"] = point.get("order", index + 1)
        for name in ["id", "version", "heading", "body", "themes"]:
            data[prefix + name] = point.get(name, "")
        if point.get("delete"):
            data[prefix + "DELETE"] = "on"
        if point.get("accept"):
            data[prefix + "accept"] = point["accept"]
    return data


def existing_points(meeting: Meeting) -> list[dict[str, Any]]:
    return [
        {
            "id": note.pk,
            "version": note.version,
            "heading": note.heading,
            "body": note.body,
            "themes": ", ".join(note.themes.names()),
        }
        for note in meeting.notes.order_by("position")
    ]


def deliver_mail() -> list[int]:
    """Run the mail task for every queued mail, as the worker would; their ids."""
    from betterway.models import Mail
    from betterway.tasks import send_mail

    pending = list(Mail.objects.filter(sent_at__isnull=True).values_list("pk", flat=True))
    for mail_id in pending:
        send_mail(mail_id=mail_id)
    return pending


def html_part(message: Any) -> str:
    """The HTML alternative of a sent Django mail."""
    content, kind = message.alternatives[0]
    assert kind == "text/html"
    return str(content)


def link_in(text: Any, path_start: str) -> str:
    """The first link in a mail whose path starts with ``path_start``, as a path."""
    import re
    from urllib.parse import urlsplit

    for url in re.findall(r"https?://\S+", str(text)):
        path = urlsplit(url).path
        if path.startswith(path_start):
            return path
    raise AssertionError(f"no link to {path_start} in: {text}")


def database_url_of_tests() -> str:
    """A DATABASE_URL for the test database, for code run in another process."""
    return database_url()


def _manage_py(*arguments: str, **environment: str) -> subprocess.Popen[str]:
    """``manage.py`` in another process, on the test database."""
    env = {
        **os.environ,
        "DJANGO_DEBUG": "1",
        "DATABASE_URL": database_url_of_tests(),
        "DJANGO_SETTINGS_MODULE": "betterway.settings",
        **environment,
    }
    return subprocess.Popen(  # noqa: S603 - the test's own arguments
        [sys.executable, "manage.py", *arguments],
        cwd=Path(__file__).resolve().parents[1],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def run_worker(smtp_url: str) -> subprocess.Popen[str]:
    """A real worker process on the test database, sending to the test's SMTP server."""
    return _manage_py(
        "procrastinate", "worker", "--queues", "mail", "--one-shot", EMAIL_URL=smtp_url
    )


def run_queue(queue: str) -> str:
    """A real worker process runs the jobs waiting in ``queue``, then stops; its output."""
    worker = _manage_py("procrastinate", "worker", "--queues", queue, "--one-shot")
    output, _ = worker.communicate(timeout=120)
    assert worker.returncode == 0, output
    return output


def run_at_once(*arguments: str, times: int = 2) -> list[str]:
    """Run a management command in ``times`` processes at once; their outputs.

    Fails the test if any of them fails.
    """
    runs = [_manage_py(*arguments) for _ in range(times)]
    outputs = [run.communicate(timeout=120)[0] for run in runs]
    assert all(run.returncode == 0 for run in runs), outputs
    return outputs
