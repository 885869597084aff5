"""Shared fixtures: the named personas and the content they read.

Personas, in one place:
- anonymous: not logged in
- outsider: logged in, member of no cell
- other_member: member of another private cell only
- member: member of the private cell
- facilitator: facilitator of the private cell
- staff: a network administrator

Content: a public, a network and a private cell, each with a published and a
draft meeting carrying notes.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.test.utils import CaptureQueriesContext

from betterway.models import User
from cells.models import Cell, Meeting, MeetingStatus, Membership, Role, Visibility
from notes.models import Note, Theme

PASSWORD = "correct-horse-battery"
PERSONAS = ["anonymous", "outsider", "other_member", "member", "facilitator", "staff"]
VISIBILITIES = [Visibility.PUBLIC, Visibility.NETWORK, Visibility.PRIVATE]
STATUSES = [MeetingStatus.PUBLISHED, MeetingStatus.DRAFT]


def pytest_configure(config: pytest.Config) -> None:
    # Tests serve static files from the source folders; the manifest storage
    # that needs collectstatic is exercised by tests/betterway/test_static.py.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    # Hashing test passwords slowly protects nothing and costs seconds per test.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


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


def make_user(username: str, **extra: Any) -> User:
    return User.objects.create_user(
        username=username, password=PASSWORD, display_name=username.title(), **extra
    )


def make_meeting(cell: Cell, *, status: str = MeetingStatus.PUBLISHED, points: int = 2,
                 date: datetime.date | None = None, title: str = "Leadership in places",
                 themes: list[Theme] | None = None) -> Meeting:  # fmt: skip
    meeting = Meeting.objects.create(
        cell=cell, date=date or datetime.date(2017, 11, 29), title=title, status=status,
        introduced_by="Richard Example",
    )  # fmt: skip
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


@pytest.fixture
def world(db: None) -> World:
    w = World()
    for persona in PERSONAS[1:]:
        w.users[persona] = make_user(persona, is_staff=(persona == "staff"))
    theme = Theme.objects.create(name="leadership", description="Who leads change.")
    for visibility in VISIBILITIES:
        cell = Cell.objects.create(
            name=f"{visibility.label.split(':')[0]} cell", slug=f"{visibility}-cell",
            visibility=visibility,
        )  # fmt: skip
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
    if persona == "staff":
        return True
    if status == MeetingStatus.DRAFT:
        return persona == "facilitator" and visibility == Visibility.PRIVATE
    if visibility == Visibility.PUBLIC:
        return True
    if visibility == Visibility.NETWORK:
        return persona != "anonymous"
    return persona in {"member", "facilitator"}


def can_edit(persona: str, visibility: str) -> bool:
    return persona == "staff" or (persona == "facilitator" and visibility == Visibility.PRIVATE)


@pytest.fixture
def login(client: Any, world: World) -> Callable[[str], Any]:
    """Log the test client in as a persona (or leave it anonymous)."""

    def _login(persona: str) -> Any:
        if persona != "anonymous":
            client.force_login(world.users[persona])
        return client

    return _login


@pytest.fixture
def count_queries() -> Callable[[Any, str], int]:
    """Number of SQL queries one GET makes (asserting it answers 200)."""

    def _count(client: Any, url: str) -> int:
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        assert response.status_code == 200, url
        return len(queries)

    return _count
