"""Fixtures for every test; the personas and builders live in tests/personas.py."""

from __future__ import annotations

import socket
from collections.abc import Callable, Iterator
from email import message_from_bytes
from email.message import EmailMessage
from email.policy import default as default_policy
from typing import Any

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.personas import Library, World, build_library, build_world


def pytest_configure(config: pytest.Config) -> None:
    # Tests serve static files from the source folders; the manifest storage
    # that needs collectstatic is exercised by tests/betterway/test_static.py.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    # Hashing test passwords slowly protects nothing and costs seconds per test.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # Tests see figures counted afresh, and count only their own queries; the
    # shared cache (a database table by default) has tests of its own.
    settings.STATS_CACHE_SECONDS = 0
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}


@pytest.fixture(autouse=True)
def _empty_cache(request: pytest.FixtureRequest) -> None:
    from django.core.cache import cache

    cache.clear()
    marker = request.node.get_closest_marker("django_db")
    if marker is not None and marker.kwargs.get("transaction"):
        # Servers these tests start share the test database's cache table,
        # which emptying the database between tests leaves as it was: a reader
        # or page cached for an earlier test's cells must not be served.
        request.getfixturevalue("transactional_db")
        with connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {settings.CACHE_TABLE}")  # noqa: S608 - a setting


@pytest.fixture
def world(db: None) -> World:
    return build_world()


@pytest.fixture
def library(world: World) -> Library:
    return build_library(world)


@pytest.fixture
def login(client: Any, world: World) -> Callable[[str], Any]:
    """Log the test client in as a persona (or leave it anonymous)."""

    def _login(persona: str) -> Any:
        if persona != "anonymous":
            client.force_login(world.users[persona])
        return client

    return _login


@pytest.fixture
def shared_cache(settings: Any) -> None:
    """Figures and rendered parts kept in the shared cache, as production keeps them."""
    settings.STATS_CACHE_SECONDS = 300


@pytest.fixture
def count_queries() -> Callable[[Any, str], int]:
    """Number of SQL queries one GET makes (asserting it answers 200)."""

    def _count(client: Any, url: str) -> int:
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        assert response.status_code == 200, url
        return len(queries)

    return _count


class SmtpInbox:
    """What a real SMTP server (aiosmtpd) started by the test received."""

    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []
        self.refuse = False
        self.url = ""

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        if self.refuse:
            return "451 Try again later"
        self.messages.append(message_from_bytes(envelope.content, policy=default_policy))
        return "250 Message accepted"


@pytest.fixture
def smtp_server(settings: Any) -> Iterator[SmtpInbox]:
    """A real SMTP server on loopback; Django's mail goes to it for the test."""
    from aiosmtpd.controller import Controller

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    inbox = SmtpInbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    inbox.url = f"smtp://127.0.0.1:{port}"
    try:
        yield inbox
    finally:
        controller.stop()


@pytest.fixture
def empty_queue(transactional_db: None) -> None:
    """Jobs live in procrastinate's own tables, which Django's test flush leaves alone."""
    with connection.cursor() as cursor:
        cursor.execute(
            "TRUNCATE procrastinate_jobs, procrastinate_workers, procrastinate_events, "
            "procrastinate_periodic_defers"
        )
