"""Fixtures for every test; the personas and builders live in tests/personas.py."""

from __future__ import annotations

from collections.abc import Callable
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
    # Tests see figures counted afresh; the cache has tests of its own.
    settings.STATS_CACHE_SECONDS = 0


@pytest.fixture(autouse=True)
def _empty_cache() -> None:
    from django.core.cache import cache

    cache.clear()


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
def count_queries() -> Callable[[Any, str], int]:
    """Number of SQL queries one GET makes (asserting it answers 200)."""

    def _count(client: Any, url: str) -> int:
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        assert response.status_code == 200, url
        return len(queries)

    return _count
